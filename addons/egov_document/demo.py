# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Demo data: the registers and a handful of official documents of the
provincial People's Committee, received and issued by the clerk of its
office (văn thư Văn phòng UBND tỉnh) as she does it in the client: in her
session, with the agency as company, so that the record rules, the
buttons' groups and the numbering of the registers run as in real use.

Incoming: an official letter of the Ministry of Home Affairs (received a
second time on paper: flagged as a duplicate), a submission of the
Department of Justice, an urgent letter of the Government Office and a
confidential report that only the chairman and the clerk read, each with
the PDF received.  Outgoing, drafted by the clerk, approved by the chairman
in his own session and issued: a decision, a plan that the city of Đồng
Xoài and the district of Đồng Phú receive on the platform (registered at
once in their incoming registers) and an official letter drafted by the
culture and society unit (``…/UBND-VX``).  Being drafted: working rules in
their second version, on which the chairman and the city of Đồng Xoài are
asked for their opinion (the city has answered), and a plan waiting for
the office's check of form.

Loaded by ``make run`` (``python -m trytond.modules.egov_document.demo
DB``) after the demo of egov_base, never by installing the module."""
import datetime as dt
import io
import sys
import textwrap
from contextlib import contextmanager

from trytond.pool import Pool
from trytond.transaction import Transaction

from .document import now

CLERK = 'vanthu.ubndtinh'
LEADER = 'lanhdao.ubndtinh'
# The clerk of the office registers and issues the documents of the
# People's Committee itself (Decree 30/2020, art. 3: văn thư cơ quan)
AGENCY = 'ubnd_tinh'

RECIPIENTS_QD = """- Văn phòng Chính phủ (Cục Kiểm soát TTHC);
- Bộ Tư pháp;
- TT. Tỉnh ủy, TT. HĐND tỉnh;
- CT, các PCT UBND tỉnh;
- Sở Tư pháp;
- UBND các huyện, thị xã, thành phố;
- Lưu: VT, KSTT."""
RECIPIENTS_KH = """- Bộ Khoa học và Công nghệ;
- TT. Tỉnh ủy, TT. HĐND tỉnh;
- CT, các PCT UBND tỉnh;
- Các sở, ban, ngành tỉnh;
- UBND các huyện, thị xã, thành phố;
- Lưu: VT, KGVX."""
RECIPIENTS_CV = """- Như trên;
- CT, PCT UBND tỉnh;
- Lưu: VT, VX."""

# (key, type code or None for an official letter, number, notation,
# issuer, days before today, abstract, signer's position, signer, other
# values)
INCOMING = [
    ('bnv', None, 1520, 'BNV-CCHC', "Bộ Nội vụ", 6,
        "V/v hướng dẫn xác định Chỉ số cải cách hành chính năm 2026 của "
        "các bộ, cơ quan ngang bộ, Ủy ban nhân dân các tỉnh, thành phố "
        "trực thuộc trung ương",
        "Thứ trưởng", "Nguyễn Văn Hải", {
            'signer_authority': 'KT.',
            'place': "Hà Nội",
            'handler': "Sở Nội vụ",
            }),
    ('stp', 'TTr', 45, 'TTr-STP', "Sở Tư pháp", 3,
        "Về việc đề nghị công bố danh mục thủ tục hành chính được chuẩn "
        "hóa thuộc phạm vi chức năng quản lý của Sở Tư pháp",
        "Giám đốc", "Lê Thị Hồng", {
            'place': "Bình Phước",
            'handler': "Phòng Kiểm soát thủ tục hành chính",
            }),
    ('vpcp', None, 2105, 'VPCP-KSTT', "Văn phòng Chính phủ", 1,
        "V/v rà soát, cắt giảm thủ tục hành chính liên quan đến hoạt động "
        "sản xuất, kinh doanh",
        "Chủ nhiệm", "Trần Văn Sơn", {
            'urgency': 'very_urgent',
            'place': "Hà Nội",
            'handler': "Phòng Kiểm soát thủ tục hành chính",
            }),
    ('bnv_again', None, 1520, 'BNV-CCHC', "Bộ Nội vụ", 6,
        "V/v hướng dẫn xác định Chỉ số cải cách hành chính năm 2026 của "
        "các bộ, cơ quan ngang bộ, Ủy ban nhân dân các tỉnh, thành phố "
        "trực thuộc trung ương",
        "Thứ trưởng", "Nguyễn Văn Hải", {
            'signer_authority': 'KT.',
            'place': "Hà Nội",
            'notes': "Bản giấy gửi qua đường bưu điện, đã nhận bản điện "
            "tử trước đó.",
            }),
    ('secret', 'BC', 15, 'BC-CAT', "Công an tỉnh Bình Phước", 2,
        "Tình hình an ninh chính trị, trật tự an toàn xã hội tháng 10 "
        "năm 2026",
        "Giám đốc", "Phạm Quốc Toàn", {
            'classification': 'confidential',
            'return_after_reading': True,
            'place': "Bình Phước",
            'handler': "Chủ tịch UBND tỉnh",
            }),
    ]

# (key, type code or None, drafting unit, abstract, signing authority,
# signer's position, signer, recipients, copies, unit keeping the file copy,
# recipient agencies on the platform)
OUTGOING = [
    ('qd', 'QĐ', None,
        "Về việc công bố danh mục thủ tục hành chính được chuẩn hóa thuộc "
        "phạm vi chức năng quản lý của Sở Tư pháp tỉnh Bình Phước",
        'TM.', "Chủ tịch", "Võ Minh Tâm", RECIPIENTS_QD, 12,
        "Phòng Kiểm soát thủ tục hành chính", []),
    ('kh', 'KH', None,
        "Kế hoạch chuyển đổi số tỉnh Bình Phước năm 2026",
        'KT.', "Phó Chủ tịch", "Nguyễn Thị Lan", RECIPIENTS_KH, 80,
        "Phòng Khoa giáo - Văn xã", ['dongxoai', 'dongphu']),
    ('cv', None, 'VX',
        "V/v tăng cường công tác phòng, chống dịch bệnh sốt xuất huyết "
        "trên địa bàn tỉnh",
        'KT.', "Phó Chủ tịch", "Nguyễn Thị Lan",
        "- Sở Y tế;\n- UBND các huyện, thị xã, thành phố;\n"
        + RECIPIENTS_CV, 20, "Phòng Khoa giáo - Văn xã", []),
    ]


# The titles of the types of the received documents
TITLES = {'TTr': "TỜ TRÌNH", 'BC': "BÁO CÁO"}
MARKS = {'confidential': "MẬT", 'very_urgent': "THƯỢNG KHẨN"}


def received_pdf(code, type_code, date, values):
    """The PDF of a received document: its header, number, place and date,
    title, abstract and signature as Decree 30 lays them out"""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from trytond.modules.egov_signature.fonts import serif_family
    faces = serif_family()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(code)
    page.setFont(faces['bold'], 12)
    page.drawCentredString(150, 790, values['issuer'].upper())
    page.drawCentredString(400, 790, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.drawCentredString(400, 774, "Độc lập - Tự do - Hạnh phúc")
    page.setFont(faces['normal'], 12)
    page.drawCentredString(150, 768, "Số: %s" % code)
    page.setFont(faces['italic'], 12)
    # Days under 10 and months under 3 take a leading zero (Decree 30)
    page.drawCentredString(400, 748, "%s, ngày %02d tháng %s năm %d" % (
            values['place'], date.day,
            '%02d' % date.month if date.month < 3 else date.month,
            date.year))
    page.setFont(faces['bold'], 13)
    for y, field in [(730, 'classification'), (714, 'urgency')]:
        if values.get(field):
            page.drawString(90, y, MARKS[values[field]])
    title = TITLES.get(type_code)
    y = 680
    if title:
        page.setFont(faces['bold'], 14)
        page.drawCentredString(297, y, title)
        page.setFont(faces['bold'], 12)
        for line in textwrap.wrap(values['abstract'], 70):
            y -= 18
            page.drawCentredString(297, y, line)
    else:
        # An official letter: its abstract under the number
        page.setFont(faces['normal'], 11)
        for i, line in enumerate(textwrap.wrap(values['abstract'], 40)):
            page.drawCentredString(150, 750 - 14 * i, line)
    page.setFont(faces['normal'], 13)
    page.drawString(90, y - 40, "(Nội dung văn bản)")
    page.setFont(faces['bold'], 12)
    position = ' '.join(filter(None, [
                values.get('signer_authority'), values['signer_position']]))
    page.drawCentredString(420, y - 100, position.upper())
    page.setFont(faces['italic'], 11)
    page.drawCentredString(420, y - 116, "(Đã ký)")
    page.setFont(faces['bold'], 12)
    page.drawCentredString(420, y - 170, values['signer_name'])
    page.showPage()
    page.save()
    return buffer.getvalue()


def _user(login):
    User = Pool().get('res.user')
    user, = User.search([('login', '=', login)])
    return user


def _agencies():
    "The demo agencies by their key in egov_base's demo"
    from trytond.modules.egov_base import demo as base_demo
    Company = Pool().get('company.company')
    keys = {code: (key, notation)
        for key, _, _, _, code, notation in base_demo.AGENCIES}
    agencies = {}
    for company in Company.search([('agency_code', 'in', list(keys))]):
        key, notation = keys[company.agency_code]
        if not company.notation:
            # Issuing needs it for the notation (QĐ-UBND, UBND-VX)
            company.notation = notation
            company.save()
        agencies[key] = company
    return agencies


def serve_agency(login, agency):
    """Let the office's clerk work for the agency too: the People's
    Committee's documents are registered and issued by its office"""
    pool = Pool()
    User = pool.get('res.user')
    Employee = pool.get('company.employee')
    user = _user(login)
    if agency in user.companies:
        return user
    employee = Employee(party=user.employee.party, company=agency,
        position=user.employee.position)
    employee.save()
    User.write([user], {
            'companies': [('add', [agency.id])],
            'employees': [('add', [employee.id])],
            'company_filter': 'all',
            })
    return user


