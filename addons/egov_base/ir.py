# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
import logging
import os
import tempfile

import polib

from trytond.pool import Pool, PoolMeta

logger = logging.getLogger(__name__)


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        """Let locale/override/*.po translate modules that have no catalogue
        of their own in the language.

        Tryton only overrides a translation that already exists in the
        target language; Vietnamese is shipped by no core module, so the
        entry is first created.  Entries that point to a record that no
        longer exists are skipped with a warning instead of failing the
        whole update."""
        if isinstance(po_path, str):
            po_path = [po_path]
        paths, temporaries = [], []
        try:
            for path in po_path:
                catalog = polib.pofile(path)
                kept = polib.POFile(wrapwidth=78)
                kept.metadata = catalog.metadata
                changed = False
                for entry in catalog:
                    if not entry.obsolete and entry.msgctxt:
                        translation, res_id = cls.from_poentry(entry)
                        if ('.' in res_id
                                and not cls._ensure_translation(
                                    lang, translation, res_id)):
                            logger.warning(
                                "%s: no source for %s %r, skipped",
                                path, entry.msgctxt, entry.msgid)
                            changed = True
                            continue
                    kept.append(entry)
                if changed:
                    fd, name = tempfile.mkstemp(suffix='.po')
                    os.close(fd)
                    kept.save(name)
                    temporaries.append(name)
                    paths.append(name)
                else:
                    paths.append(path)
            return super().translation_import(lang, module, paths)
        finally:
            for name in temporaries:
                os.unlink(name)

    @classmethod
    def _ensure_translation(cls, lang, translation, ressource_id):
        "Create the entry to override if missing"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        res_module, fs_id = ressource_id.split('.', 1)
        if fs_id:
            try:
                res_id = ModelData.get_id(res_module, fs_id)
            except KeyError:
                return False
        else:
            res_id = -1
        domain = [
            ('name', '=', translation.name),
            ('res_id', '=', res_id),
            ('type', '=', translation.type),
            ('module', '=', res_module),
            ]
        if translation.type in {
                'report', 'view', 'wizard_button', 'selection'}:
            domain.append(('src', '=', translation.src))
            domain.append(('src_plural', '=', translation.src_plural))
        if cls.search(domain + [('lang', '=', lang)], limit=1):
            return True
        # The entry is made from the catalogue itself: view, button and
        # selection strings have no English row until someone runs the
        # "Set Translations" wizard, and a translation whose source no
        # longer matches the code is simply never used.
        cls.create([{
                    'name': translation.name,
                    'res_id': res_id,
                    'lang': lang,
                    'type': translation.type,
                    'src': translation.src,
                    'src_plural': translation.src_plural,
                    'module': res_module,
                    'value': '',
                    'fuzzy': False,
                    }])
        return True
        sources = cls.search(domain + [('lang', '=', 'en')], limit=1)
        if not sources:
            return False
        source, = sources
        cls.create([{
                    'name': source.name,
                    'res_id': source.res_id,
                    'lang': lang,
                    'type': source.type,
                    'src': source.src,
                    'src_plural': source.src_plural,
                    'module': source.module,
                    'value': '',
                    'fuzzy': False,
                    }])
        return True
