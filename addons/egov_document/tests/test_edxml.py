# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""edXML packages and status messages (QCVN 102:2016): round trips and the
refusal of invalid or hostile packages."""
import datetime as dt
import time
import unittest

from lxml import etree

from trytond.modules.egov_document import edxml

NS = edxml.NS
PDF1 = b'%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
PDF2 = b'%PDF-1.4\n' + bytes(range(256)) * 4 + b'\n%%EOF\n'
SUBJECT = ("V/v triển khai Nghị định số 30/2020/NĐ-CP về công tác văn thư "
    "của Ủy ban nhân dân tỉnh")


def message(**changes):
    sender = edxml.Organ('000.00.00.H40', "UBND tỉnh Quảng Trị",
        in_charge="Chủ tịch", address="45 Hùng Vương, Đông Hà",
        email='vanthu@quangtri.gov.vn', telephone='0233 385 2121',
        fax='0233 385 2122', website='https://quangtri.gov.vn')
    to = [
        edxml.Organ('000.01.40.H40', "Sở Nội vụ"),
        edxml.Organ('000.02.40.H40', "Sở Tài chính", email='stc@qt.vn'),
        ]
    date = dt.date(2026, 3, 10)
    values = {
        'sender': sender, 'to': to,
        'document_id': edxml.document_id(
            sender.organ_id, date, '15', 'QĐ-UBND'),
        'code_number': '15', 'code_notation': 'QĐ-UBND',
        'place': "Quảng Trị", 'promulgation_date': date,
        'type': 1, 'type_detail': 2, 'type_name': "Quyết định",
        'subject': SUBJECT, 'content': "Nội dung đầy đủ: ắ ằ ẳ ẵ ặ đ",
        'signer_competence': 'KT.', 'signer_position': "Phó Chủ tịch",
        'signer_full_name': "Nguyễn Văn Đức",
        'due_date': dt.date(2026, 3, 31), 'priority': 1,
        'sphere': "Lưu hành nội bộ", 'typer_notation': 'NVA',
        'promulgation_amount': 10, 'page_amount': 3, 'direction': True,
        'appendixes': ["Phụ lục I: Danh mục", "Phụ lục II"],
        'steering_type': 1, 'to_places': ["Như trên", "Lưu: VT, NC"],
        'response_for': ['000.01.40.H40,2026/03/01,07/SNV-VP'],
        'business_type': 2, 'business_reason': "Sửa lỗi chính tả",
        'trace': [('000.00.00.H40', dt.datetime(
                    2026, 3, 10, 9, 30, tzinfo=edxml.VN_TZ))],
        'attachments': [
            edxml.Attachment('a1', "Quyết định 15.pdf", 'application/pdf',
                PDF1, description="Văn bản chính"),
            edxml.Attachment('a2', "Phụ lục.pdf", 'application/pdf', PDF2),
            ],
        }
    values.update(changes)
    return edxml.Message(**values)


def q(tag):
    return '{%s}%s' % (NS, tag)


class EdXMLTestCase(unittest.TestCase):
    "Build and parse edXML packages"

    def assertRefused(self, code, data, **kwargs):
        with self.assertRaises(edxml.EdXMLError) as context:
            edxml.parse(data, **kwargs)
        self.assertEqual(context.exception.code, code)
        return context.exception

    def tree(self, **values):
        return etree.fromstring(edxml.build(message(**values)))

    def test_round_trip(self):
        "Build then parse gives the same message"
        original = message()
        data = edxml.build(original)
        self.assertTrue(data.startswith(
                b"<?xml version='1.0' encoding='UTF-8'?>"))
        self.assertIn(SUBJECT.encode('utf-8'), data)
        self.assertEqual(edxml.parse(data), original)
        root = etree.fromstring(data)
        self.assertEqual(root.prefix, 'edXML')
        self.assertEqual(root.findtext('.//' + q('PromulgationDate')),
            '2026/03/10')
        self.assertEqual(root.findtext('.//' + q('Timestamp')),
            '2026-03-10T09:30:00+07:00')
        self.assertEqual(len(root.findall('.//' + q('Reference'))), 2)

    def test_timestamp_utc_naive(self):
        "A naive datetime is UTC and comes back at +07:00"
        parsed = edxml.parse(edxml.build(message(
                    trace=[('X', dt.datetime(2026, 3, 10, 2, 30))])))
        timestamp = parsed.trace[0][1]
        self.assertEqual(timestamp.utcoffset(), dt.timedelta(hours=7))
        self.assertEqual(timestamp.hour, 9)

    def test_envelope_root_and_legacy_formats(self):
        "An edXMLEnvelope root and the yyyy/MM/dd HH:mm:ss dates are read"
        root = self.tree(attachments=[])
        envelope = root.find(q('edXMLEnvelope'))
        envelope.find('.//' + q('PromulgationDate')).text = '10/03/2026'
        envelope.find('.//' + q('Timestamp')).text = '2026/03/10 09:30:00'
        parsed = edxml.parse(etree.tostring(envelope))
        self.assertEqual(parsed.promulgation_date, dt.date(2026, 3, 10))
        self.assertEqual(parsed.trace[0][1], dt.datetime(
                2026, 3, 10, 9, 30, tzinfo=edxml.VN_TZ))

    def test_document_id(self):
        self.assertEqual(edxml.document_id('000.00.00.G22',
                dt.date(2015, 9, 30), '7816', 'VPCP-TTĐT'),
            '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT')

    def test_subject_too_long(self):
        "A subject of 501 characters is refused, building and parsing"
        with self.assertRaises(edxml.EdXMLError) as context:
            edxml.build(message(subject='Đ' * 501))
        self.assertEqual(context.exception.code, 'too_long')
        edxml.build(message(subject='Đ' * 500))
        root = self.tree()
        root.find('.//' + q('Subject')).text = 'Đ' * 501
        error = self.assertRefused('too_long', etree.tostring(root))
        self.assertEqual(error.params['limit'], 500)

    def test_other_lengths(self):
        "Appendix over 250 and Place over 150 characters are refused"
        for tag, size in [('Appendix', 251), ('Place', 151)]:
            with self.subTest(tag=tag):
                root = self.tree()
                root.find('.//' + q(tag)).text = 'x' * size
                error = self.assertRefused('too_long', etree.tostring(root))
                self.assertEqual(error.params['element'], tag)

    def test_not_xml(self):
        for data in [b'', b'%PDF-1.7', b'<edXML:edXML xmlns:edXML="x">']:
            with self.subTest(data=data):
                self.assertRefused('not_xml', data)

    def test_namespace(self):
        data = edxml.build(message()).replace(
            NS.encode(), b'http://example.com/other')
        self.assertRefused('namespace', data)
        self.assertRefused('namespace', b'<edXMLEnvelope/>')

    def test_missing(self):
        for tag in ['From', 'To', 'Code', 'Subject', 'PromulgationInfo',
                'DocumentType', 'SignerInfo']:
            with self.subTest(tag=tag):
                root = self.tree()
                head = root.find('.//' + q('MessageHeader'))
                for element in head.findall(q(tag)):
                    head.remove(element)
                error = self.assertRefused('missing', etree.tostring(root))
                self.assertEqual(error.params['element'], tag)

    def test_bad_date(self):
        for tag, value in [('PromulgationDate', '2026/02/30'),
                ('Timestamp', 'hôm qua')]:
            with self.subTest(tag=tag):
                root = self.tree()
                root.find('.//' + q(tag)).text = value
                self.assertRefused('bad_date', etree.tostring(root))

    def test_bad_base64(self):
        root = self.tree()
        root.find('.//' + q('ContentTransferEncoded')).text = 'abc!@#$'
        self.assertRefused('bad_base64', etree.tostring(root))

    def test_manifest_mismatch(self):
        "A reference without its attachment and the other way round"
        root = self.tree()
        encoded = root.find(q('AttachmentEncoded'))
        encoded.remove(encoded[0])
        self.assertRefused('manifest_mismatch', etree.tostring(root))
        root = self.tree()
        manifest = root.find('.//' + q('edXMLManifest'))
        manifest.remove(manifest[1])
        self.assertRefused('manifest_mismatch', etree.tostring(root))

    def test_cid_prefix(self):
        "A ContentId given as cid:… in the manifest matches"
        root = self.tree()
        reference = root.find('.//' + q('Reference'))
        reference.find(q('ContentId')).text = 'cid:a1'
        parsed = edxml.parse(etree.tostring(root))
        self.assertEqual(parsed.attachments[0].data, PDF1)

    def test_too_large(self):
        data = edxml.build(message())
        self.assertRefused('too_large', data, max_size=len(data) - 1)
        self.assertTrue(edxml.parse(data, max_size=len(data)))

    def test_text_node_limit(self):
        """Without huge_tree libxml2 refuses a text node over 10 MB, so an
        attachment over 7.5 MB"""
        data = edxml.build(message(attachments=[edxml.Attachment(
                        'big', 'big.pdf', 'application/pdf',
                        b'%PDF' * (2 * 1024 * 1024))]))
        self.assertRefused('too_large', data)

    def test_xxe(self):
        "An external entity is refused, the file never read"
        data = ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM '
            '"file:///etc/passwd">]><edXML:edXML xmlns:edXML="%s">'
            '<edXML:x>&x;</edXML:x></edXML:edXML>' % NS).encode()
        self.assertRefused('doctype', data)
        # Even hidden after a comment
        self.assertRefused('doctype', data.replace(
                b'\n', b'\n<!-- a <!DOCTYPE x> comment -->\n'))

    def test_billion_laughs(self):
        "Refused at once, without expanding any entity"
        entities = ''.join('<!ENTITY l%d "%s">' % (
                i, ('&l%d;' % (i - 1)) * 10 if i else 'lol')
            for i in range(10))
        data = ('<!DOCTYPE lolz [%s]><edXML:edXML xmlns:edXML="%s">&l9;'
            '</edXML:edXML>' % (entities, NS)).encode()
        start = time.monotonic()
        self.assertRefused('doctype', data)
        self.assertLess(time.monotonic() - start, 1)

    def test_status_round_trip(self):
        status = edxml.Status('000.00.00.H40,2026/03/10,15/QĐ-UBND',
            edxml.Organ('000.01.40.H40', "Sở Nội vụ"), '03',
            "Đã vào sổ văn bản đến", dt.datetime(
                2026, 3, 11, 8, 15, 30, tzinfo=edxml.VN_TZ),
            staff_name="Trần Thị Hoa", staff_department="Văn phòng")
        data = edxml.build_status(status)
        self.assertEqual(edxml.parse_status(data), status)
        root = etree.fromstring(data)
        self.assertEqual(root.tag, '{%s}Envelope' % edxml.SOAP_NS)
        response_for = root.find('.//' + q('ResponseFor'))
        self.assertEqual(response_for.findtext(q('OrganId')), '000.00.00.H40')
        self.assertEqual(response_for.findtext(q('Code')), '15/QĐ-UBND')
        self.assertEqual(response_for.findtext(q('PromulgationDate')),
            '2026/03/10')
        self.assertIn('received', edxml.STATUS_CODES.values())
        with self.assertRaises(edxml.EdXMLError):
            edxml.build_status(edxml.Status(
                    'x', status.sender, '99', None, status.timestamp))

    def test_status_refused(self):
        self.assertRaises(edxml.EdXMLError, edxml.parse_status,
            edxml.build(message()))
        data = edxml.build_status(edxml.Status('x,2026/03/10,1/A',
                edxml.Organ('X', "X"), '01', None, dt.datetime(2026, 1, 1)))
        with self.assertRaises(edxml.EdXMLError) as context:
            edxml.parse_status(data.replace(b'StatusCode>01<',
                    b'StatusCode><'))
        self.assertEqual(context.exception.code, 'missing')
