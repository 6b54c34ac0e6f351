# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.egov_base.tests.tools import TranslationTestMixin
from trytond.tests.test_tryton import ModuleTestCase

from .. import i18n


class EgovPortalTestCase(
        TranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test egov_portal module"
    module = 'egov_portal'

    def test_portal_texts_translated(self):
        "Every text of the portal's templates and code has its Vietnamese"
        self.assertEqual(i18n.missing('vi'), {})

    def test_portal_translations_keep_placeholders(self):
        "A translation keeps the placeholders of its source"
        import re
        placeholder = re.compile(r'%\(\w+\)s')
        wrong = {source: text for source, text in i18n.translations(
                'vi').items()
            if sorted(placeholder.findall(source))
            != sorted(placeholder.findall(text))}
        self.assertEqual(wrong, {})


del ModuleTestCase
