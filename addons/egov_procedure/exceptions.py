# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ProcedureValidationError(ValidationError):
    pass


class CatalogImportError(UserError):
    pass


class EFormError(ValidationError):
    pass


class DossierValidationError(ValidationError):
    pass


class DossierStateError(UserError):
    pass


class DossierAccessError(AccessError):
    pass


class DossierFileError(ValidationError):
    pass
