# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Citizens and businesses: the citizen identity number (CCCD) as a party
identifier beside the tax code (vn_mst) that Tryton already knows."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.pool import PoolMeta

from . import eform

CCCD = ('vn_cccd', "Vietnam Citizen Identity Number")


class Configuration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if CCCD not in cls.identifier_types.selection:
            cls.identifier_types.selection.append(CCCD)


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @fields.depends('type', 'party', 'code')
    def check_code(self):
        super().check_code()
        if self.type == CCCD[0] and not eform.is_valid_cccd(self.code):
            raise InvalidIdentifierCode(gettext(
                    'egov_procedure.msg_dossier_cccd_invalid',
                    number=self.code))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    dossiers = fields.One2Many(
        'egov.dossier', 'applicant', "Dossiers", readonly=True)
