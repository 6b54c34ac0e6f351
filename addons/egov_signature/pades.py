# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""PAdES signing and validation of PDF files, on top of pyHanko.

Used by the server (the egov.signature models) and by the command-line
tools (egov-sign, egov-verify), so that both sign and validate with the same
code.  Nothing here touches the database.
"""
import asyncio
import datetime as dt
import io
import os
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import (
    GlyphAccumulator, GlyphAccumulatorFactory)
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import (
    AxisAlignment, BoxConstraints, InnerScaling, Margins, SimpleBoxLayoutRule)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.signers import cms_embedder
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import StaticStampStyle, TextStamp, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

VIETNAM = ZoneInfo('Asia/Ho_Chi_Minh')
# Serif fonts that cover Vietnamese (Liberation 1.x, Debian's
# fonts-liberation, does not: it lacks the letters of U+1EA0-U+1EF9)
FONTS = [
    '/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf',
    '/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf',
    ]

# Indications as the EU DSS reports them (ETSI EN 319 102-1)
TOTAL_PASSED = 'TOTAL_PASSED'
TOTAL_FAILED = 'TOTAL_FAILED'
INDETERMINATE = 'INDETERMINATE'
SEVERITY = {TOTAL_PASSED: 0, INDETERMINATE: 1, TOTAL_FAILED: 2}


class SignatureError(Exception):
    """A PDF cannot be signed or validated (bad input, wrong key...).

    code names the case: the server shows the message
    egov_signature.msg_pdf_<code> with params in the user's language; the
    English text is for the command line and the logs."""

    def __init__(self, text, code='failed', **params):
        super().__init__(text)
        self.code = code
        self.params = params


def serif_font():
    for path in FONTS:
        if os.path.exists(path):
            return path
    raise SignatureError(
        "No serif font covering Vietnamese found "
        "(install fonts-liberation2)", 'font')


class _Accumulator(GlyphAccumulator):
    """pyHanko writes the glyph widths (/W) and the positions of a line
    (TJ) in the font's units, where PDF wants thousandths of the text size:
    with the serif fonts (2048 units to the em) the letters of a text
    signature spread twice too wide.  Here the shaping works in thousandths
    of an em and the widths are put in thousandths."""

    def _to_thousandths(self):
        self._width_scale = 1000 / self.units_per_em
        self.units_per_em = 1000
        self.hb_font.scale = (1000, 1000)

    def _get_cid_and_width(self, glyph_id):
        if glyph_id in self._glyphs:
            return self._glyphs[glyph_id]
        cid, width = super()._get_cid_and_width(glyph_id)
        self._glyphs[glyph_id] = result = (
            cid, round(width * self._width_scale))
        return result


class _AccumulatorFactory(GlyphAccumulatorFactory):

    def create_font_engine(self, writer, obj_stream=None):
        engine = super().create_font_engine(writer, obj_stream=obj_stream)
        engine.__class__ = _Accumulator
        engine._to_thousandths()
        return engine


def serif_font_factory():
    "The pyHanko font engine of the serif font, widths in thousandths"
    return _AccumulatorFactory(serif_font())


# Certificates and keys
def load_certificates(data):
    "Return the X.509 certificates of PEM or DER data"
    if b'-----BEGIN' in data:
        certificates = x509.load_pem_x509_certificates(data)
    else:
        certificates = [x509.load_der_x509_certificate(data)]
    return certificates


def load_pkcs12(data, password):
    "Return (key, certificate, chain) of a PKCS#12 file"
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(
            data, password.encode() if isinstance(password, str)
            else password)
    except ValueError as exception:
        raise SignatureError(
            "Cannot open the PKCS#12 file: wrong password or damaged file",
            'pkcs12') from exception
    if key is None or certificate is None:
        raise SignatureError(
            "The PKCS#12 file has no key or certificate", 'pkcs12')
    return key, certificate, list(chain or [])


def to_asn1(certificate):
    return asn1_x509.Certificate.load(
        certificate.public_bytes(serialization.Encoding.DER))


def software_signer(key, certificate, chain=()):
    "Return a pyHanko signer of a key held in memory (demo and tests)"
    key_info = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    return signers.SimpleSigner(
        signing_cert=to_asn1(certificate), signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs(
            [to_asn1(c) for c in chain]))


def pkcs11_session(library, token_label, pin):
    "Open a session on a PKCS#11 token (HSM or USB token)"
    from pkcs11 import exceptions as p11_errors
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as p11
    try:
        return p11.open_pkcs11_session(
            library, token_criteria=TokenCriteria(label=token_label),
            user_pin=pin)
    except (p11_errors.PinIncorrect, p11_errors.PinLenRange,
            p11_errors.PinInvalid) as exception:
        raise SignatureError(
            "Wrong PIN for the token %r" % token_label, 'pin',
            token=token_label) from exception
    except p11_errors.PinLocked as exception:
        raise SignatureError(
            "The token %r is locked" % token_label, 'pin_locked',
            token=token_label) from exception
    except Exception as exception:
        raise SignatureError(
            "Cannot open the token %r with %s: %s" % (
                token_label, library, exception), 'token',
            token=token_label) from exception


def pkcs11_signer(session, key_label, cert_label=None, chain=()):
    from pyhanko.sign import pkcs11 as p11
    return p11.PKCS11Signer(
        session, key_label=key_label, cert_label=cert_label or key_label,
        ca_chain=[to_asn1(c) for c in chain] or None)


# Appearance
@dataclass
class Appearance:
    """Where and how a signature shows on the page.

    box is (x1, y1, x2, y2) in PDF points from the bottom left of the page;
    image is PNG data (the official's blue signature or the agency's red
    seal); text is shown when there is no image (the agency's signature of
    an appendix: number and notation and the signing time)."""
    box: tuple
    page: int = 0
    image: bytes = None
    text: str = None

    def style(self):
        if self.image:
            try:
                picture = Image.open(io.BytesIO(self.image))
                picture.load()
            except Exception as exception:
                raise SignatureError(
                    "The signature image is not a readable PNG",
                    'image') from exception
            return StaticStampStyle(
                background=PdfImage(picture), border_width=0,
                background_opacity=1)
        if self.text:
            return TextStampStyle(
                stamp_text=self.text.replace('%', '%%'),
                text_box_style=TextBoxStyle(
                    font=serif_font_factory(), font_size=10),
                border_width=0, background=None)
        return None


@dataclass
class Mark:
    """Text that a signature writes elsewhere on a page: the number and
    notation and the date of issue that the agency's clerk gives a document
    the official signed before (Decree 30/2020, appendix I).

    A mark is one more widget of the signature field, so that it is part of
    the signature (the official's earlier signature stays valid: a new
    signature field with its widgets is an allowed change, where text added
    to the page is not).  box is (x1, y1, x2, y2) in PDF points; cover
    paints the box white first (to hide a placeholder or blank line)."""
    box: tuple
    text: str
    page: int = 0
    font_size: float = 13
    cover: bool = False


def _single_or_first_widget(field):
    """pyHanko draws a signature's appearance on the field's only widget;
    a field with marks has more: the first one is the signature's own"""
    try:
        return _single_field_annot(field)
    except Exception:
        kids = field.get('/Kids') if field.get('/FT') == '/Sig' else None
        if kids:
            return kids[0].get_object()
        raise


