# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, PartyCompanyCheckEraseMixin, create_company,
    create_employee)
from trytond.modules.egov_base.exceptions import (
    AgencyDeleteError, AgencyValidationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .access_tests import AccessTestMixin
from .calendar_tests import CalendarTestMixin
from .tools import TranslationTestMixin


class EgovBaseTestCase(
        CalendarTestMixin, AccessTestMixin, TranslationTestMixin,
        PartyCompanyCheckEraseMixin, CompanyTestMixin, ModuleTestCase):
    "Test egov_base module"
    module = 'egov_base'

    @property
    def _skip_company_rule(self):
        # Every official sees the whole tree of agencies: dossiers and
        # documents are routed to agencies outside one's own.
        return super()._skip_company_rule | {
            ('company.company', 'parent'),
            }

    @with_transaction()
    def test_agency_tree_and_subtree(self):
        "Agencies form a tree searchable by subtree"
        pool = Pool()
        Company = pool.get('company.company')
        province = create_company("UBND tỉnh")
        district = create_company("UBND huyện")
        district.parent = province
        district.save()
        commune = create_company("UBND xã")
        commune.parent = district
        commune.save()
        other = create_company("Sở Tư pháp")
        other.parent = province
        other.save()

        self.assertEqual(
            set(Company.search([('parent', 'child_of', [district.id])])),
            {district, commune})
        self.assertEqual(
            set(Company.get_subtree([province])),
            {province.id, district.id, commune.id, other.id})
        self.assertEqual(province.childs, (district, other))

    @with_transaction()
    def test_agency_cycle(self):
        "An agency cannot be placed under its own subordinate"
        province = create_company("UBND tỉnh")
        district = create_company("UBND huyện")
        district.parent = province
        district.save()
        province.parent = district
        with self.assertRaises(AgencyValidationError) as cm:
            province.save()
        self.assertIn("UBND tỉnh", cm.exception.message)

    @with_transaction()
    def test_agency_code(self):
        "The identification code is validated, normalised and unique"
        agency = create_company("Sở Tư pháp")
        for code in ['000.00.12.H10', 'H15.50.05.13', '000.01.31.H10']:
            agency.agency_code = code
            agency.save()
        agency.agency_code = ' 000.00.13.h10 '
        agency.save()
        self.assertEqual(agency.agency_code, '000.00.13.H10')
        for code in ['00012H10', '000.00.12', 'H10.21.05', '000-00-12-H10',
                'a.b.c.d',
                '000.00.12.H10.1.2']:
            agency.agency_code = code
            with self.subTest(code=code), \
                    self.assertRaises(AgencyValidationError):
                agency.save()
        agency.agency_code = '000.00.12.H10'
        agency.save()
        other = create_company("Sở Nội vụ")
        other.agency_code = '000.00.12.H10'
        with self.assertRaises(UserError):
            other.save()

    @with_transaction()
    def test_agency_notation(self):
        "The notation is a short upper-case code"
        agency = create_company("Sở Tư pháp")
        for notation in ['STP', 'UBND', 'VP', 'QLĐT']:
            agency.notation = notation
            agency.save()
        for notation in ['st p', 'stp', '-STP']:
            agency.notation = notation
            with self.subTest(notation=notation), \
                    self.assertRaises(AgencyValidationError):
                agency.save()

    @with_transaction()
    def test_agency_delete_used(self):
        "An agency with officials or subordinates cannot be deleted"
        pool = Pool()
        Company = pool.get('company.company')
        agency = create_company("UBND xã")
        create_employee(agency, "Cán bộ")
        with self.assertRaises(AgencyDeleteError) as cm:
            Company.delete([agency])
        self.assertIn("UBND xã", cm.exception.message)
        self.assertTrue(Company.search([('id', '=', agency.id)]))

        parent = create_company("UBND huyện")
        child = create_company("UBND xã 2")
        child.parent = parent
        child.save()
        with self.assertRaises(AgencyDeleteError):
            Company.delete([parent])

        # Deactivation is what is offered instead
        parent.active = False
        parent.save()
        self.assertFalse(Company.search([('id', '=', parent.id)]))

        unused = create_company("Đơn vị thử")
        Company.delete([unused])

    @with_transaction()
    def test_audit_trail(self):
        "Creating, changing and moving an agency is recorded, read-only"
        pool = Pool()
        Log = pool.get('egov.audit.log')
        province = create_company("UBND tỉnh")
        agency = create_company("UBND huyện")
        agency.notation = 'UBND'
        agency.save()
        agency.parent = province
        agency.save()
        actions = [(l.action, l.fields_changed) for l in agency.audit_logs]
        self.assertEqual(actions, [
                ('move', 'parent'),
                ('write', 'notation'),
                ('create', None),
                ])
        self.assertTrue(all(l.user.id == 0 or l.user for l in
                agency.audit_logs))

        with Transaction().set_context(_check_access=True), \
                self.assertRaises(AccessError):
            Log.write(list(agency.audit_logs), {'action': 'delete'})
        with Transaction().set_context(_check_access=True), \
                self.assertRaises(AccessError):
            Log.delete(list(agency.audit_logs))

    @with_transaction()
    def test_errors_in_vietnamese(self):
        "An official working in Vietnamese reads the errors in Vietnamese"
        import os
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        vi, = Lang.search([('code', '=', 'vi')])
        Lang.write([vi], {'translatable': True})
        locale = os.path.join(
            os.path.dirname(os.path.dirname(__file__)), 'locale')
        Translation.translation_import('vi', 'egov_base', [
                os.path.join(locale, 'vi.po'),
                os.path.join(locale, 'override', 'vi.po')])
        Translation._translation_cache.clear()
        pool.get('ir.message')._message_cache.clear()

        province = create_company("UBND tỉnh")
        district = create_company("UBND huyện")
        district.parent = province
        district.save()
        Company = pool.get('company.company')
        with Transaction().set_context(language='vi'):
            # Records keep the context they were read in
            province = Company(province.id)
            province.parent = district
            with self.assertRaises(AgencyValidationError) as cm:
                province.save()
            self.assertIn("Không thể đặt cơ quan", cm.exception.message)
            province.parent = None
            province.agency_code = 'sai'
            with self.assertRaises(AgencyValidationError) as cm:
                province.save()
            self.assertIn("Mã định danh", cm.exception.message)

        # Core strings are translated through locale/override
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        menu = ModelData.get_id('res', 'menu_res')
        with Transaction().set_context(language='vi'):
            self.assertEqual(Menu(menu).name, "Người dùng")


del ModuleTestCase
