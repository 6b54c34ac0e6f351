# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Benchmark of PDF signing on a PKCS#11 token (softhsm2) and of
validation, on 100 one-page PDFs.

signing      the platform's signing (pades.sign_pdf, one token session for
             the batch, visible stamp) in signatures per second (target
             >= 20), and its ratio to bare pyHanko signing the same files
             the same way (target <= 1.3)
validation   validations per second
"""
import io
import time

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from trytond.modules.egov_signature import pades
from trytond.modules.egov_signature.tests.pki import (
    TestPKI, sample_pdf, sample_png)
from trytond.modules.egov_signature.tests.token import PIN, SoftToken

DOCUMENTS = 100
BOX = (360, 210, 480, 270)


def bare_pyhanko(documents, signer, style):
    "pyHanko alone: the same PAdES signature and stamp, no platform code"
    signed = []
    for data in documents:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        metadata = signers.PdfSignatureMetadata(
            field_name='Signature1', md_algorithm='sha256',
            subfilter=fields.SigSeedSubFilter.PADES)
        output = io.BytesIO()
        signers.PdfSigner(metadata, signer, stamp_style=style,
            new_field_spec=fields.SigFieldSpec(
                'Signature1', on_page=0, box=BOX)).sign_pdf(
            writer, output=output)
        signed.append(output.getvalue())
    return signed


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def run():
    pki = TestPKI()
    key, certificate = pki.issue("Lãnh đạo")
    token = SoftToken('egov-bench')
    try:
        token.import_key(key, certificate, 'lanhdao')
        documents = [sample_pdf("KẾT QUẢ %d" % i) for i in range(DOCUMENTS)]
        image = sample_png()
        appearance = pades.Appearance(box=BOX, image=image)

        session = pades.pkcs11_session(token.library, token.label, PIN)
        try:
            signer = pades.pkcs11_signer(session, 'lanhdao')
            bare, _ = timed(
                bare_pyhanko, documents, signer, appearance.style())
            ours, signed = timed(lambda: [
                    pades.sign_pdf(d, signer, appearance=appearance)
                    for d in documents])
        finally:
            session.close()

        print("signing: %d one-page PDFs on a softhsm2 token (RSA 2048, "
            "visible stamp)" % DOCUMENTS)
        print("  bare pyHanko:        %7.0f ms  %6.1f signatures/s" % (
                bare * 1000, DOCUMENTS / bare))
        print("  platform (pades):    %7.0f ms  %6.1f signatures/s"
            "  (target >= 20)" % (ours * 1000, DOCUMENTS / ours))
        print("  ratio platform / bare pyHanko: %.2f  (target <= 1.3)" % (
                ours / bare))

        elapsed, reports = timed(lambda: [
                pades.validate_pdf(data, [pki.root]) for data in signed])
        assert all(r.indication == pades.TOTAL_PASSED for r in reports)
        print("validation: %d signed PDFs: %7.0f ms  %6.1f validations/s" % (
                DOCUMENTS, elapsed * 1000, DOCUMENTS / elapsed))
    finally:
        token.close()