@contextmanager
def _session(user, agency):
    "Act as the user in the client, working for the agency"
    User = Pool().get('res.user')
    transaction = Transaction()
    with transaction.set_user(user.id):
        preferences = User.get_preferences(context_only=True)
    with transaction.set_user(user.id), transaction.set_context(
            preferences, company=agency.id, _check_access=True):
        yield


def _type(code):
    Type = Pool().get('egov.document.type')
    type_, = Type.search([('code', '=', code)], limit=1)
    return type_


def load_incoming(agency, leader):
    "Receive and register the incoming documents, one after the other"
    pool = Pool()
    Document = pool.get('egov.document')
    File = pool.get('egov.document.file')
    today = dt.date.today()
    documents = {}
    for (key, code, number, notation, issuer, days, abstract, position,
            signer, values) in INCOMING:
        values = dict(values, issuer=issuer, abstract=abstract,
            signer_position=position, signer_name=signer)
        date = today - dt.timedelta(days=days)
        received = '%02d/%s' % (number, notation)
        document = Document(direction='incoming', company=agency,
            type=_type(code), number=number, notation=notation, date=date,
            files=[File(kind='main',
                    name='%s.pdf' % received.replace('/', '-'),
                    data=received_pdf(received, code, date, values))],
            **values)
        if values.get('classification'):
            # The chairman reads it; the clerk who records it as well
            document.readers = [leader]
        document.save()
        Document.register_arrival([document])
        if values.get('handler'):
            Document.pass_on([document])
        documents[key] = document
    return documents


