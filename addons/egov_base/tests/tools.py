# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Test helpers shared by the egov modules."""
import os
from contextlib import contextmanager

import polib

from trytond.modules import get_module_info
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


@contextmanager
def as_user(login):
    "Act as the user of the login, with access rules applied"
    pool = Pool()
    User = pool.get('res.user')
    user, = User.search([('login', '=', login)])
    transaction = Transaction()
    with transaction.set_user(user.id), transaction.set_context(
            User.get_preferences(context_only=True), _check_access=True):
        yield user


class TranslationTestMixin:
    "The module's locale/vi.po translates every string of the module"

    @with_transaction()
    def test_translations_complete(self):
        "Every string of the module has a Vietnamese translation"
        pool = Pool()
        Translation = pool.get('ir.translation')
        Set = pool.get('ir.translation.set', type='wizard')
        session_id, _, _ = Set.create()
        Set(session_id).transition_set_()
        pot = Translation.translation_export('en', self.module)
        path = os.path.join(
            get_module_info(self.module)['directory'], 'locale', 'vi.po')
        # A translation equal to its English source is a missing one,
        # unless the source is already Vietnamese (the language's name)
        translated = {(e.msgctxt, e.msgid) for e in polib.pofile(path)
            if e.msgstr and 'fuzzy' not in e.flags
            and (e.msgstr != e.msgid or not e.msgid.isascii())}
        missing = [(e.msgctxt, e.msgid)
            for e in polib.pofile(pot.decode('utf-8'))
            if (e.msgctxt, e.msgid) not in translated]
        self.assertEqual(missing, [])
