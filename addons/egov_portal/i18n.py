# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The portal's own texts: extraction from the templates and the Python
files, and update of the catalogs ``locale/portal/*.po``.

    python -m trytond.modules.egov_portal.i18n [--update]

lists the texts without a Vietnamese translation (``--update`` adds them,
untranslated, to ``locale/portal/vi.po``).  The module tests refuse a text
without its translation."""
import ast
import os
import sys

import jinja2
import polib
from jinja2.ext import extract_from_ast

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, 'templates')
CATALOGS = os.path.join(HERE, 'locale', 'portal')
# _ and web.gettext translate; N_ marks a text translated later
FUNCTIONS = {'_', 'gettext', 'N_'}


def template_messages():
    "{msgid: [place, ...]} of the templates"
    env = jinja2.Environment(autoescape=True)
    result = {}
    for folder, _dirs, files in os.walk(TEMPLATES):
        for name in sorted(files):
            if not name.endswith('.html'):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding='utf-8') as fp:
                tree = env.parse(fp.read())
            for lineno, function, message in extract_from_ast(
                    tree, gettext_functions=tuple(FUNCTIONS)):
                # A call with named parameters gives a tuple
                if isinstance(message, tuple):
                    message = message[0]
                if isinstance(message, str):
                    result.setdefault(message, []).append('%s:%s' % (
                            os.path.relpath(path, HERE), lineno))
    return result


def python_messages():
    "{msgid: [place, ...]} of the calls _('...') of the module's Python"
    result = {}
    for name in sorted(os.listdir(HERE)):
        if not name.endswith('.py'):
            continue
        path = os.path.join(HERE, name)
        with open(path, encoding='utf-8') as fp:
            tree = ast.parse(fp.read())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            function = node.func
            function_name = (function.id if isinstance(function, ast.Name)
                else function.attr if isinstance(function, ast.Attribute)
                else None)
            # gettext of trytond.i18n takes the ids of Tryton messages;
            # web.gettext is the portal's
            if function_name == 'gettext' and getattr(
                    getattr(function, 'value', None), 'id', None) != 'web':
                continue
            if function_name in FUNCTIONS:
                argument = node.args[0]
                if isinstance(argument, ast.Constant) and isinstance(
                        argument.value, str):
                    result.setdefault(argument.value, []).append(
                        '%s:%s' % (name, node.lineno))
    return result


def messages():
    result = template_messages()
    for message, places in python_messages().items():
        result.setdefault(message, []).extend(places)
    return result


def translations(language):
    "{msgid: msgstr} of every catalog of language"
    result = {}
    for name in sorted(os.listdir(CATALOGS)):
        if name == '%s.po' % language or name.endswith('.%s.po' % language):
            for entry in polib.pofile(os.path.join(CATALOGS, name)):
                if entry.msgstr and 'fuzzy' not in entry.flags:
                    result[entry.msgid] = entry.msgstr
    return result


def missing(language='vi'):
    known = translations(language)
    return {m: p for m, p in messages().items() if m not in known}


def update(language='vi'):
    "Add the missing texts to locale/portal/<language>.po"
    path = os.path.join(CATALOGS, '%s.po' % language)
    if os.path.exists(path):
        catalog = polib.pofile(path)
    else:
        catalog = polib.POFile()
        catalog.metadata = {
            'Content-Type': 'text/plain; charset=utf-8',
            'Language': language,
            }
    for message, places in sorted(missing(language).items()):
        catalog.append(polib.POEntry(msgid=message, msgstr='',
                occurrences=[tuple(p.rsplit(':', 1)) for p in places]))
    catalog.save(path)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if '--update' in argv:
        update()
    for message, places in sorted(missing().items()):
        print('%s: %s' % (', '.join(places), message))


if __name__ == '__main__':
    sys.exit(main())