def load_outgoing(agency, agencies, clerk, leader):
    """Draft the outgoing documents, have the chairman approve them, and
    issue them: numbered by the register and given to the recipient
    agencies of the platform"""
    pool = Pool()
    Document = pool.get('egov.document')
    documents = {}
    for (key, code, unit, abstract, authority, position, signer,
            recipients, copies, keeper, to) in OUTGOING:
        with _session(clerk, agency):
            document = Document(direction='outgoing', company=agency,
                type=_type(code), drafting_unit=unit, abstract=abstract,
                signer_authority=authority, signer_position=position,
                signer_name=signer, recipients=recipients, copies=copies,
                handler=keeper, approver=leader,
                recipient_agencies=[agencies[k] for k in to])
            document.on_change_company()
            document.save()
            Document.submit_approval([document])
            # The office checks the form before the chairman
            Document.pass_form_check([document])
        with _session(leader, agency):
            Document.approve([Document(document.id)])
        with _session(clerk, agency):
            document = Document(document.id)
            Document.issue([document])
            # Sent the day it is issued
            Document.write([document], {'passed_on': now()})
        documents[key] = document
    return documents


# (key, type code, abstract, signer's position, signer, version notes)
DRAFTS = [
    ('quy_che', 'QC',
        "Quy chế làm việc của Ủy ban nhân dân tỉnh nhiệm kỳ 2026 - 2031",
        "Chủ tịch", "Võ Minh Tâm",
        [None, "Bổ sung Chương III theo ý kiến của Văn phòng"]),
    ('ke_hoach', 'KH',
        "Kế hoạch tổ chức Hội nghị tổng kết công tác cải cách hành chính "
        "năm 2026",
        "Chủ tịch", "Võ Minh Tâm", [None]),
    ]


