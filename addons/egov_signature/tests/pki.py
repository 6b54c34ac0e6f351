# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""A test public-key infrastructure: a root CA and certificates of
officials and agencies issued by it, made at run time (no key is stored in
the repository)."""
import datetime as dt
import io

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from trytond.modules.egov_signature.pades import serif_font


def _name(common_name, organization="Tỉnh Bình Phước (thử nghiệm)"):
    return x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, 'VN'),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ])


class TestPKI:

    def __init__(self, name="Test Root CA (egov)"):
        now = dt.datetime.now(dt.timezone.utc)
        self.root_key = rsa.generate_private_key(
            public_exponent=65537, key_size=2048)
        self.root = (x509.CertificateBuilder()
            .subject_name(_name(name)).issuer_name(_name(name))
            .public_key(self.root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(
                x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(x509.KeyUsage(
                    digital_signature=False, content_commitment=False,
                    key_encipherment=False, data_encipherment=False,
                    key_agreement=False, key_cert_sign=True, crl_sign=True,
                    encipher_only=False, decipher_only=False), True)
            .sign(self.root_key, hashes.SHA256()))

    def issue(self, common_name, ecdsa=False, days=730, not_before=None,
            usage=ExtendedKeyUsageOID.EMAIL_PROTECTION, crl_url=None,
            signing=True):
        "Return (key, certificate) of a signer"
        if ecdsa:
            key = ec.generate_private_key(ec.SECP256R1())
        else:
            key = rsa.generate_private_key(
                public_exponent=65537, key_size=2048)
        now = not_before or dt.datetime.now(dt.timezone.utc)
        certificate = (x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.root.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(
                x509.BasicConstraints(ca=False, path_length=None), True)
            .add_extension(x509.KeyUsage(
                    digital_signature=signing, content_commitment=signing,
                    key_encipherment=not signing, data_encipherment=False,
                    key_agreement=False, key_cert_sign=False, crl_sign=False,
                    encipher_only=False, decipher_only=False), True)
            .add_extension(x509.ExtendedKeyUsage([usage]),
                usage == ExtendedKeyUsageOID.TIME_STAMPING))
        if crl_url:
            certificate = certificate.add_extension(
                x509.CRLDistributionPoints([x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(
                                    crl_url)],
                            relative_name=None, reasons=None,
                            crl_issuer=None)]), False)
        certificate = certificate.sign(self.root_key, hashes.SHA256())
        return key, certificate

    def crl(self, revoked=()):
        "Return the DER certificate revocation list of the root"
        now = dt.datetime.now(dt.timezone.utc)
        builder = (x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.subject)
            .last_update(now - dt.timedelta(hours=1))
            .next_update(now + dt.timedelta(days=7)))
        for certificate in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(certificate.serial_number)
                .revocation_date(now - dt.timedelta(minutes=30))
                .build())
        return builder.sign(self.root_key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER)

    def pkcs12(self, key, certificate, password):
        return pkcs12.serialize_key_and_certificates(
            b'signer', key, certificate, [self.root],
            serialization.BestAvailableEncryption(password.encode()))

    @property
    def root_pem(self):
        return self.root.public_bytes(serialization.Encoding.PEM)


def sample_pdf(title="QUYẾT ĐỊNH", pages=1, placeholder=None, password=None):
    "A small official-looking PDF with Vietnamese text"
    buffer = io.BytesIO()
    pdfmetrics.registerFont(TTFont('EgovSerif', serif_font()))
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=password)
    for page in range(pages):
        pdf.setFont('EgovSerif', 13)
        pdf.drawCentredString(297, 800, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        pdf.drawCentredString(297, 782, "Độc lập - Tự do - Hạnh phúc")
        pdf.setFont('EgovSerif', 14)
        pdf.drawCentredString(297, 720, title)
        pdf.setFont('EgovSerif', 12)
        pdf.drawString(380, 300, "CHỦ TỊCH")
        if placeholder and page == pages - 1:
            pdf.drawString(385, 250, placeholder)
        pdf.drawString(370, 200, "Nguyễn Văn A")
        pdf.drawString(72, 100, "Trang %d" % (page + 1))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def sample_png(color=(0, 0, 200, 255), size=(120, 60)):
    "A transparent PNG with a coloured stroke, like a scanned signature"
    from PIL import Image, ImageDraw
    image = Image.new('RGBA', size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(5, size[1] - 10), (size[0] // 2, 10),
            (size[0] - 5, size[1] - 15)], fill=color, width=4)
    buffer = io.BytesIO()
    image.save(buffer, 'PNG')
    return buffer.getvalue()


class TimestampAuthority:
    """A local RFC 3161 timestamp authority over HTTP on 127.0.0.1, answering
    with pyHanko's test timestamper and a certificate of the test PKI."""

    def __init__(self, pki):
        import http.server
        import threading

        from asn1crypto import keys, tsp
        from pyhanko.sign.timestamps import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        from trytond.modules.egov_signature.pades import to_asn1

        key, certificate = pki.issue(
            "TSA thử nghiệm", usage=ExtendedKeyUsageOID.TIME_STAMPING)
        stamper = DummyTimeStamper(
            tsa_cert=to_asn1(certificate),
            tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption())),
            certs_to_embed=SimpleCertificateStore.from_certs(
                [to_asn1(pki.root)]))
        self.requests = 0
        authority = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers['Content-Length'])
                request = tsp.TimeStampReq.load(self.rfile.read(length))
                response = stamper.request_tsa_response(request).dump()
                authority.requests += 1
                self.send_response(200)
                self.send_header('Content-Type', 'application/timestamp-reply')
                self.send_header('Content-Length', str(len(response)))
                self.end_headers()
                self.wfile.write(response)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%s/' % self.server.server_port
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class CRLServer:
    "Serves the root's current CRL over HTTP on 127.0.0.1"

    def __init__(self, pki):
        import http.server
        import threading
        self.pki = pki
        self.content = pki.crl()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header('Content-Type', 'application/pkix-crl')
                self.send_header('Content-Length', str(len(server.content)))
                self.end_headers()
                self.wfile.write(server.content)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%s/root.crl' % self.server.server_port
        threading.Thread(
            target=self.server.serve_forever, daemon=True).start()

    def revoke(self, *certificates):
        self.content = self.pki.crl(certificates)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
