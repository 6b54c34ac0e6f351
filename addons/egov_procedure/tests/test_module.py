# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.modules.company.model import CompanyMultiValueMixin
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.egov_base.tests.tools import TranslationTestMixin
from trytond.pool import Pool, isregisteredby
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .access_tests import AccessTestMixin
from .dossier_tests import DossierTestMixin
from .report_tests import ReportTestMixin


class EgovProcedureTestCase(
        DossierTestMixin, AccessTestMixin, ReportTestMixin,
        TranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test egov_procedure module"
    module = 'egov_procedure'

    # The applicant of a dossier is read without the dossier's agency as
    # company context: a list of dossiers of many agencies would read each
    # applicant on its own (80 queries for a page), and no value of a party
    # that the platform uses depends on the company.
    _skip_company_multivalue_context = {('egov.dossier', 'applicant')}

    @with_transaction()
    def test_company_multivalue_context(self):
        "Test context of company multivalue target"
        pool = Pool()
        Company = pool.get('company.company')
        for mname, model in pool.iterobject():
            if (not isregisteredby(model, self.module)
                    or issubclass(model, Company)):
                continue
            if not any(f._type == 'many2one'
                    and issubclass(f.get_target(), Company)
                    for f in model._fields.values()):
                continue
            for fname, field in model._fields.items():
                if ((mname, fname) in self._skip_company_multivalue_context
                        or not hasattr(field, 'get_target')):
                    continue
                if issubclass(field.get_target(), CompanyMultiValueMixin):
                    self.assertIn('company', list(field.context.keys()),
                        msg='Missing company in "%s"."%s" context' % (
                            mname, fname))

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
            # The counters behind the figures: no one reads them but the
            # statistics (and administrators)
            ('egov.dossier.statistic.line', 'company'),
            }


del ModuleTestCase
