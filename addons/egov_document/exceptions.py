# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class DocumentValidationError(ValidationError):
    pass


class DocumentStateError(UserError):
    pass


class DocumentAccessError(AccessError):
    pass


class DocumentFileError(ValidationError):
    pass


class DocumentWarning(UserWarning):
    pass
