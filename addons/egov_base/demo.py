# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Demo data: the agencies of the seed's province and one account per role.

Loaded by ``make run`` (``python -m trytond.modules.egov_base.demo DB``) and
by the tests, never by installing the module: a production database starts
without any of it.
"""
import argparse
import sys

from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError

PASSWORD = 'Demo#Egov2026'
PROVINCE_CODE = '000.00.00.H10'

# (key, parent key, level, name, identification code, notation)
AGENCIES = [
    ('ubnd_tinh', None, 'province',
        "Ủy ban nhân dân tỉnh Bình Phước", PROVINCE_CODE, 'UBND'),
    ('vp_ubnd_tinh', 'ubnd_tinh', 'department',
        "Văn phòng Ủy ban nhân dân tỉnh", '000.00.01.H10', 'VP'),
    ('ttphvhcc', 'ubnd_tinh', 'unit',
        "Trung tâm Phục vụ hành chính công tỉnh", '000.00.02.H10',
        'TTPVHCC'),
    ('snv', 'ubnd_tinh', 'department',
        "Sở Nội vụ", '000.00.10.H10', 'SNV'),
    ('stp', 'ubnd_tinh', 'department',
        "Sở Tư pháp", '000.00.12.H10', 'STP'),
    ('stttt', 'ubnd_tinh', 'department',
        "Sở Thông tin và Truyền thông", '000.00.13.H10', 'STTTT'),
    ('dongxoai', 'ubnd_tinh', 'district',
        "Ủy ban nhân dân thành phố Đồng Xoài", '000.00.31.H10', 'UBND'),
    ('tanphu', 'dongxoai', 'commune',
        "Ủy ban nhân dân phường Tân Phú", '000.01.31.H10', 'UBND'),
    ('tanbinh', 'dongxoai', 'commune',
        "Ủy ban nhân dân phường Tân Bình", '000.02.31.H10', 'UBND'),
    ('dongphu', 'ubnd_tinh', 'district',
        "Ủy ban nhân dân huyện Đồng Phú", '000.00.32.H10', 'UBND'),
    ('tanlap', 'dongphu', 'commune',
        "Ủy ban nhân dân xã Tân Lập", '000.01.32.H10', 'UBND'),
    ('thuanphu', 'dongphu', 'commune',
        "Ủy ban nhân dân xã Thuận Phú", '000.02.32.H10', 'UBND'),
    ]

# The place name of the agencies' documents (Decree 30/2020, appendix I):
# the province's for its agencies, the city's, district's or commune's own
PLACES = {
    'dongxoai': "Đồng Xoài",
    'tanphu': "Tân Phú",
    'tanbinh': "Tân Bình",
    'dongphu': "Đồng Phú",
    'tanlap': "Tân Lập",
    'thuanphu': "Thuận Phú",
    }

# (login, full name, agency keys (first is the main one), role, position)
USERS = [
    ('quantri.dongxoai', "Nguyễn Văn Quản",
        ['dongxoai', 'tanphu', 'tanbinh'], 'role_agency_admin',
        'position_it'),
    ('motcua.tanphu', "Trần Thị Mai", ['tanphu'], 'role_one_stop',
        'position_one_stop'),
    ('motcua.tanbinh', "Lê Văn Bình", ['tanbinh'], 'role_one_stop',
        'position_one_stop'),
    ('chuyenvien.dongxoai', "Phạm Thị Hoa", ['dongxoai'],
        'role_specialist', 'position_specialist'),
    ('lanhdao.dongxoai', "Hoàng Văn Đức", ['dongxoai'], 'role_leader',
        'position_vice_chairman'),
    ('vanthu.ubndtinh', "Đỗ Thị Thu", ['vp_ubnd_tinh'], 'role_clerk',
        'position_clerk'),
    ('lanhdao.ubndtinh', "Võ Minh Tâm", ['ubnd_tinh'], 'role_leader',
        'position_chairman'),
    ]


def _currency():
    Currency = Pool().get('currency.currency')
    currencies = Currency.search([('code', '=', 'VND')], limit=1)
    if currencies:
        return currencies[0]
    currency = Currency(
        name="Đồng Việt Nam", code='VND', numeric_code='704', symbol='₫',
        digits=0, rounding=1)
    currency.save()
    return currency


def load_demo():
    "Create the demo agencies and accounts; do nothing when already there"
    pool = Pool()
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    User = pool.get('res.user')
    UserRole = pool.get('res.user.role')
    Level = pool.get('egov.agency.level')
    ModelData = pool.get('ir.model.data')
    Lang = pool.get('ir.lang')

    if Company.search([('agency_code', '=', PROVINCE_CODE)]):
        return False

    vi, = Lang.search([('code', '=', 'vi')])
    if not vi.translatable:
        Lang.write([vi], {'translatable': True})
    currency = _currency()
    levels = {l.code: l for l in Level.search([])}
    agencies = {}
    for key, parent, level, name, code, notation in AGENCIES:
        party = Party(name=name, lang=vi)
        party.save()
        agency = Company(
            party=party, currency=currency, timezone='Asia/Ho_Chi_Minh',
            parent=agencies.get(parent), level=levels[level],
            agency_code=code, notation=notation,
            place=PLACES.get(key, "Bình Phước"))
        agency.save()
        agencies[key] = agency

    def ref(fs_id, module='egov_base'):
        return ModelData.get_id(module, fs_id)

    admin = User(ref('user_admin', 'res'))
    admin.password = PASSWORD
    admin.language = vi
    admin.companies = list(agencies.values())
    admin.company = agencies['ubnd_tinh']
    admin.company_filter = 'all'
    admin.groups = list(admin.groups) + [
        ref('group_egov_province_admin')]
    admin.save()

    for login, name, keys, role, position in USERS:
        party = Party(name=name, lang=vi)
        party.save()
        employees = [Employee(
                party=party, company=agencies[k],
                position=ref(position)) for k in keys]
        Employee.save(employees)
        user = User(
            login=login, name=name, password=PASSWORD, language=vi,
            companies=[agencies[k] for k in keys],
            company=agencies[keys[0]],
            employees=employees, employee=employees[0],
            company_filter='all' if len(keys) > 1 else 'one',
            roles=[UserRole(role=ref(role))])
        user.save()
    return True


def run(load, description, loaded, present, argv=None):
    """Run load in a transaction of the database given on the command line
    and say whether it loaded anything (the demos of every module)"""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('database')
    args = parser.parse_args(argv)
    pool = Pool(args.database)
    pool.init()
    extras = {}
    while True:
        # Started again when it must lock records first, as requests are
        with Transaction().start(
                args.database, 0, readonly=False, **extras) as transaction:
            try:
                with Transaction().set_context(language='vi'):
                    created = load()
            except TransactionError as exception:
                transaction.rollback()
                exception.fix(extras)
                continue
        break
    print(loaded if created else present)


def main(argv=None):
    run(load_demo, "Load the demo agencies and accounts into DATABASE",
        "demo data loaded", "demo data already present", argv)


if __name__ == '__main__':
    sys.exit(main())
