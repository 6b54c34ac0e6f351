# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Benchmark of PDF signing on a PKCS#11 token (softhsm2) and of
validation.

batch signing   a leader signs 50 results: one token session for the batch
                against the baseline of opening a session per document
validation      validating the 50 signed results against the trust anchor
"""
import time

from trytond.modules.egov_signature import pades
from trytond.modules.egov_signature.tests.pki import (
    TestPKI, sample_pdf, sample_png)
from trytond.modules.egov_signature.tests.token import PIN, SoftToken

DOCUMENTS = 50


def run():
    pki = TestPKI()
    key, certificate = pki.issue("Lãnh đạo")
    token = SoftToken('egov-bench')
    try:
        token.import_key(key, certificate, 'lanhdao')
        documents = [sample_pdf("KẾT QUẢ %d" % i) for i in range(DOCUMENTS)]
        image = sample_png()

        def appearance():
            return pades.Appearance(box=(360, 210, 480, 270), image=image)

        def per_document():
            signed = []
            for data in documents:
                session = pades.pkcs11_session(
                    token.library, token.label, PIN)
                try:
                    signer = pades.pkcs11_signer(session, 'lanhdao')
                    signed.append(pades.sign_pdf(
                            data, signer, appearance=appearance()))
                finally:
                    session.close()
            return signed

        def one_session():
            session = pades.pkcs11_session(token.library, token.label, PIN)
            try:
                signer = pades.pkcs11_signer(session, 'lanhdao')
                return [pades.sign_pdf(data, signer, appearance=appearance())
                    for data in documents]
            finally:
                session.close()

        start = time.perf_counter()
        per_document()
        base = time.perf_counter() - start
        start = time.perf_counter()
        signed = one_session()
        batch = time.perf_counter() - start
        print("batch signing: %d PDFs on a softhsm2 token (RSA 2048, "
            "visible stamp)" % DOCUMENTS)
        print("  baseline (session per document): %7.0f ms  %5.1f ms/PDF" % (
                base * 1000, base * 1000 / DOCUMENTS))
        print("  one session for the batch:       %7.0f ms  %5.1f ms/PDF" % (
                batch * 1000, batch * 1000 / DOCUMENTS))
        print("  ratio baseline / batch: %.2fx" % (base / batch))

        start = time.perf_counter()
        reports = [pades.validate_pdf(data, [pki.root]) for data in signed]
        elapsed = time.perf_counter() - start
        assert all(r.indication == pades.TOTAL_PASSED for r in reports)
        print("validation: %d signed PDFs: %7.0f ms  %5.1f ms/PDF" % (
                DOCUMENTS, elapsed * 1000, elapsed * 1000 / DOCUMENTS))
    finally:
        token.close()
