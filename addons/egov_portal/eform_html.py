# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The e-form of a procedure as an HTML form, and back.

The schema of :func:`egov_procedure.eform.schema` drives both ways: the
names of the inputs are the paths of the values (``f.key``,
``f.group.0.key``, ``f.address.province``), so that the posted form turns
into the nested data that the server validates with the same definition.
The server's validation is the authority; the page works without
JavaScript (repeatable groups grow with a button, the wards of a province
come with a button), JavaScript only hides the fields whose condition is
not met and loads the wards at once."""
import json

from trytond.i18n import gettext as tryton_gettext

MAX_ITEMS = 50
PREFIX = 'f.'


def html_id(path):
    return 'f-' + path.replace('.', '-')


def _count(form, name, default):
    try:
        return max(0, min(int(form.get('n.' + name, default)), MAX_ITEMS))
    except (TypeError, ValueError):
        return default


def parse(fields, form, path=''):
    """Return the data of the posted form for the fields of a schema

    Empty answers are left out, as the server's validation expects."""
    data = {}
    for field in fields:
        type_ = field['type']
        if type_ in {'heading', 'paragraph'}:
            continue
        key = field['key']
        name = path + key
        if type_ == 'group':
            if field.get('repeatable'):
                items = []
                for index in range(_count(form, name, 0)):
                    item = parse(field['fields'], form,
                        '%s.%s.' % (name, index))
                    if item:
                        items.append(item)
                data[key] = items
            else:
                data[key] = parse(field['fields'], form, name + '.')
        elif type_ == 'address':
            value = {part: (form.get('%s%s.%s' % (PREFIX, name, part))
                    or '').strip()
                for part in ('province', 'ward', 'street')}
            value = {k: v for k, v in value.items() if v}
            if value:
                data[key] = value
        elif type_ == 'boolean':
            value = form.get(PREFIX + name)
            if value in {'true', 'false'}:
                data[key] = value == 'true'
        else:
            value = form.get(PREFIX + name)
            if value is not None and value.strip():
                data[key] = value
    return data


def apply_action(fields, form, action):
    """Return the item counts of the repeatable groups after an add or
    remove action of the page (without JavaScript)"""
    counts = {}

    def walk(fields, path):
        for field in fields:
            if field['type'] != 'group':
                continue
            name = path + field['key']
            if field.get('repeatable'):
                counts[name] = _count(form, name, 1)
                for index in range(counts[name]):
                    walk(field['fields'], '%s.%s.' % (name, index))
            else:
                walk(field['fields'], name + '.')
    walk(fields, '')
    kind, _, target = (action or '').partition(':')
    if kind == 'add' and target in counts:
        counts[target] = min(counts[target] + 1, MAX_ITEMS)
    return counts


def remove_item(data, target):
    "Remove the item of a repeatable group at path target (group.index)"
    *parents, key, index = target.split('.')
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.get(
            part, {})
    items = node.get(key) if isinstance(node, dict) else None
    try:
        del items[int(index)]
    except (TypeError, ValueError, IndexError):
        pass
    return data


def errors_of(form_errors):
    "The portal's error list of eform's FormError list"
    result = []
    for error in form_errors:
        result.append({
                'field': html_id(error.path) if error.path else None,
                'path': error.path,
                'message': tryton_gettext(error.msg_id, **error.params),
                })
    return result


def condition_attributes(field, path):
    condition = field.get('condition')
    if not condition:
        return None
    # The controlling field is at the same level (or an enclosing one:
    # the page then shows the field, and the server drops its value)
    base = path.rpartition('.')[0]
    name = PREFIX + (base + '.' if base else '') + condition['field']
    return {'field': name, 'value': json.dumps(condition['value'])}
