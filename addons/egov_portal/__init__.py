# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.

# The portal's routes are declared when trytond imports the module (the
# models are registered in tryton.cfg)
from . import (  # noqa: F401
    account, dossiers, pages, routes, statistics, submission)
