# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Demo data: the sample catalog, processing flows, an e-form and a handful
of dossiers at the demo wards and city in different states.

Loaded by ``make run`` (``python -m trytond.modules.egov_procedure.demo
DB``) after the demo of egov_base and egov_signature, and by the tests;
never by installing the module."""
import datetime as dt
import io
import json
import os
import sys
from decimal import Decimal

from trytond.modules.egov_base.calendar import to_local, to_utc
from trytond.pool import Pool
from trytond.transaction import Transaction

DATA = os.path.join(os.path.dirname(__file__), 'data')
SAMPLE = os.path.join(DATA, 'procedures_sample.json')

BIRTH = '1.001193'
MARRIAGE = '1.000894'
HOUSEHOLD_BUSINESS = '1.001612'
COPY_CERTIFICATION = '2.000815'
RESIDENCE = '1.004222'

# E-form of the birth registration (Tờ khai đăng ký khai sinh, TT 04/2024)
BIRTH_FORM = [
    ('heading', 'phan_nguoi_khai', "Người yêu cầu", {}),
    ('text', 'ho_ten_nguoi_khai', "Họ, chữ đệm, tên người yêu cầu",
        {'required': True}),
    ('cccd', 'cccd_nguoi_khai', "Số định danh cá nhân", {'required': True}),
    ('selection', 'quan_he', "Quan hệ với người được khai sinh",
        {'required': True, 'options': "cha|Cha\nme|Mẹ\nong_ba|Ông, bà\n"
            "khac|Khác"}),
    ('heading', 'phan_tre', "Người được khai sinh", {}),
    ('text', 'ho_ten_tre', "Họ, chữ đệm, tên", {'required': True}),
    ('date', 'ngay_sinh', "Ngày, tháng, năm sinh",
        {'required': True, 'past': True}),
    ('selection', 'gioi_tinh', "Giới tính",
        {'required': True, 'options': "nam|Nam\nnu|Nữ"}),
    ('address', 'noi_sinh', "Nơi sinh", {'required': True}),
    ('boolean', 'co_yeu_to_nuoc_ngoai', "Cha hoặc mẹ là người nước ngoài",
        {}),
    ('text', 'quoc_tich_nuoc_ngoai', "Quốc tịch của cha hoặc mẹ",
        {'required': True, 'condition_field': 'co_yeu_to_nuoc_ngoai',
            'condition_value': 'yes'}),
    ]


def _ref(module, fs_id):
    return Pool().get('ir.model.data').get_id(module, fs_id)


def load_catalog():
    "Import the sample catalog; return the procedures by code"
    pool = Pool()
    Procedure = pool.get('egov.procedure')
    with open(SAMPLE, 'rb') as file:
        procedures = Procedure.import_catalog(
            file.read(), 'procedures_sample.json')
    return {p.code: p for p in procedures}


def load_form(procedure):
    "Create and publish the e-form of the procedure"
    pool = Pool()
    Form = pool.get('egov.procedure.form')
    Field = pool.get('egov.procedure.form.field')
    form = Form(procedure=procedure)
    form.fields_ = [Field(type=t, key=k, label=l, **extra)
        for t, k, l, extra in BIRTH_FORM]
    form.save()
    Form.publish([form])
    return form


def load_flows(procedures, agencies):
    """The flows of the demo: a commune procedure processed by the city's
    specialists and signed by its leader (the wards of the demo have
    one-stop officers only), and the default flow of the others"""
    pool = Pool()
    Flow = pool.get('egov.procedure.flow')
    Step = pool.get('egov.procedure.step')
    flows = []
    for procedure in procedures.values():
        deadline = procedure.deadline or Decimal(0)
        first = (deadline * Decimal('0.6')).quantize(Decimal('0.1'))
        flows.append(Flow(procedure=procedure, steps=[
                    Step(sequence=10, name="Thẩm định hồ sơ",
                        role='specialist', agency_kind='parent',
                        duration=first),
                    Step(sequence=20, name="Phê duyệt, ký kết quả",
                        role='leader', agency_kind='parent',
                        duration=deadline - first, sign=True),
                    ]))
    Flow.save(flows)
    receiving = [agencies['tanphu'], agencies['tanbinh'],
        agencies['dongxoai']]
    for procedure in procedures.values():
        procedure.agencies = receiving
    pool.get('egov.procedure').save(list(procedures.values()))
    return flows


def result_pdf(title, code, applicant):
    "A result document with the place of the leader's signature"
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from . import forms
    faces = forms.fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    regular = faces['normal']
    page.setFont(faces['bold'], 14)
    page.drawCentredString(297, 760, title.upper())
    page.setFont(regular, 12)
    page.drawString(72, 720, "Số hồ sơ: %s" % code)
    page.drawString(72, 700, "Cấp cho: %s" % applicant)
    page.drawString(380, 600, "CHỦ TỊCH")
    page.drawString(380, 540, "[CHU_KY_LANH_DAO]")
    page.showPage()
    page.save()
    return buffer.getvalue()


# (key, procedure code, agency key, applicant, CCCD, channel, target state,
# days ago received)
DOSSIERS = [
    ('submitted', BIRTH, 'tanphu', "Nguyễn Văn An", '074096000123',
        'online', 'submitted', None),
    ('received', COPY_CERTIFICATION, 'tanphu', "Trần Thị Bích",
        '074185000456', 'direct', 'received', 0),
    ('processing', HOUSEHOLD_BUSINESS, 'tanphu', "Lê Minh Cường",
        '070088000789', 'direct', 'processing', 1),
    ('late', RESIDENCE, 'tanbinh', "Phạm Thị Dung", '074190001122',
        'online', 'processing', 20),
    ('signature', MARRIAGE, 'tanphu', "Hoàng Văn Em", '074095003344',
        'direct', 'awaiting_signature', 0),
    ('returned', HOUSEHOLD_BUSINESS, 'tanphu', "Võ Thị Phượng",
        '074192005566', 'online', 'returned', 2),
    ('returned_late', RESIDENCE, 'tanbinh', "Đặng Văn Giang",
        '074087007788', 'direct', 'returned', 25),
    ]


def _party(name, cccd):
    pool = Pool()
    Party = pool.get('party.party')
    Identifier = pool.get('party.identifier')
    party = Party(name=name,
        identifiers=[Identifier(type='vn_cccd', code=cccd)])
    party.save()
    return party


def _as(login):
    pool = Pool()
    User = pool.get('res.user')
    user, = User.search([('login', '=', login)])
    return user


def load_dossiers(procedures, agencies, form):
    pool = Pool()
    Dossier = pool.get('egov.dossier')
    Component = pool.get('egov.dossier.component')
    Identity = pool.get('egov.signature.identity')
    transaction = Transaction()
    specialist = _as('chuyenvien.dongxoai')
    leader = _as('lanhdao.dongxoai')
    created = []
    for key, code, agency, name, cccd, channel, state, days in DOSSIERS:
        procedure = procedures[code]
        agency = agencies[agency]
        one_stop = _as('motcua.tanphu' if agency.place == "Tân Phú"
            else 'motcua.tanbinh')
        dossier = Dossier(
            procedure=procedure, company=agency, applicant=_party(name, cccd),
            applicant_kind='citizen', applicant_id_number=cccd,
            channel=channel, phone='0912345678',
            address="%s, %s" % ("Tổ 3, khu phố 2", agency.place))
        dossier.on_change_procedure()
        if channel == 'online':
            for component in dossier.components:
                component.file = result_pdf(component.name, '', name)
                component.filename = 'ho-so.pdf'
        if procedure == form.procedure:
            dossier.form = form
            dossier.form_data = json.dumps({
                    'ho_ten_nguoi_khai': name,
                    'cccd_nguoi_khai': cccd,
                    'quan_he': 'cha',
                    'ho_ten_tre': "Nguyễn Gia Bảo",
                    'ngay_sinh': (dt.date.today() - dt.timedelta(days=10)
                        ).isoformat(),
                    'gioi_tinh': 'nam',
                    'noi_sinh': {'province': 75, 'ward': 26068},
                    'co_yeu_to_nuoc_ngoai': False,
                    }, ensure_ascii=False)
        dossier.save()
        Component.save(dossier.components)
        with transaction.set_user(one_stop.id), transaction.set_context(
                company=agency.id, companies=[agency.id]):
            Dossier.submit([dossier])
            if state == 'submitted':
                created.append(dossier)
                continue
            Dossier.receive([dossier])
        if days:
            _move_back(dossier, days)
        if state == 'received':
            created.append(dossier)
            continue
        Dossier.write([dossier], {'next_assignee': specialist.id})
        Dossier.forward([dossier])
        if state == 'processing':
            created.append(dossier)
            continue
        Dossier.write([dossier], {
                'next_assignee': leader.id,
                'result_file': result_pdf(
                    procedure.results[0].name if procedure.results
                    else procedure.name, dossier.code, name),
                'result_filename': 'ket-qua-%s.pdf' % dossier.code,
                })
        Dossier.forward([dossier])
        if state == 'awaiting_signature':
            created.append(dossier)
            continue
        identities = Identity.search([
                ('user', '=', leader.id),
                ('key_storage', '=', 'software')], limit=1)
        with transaction.set_user(leader.id):
            if identities:
                Dossier(dossier.id).sign_with(identities[0], 'Demo#Egov2026')
            else:
                Dossier.write([dossier], {'state': 'result_issued'})
            Dossier.forward([dossier])
        with transaction.set_user(one_stop.id):
            dossier = Dossier(dossier.id)
            pool.get('egov.dossier.fee').pay(list(dossier.fees))
            Dossier.return_([dossier])
        if key == 'returned_late':
            _finish_late(dossier)
        Dossier(dossier.id).rate(
            'satisfied' if key == 'returned' else 'normal',
            "Cán bộ hướng dẫn tận tình." if key == 'returned' else None)
        created.append(dossier)
    Dossier.check_deadlines()
    return created


def _move_back(dossier, days):
    "Date the dossier's receipt days earlier (and its due date with it)"
    pool = Pool()
    Dossier = pool.get('egov.dossier')
    Process = pool.get('egov.dossier.process')
    delta = dt.timedelta(days=days)
    dossier = Dossier(dossier.id)
    received = to_utc(to_local(dossier.received_date).replace(
            hour=9, minute=0) - delta)
    Dossier.write([dossier], {
            'submitted_date': received - dt.timedelta(minutes=30),
            'received_date': received,
            })
    dossier = Dossier(dossier.id)
    Dossier.write([dossier], {'due_date': dossier.compute_due_date()})
    for process in dossier.processes:
        process.start = received
    Process.save(dossier.processes)


def _finish_late(dossier):
    "The city's late dossier: finished and returned after its due date"
    pool = Pool()
    Dossier = pool.get('egov.dossier')
    dossier = Dossier(dossier.id)
    finished = dossier.due_date + dt.timedelta(days=3)
    Dossier.write([dossier], {
            'finished_date': finished,
            'returned_date': finished + dt.timedelta(hours=2),
            'timing': 'late',
            })


# The dashboard of the demo leaders: figures and what waits for them
DASHBOARD = ['act_dashboard_chart', 'act_dashboard_to_sign',
    'act_dashboard_overdue']


def load_dashboards():
    "Put the statistics and the dossiers waiting on the leaders' dashboard"
    pool = Pool()
    Action = pool.get('dashboard.action')
    actions = []
    for login in ['lanhdao.dongxoai', 'lanhdao.ubndtinh']:
        users = pool.get('res.user').search([('login', '=', login)])
        for user in users:
            for sequence, fs_id in enumerate(DASHBOARD, 1):
                actions.append(Action(user=user, sequence=sequence,
                        act_window=_ref('egov_procedure', fs_id)))
    Action.save(actions)


def load_demo():
    "Load the demo catalog and dossiers; do nothing when already there"
    pool = Pool()
    Procedure = pool.get('egov.procedure')
    Company = pool.get('company.company')
    from trytond.modules.egov_base import demo as base_demo
    if Procedure.search([('code', '=', BIRTH)]):
        return False
    base_demo.load_demo()
    codes = {code: key for key, _, _, _, code, _ in base_demo.AGENCIES}
    agencies = {codes[c.agency_code]: c for c in Company.search([
                ('agency_code', 'in', list(codes))])}
    procedures = load_catalog()
    form = load_form(procedures[BIRTH])
    load_flows(procedures, agencies)
    load_dossiers(procedures, agencies, form)
    load_dashboards()
    return True


def main(argv=None):
    from trytond.modules.egov_base.demo import run
    run(load_demo, "Load the demo catalog and dossiers into DATABASE",
        "demo data loaded", "demo data already present", argv)


if __name__ == '__main__':
    sys.exit(main())
