# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""What each role of the demo province can and cannot see or do."""
from trytond.model.exceptions import AccessError
from trytond.modules.egov_base.demo import load_demo
from trytond.modules.egov_base.exceptions import AgencyScopeError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import as_user


class AccessTestMixin:

    def setup_demo(self):
        load_demo()
        pool = Pool()
        Company = pool.get('company.company')
        self.agency = {c.agency_code: c for c in Company.search([])}

    def agency_by_name(self, name):
        pool = Pool()
        Company = pool.get('company.company')
        agency, = Company.search([('party.name', '=', name)])
        return agency

    @with_transaction()
    def test_officer_sees_own_agency_only(self):
        "An officer of Tân Phú sees none of Tân Bình's records"
        pool = Pool()
        Employee = pool.get('company.employee')
        Calendar = pool.get('egov.calendar')
        Log = pool.get('egov.audit.log')
        self.setup_demo()
        tanphu = self.agency_by_name("Ủy ban nhân dân phường Tân Phú")
        tanbinh = self.agency_by_name("Ủy ban nhân dân phường Tân Bình")
        calendar_tb, = Calendar.create([{
                    'name': "Lịch Tân Bình", 'company': tanbinh.id}])
        employee_tb, = Employee.search([
                ('company', '=', tanbinh.id),
                ('party.name', '=', "Lê Văn Bình"),
                ])

        with as_user('motcua.tanphu'):
            employees = Employee.search([])
            self.assertTrue(employees)
            self.assertEqual({e.company for e in employees}, {tanphu})
            self.assertFalse(
                Employee.search([('id', '=', employee_tb.id)]))
            with self.assertRaises(AccessError):
                Employee.read([employee_tb.id], ['party'])
            calendars = Calendar.search([])
            self.assertNotIn(calendar_tb, calendars)
            self.assertIn(Calendar.get_default(), calendars)
            self.assertFalse(Log.search([('company', '=', tanbinh.id)]))
            self.assertTrue(Log.search([('company', '=', tanphu.id)]))

        with as_user('motcua.tanbinh'):
            self.assertEqual(
                {e.company for e in Employee.search([])}, {tanbinh})
            self.assertIn(calendar_tb, Calendar.search([]))

    @with_transaction()
    def test_officer_cannot_manage_officials(self):
        "A one-stop officer creates no account and changes no calendar"
        pool = Pool()
        User = pool.get('res.user')
        Calendar = pool.get('egov.calendar')
        self.setup_demo()
        with as_user('motcua.tanphu'):
            with self.assertRaises(AccessError):
                User.create([{'login': 'x', 'name': "X"}])
            with self.assertRaises(AccessError):
                Calendar.write([Calendar.get_default()], {'name': "Sửa"})

    @with_transaction()
    def test_agency_admin_within_agencies(self):
        "quantri.dongxoai creates an official of Tân Phú ward"
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        ModelData = pool.get('ir.model.data')
        self.setup_demo()
        tanphu = self.agency_by_name("Ủy ban nhân dân phường Tân Phú")
        one_stop = ModelData.get_id('egov_base', 'role_one_stop')
        group = ModelData.get_id('egov_base', 'group_egov_one_stop')

        with as_user('quantri.dongxoai'):
            party, = Party.create([{'name': "Ngô Thị Lan"}])
            employee, = Employee.create([{
                        'party': party.id, 'company': tanphu.id}])
            user, = User.create([{
                        'login': 'motcua2.tanphu',
                        'name': "Ngô Thị Lan",
                        'companies': [('add', [tanphu.id])],
                        'company': tanphu.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        'roles': [('create', [{'role': one_stop}])],
                        }])
            self.assertIn(group, [g.id for g in User(user.id).groups])
            User.write([user], {'name': "Ngô Thị Lan Anh"})

        actions = [l.action for l in User(user.id).audit_logs]
        self.assertEqual(actions[0], 'write')
        self.assertIn('create', actions)
        self.assertTrue(all(
                l.user.login == 'quantri.dongxoai'
                for l in User(user.id).audit_logs))

    @with_transaction()
    def test_agency_admin_refused_outside(self):
        "quantri.dongxoai is refused for the Department of Justice"
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        ModelData = pool.get('ir.model.data')
        self.setup_demo()
        justice = self.agency_by_name("Sở Tư pháp")
        tanphu = self.agency_by_name("Ủy ban nhân dân phường Tân Phú")
        clerk, = User.search([('login', '=', 'vanthu.ubndtinh')])
        province_role = ModelData.get_id('egov_base', 'role_province_admin')
        admin_group = ModelData.get_id('res', 'group_admin')

        with as_user('quantri.dongxoai'):
            with self.assertRaises(AccessError):
                User.create([{
                            'login': 'chuyenvien.stp', 'name': "Chuyên viên",
                            'companies': [('add', [justice.id])],
                            'company': justice.id,
                            }])
            with self.assertRaises(AgencyScopeError) as cm:
                User.create([{
                            'login': 'chuyenvien2.stp', 'name': "Chuyên viên",
                            'companies': [('add', [tanphu.id, justice.id])],
                            'company': tanphu.id,
                            }])
            self.assertIn("Sở Tư pháp", cm.exception.message)
            party, = Party.create([{'name': "Người ngoài"}])
            with self.assertRaises(AccessError):
                Employee.create([{
                            'party': party.id, 'company': justice.id}])
            with self.assertRaises(AccessError):
                User.write([clerk], {'name': "Đổi tên"})
            with self.assertRaises(AgencyScopeError):
                User.create([{
                            'login': 'quantri2', 'name': "Quản trị",
                            'companies': [('add', [tanphu.id])],
                            'company': tanphu.id,
                            'roles': [('create', [{'role': province_role}])],
                            }])
            with self.assertRaises(AgencyScopeError):
                User.create([{
                            'login': 'quantri3', 'name': "Quản trị",
                            'companies': [('add', [tanphu.id])],
                            'company': tanphu.id,
                            'groups': [('add', [admin_group])],
                            }])

    @with_transaction()
    def test_province_admin_manages_all(self):
        "The province administrator creates officials anywhere"
        pool = Pool()
        User = pool.get('res.user')
        Company = pool.get('company.company')
        self.setup_demo()
        justice = self.agency_by_name("Sở Tư pháp")
        with as_user('admin'):
            user, = User.create([{
                        'login': 'chuyenvien.stp', 'name': "Chuyên viên",
                        'companies': [('add', [justice.id])],
                        'company': justice.id,
                        }])
            self.assertTrue(user.id)
            self.assertEqual(len(Company.search([])), 12)

    @with_transaction()
    def test_agency_admin_calendars(self):
        "Agency administrators keep their own calendars, not the province's"
        pool = Pool()
        Calendar = pool.get('egov.calendar')
        self.setup_demo()
        tanphu = self.agency_by_name("Ủy ban nhân dân phường Tân Phú")
        justice = self.agency_by_name("Sở Tư pháp")
        with as_user('quantri.dongxoai'):
            calendar, = Calendar.create([{
                        'name': "Lịch Tân Phú", 'company': tanphu.id}])
            Calendar.write([calendar], {'name': "Lịch phường Tân Phú"})
            with self.assertRaises(AccessError):
                Calendar.write([Calendar.get_default()], {'name': "Sửa"})
            with self.assertRaises(AccessError):
                Calendar.create([{
                            'name': "Lịch STP", 'company': justice.id}])
        with as_user('admin'):
            Calendar.write([Calendar.get_default()], {
                    'name': "Lịch làm việc của tỉnh"})

    @with_transaction()
    def test_demo_accounts(self):
        "The demo accounts have their roles, agencies and Vietnamese"
        pool = Pool()
        User = pool.get('res.user')
        self.setup_demo()
        self.assertFalse(load_demo())
        for login, agency in [
                ('motcua.tanphu', "Ủy ban nhân dân phường Tân Phú"),
                ('lanhdao.dongxoai',
                    "Ủy ban nhân dân thành phố Đồng Xoài"),
                ('vanthu.ubndtinh', "Văn phòng Ủy ban nhân dân tỉnh"),
                ('lanhdao.ubndtinh', "Ủy ban nhân dân tỉnh Bình Phước"),
                ]:
            user, = User.search([('login', '=', login)])
            self.assertEqual(user.company.party.name, agency)
            self.assertEqual(user.language.code, 'vi')
            self.assertTrue(user.roles)
            self.assertTrue(user.employee.position)
            self.assertEqual(
                User.get_login(login, {'password': 'Demo#Egov2026'}),
                user.id)