_single_field_annot = cms_embedder.get_single_field_annot
cms_embedder.get_single_field_annot = _single_or_first_widget


def page_box(data, page=0):
    "Return the (x1, y1, x2, y2) media box of the page of the PDF"
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        box = reader.find_page_for_modification(page)[0].get_object()
        box = _inherited(box, '/MediaBox')
        return tuple(float(v) for v in box)
    except Exception as exception:
        raise SignatureError(
            "The file is not a readable PDF", 'unreadable') from exception


def _inherited(page, key):
    while page is not None:
        if key in page:
            return page[key]
        page = page.get('/Parent')
        page = page.get_object() if page is not None else None
    raise KeyError(key)


def signature_boxes(data):
    """Return the (field name, page, box) of the visible signatures of the
    PDF, in the order they were signed (the widget of each)"""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
        pages = {}
        for number in range(int(reader.root['/Pages']['/Count'])):
            ref = reader.find_page_for_modification(number)[0]
            pages[ref.reference if hasattr(ref, 'reference') else ref] = (
                number)
    except Exception as exception:
        raise SignatureError(
            "The file is not a readable PDF", 'unreadable') from exception
    found = []
    for embedded in signatures:
        field = embedded.sig_field
        widget = (field['/Kids'][0].get_object() if '/Kids' in field
            else field)
        rect = [float(v) for v in widget.get('/Rect', [0, 0, 0, 0])]
        x1, y1, x2, y2 = min(rect[0], rect[2]), min(rect[1], rect[3]), \
            max(rect[0], rect[2]), max(rect[1], rect[3])
        if x2 - x1 < 1 or y2 - y1 < 1:
            continue
        page = widget.raw_get('/P') if '/P' in widget else None
        number = pages.get(getattr(page, 'reference', page), 0)
        found.append((embedded.field_name, number, (x1, y1, x2, y2)))
    return found


