# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.pool import Pool

from . import page, procedure, user

__all__ = ['register']


def register():
    Pool.register(
        procedure.Procedure,
        user.User,
        page.Page,
        page.PageBlock,
        page.PageBlockProcedure,
        module='egov_portal', type_='model')
    # The routes are declared when the module is imported by the pool
    from . import (  # noqa: F401
        account, dossiers, pages, routes, statistics, submission)
