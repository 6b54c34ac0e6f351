# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""edXML packages and status messages of QCVN 102:2016/BTTTT, the format in
which agencies exchange official documents (pure Python, lxml only).

Layout written, as in the samples of the national exchange platform::

    edXML:edXML
      edXML:edXMLEnvelope
        edXML:edXMLHeader (MessageHeader, TraceHeaderList)
        edXML:edXMLBody/edXMLManifest/Reference*
      edXML:AttachmentEncoded/Attachment* (ContentId, ContentType,
        Description, AttachmentName, ContentTransferEncoded = base64)

:func:`parse` also takes a package whose root is ``edXMLEnvelope``.
Dates are written ``yyyy/MM/dd`` as in the DocumentId of the standard
(read as well: ``yyyy-MM-dd`` and ``dd/MM/yyyy``); timestamps in ISO 8601 at
the Vietnam offset (read as well: ``yyyy/MM/dd HH:mm:ss`` and
``dd/MM/yyyy HH:mm:ss``, local time).  A naive datetime given to the
builders is UTC (as Tryton stores them); the parsers give aware datetimes at
+07:00.  The XML signature (XML-DSig) is not handled here."""
import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016'
SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
VN_TZ = dt.timezone(dt.timedelta(hours=7))
MAX_SIZE = 50 * 1024 * 1024
LIMITS = {'Subject': 500, 'Appendix': 250, 'Place': 150}
# Bussiness/BussinessDocType; 1 (revoke) is not confirmed by the text of
# the standard at hand
BUSINESS_TYPES = {0: 'new', 1: 'revoke', 2: 'update', 3: 'replace'}
# Status/StatusCode; only 01 is confirmed, the other numbers are unconfirmed
STATUS_CODES = {
    '01': 'received',  # by the software, not yet handled by the clerk
    '02': 'rejected',
    '03': 'accepted',  # registered by the clerk
    '04': 'assigned',
    '05': 'processing',
    '06': 'done',
    '13': 'recalled',
    }
ORGAN_TAGS = [
    ('organ_id', 'OrganId'), ('in_charge', 'OrganizationInCharge'),
    ('name', 'OrganName'), ('address', 'OrganAdd'), ('email', 'Email'),
    ('telephone', 'Telephone'), ('fax', 'Fax'), ('website', 'Website')]


class EdXMLError(ValueError):
    "code: a short machine id (not_xml, doctype, namespace, missing…)"

    def __init__(self, code, params=None, **kwargs):
        self.code = code
        self.params = {**(params or {}), **kwargs}
        super().__init__('%s %s' % (code, self.params))


@dataclass
class Organ:
    organ_id: str
    name: str
    in_charge: str = None
    address: str = None
    email: str = None
    telephone: str = None
    fax: str = None
    website: str = None


@dataclass
class Attachment:
    content_id: str
    name: str
    content_type: str
    data: bytes
    description: str = None


@dataclass(kw_only=True)
class Message:
    sender: Organ
    to: list
    document_id: str
    code_number: str
    code_notation: str
    place: str
    promulgation_date: dt.date
    type: object  # int when the code is numeric
    type_detail: object = None
    type_name: str = None
    subject: str
    content: str = None
    signer_competence: str = None
    signer_position: str = None
    signer_full_name: str
    due_date: dt.date = None
    priority: int = 0
    sphere: str = None
    typer_notation: str = None
    promulgation_amount: int = None
    page_amount: int = None
    direction: bool = False
    appendixes: list = field(default_factory=list)
    steering_type: int = None
    to_places: list = field(default_factory=list)
    response_for: list = field(default_factory=list)  # DocumentIds
    business_type: int = 0
    business_reason: str = None
    trace: list = field(default_factory=list)  # (organ_id, datetime)
    attachments: list = field(default_factory=list)


@dataclass
class Status:
    response_for_document_id: str
    sender: Organ
    code: str
    description: str
    timestamp: dt.datetime
    staff_name: str = None
    staff_department: str = None


def document_id(organ_id, date, code_number, code_notation):
    "``000.00.00.G22,2015/09/30,7816/VPCP-TTĐT``"
    return '%s,%s,%s/%s' % (
        organ_id, format_date(date), code_number, code_notation)


def format_date(value):
    return value.strftime('%Y/%m/%d')


def format_timestamp(value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(VN_TZ).isoformat(timespec='seconds')


def parse_date(text, tag):
    for format_ in ('%Y/%m/%d', '%Y-%m-%d', '%d/%m/%Y'):
        try:
            return dt.datetime.strptime(text, format_).date()
        except ValueError:
            pass
    raise EdXMLError('bad_date', element=tag, value=text)


def parse_timestamp(text, tag):
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        for format_ in ('%Y/%m/%d %H:%M:%S', '%d/%m/%Y %H:%M:%S'):
            try:
                value = dt.datetime.strptime(text, format_)
                break
            except ValueError:
                pass
        else:
            raise EdXMLError('bad_date', element=tag, value=text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ)


def check_length(tag, value):
    if value is not None and len(value) > LIMITS[tag]:
        raise EdXMLError(
            'too_long', element=tag, length=len(value), limit=LIMITS[tag])


def _q(path):
    return '/'.join('{%s}%s' % (NS, t) for t in path.split('/'))


def _sub(parent, tag, text=None, skip_none=False):
    if skip_none and text is None:
        return None
    element = etree.SubElement(parent, _q(tag))
    if text is not None:
        element.text = str(text)
    return element


def _text(element, path, required=False):
    found = element.find(_q(path)) if element is not None else None
    text = found.text.strip() if found is not None and found.text else None
    if required and not text:
        raise EdXMLError('missing', element=path)
    return text


def _int(element, path):
    text = _text(element, path)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise EdXMLError('bad_value', element=path, value=text)


def _code(text):
    return int(text) if text and text.isdigit() else text


def _add_organ(parent, tag, organ):
    element = _sub(parent, tag)
    for attr, name in ORGAN_TAGS:
        _sub(element, name, getattr(organ, attr), skip_none=True)


def _read_organ(element, tag):
    if element is None:
        raise EdXMLError('missing', element=tag)
    _text(element, 'OrganId', required=True)
    return Organ(**{a: _text(element, n) for a, n in ORGAN_TAGS})


def _add_response_for(parent, document_id_):
    "Its OrganId, Code and PromulgationDate are read from the DocumentId"
    element = _sub(parent, 'ResponseFor')
    parts = document_id_.split(',', 2)
    if len(parts) == 3:
        _sub(element, 'OrganId', parts[0])
        _sub(element, 'Code', parts[2])
        _sub(element, 'PromulgationDate', parts[1])
    _sub(element, 'DocumentId', document_id_)


def _serialize(root):
    return etree.tostring(
        root, xml_declaration=True, encoding='UTF-8', pretty_print=True)


def _has_doctype(data):
    "Whether a DOCTYPE follows the XML declaration, comments and PIs"
    pos, size = 0, len(data)
    while True:
        while pos < size and data[pos:pos + 1] in b' \t\r\n\xef\xbb\xbf':
            pos += 1
        for start, end in [(b'<?', b'?>'), (b'<!--', b'-->')]:
            if data.startswith(start, pos):
                found = data.find(end, pos)
                pos = found + len(end) if found >= 0 else size
                break
        else:
            return data.startswith(b'<!DOCTYPE', pos)


def _load(data, max_size):
    "Parse refusing oversized data, DTDs (XXE, billion laughs) and entities"
    if len(data) > max_size:
        raise EdXMLError('too_large', size=len(data), limit=max_size)
    if _has_doctype(data):
        raise EdXMLError('doctype')
    parser = etree.XMLParser(resolve_entities=False, no_network=True,
        huge_tree=False, remove_blank_text=True)
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as exception:
        # libxml2 refuses a text node over 10 MB without huge_tree
        if 'too long' in str(exception) or 'huge' in str(exception).lower():
            raise EdXMLError('too_large', detail=str(exception))
        raise EdXMLError('not_xml', detail=str(exception))
    except ValueError as exception:
        raise EdXMLError('not_xml', detail=str(exception))
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise EdXMLError('doctype')
    return tree.getroot()


def build(message):
    "The edXML package of the message as UTF-8 bytes"
    check_length('Subject', message.subject)
    for place in [message.place] + list(message.to_places):
        check_length('Place', place)
    for appendix in message.appendixes:
        check_length('Appendix', appendix)
    if message.business_type not in BUSINESS_TYPES:
        raise EdXMLError('bad_value', element='BussinessDocType',
            value=message.business_type)
    root = etree.Element(_q('edXML'), nsmap={'edXML': NS})
    envelope = _sub(root, 'edXMLEnvelope')
    header = _sub(envelope, 'edXMLHeader')
    head = _sub(header, 'MessageHeader')
    _add_organ(head, 'From', message.sender)
    for organ in message.to:
        _add_organ(head, 'To', organ)
    _sub(head, 'DocumentId', message.document_id)
    code = _sub(head, 'Code')
    _sub(code, 'CodeNumber', message.code_number)
    _sub(code, 'CodeNotation', message.code_notation)
    info = _sub(head, 'PromulgationInfo')
    _sub(info, 'Place', message.place, skip_none=True)
    _sub(info, 'PromulgationDate', format_date(message.promulgation_date))
    type_ = _sub(head, 'DocumentType')
    _sub(type_, 'Type', message.type)
    _sub(type_, 'TypeDetail', message.type_detail, skip_none=True)
    _sub(type_, 'TypeName', message.type_name, skip_none=True)
    _sub(head, 'Subject', message.subject)
    _sub(head, 'Content', message.content, skip_none=True)
    signer = _sub(head, 'SignerInfo')
    _sub(signer, 'Competence', message.signer_competence, skip_none=True)
    _sub(signer, 'Position', message.signer_position, skip_none=True)
    _sub(signer, 'FullName', message.signer_full_name)
    if message.due_date:
        _sub(head, 'DueDate', format_date(message.due_date))
    other = _sub(head, 'OtherInfo')
    _sub(other, 'Priority', message.priority or 0)
    for tag, value in [
            ('SphereOfPromulgation', message.sphere),
            ('TyperNotation', message.typer_notation),
            ('PromulgationAmount', message.promulgation_amount),
            ('PageAmount', message.page_amount)]:
        _sub(other, tag, value, skip_none=True)
    _sub(other, 'Direction', 'true' if message.direction else 'false')
    appendixes = _sub(other, 'Appendixes')
    for appendix in message.appendixes:
        _sub(appendixes, 'Appendix', appendix)
    _sub(head, 'SteeringType', message.steering_type, skip_none=True)
    places = _sub(head, 'ToPlaces')
    for place in message.to_places:
        _sub(places, 'Place', place)
    for response_for in message.response_for:
        _add_response_for(head, response_for)
    traces = _sub(header, 'TraceHeaderList')
    for organ_id, timestamp in message.trace:
        trace = _sub(traces, 'TraceHeader')
        _sub(trace, 'OrganId', organ_id)
        _sub(trace, 'Timestamp', format_timestamp(timestamp))
    business = _sub(traces, 'Bussiness')
    _sub(business, 'DocumentId', message.document_id)
    _sub(business, 'BussinessDocType', message.business_type)
    _sub(business, 'BussinessDocReason', message.business_reason,
        skip_none=True)
    manifest = _sub(_sub(envelope, 'edXMLBody'), 'edXMLManifest')
    manifest.set('version', '1.0')
    encoded = _sub(root, 'AttachmentEncoded')
    for attachment in message.attachments:
        reference = _sub(manifest, 'Reference')
        holder = _sub(encoded, 'Attachment')
        for element in (reference, holder):
            _sub(element, 'ContentId', attachment.content_id)
            _sub(element, 'ContentType', attachment.content_type)
            _sub(element, 'Description', attachment.description,
                skip_none=True)
            _sub(element, 'AttachmentName', attachment.name)
        _sub(holder, 'ContentTransferEncoded',
            base64.b64encode(attachment.data).decode('ascii'))
    return _serialize(root)


def _cid(text):
    return text[4:] if text and text.startswith('cid:') else text


def _read_attachments(root, envelope):
    references = {}
    for reference in envelope.iterfind(
            _q('edXMLBody/edXMLManifest/Reference')):
        references[_cid(_text(reference, 'ContentId', required=True))] = (
            reference)
    encoded = root.find(_q('AttachmentEncoded'))
    if encoded is None:
        encoded = envelope.find('.//' + _q('AttachmentEncoded'))
    attachments = []
    holders = encoded.iterfind(_q('Attachment')) if encoded is not None else []
    for holder in holders:
        content_id = _cid(_text(holder, 'ContentId', required=True))
        reference = references.pop(content_id, None)
        if reference is None:
            raise EdXMLError('manifest_mismatch', content_id=content_id)
        encoded_text = _text(holder, 'ContentTransferEncoded', required=True)
        try:
            data = base64.b64decode(''.join(encoded_text.split()),
                validate=True)
        except (binascii.Error, ValueError):
            raise EdXMLError('bad_base64', content_id=content_id)
        attachments.append(Attachment(
                content_id=content_id,
                name=(_text(reference, 'AttachmentName')
                    or _text(holder, 'AttachmentName', required=True)),
                content_type=(_text(reference, 'ContentType')
                    or _text(holder, 'ContentType')),
                data=data,
                description=(_text(reference, 'Description')
                    or _text(holder, 'Description'))))
    if references:
        raise EdXMLError('manifest_mismatch', content_id=sorted(references))
    return attachments


def parse(data, max_size=MAX_SIZE):
    "The Message of an edXML package, refusing whatever is not valid"
    root = _load(data, max_size)
    if root.tag == _q('edXMLEnvelope'):
        envelope = root
    elif root.tag == _q('edXML'):
        envelope = root.find(_q('edXMLEnvelope'))
    else:
        raise EdXMLError('namespace', root=root.tag)
    head = envelope.find(_q('edXMLHeader/MessageHeader')) if (
        envelope is not None) else None
    if head is None:
        raise EdXMLError('missing', element='edXMLHeader/MessageHeader')
    for tag in ['Code', 'PromulgationInfo', 'DocumentType', 'SignerInfo']:
        if head.find(_q(tag)) is None:
            raise EdXMLError('missing', element=tag)
    to = [_read_organ(e, 'To') for e in head.iterfind(_q('To'))]
    if not to:
        raise EdXMLError('missing', element='To')
    subject = _text(head, 'Subject', required=True)
    check_length('Subject', subject)
    place = _text(head, 'PromulgationInfo/Place')
    to_places = [e.text or '' for e in head.iterfind(_q('ToPlaces/Place'))]
    for value in [place] + to_places:
        check_length('Place', value)
    appendixes = [e.text or '' for e in head.iterfind(
            _q('OtherInfo/Appendixes/Appendix'))]
    for appendix in appendixes:
        check_length('Appendix', appendix)
    due_date = _text(head, 'DueDate')
    traces = envelope.find(_q('edXMLHeader/TraceHeaderList'))
    trace = []
    for element in (traces.iterfind(_q('TraceHeader'))
            if traces is not None else []):
        trace.append((_text(element, 'OrganId', required=True),
                parse_timestamp(_text(element, 'Timestamp', required=True),
                    'Timestamp')))
    business = traces.find(_q('Bussiness')) if traces is not None else None
    business_type = _int(business, 'BussinessDocType') or 0
    if business_type not in BUSINESS_TYPES:
        raise EdXMLError('bad_value', element='BussinessDocType',
            value=business_type)
    return Message(
        sender=_read_organ(head.find(_q('From')), 'From'),
        to=to,
        document_id=_text(head, 'DocumentId'),
        code_number=_text(head, 'Code/CodeNumber', required=True),
        code_notation=_text(head, 'Code/CodeNotation', required=True),
        place=place,
        promulgation_date=parse_date(_text(
                head, 'PromulgationInfo/PromulgationDate', required=True),
            'PromulgationDate'),
        type=_code(_text(head, 'DocumentType/Type', required=True)),
        type_detail=_code(_text(head, 'DocumentType/TypeDetail')),
        type_name=_text(head, 'DocumentType/TypeName'),
        subject=subject,
        content=_text(head, 'Content'),
        signer_competence=_text(head, 'SignerInfo/Competence'),
        signer_position=_text(head, 'SignerInfo/Position'),
        signer_full_name=_text(head, 'SignerInfo/FullName', required=True),
        due_date=parse_date(due_date, 'DueDate') if due_date else None,
        priority=_int(head, 'OtherInfo/Priority') or 0,
        sphere=_text(head, 'OtherInfo/SphereOfPromulgation'),
        typer_notation=_text(head, 'OtherInfo/TyperNotation'),
        promulgation_amount=_int(head, 'OtherInfo/PromulgationAmount'),
        page_amount=_int(head, 'OtherInfo/PageAmount'),
        direction=_text(head, 'OtherInfo/Direction') in {'true', '1'},
        appendixes=appendixes,
        steering_type=_int(head, 'SteeringType'),
        to_places=to_places,
        response_for=[_text(e, 'DocumentId', required=True)
            for e in head.iterfind(_q('ResponseFor'))],
        business_type=business_type,
        business_reason=_text(business, 'BussinessDocReason'),
        trace=trace,
        attachments=_read_attachments(root, envelope))


def build_status(status):
    """The status message: SOAP-ENV:Envelope/Header/edXML:Status as the
    exchange platform carries it"""
    if status.code not in STATUS_CODES:
        raise EdXMLError('bad_value', element='StatusCode', value=status.code)
    root = etree.Element('{%s}Envelope' % SOAP_NS,
        nsmap={'SOAP-ENV': SOAP_NS, 'edXML': NS})
    header = etree.SubElement(root, '{%s}Header' % SOAP_NS)
    element = _sub(header, 'Status')
    _add_response_for(element, status.response_for_document_id)
    _add_organ(element, 'From', status.sender)
    _sub(element, 'StatusCode', status.code)
    _sub(element, 'Description', status.description, skip_none=True)
    _sub(element, 'Timestamp', format_timestamp(status.timestamp))
    staff = _sub(element, 'StaffInfo')
    _sub(staff, 'Department', status.staff_department, skip_none=True)
    _sub(staff, 'Staff', status.staff_name, skip_none=True)
    etree.SubElement(root, '{%s}Body' % SOAP_NS)
    return _serialize(root)


def parse_status(data, max_size=MAX_SIZE):
    "The Status of a status message (in its SOAP envelope or bare)"
    root = _load(data, max_size)
    if root.tag == '{%s}Envelope' % SOAP_NS:
        element = root.find('{%s}Header/%s' % (SOAP_NS, _q('Status')))
        if element is None:
            raise EdXMLError('missing', element='Status')
    elif root.tag == _q('Status'):
        element = root
    else:
        raise EdXMLError('namespace', root=root.tag)
    return Status(
        response_for_document_id=_text(
            element, 'ResponseFor/DocumentId', required=True),
        sender=_read_organ(element.find(_q('From')), 'From'),
        code=_text(element, 'StatusCode', required=True),
        description=_text(element, 'Description'),
        timestamp=parse_timestamp(
            _text(element, 'Timestamp', required=True), 'Timestamp'),
        staff_name=_text(element, 'StaffInfo/Staff'),
        staff_department=_text(element, 'StaffInfo/Department'))