def _add_marks(writer, field_spec, style, marks):
    """Create the signature field with its own widget first and one widget
    per mark after it, each mark with its appearance drawn now"""
    pages = int(writer.root['/Pages']['/Count'])
    field_spec = fields.SigFieldSpec(
        field_spec.sig_field_name, on_page=field_spec.on_page,
        box=field_spec.box, combine_annotation=False)
    fields.append_signature_field(writer, field_spec)
    field_ref = next(ref for name, _, ref in fields.enumerate_sig_fields(
            writer, filled_status=False)
        if name == field_spec.sig_field_name)
    field = field_ref.get_object()
    font = serif_font_factory()
    # The text at its size on the left of its box, smaller only when longer
    # than the box
    layout = SimpleBoxLayoutRule(
        x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID,
        margins=Margins(1, 1, 1, 1),
        inner_content_scaling=InnerScaling.SHRINK_TO_FIT)
    for mark in marks:
        if not 0 <= mark.page < pages:
            raise SignatureError(
                "The document has %d pages: page %d does not exist" % (
                    pages, mark.page + 1), 'page',
                pages=pages, page=mark.page + 1)
        x1, y1, x2, y2 = mark.box
        width, height = x2 - x1, y2 - y1
        stamp = TextStamp(writer, TextStampStyle(
                stamp_text=mark.text.replace('%', '%%'),
                text_box_style=TextBoxStyle(
                    font=font, font_size=mark.font_size,
                    box_layout_rule=layout),
                border_width=0, background=None,
                inner_content_layout=layout),
            box=BoxConstraints(width=width, height=height))
        text = stamp.register()
        cover = b'q 1 g 0 0 %g %g re f Q ' % (width, height) \
            if mark.cover else b''
        appearance = generic.StreamObject({
                generic.pdf_name('/Type'): generic.pdf_name('/XObject'),
                generic.pdf_name('/Subtype'): generic.pdf_name('/Form'),
                generic.pdf_name('/BBox'): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (0, 0, width, height)]),
                generic.pdf_name('/Resources'): generic.DictionaryObject({
                        generic.pdf_name('/XObject'):
                        generic.DictionaryObject({
                                generic.pdf_name('/Mark'): text})}),
                }, stream_data=cover + b'q /Mark Do Q')
        page_ref = writer.find_page_for_modification(mark.page)[0]
        widget = writer.add_object(generic.DictionaryObject({
                    generic.pdf_name('/Type'): generic.pdf_name('/Annot'),
                    generic.pdf_name('/Subtype'): generic.pdf_name('/Widget'),
                    # Printed and locked, like the signature's own widget
                    generic.pdf_name('/F'): generic.NumberObject(4 | 128),
                    generic.pdf_name('/Rect'): generic.ArrayObject(
                        [generic.FloatObject(v) for v in mark.box]),
                    # No /Parent, as pyHanko's own widget: readers (poppler)
                    # then see one field with its widgets
                    generic.pdf_name('/P'): page_ref,
                    generic.pdf_name('/AP'): generic.DictionaryObject({
                            generic.pdf_name('/N'):
                            writer.add_object(appearance)}),
                    }))
        field['/Kids'].append(widget)
        writer.register_annotation(page_ref, widget)
    writer.mark_update(field_ref)


