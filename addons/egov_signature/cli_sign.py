# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"python -m trytond.modules.egov_signature.cli_sign: the egov-sign command"
import sys

from .cli import sign_main

if __name__ == '__main__':
    sys.exit(sign_main())
