# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.egov_base.tests.tools import TranslationTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EgovDocumentTestCase(
        TranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test egov_document module"
    module = 'egov_document'


del ModuleTestCase
