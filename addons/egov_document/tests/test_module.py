# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.egov_base.tests.tools import TranslationTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EgovDocumentTestCase(
        TranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test egov_document module"
    module = 'egov_document'

    @property
    def _skip_company_rule(self):
        # The agencies themselves (their flag of the check of form)
        return super()._skip_company_rule | {('company.company', 'parent')}


del ModuleTestCase