def image_size(data):
    "Return the true size (width, height) in points of a PNG"
    try:
        picture = Image.open(io.BytesIO(data))
    except Exception as exception:
        raise SignatureError(
            "The signature image is not a readable PNG",
            'image') from exception
    dpi_x, dpi_y = picture.info.get('dpi', (96, 96))
    return (picture.width * 72 / (dpi_x or 96),
        picture.height * 72 / (dpi_y or 96))


def seal_box(signer_box, seal_image):
    """Return the box of the agency's seal (Decree 30/2020, appendix I):
    the seal at true size, covering about a third of the signer's image on
    its left, centred vertically on it."""
    x1, y1, x2, y2 = signer_box
    width, height = image_size(seal_image)
    right = x1 + (x2 - x1) / 3
    middle = (y1 + y2) / 2
    return (right - width, middle - height / 2, right, middle + height / 2)


def find_placeholder(data, placeholder, width=None, height=None):
    """Return the Appearance box of the first occurrence of the placeholder
    text (e.g. "[CHU_KY_LANH_DAO]") in the PDF: the text's own box, or a box
    of the given size centred on it; None when the text is not found."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine
    try:
        pages = list(extract_pages(io.BytesIO(data)))
    except Exception as exception:
        raise SignatureError(
            "The file is not a readable PDF", 'unreadable') from exception

    def lines(element):
        if isinstance(element, LTTextLine):
            yield element
        elif isinstance(element, LTTextContainer) or hasattr(
                element, '__iter__'):
            for child in element:
                yield from lines(child)

    for number, page in enumerate(pages):
        for line in lines(page):
            text = line.get_text()
            start = text.find(placeholder)
            if start < 0:
                continue
            characters = [c for c in line if hasattr(c, 'get_text')]
            chosen = characters[start:start + len(placeholder)] or [line]
            x1 = min(c.x0 for c in chosen)
            x2 = max(c.x1 for c in chosen)
            y1 = min(c.y0 for c in chosen)
            y2 = max(c.y1 for c in chosen)
            if width and height:
                cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
                x1, x2 = cx - width / 2, cx + width / 2
                y1, y2 = cy - height / 2, cy + height / 2
            return number, (x1, y1, x2, y2)
    return None


def appendix_text(number_notation, when=None):
    """Text of the agency's signature on an appendix in a separate file:
    number and notation and the signing time in ISO 8601 with +07:00
    (Decree 30/2020, appendix I)."""
    when = (when or dt.datetime.now(VIETNAM)).astimezone(VIETNAM)
    return '%s\n%s' % (number_notation, when.isoformat(timespec='seconds'))


def page_count(data):
    try:
        return int(PdfFileReader(io.BytesIO(data), strict=False)
            .root['/Pages']['/Count'])
    except Exception as exception:
        raise SignatureError(
            "The file is not a readable PDF", 'unreadable') from exception


# Signing
def _open(data):
    "Return the incremental writer of the PDF data to sign"
    if not data.startswith(b'%PDF'):
        raise SignatureError("The file is not a PDF", 'not_pdf')
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except Exception as exception:
        raise SignatureError(
            "The file is not a readable PDF", 'unreadable') from exception
    if writer.prev.encrypted:
        raise SignatureError(
            "Encrypted PDF files cannot be signed", 'encrypted')
    return writer


def _field(writer, field_name, appearance):
    "Return the new field's specification and stamp of the appearance"
    if not appearance:
        return None, None
    pages = int(writer.root['/Pages']['/Count'])
    if not 0 <= appearance.page < pages:
        raise SignatureError(
            "The document has %d pages: page %d does not exist" % (
                pages, appearance.page + 1), 'page',
            pages=pages, page=appearance.page + 1)
    field_spec = fields.SigFieldSpec(
        field_name, on_page=appearance.page,
        box=tuple(int(v) for v in appearance.box))
    return field_spec, appearance.style()


def _reserve(signer, tsa_url, validation_context):
    """Return the room to reserve for the CMS, or None to let pyHanko
    estimate it.  Its estimate makes a dry-run signature: one more
    operation on the token for every document.  Without a timestamp or
    revocation data the CMS holds the signed attributes, the signature
    value (512 bytes for RSA 4096) and the certificates, so that room is
    known in advance."""
    if tsa_url or validation_context is not None:
        return None
    try:
        certificates = [signer.signing_cert, *signer.cert_registry]
        size = sum(len(c.dump()) for c in certificates if c is not None)
    except Exception:
        return None
    # pyHanko wants an even number of bytes (hex-encoded in the file)
    return (size + 8192 + 1) // 2 * 2


def check_signing_certificate(certificate, when=None):
    """Refuse a certificate that is not valid at the moment or that may not
    sign (no digitalSignature nor nonRepudiation key usage)."""
    when = when or dt.datetime.now(dt.timezone.utc)
    if isinstance(certificate, x509.Certificate):
        certificate = to_asn1(certificate)
    if certificate is None:
        return
    not_before = certificate.not_valid_before
    not_after = certificate.not_valid_after
    if not (not_before <= when <= not_after):
        raise SignatureError(
            "The certificate is valid from %s to %s only" % (
                not_before.date(), not_after.date()), 'validity',
            not_before=not_before.astimezone(VIETNAM).strftime('%d/%m/%Y'),
            not_after=not_after.astimezone(VIETNAM).strftime('%d/%m/%Y'))
    usage = certificate.key_usage_value
    if usage is not None and not (
            {'digital_signature', 'non_repudiation'} & set(usage.native)):
        raise SignatureError(
            "The certificate may not sign (key usage)", 'key_usage')


def sign_pdf(data, signer, field_name='Signature1', appearance=None,
        tsa_url=None, certify=False, name=None, reason=None, location=None,
        validation_context=None, marks=()):
    """Sign the PDF data with PAdES (ETSI.CAdES.detached, SHA-256) as an
    incremental update and return the signed PDF.

    B-B without a timestamp authority, B-T with tsa_url, B-LT when a
    validation_context able to fetch revocation data is given.  certify
    locks the document against any further change but signatures.  marks
    (Mark) are texts the signature writes on the pages, in the same
    revision (they need a visible appearance)."""
    writer = _open(data)
    check_signing_certificate(signer.signing_cert)
    field_spec, style = _field(writer, field_name, appearance)
    if marks:
        if field_spec is None:
            raise SignatureError(
                "Marks need a visible signature", 'failed',
                reason="marks without appearance")
        try:
            _add_marks(writer, field_spec, style, marks)
        except SignatureError:
            raise
        except Exception as exception:
            raise SignatureError(
                "Signing failed: %s" % exception, 'failed',
                reason=str(exception)) from exception
        field_spec = None
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm='sha256',
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES if certify
        else fields.MDPPerm.FILL_FORMS,
        name=name, reason=reason, location=location,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context)
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    pdf_signer = signers.PdfSigner(
        metadata, signer, timestamper=timestamper, stamp_style=style,
        new_field_spec=field_spec)
    output = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=output,
            bytes_reserved=_reserve(signer, tsa_url, validation_context))
    except SignatureError:
        raise
    except Exception as exception:
        raise SignatureError(
            "Signing failed: %s" % exception, 'failed',
            reason=str(exception)) from exception
    return output.getvalue()


# Signing on the official's own token (interrupted signing)
@dataclass
class PreparedSignature:
    """A PDF prepared for signing elsewhere: the document with its
    signature field and reserved space, where the signature goes, and the
    CMS signed attributes (with the document digest) to be signed."""
    pdf: bytes
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attributes: bytes


def _run(coroutine):
    return asyncio.run(coroutine)


def prepare_signature(data, certificate, chain=(), field_name='Signature1',
        appearance=None, name=None, reason=None, location=None):
    """Prepare the PDF for a signature made on the official's computer:
    return a PreparedSignature whose signed_attributes the signing agent
    signs with the key on the USB token."""
    writer = _open(data)
    check_signing_certificate(certificate)
    signer = signers.ExternalSigner(
        signing_cert=to_asn1(certificate),
        cert_registry=SimpleCertificateStore.from_certs(
            [to_asn1(c) for c in chain]),
        # Size of the largest signature value expected (RSA 4096)
        signature_value=bytes(512))
    field_spec, style = _field(writer, field_name, appearance)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm='sha256',
        subfilter=fields.SigSeedSubFilter.PADES,
        name=name, reason=reason, location=location)
    pdf_signer = signers.PdfSigner(
        metadata, signer, stamp_style=style, new_field_spec=field_spec)
    try:
        digest, _, output = _run(
            pdf_signer.async_digest_doc_for_signing(writer))
        attributes = _run(signer.signed_attrs(
                digest.document_digest, 'sha256', use_pades=True))
    except Exception as exception:
        raise SignatureError(
            "The PDF cannot be prepared: %s" % exception, 'failed',
            reason=str(exception)) from exception
    return PreparedSignature(
        pdf=output.getvalue(), document_digest=digest.document_digest,
        reserved_start=digest.reserved_region_start,
        reserved_end=digest.reserved_region_end,
        signed_attributes=attributes.dump())


def sign_attributes(signed_attributes, signer):
    """Sign prepared CMS signed attributes (the signing agent's work) and
    return the CMS (DER)."""
    try:
        attributes = cms.CMSAttributes.load(signed_attributes)
        content = _run(signer.async_sign_prescribed_attributes(
                'sha256', signed_attrs=attributes))
    except Exception as exception:
        raise SignatureError(
            "Signing failed: %s" % exception, 'failed',
            reason=str(exception)) from exception
    return content.dump()


def complete_signature(prepared, signature_cms, certificate):
    """Put the CMS made by the signing agent into the prepared PDF and
    return the signed PDF; the CMS must be made with the expected
    certificate over the prepared attributes."""
    try:
        content = cms.ContentInfo.load(signature_cms)
        signed_data = content['content']
        signer_info, = signed_data['signer_infos']
        digests = [a['values'][0].native for a in signer_info['signed_attrs']
            if a['type'].native == 'message_digest']
        certificates = [c.chosen for c in signed_data['certificates']]
    except Exception as exception:
        raise SignatureError(
            "The signature returned is not a CMS signature",
            'not_cms') from exception
    expected = to_asn1(certificate)
    sid = signer_info['sid'].chosen
    signer_cert = next((c for c in certificates
            if c.issuer == sid['issuer']
            and c.serial_number == sid['serial_number'].native), None)
    if signer_cert is None or signer_cert.dump() != expected.dump():
        raise SignatureError(
            "The signature was made with another certificate",
            'other_certificate')
    if digests != [prepared.document_digest]:
        raise SignatureError(
            "The signature was made over another document",
            'other_document')
    output = io.BytesIO(prepared.pdf)
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_start,
        reserved_region_end=prepared.reserved_end)
    try:
        _run(PdfTBSDocument.async_finish_signing(output, digest, content))
    except Exception as exception:
        raise SignatureError(
            "The signature cannot be put into the PDF: %s" % exception,
            'failed', reason=str(exception)) from exception
    return output.getvalue()


# Validation
def validation_context(trust_roots, allow_fetching=True):
    """The context that fetches revocation data (CRL, OCSP) of the chain:
    given to sign_pdf it makes the signature B-LT."""
    return ValidationContext(
        trust_roots=[to_asn1(c) for c in trust_roots],
        allow_fetching=allow_fetching, revocation_mode='hard-fail')


@dataclass
class SignatureReport:
    field: str
    level: str = None
    signer: str = None
    issuer: str = None
    serial: str = None
    not_before: str = None
    not_after: str = None
    signing_time: str = None
    timestamp: str = None
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    revoked: bool = False
    revocation_checked: bool = False
    coverage: str = None
    modifications: str = None
    docmdp_ok: bool = None
    indication: str = INDETERMINATE
    sub_indication: str = None


@dataclass
class ValidationReport:
    indication: str = INDETERMINATE
    sub_indication: str = None
    signatures: list = field(default_factory=list)

    def as_dict(self):
        return asdict(self)


def _name(name):
    return name.human_friendly if name is not None else None


def _iso(value):
    return value.astimezone(VIETNAM).isoformat(timespec='seconds') \
        if value else None


def _has_revocation_source(certificate):
    "Tell whether the certificate names a CRL or an OCSP responder"
    if certificate is None:
        return False
    return bool(certificate.crl_distribution_points
        or certificate.ocsp_urls)


def _judge(report):
    "Indication and sub-indication of one signature"
    if not report.intact:
        return TOTAL_FAILED, 'HASH_FAILURE'
    if not report.valid:
        return TOTAL_FAILED, 'SIG_CRYPTO_FAILURE'
    if report.revoked:
        return TOTAL_FAILED, 'REVOKED'
    if report.docmdp_ok is False or report.modifications == 'OTHER':
        # Changes after signing that the signature does not allow
        return TOTAL_FAILED, 'SIG_CONSTRAINTS_FAILURE'
    if not report.trusted:
        return INDETERMINATE, 'NO_CERTIFICATE_CHAIN_FOUND'
    return TOTAL_PASSED, None


def validate_pdf(data, trust_roots=(), allow_fetching=False):
    """Validate every signature of the PDF against the trust anchors and
    return a ValidationReport with an overall indication."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception as exception:
        raise SignatureError(
            "The file is not a readable PDF", 'unreadable') from exception
    context = ValidationContext(
        trust_roots=[to_asn1(c) for c in trust_roots],
        allow_fetching=allow_fetching,
        revocation_mode='soft-fail')
    result = ValidationReport()
    if not signatures:
        result.sub_indication = 'SIGNED_DATA_NOT_FOUND'
        return result
    try:
        dss = reader.root['/DSS'] if '/DSS' in reader.root else {}
        embedded_revocation = '/CRLs' in dss or '/OCSPs' in dss
    except Exception:
        embedded_revocation = False
    for embedded in signatures:
        report = SignatureReport(field=embedded.field_name)
        certificate = embedded.signer_cert
        if certificate is not None:
            report.signer = _name(certificate.subject)
            report.issuer = _name(certificate.issuer)
            report.serial = format(certificate.serial_number, 'X')
            report.not_before = _iso(certificate.not_valid_before)
            report.not_after = _iso(certificate.not_valid_after)
        try:
            status = validate_pdf_signature(embedded, context)
        except Exception as exception:
            report.indication, report.sub_indication = (
                TOTAL_FAILED, 'FORMAT_FAILURE')
            report.modifications = str(exception)
            result.signatures.append(report)
            continue
        report.intact = bool(status.intact)
        report.valid = bool(status.valid)
        report.trusted = bool(status.trusted)
        report.revoked = bool(status.revoked)
        report.revocation_checked = allow_fetching and _has_revocation_source(
            certificate)
        report.signing_time = _iso(status.signer_reported_dt)
        report.level = 'B-B'
        if status.timestamp_validity is not None:
            report.timestamp = _iso(status.timestamp_validity.timestamp)
            report.level = 'B-LT' if embedded_revocation else 'B-T'
        report.coverage = status.coverage.name if status.coverage else None
        report.modifications = (status.modification_level.name
            if status.modification_level else None)
        report.docmdp_ok = status.docmdp_ok
        report.indication, report.sub_indication = _judge(report)
        result.signatures.append(report)
    worst = max(result.signatures, key=lambda r: SEVERITY[r.indication])
    result.indication = worst.indication
    result.sub_indication = worst.sub_indication
    return result
