#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Export the English sources of the strings that need a Vietnamese
translation, as .po templates:

- every string of the egov modules (for their locale/vi.po);
- the core strings officials see (menus, actions, models, fields,
  selections, buttons, views, messages) of the core modules, with the
  module-qualified context that locale/override/vi.po needs.

Usage: export_translations.py DATABASE OUTDIR [--merge]
With --merge, existing translations of the egov modules are kept.
"""
import argparse
import os

import polib

CORE_MODULES = ['ir', 'res', 'company', 'party', 'user_role', 'country',
    'currency', 'notification_email']
EGOV_MODULES = [
    'egov_base', 'egov_signature', 'egov_procedure', 'egov_portal',
    'egov_document']
# Core types an official meets in the client
CORE_TYPES = {'model', 'field', 'help', 'selection', 'view',
    'wizard_button'}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('database')
    parser.add_argument('outdir')
    args = parser.parse_args()

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0, readonly=False):
        Translation = pool.get('ir.translation')
        Set = pool.get('ir.translation.set', type='wizard')
        session_id, _, _ = Set.create()
        Set(session_id).transition_set_()
        Set.delete(session_id)
        os.makedirs(args.outdir, exist_ok=True)
        for module in EGOV_MODULES:
            content = Translation.translation_export('en', module)
            with open(os.path.join(args.outdir, module + '.pot'), 'wb') as f:
                f.write(content or b'')
        core = polib.POFile(wrapwidth=78)
        core.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
        for module in CORE_MODULES:
            content = Translation.translation_export('en', module)
            if not content:
                continue
            for entry in polib.pofile(content.decode('utf-8')):
                ttype, name, res_id = entry.msgctxt.split(':', 2)
                if ttype not in CORE_TYPES:
                    continue
                if ttype == 'model' and not name.startswith((
                            'ir.ui.menu,', 'ir.action,', 'ir.model,',
                            'ir.message,', 'ir.model.button,',
                            'res.group,', 'ir.lang,')):
                    continue
                entry.msgctxt = '%s:%s:%s.%s' % (ttype, name, module, res_id)
                entry.msgstr = ''
                core.append(entry)
        core.save(os.path.join(args.outdir, 'override.pot'))
        Transaction().rollback()


if __name__ == '__main__':
    main()
