#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Install the sao web client (tryton-sao from npm) with its Vietnamese
catalogue and the platform's look.

sao's own catalogues are built by its Grunt file from .po files; it ships
none for Vietnamese, so sao/locale/vi.po of this repository is compiled
here into the JSON that sao loads (the grunt-po2json layout)."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def po2json(po_path):
    catalog = polib.pofile(po_path)
    data = {'': {
            'content-type': 'text/plain; charset=utf-8',
            'language': 'vi',
            'plural-forms': catalog.metadata.get(
                'Plural-Forms', 'nplurals=1; plural=0;'),
            }}
    for entry in catalog:
        if entry.obsolete or 'fuzzy' in entry.flags:
            continue
        if entry.msgid_plural:
            values = [entry.msgstr_plural[i]
                for i in sorted(entry.msgstr_plural)]
            data[entry.msgid] = [entry.msgid_plural] + values
        elif entry.msgstr:
            data[entry.msgid] = [None, entry.msgstr]
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--version', required=True)
    parser.add_argument('--dest', required=True)
    args = parser.parse_args()
    dest = os.path.abspath(args.dest)
    npm = shutil.which('npm')
    if not npm:
        sys.exit("npm is needed to install the sao web client "
            "(install Node.js and npm)")

    package = os.path.join(dest, 'package.json')
    installed = None
    if os.path.exists(package):
        with open(package) as fp:
            installed = json.load(fp).get('version')
    if installed != args.version:
        shutil.rmtree(dest, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([npm, 'pack', '--silent',
                    'tryton-sao@%s' % args.version], cwd=tmp, check=True,
                stdout=subprocess.DEVNULL)
            tarball, = [f for f in os.listdir(tmp) if f.endswith('.tgz')]
            with tarfile.open(os.path.join(tmp, tarball)) as tar:
                tar.extractall(tmp, filter='data')
            shutil.move(os.path.join(tmp, 'package'), dest)
        subprocess.run([npm, 'install', '--omit=dev', '--no-audit',
                '--no-fund', '--no-package-lock', '--legacy-peer-deps',
                '--loglevel=error'],
            cwd=dest, check=True)

    with open(os.path.join(dest, 'locale', 'vi.json'), 'w',
            encoding='utf-8') as fp:
        json.dump(po2json(os.path.join(ROOT, 'sao', 'locale', 'vi.po')), fp,
            ensure_ascii=False)
    for name in ['custom.js', 'custom.css']:
        shutil.copy(os.path.join(ROOT, 'sao', name), os.path.join(dest, name))
    print("sao %s installed in %s" % (args.version, dest))


if __name__ == '__main__':
    main()
