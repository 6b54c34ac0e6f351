# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.egov_base.tests.tools import TranslationTestMixin
from trytond.tests.test_tryton import ModuleTestCase

from .access_tests import AccessTestMixin
from .dossier_tests import DossierTestMixin
from .report_tests import ReportTestMixin


class EgovProcedureTestCase(
        DossierTestMixin, AccessTestMixin, ReportTestMixin,
        TranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test egov_procedure module"
    module = 'egov_procedure'

    @property
    def _skip_company_rule(self):
        return super()._skip_company_rule | {
            # Where a dossier is now: it stays visible to the agencies
            # that took part (rule on participants beside the company)
            ('egov.dossier', 'current_agency'),
            # Dossiers are seen through their participants, which hold the
            # receiving agency from creation: one rule reads as a
            # semi-join, an OR with the company does not
            ('egov.dossier', 'company'),
            # The control sheet and the flows follow their dossier or
            # procedure, whose rules apply
            ('egov.dossier.process', 'agency'),
            ('egov.procedure.flow', 'agency'),
            ('egov.procedure.step', 'agency'),
            # The figures are read down the tree: a city's leader follows
            # its wards (rule on company child_of companies)
            ('egov.dossier.statistic', 'company'),
            }


del ModuleTestCase
