# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""A PKCS#11 token for the tests: Debian's softhsm2, initialised in a
temporary folder with a key and its certificate imported."""
import os
import shutil
import subprocess
import tempfile

from cryptography.hazmat.primitives import serialization

LIBRARIES = [
    '/usr/lib/softhsm/libsofthsm2.so',
    '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
    '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
    ]
PIN = '246810'
SO_PIN = '13579246'


def library():
    for path in LIBRARIES:
        if os.path.exists(path):
            return path
    raise RuntimeError(
        "softhsm2 is not installed (apt-get install softhsm2)")


class SoftToken:
    "softhsm2 token holding a key pair and its certificate"

    def __init__(self, label='egov-test'):
        self.label = label
        self.folder = tempfile.mkdtemp(prefix='egov-softhsm-')
        tokens = os.path.join(self.folder, 'tokens')
        os.mkdir(tokens)
        self.config = os.path.join(self.folder, 'softhsm2.conf')
        with open(self.config, 'w') as fp:
            fp.write('directories.tokendir = %s\n'
                'objectstore.backend = file\nlog.level = ERROR\n' % tokens)
        os.environ['SOFTHSM2_CONF'] = self.config
        self.library = library()
        self._run('--init-token', '--free', '--label', label,
            '--so-pin', SO_PIN, '--pin', PIN)

    def _run(self, *args):
        subprocess.run(['softhsm2-util', *args], check=True,
            capture_output=True, env=dict(os.environ,
                SOFTHSM2_CONF=self.config))

    def import_key(self, key, certificate, label, object_id='01'):
        "Import the private key and its certificate under label"
        path = os.path.join(self.folder, label + '.pem')
        with open(path, 'wb') as fp:
            fp.write(key.private_bytes(serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption()))
        try:
            self._run('--import', path, '--token', self.label,
                '--label', label, '--id', object_id, '--pin', PIN)
        finally:
            os.unlink(path)
        import pkcs11
        from pkcs11 import Attribute, CertificateType, ObjectClass
        lib = pkcs11.lib(self.library)
        token = lib.get_token(token_label=self.label)
        with token.open(rw=True, user_pin=PIN) as session:
            session.create_object({
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: bytes.fromhex(object_id),
                    Attribute.SUBJECT: certificate.subject.public_bytes(),
                    Attribute.ISSUER: certificate.issuer.public_bytes(),
                    Attribute.VALUE: certificate.public_bytes(
                        serialization.Encoding.DER),
                    })

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)
