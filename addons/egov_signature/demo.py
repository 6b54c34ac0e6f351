# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Demo signing identities, loaded by ``make run`` after the demo agencies
(``python -m trytond.modules.egov_signature.demo DB``), never by installing
the module.

A demo root certificate authority is made when the demo is loaded (no key
is kept in the repository) and added as the only trust anchor; it issues
the certificates of the leader of Đồng Xoài and of the city's People's
Committee (its seal), both as software keys protected by the demo
password.  Production adds the national root CA and the government CA
instead, and keeps the keys on tokens."""
import io
import sys

from trytond.pool import Pool

PASSWORD = 'Demo#Egov2026'


def _png(color, size):
    from PIL import Image, ImageDraw
    image = Image.new('RGBA', size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if size[0] == size[1]:
        draw.ellipse([4, 4, size[0] - 4, size[1] - 4], outline=color,
            width=5)
        draw.ellipse([18, 18, size[0] - 18, size[1] - 18], outline=color,
            width=2)
    else:
        draw.line([(8, size[1] - 12), (size[0] // 3, 10),
                (2 * size[0] // 3, size[1] - 20), (size[0] - 8, 14)],
            fill=color, width=4)
    buffer = io.BytesIO()
    image.save(buffer, 'PNG', dpi=(96, 96))
    return buffer.getvalue()


def load_demo():
    "Create the demo trust anchor and identities once"
    from cryptography.hazmat.primitives import serialization

    from .tests.pki import TestPKI

    pool = Pool()
    Anchor = pool.get('egov.signature.trust_anchor')
    Identity = pool.get('egov.signature.identity')
    User = pool.get('res.user')
    Company = pool.get('company.company')
    if Anchor.search([('name', '=', "CA thử nghiệm (demo)")]):
        return False
    leaders = User.search([('login', '=', 'lanhdao.dongxoai')])
    agencies = Company.search([('agency_code', '=', '000.00.31.H10')])
    if not leaders or not agencies:
        return False
    leader, = leaders
    agency, = agencies

    pki = TestPKI("CA thử nghiệm của tỉnh (demo)")
    Anchor.create([{
                'name': "CA thử nghiệm (demo)",
                'certificate': pki.root_pem,
                }])
    identities = []
    for kind, name, image in [
            ('official', leader.name, _png((20, 40, 200, 255), (180, 80))),
            ('agency', agency.party.name,
                _png((210, 20, 20, 255), (150, 150))),
            ]:
        key, certificate = pki.issue(name)
        identities.append({
                'name': name,
                'kind': kind,
                'user': leader.id if kind == 'official' else None,
                'company': agency.id,
                'certificate': certificate.public_bytes(
                    serialization.Encoding.PEM),
                'chain': pki.root_pem,
                'key_storage': 'software',
                'software_key': pki.pkcs12(key, certificate, PASSWORD),
                'image': image,
                })
    Identity.create(identities)
    return True


def main(argv=None):
    from trytond.modules.egov_base.demo import run
    run(load_demo, "Load the demo signing identities into DATABASE",
        "demo signing identities loaded",
        "demo signing identities already present", argv)


if __name__ == '__main__':
    sys.exit(main())
