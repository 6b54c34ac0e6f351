# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
import re

from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.egov_base.tests.tools import TranslationTestMixin
from trytond.modules.egov_procedure.tests import test_module as procedure_tests
from trytond.tests.test_tryton import ModuleTestCase

from .. import i18n

PLACEHOLDER = re.compile(r'%\(\w+\)s')


class EgovPortalTestCase(
        TranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test egov_portal module"
    module = 'egov_portal'

    # egov_portal extends egov.dossier: the exceptions that egov_procedure
    # declares for it hold here too (see its tests for the reasons)
    _skip_company_multivalue_context = (
        procedure_tests.EgovProcedureTestCase
        ._skip_company_multivalue_context)
    test_company_multivalue_context = (
        procedure_tests.EgovProcedureTestCase
        .test_company_multivalue_context)

    @property
    def _skip_company_rule(self):
        return super()._skip_company_rule | {
            ('egov.dossier', 'current_agency'),
            ('egov.dossier', 'company'),
            }

    def test_portal_texts_translated(self):
        "Every text of the portal's templates and code has its Vietnamese"
        self.assertEqual(i18n.missing('vi'), {})

    def test_portal_translations_keep_placeholders(self):
        "A translation keeps the placeholders of its source"
        wrong = {source: text for source, text in i18n.translations(
                'vi').items()
            if sorted(PLACEHOLDER.findall(source))
            != sorted(PLACEHOLDER.findall(text))}
        self.assertEqual(wrong, {})


del ModuleTestCase
