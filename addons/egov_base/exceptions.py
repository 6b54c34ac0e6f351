# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class AgencyValidationError(ValidationError):
    pass


class AgencyDeleteError(UserError):
    pass


class AgencyScopeError(AccessError):
    pass


class CalendarValidationError(ValidationError):
    pass


class CalendarError(UserError):
    pass