def draft_pdf(abstract, version):
    "The PDF of a draft: blank number and date, the signer's place marked"
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from trytond.modules.egov_signature.fonts import serif_family
    faces = serif_family()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont(faces['bold'], 12)
    page.drawCentredString(150, 790, "ỦY BAN NHÂN DÂN")
    page.drawCentredString(150, 774, "TỈNH BÌNH PHƯỚC")
    page.drawCentredString(400, 790, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.drawCentredString(400, 774, "Độc lập - Tự do - Hạnh phúc")
    page.setFont(faces['normal'], 12)
    page.drawCentredString(150, 752, "Số:       /")
    page.setFont(faces['italic'], 12)
    page.drawCentredString(400, 748, "Bình Phước, ngày    tháng    năm")
    page.setFont(faces['bold'], 12)
    y = 690
    for line in textwrap.wrap(abstract, 70):
        page.drawCentredString(297, y, line)
        y -= 18
    page.setFont(faces['normal'], 12)
    page.drawString(90, y - 30, "(Dự thảo lần %s)" % version)
    page.drawCentredString(420, y - 130, "[CHU_KY_LANH_DAO]")
    page.showPage()
    page.save()
    return buffer.getvalue()


def load_drafts(agency, agencies, clerk, leader):
    """Draft the documents still in the making: one in its second version
    asked for opinions, one waiting for the office's check of form"""
    pool = Pool()
    Document = pool.get('egov.document')
    Opinion = pool.get('egov.document.opinion')
    File = pool.get('egov.document.file')
    from .assignment import today
    documents = {}
    for key, code, abstract, position, signer, notes in DRAFTS:
        with _session(clerk, agency):
            document = Document(direction='outgoing', company=agency,
                type=_type(code), abstract=abstract,
                signer_authority='TM.', signer_position=position,
                signer_name=signer, approver=leader,
                recipients=RECIPIENTS_CV, handler="Văn phòng")
            document.on_change_company()
            document.save()
            File.create([{'document': document.id, 'kind': 'main',
                        'name': '%s.pdf' % key.replace('_', '-'),
                        'data': draft_pdf(abstract, 1)}])
            for number, note in enumerate(notes[1:], 2):
                document.add_version(draft_pdf(abstract, number),
                    '%s-%s.pdf' % (key.replace('_', '-'), number), note)
        documents[key] = document
    quy_che = documents['quy_che']
    with _session(clerk, agency):
        Document.request_opinions([Document(quy_che.id)], users=[leader],
            agencies=[agencies['dongxoai']],
            deadline=today() + dt.timedelta(days=5),
            question="Đề nghị góp ý dự thảo Quy chế làm việc, nhất là "
            "Chương III về quan hệ công tác")
    city_leader = Opinion.search([
            ('document', '=', quy_che.id),
            ('agency', '=', agencies['dongxoai'].id)])
    for request in city_leader:
        with _session(request.user, request.user.company):
            Opinion.give_answer([Opinion(request.id)],
                opinion='agree_comments',
                answer="Đề nghị bổ sung cơ chế phối hợp với UBND cấp xã "
                "tại Điều 12.")
    with _session(clerk, agency):
        Document.submit_approval([Document(documents['ke_hoach'].id)])
    return documents


def load_demo():
    "Load the demo documents; do nothing when already there"
    pool = Pool()
    Document = pool.get('egov.document')
    from trytond.modules.egov_base import demo as base_demo
    base_demo.load_demo()
    agencies = _agencies()
    agency = agencies[AGENCY]
    if Document.search([('company', '=', agency.id)], limit=1):
        return False
    clerk = serve_agency(CLERK, agency)
    leader = _user(LEADER)
    with _session(clerk, agency):
        load_incoming(agency, leader)
    load_outgoing(agency, agencies, clerk, leader)
    load_drafts(agency, agencies, clerk, leader)
    return True


def main(argv=None):
    from trytond.modules.egov_base.demo import run
    run(load_demo, "Load the demo official documents into DATABASE",
        "demo data loaded", "demo data already present", argv)


if __name__ == '__main__':
    sys.exit(main())
