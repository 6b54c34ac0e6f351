# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"python -m trytond.modules.egov_signature.cli_agent: egov-sign-agent"
import sys

from .cli import agent_main

if __name__ == '__main__':
    sys.exit(agent_main())
