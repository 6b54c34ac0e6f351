# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Command-line signing and validation, with the code the server uses.

egov-sign IN.pdf OUT.pdf --pkcs11-lib LIB --token LABEL --key-label LABEL
    [--cert-label LABEL] [--pin-file F] [--image PNG] [--box x1,y1,x2,y2]
    [--page N] [--placeholder TEXT] [--text TEXT] [--field NAME]
    [--certify] [--tsa URL]
egov-verify FILE.pdf [--trust CERT.pem ...] [--check-revocation] [--json]
    prints the validation report; exits 0 only for TOTAL_PASSED
egov-sign-agent REQUEST.json RESPONSE.json --pkcs11-lib LIB --token LABEL
    --key-label LABEL [--cert-label LABEL] [--pin-file F] [--yes]
    the signing agent of the official's USB token: signs the request
    downloaded from the platform and writes the response to upload
"""
import argparse
import base64
import getpass
import json
import sys

from . import pades


def _box(value):
    try:
        box = tuple(float(v) for v in value.split(','))
    except ValueError:
        box = ()
    if len(box) != 4 or box[0] >= box[2] or box[1] >= box[3]:
        raise argparse.ArgumentTypeError(
            "expected x1,y1,x2,y2 with x1 < x2 and y1 < y2, in points")
    return box


def _read(path, what):
    try:
        with open(path, 'rb') as fp:
            return fp.read()
    except OSError as exception:
        raise SystemExit("egov: cannot read the %s %s: %s" % (
                what, path, exception.strerror))


def sign_main(argv=None):
    parser = argparse.ArgumentParser(
        prog='egov-sign',
        description="Sign a PDF (PAdES) with a key on a PKCS#11 token.")
    parser.add_argument('input')
    parser.add_argument('output')
    parser.add_argument('--pkcs11-lib', required=True)
    parser.add_argument('--token', required=True, help="token label")
    parser.add_argument('--key-label', required=True)
    parser.add_argument('--cert-label',
        help="certificate label (default: the key label)")
    parser.add_argument('--pin-file',
        help="file holding the PIN (else it is asked)")
    parser.add_argument('--image', help="PNG shown in the signature box")
    parser.add_argument('--text', help="text shown in the signature box")
    parser.add_argument('--box', type=_box,
        help="visible signature box x1,y1,x2,y2 in points")
    parser.add_argument('--page', type=int, default=1,
        help="page of the box, from 1")
    parser.add_argument('--placeholder',
        help="place the visible signature on this text of the document "
        "(at the image's true size, else 120x60 points)")
    parser.add_argument('--field', default='Signature1')
    parser.add_argument('--certify', action='store_true',
        help="lock the document against changes")
    parser.add_argument('--tsa', help="RFC 3161 timestamp authority URL")
    args = parser.parse_args(argv)

    data = _read(args.input, 'PDF')
    if args.pin_file:
        pin = _read(args.pin_file, 'PIN file').decode().strip()
    else:
        pin = getpass.getpass("PIN of %s: " % args.token)
    appearance = None
    image = _read(args.image, 'image') if args.image else None
    if args.placeholder:
        try:
            width, height = (pades.image_size(image) if image
                else (120, 60))
            found = pades.find_placeholder(
                data, args.placeholder, width, height)
        except pades.SignatureError as exception:
            print("egov-sign: %s" % exception, file=sys.stderr)
            return 1
        if not found:
            print("egov-sign: %r is not in the document" % args.placeholder,
                file=sys.stderr)
            return 1
        page, box = found
        appearance = pades.Appearance(
            box=box, page=page, image=image, text=args.text)
    elif args.box:
        appearance = pades.Appearance(
            box=args.box, page=args.page - 1, image=image, text=args.text)
    try:
        session = pades.pkcs11_session(args.pkcs11_lib, args.token, pin)
        try:
            signer = pades.pkcs11_signer(
                session, args.key_label, args.cert_label)
            signed = pades.sign_pdf(
                data, signer, field_name=args.field, appearance=appearance,
                certify=args.certify, tsa_url=args.tsa)
        finally:
            session.close()
    except pades.SignatureError as exception:
        print("egov-sign: %s" % exception, file=sys.stderr)
        return 1
    with open(args.output, 'wb') as fp:
        fp.write(signed)
    print("signed: %s" % args.output)
    return 0


def format_report(report):
    lines = ["Overall: %s%s" % (report.indication,
            ' / %s' % report.sub_indication if report.sub_indication
            else '')]
    for signature in report.signatures:
        lines.append("Signature %s: %s%s" % (signature.field,
                signature.indication,
                ' / %s' % signature.sub_indication
                if signature.sub_indication else ''))
        for label, value in [
                ("PAdES level", signature.level),
                ("signer", signature.signer),
                ("issuer", signature.issuer),
                ("serial", signature.serial),
                ("certificate valid", '%s - %s' % (
                        signature.not_before, signature.not_after)),
                ("signing time", signature.signing_time),
                ("timestamp", signature.timestamp or "none"),
                ("intact", signature.intact),
                ("cryptographically valid", signature.valid),
                ("trusted", signature.trusted),
                ("revocation", "checked" if signature.revocation_checked
                    else "not checked"),
                ("covers", signature.coverage),
                ("changes after signing", signature.modifications),
                ]:
            lines.append("  %-24s %s" % (label + ':', value))
    return '\n'.join(lines)


def verify_main(argv=None):
    parser = argparse.ArgumentParser(
        prog='egov-verify',
        description="Validate the signatures of a PDF; exit 0 only when "
        "the overall indication is TOTAL_PASSED.")
    parser.add_argument('file')
    parser.add_argument('--trust', action='append', default=[],
        help="trusted root certificate (PEM or DER); repeatable")
    parser.add_argument('--json', action='store_true')
    parser.add_argument('--check-revocation', action='store_true',
        help="fetch the revocation data (OCSP, CRL) of the certificates")
    args = parser.parse_args(argv)
    anchors = []
    for path in args.trust:
        try:
            anchors.extend(pades.load_certificates(_read(path, 'certificate')))
        except ValueError:
            raise SystemExit("egov-verify: %s is not a certificate" % path)
    try:
        report = pades.validate_pdf(_read(args.file, 'PDF'), anchors,
            allow_fetching=args.check_revocation)
    except pades.SignatureError as exception:
        print("egov-verify: %s" % exception, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0 if report.indication == pades.TOTAL_PASSED else 1


def agent_main(argv=None):
    parser = argparse.ArgumentParser(
        prog='egov-sign-agent',
        description="Sign a signing request of the platform with the key "
        "on your USB token and write the response to upload.")
    parser.add_argument('request')
    parser.add_argument('response')
    parser.add_argument('--pkcs11-lib', required=True)
    parser.add_argument('--token', required=True, help="token label")
    parser.add_argument('--key-label', required=True)
    parser.add_argument('--cert-label')
    parser.add_argument('--pin-file')
    parser.add_argument('--yes', action='store_true',
        help="do not ask for confirmation")
    args = parser.parse_args(argv)
    try:
        request = json.loads(_read(args.request, 'request').decode('utf-8'))
        attributes = base64.b64decode(request['signed_attributes'])
    except (ValueError, KeyError):
        print("egov-sign-agent: %s is not a signing request" % args.request,
            file=sys.stderr)
        return 2
    print("Document: %s" % request.get('document'))
    print("SHA-256:  %s" % request.get('document_sha256'))
    if not args.yes and input("Sign this document? [y/N] ").lower() not in {
            'y', 'yes', 'c', 'co', 'có'}:
        return 1
    if args.pin_file:
        pin = _read(args.pin_file, 'PIN file').decode().strip()
    else:
        pin = getpass.getpass("PIN of %s: " % args.token)
    try:
        session = pades.pkcs11_session(args.pkcs11_lib, args.token, pin)
        try:
            signer = pades.pkcs11_signer(
                session, args.key_label, args.cert_label)
            signature = pades.sign_attributes(attributes, signer)
        finally:
            session.close()
    except pades.SignatureError as exception:
        print("egov-sign-agent: %s" % exception, file=sys.stderr)
        return 1
    with open(args.response, 'w', encoding='utf-8') as fp:
        json.dump({
                'version': 1,
                'request': request.get('request'),
                'cms': base64.b64encode(signature).decode(),
                }, fp)
    print("signed: upload %s to the platform" % args.response)
    return 0


if __name__ == '__main__':
    sys.exit(verify_main())
