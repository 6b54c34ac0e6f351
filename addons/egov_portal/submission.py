# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Online submission as a task list (GOV.UK pattern): applicant details
prefilled from the account, the procedure's e-form, uploads per
component, check your answers, submission and confirmation.  The dossier
is a draft ``egov.dossier`` of the account until it is submitted: the
citizen leaves and comes back to it from "My dossiers"."""
import json
import re
import unicodedata

from werkzeug.exceptions import NotFound

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext as tryton_gettext
from trytond.modules.egov_procedure import eform
from trytond.modules.egov_procedure.dossier import check_file

from . import eform_html
from .routes import get_procedure, selection
from .web import FormInvalid, _, route

KINDS = ('citizen', 'business')


def max_dossier_size():
    "Largest total of the files of a dossier, in bytes"
    return config.getint('egov_portal', 'max_dossier_size',
        default=50 * 1024 * 1024)


def upload_request_size():
    return max_dossier_size() + 1024 * 1024


def clean_filename(name):
    """A file name safe to store and to send back: no folder, no control
    character, Vietnamese letters kept (werkzeug's secure_filename drops
    them), at most 120 characters with its extension"""
    name = unicodedata.normalize('NFC', name or '')
    name = name.replace('\\', '/').rsplit('/', 1)[-1]
    name = ''.join(c for c in name
        if unicodedata.category(c)[0] != 'C' and c not in '<>:"|?*')
    name = ' '.join(name.split()).strip(' .')
    if not name:
        name = 'tep'
    stem, dot, extension = name.rpartition('.')
    if dot and len(extension) <= 10:
        return stem[:110] + '.' + extension
    return name[:120]


def _error(field, message):
    return {'field': field, 'message': message}


def _draft(portal, code, draft_id):
    procedure = get_procedure(portal.pool, code)
    dossier = portal.own_dossier(id_=draft_id)
    if dossier.procedure != procedure:
        raise NotFound()
    return procedure, dossier


def _editable(portal, dossier):
    "The draft, or the page of the dossier once it is submitted"
    if dossier.state != 'draft':
        return portal.redirect('/ho-so/%s' % dossier.code)


def applicant_defaults(portal):
    party = portal.party
    values = {'applicant_kind': 'citizen', 'applicant_name': '',
        'applicant_id_number': '', 'phone': '', 'email': portal.user.email,
        'address': '', 'submitter_name': '', 'company': ''}
    if party:
        values['applicant_name'] = party.name or ''
        for identifier in party.identifiers:
            if identifier.type == 'vn_cccd':
                values['applicant_id_number'] = identifier.code
                break
        else:
            for identifier in party.identifiers:
                if identifier.type == 'vn_mst':
                    values['applicant_id_number'] = identifier.code
                    values['applicant_kind'] = 'business'
        values['phone'] = next((c.value for c in party.contact_mechanisms
                if c.type in {'mobile', 'phone'}), '')
        if party.addresses:
            values['address'] = party.addresses[0].street or ''
    return values


def read_applicant(portal, agencies):
    form = portal.form
    values = {
        'applicant_kind': form.get('applicant_kind') or '',
        'applicant_id_number': re.sub(
            r'\s', '', form.get('applicant_id_number') or '')[:14],
        'phone': (form.get('phone') or '').strip()[:20],
        'email': (form.get('email') or '').strip().lower()[:254],
        'address': ' '.join((form.get('address') or '').split())[:250],
        'submitter_name': ' '.join(
            (form.get('submitter_name') or '').split())[:120],
        'company': form.get('company') or '',
        'applicant_name': portal.party.name if portal.party else '',
        }
    errors = []
    if values['applicant_kind'] not in KINDS:
        errors.append(_error('applicant_kind', _(
                    "Choose whether you submit as a citizen or a "
                    "business.")))
    elif values['applicant_kind'] == 'citizen':
        if not eform.is_valid_cccd(values['applicant_id_number']):
            errors.append(_error('applicant_id_number', _(
                        "Enter the 12 digits of the citizen identity card "
                        "(CCCD).")))
    elif not eform.is_valid_tax_code(values['applicant_id_number']):
        errors.append(_error('applicant_id_number', _(
                    "Enter a valid tax code (10 digits, or 10 digits, a "
                    "dash and 3 digits).")))
    phone = eform.normalize_phone(values['phone'])
    if not phone:
        errors.append(_error('phone', _(
                    "Enter a Vietnamese phone number like 0912345678.")))
    else:
        values['phone'] = phone
    if values['email'] and not eform.EMAIL.fullmatch(values['email']):
        errors.append(_error('email', _(
                    "Enter an e-mail address like name@example.com.")))
    agency = None
    for candidate in agencies:
        if str(candidate.id) == values['company']:
            agency = candidate
    if agency is None:
        errors.append(_error('company', _(
                    "Choose the agency that receives your dossier.")))
    return values, agency, errors


def _online(procedure):
    return (procedure.online_level != 'none'
        and 'online' in (procedure.channels or ()))


@route('/nop-ho-so/<code>', methods=('GET', 'POST'), login=True)
def start(portal, code):
    pool = portal.pool
    Dossier = pool.get('egov.dossier')
    procedure = get_procedure(pool, code)
    if not _online(procedure):
        return portal.render('error.html', status=400,
            title=_("This procedure cannot be submitted online"),
            message=_("Bring the dossier to the one-stop desk of the "
                "agency."))
    agencies = procedure.portal_agencies()
    drafts = Dossier.search([
            ('web_user', '=', portal.user.id),
            ('procedure', '=', procedure.id),
            ('state', '=', 'draft'),
            ], order=[('create_date', 'DESC')])
    template = 'submission/start.html'
    context = {'procedure': procedure, 'agencies': agencies,
        'drafts': drafts}
    if portal.request.method == 'GET':
        values = applicant_defaults(portal)
        if len(agencies) == 1:
            values['company'] = str(agencies[0].id)
        return portal.render(template, values=values, **context)
    values, agency, errors = read_applicant(portal, agencies)
    if errors:
        raise FormInvalid(template, dict(context, values=values), errors)
    if portal.party is None:
        # An account made in the back office without its party
        Party = pool.get('party.party')
        portal.user.party, = Party.create([{'name': portal.user.email}])
        portal.user.save()
    form = procedure.current_form()
    dossier, = Dossier.create([{
                'procedure': procedure.id,
                'form': form.id if form else None,
                'applicant': portal.party.id,
                'applicant_kind': values['applicant_kind'],
                'applicant_id_number': values['applicant_id_number'],
                'submitter_name': values['submitter_name'] or None,
                'phone': values['phone'],
                'email': values['email'] or None,
                'address': values['address'] or None,
                'channel': 'online',
                'company': agency.id,
                'web_user': portal.user.id,
                }])
    return portal.redirect('/nop-ho-so/%s/%s' % (code, dossier.id))


def form_status(dossier):
    "not_started, in_progress or done of the e-form of a draft"
    form = dossier.form or dossier.procedure.current_form()
    if not form:
        return None, None
    if not dossier.form_data:
        return form, 'not_started'
    try:
        data = json.loads(dossier.form_data)
    except ValueError:
        return form, 'in_progress'
    _cleaned, errors = eform.validate(form.definition, data)
    return form, 'in_progress' if errors else 'done'


def components_status(dossier):
    provided = {c.component.id for c in dossier.components
        if c.component and (c.file_id or c.size)}
    required = [c for c in dossier.procedure.components
        if c.required and not c.case]
    if not dossier.components:
        return 'not_started' if required else 'done'
    if all(c.id in provided for c in required):
        return 'done'
    return 'in_progress'


@route('/nop-ho-so/<code>/<int:draft_id>', login=True)
def tasks(portal, code, draft_id):
    procedure, dossier = _draft(portal, code, draft_id)
    response = _editable(portal, dossier)
    if response:
        return response
    form, form_state = form_status(dossier)
    component_state = components_status(dossier)
    ready = form_state in {None, 'done'} and component_state == 'done'
    return portal.render('submission/tasks.html', procedure=procedure,
        dossier=dossier, form_state=form_state,
        component_state=component_state, ready=ready)


@route('/nop-ho-so/<code>/<int:draft_id>/nguoi-nop', methods=('GET', 'POST'),
    login=True)
def applicant(portal, code, draft_id):
    procedure, dossier = _draft(portal, code, draft_id)
    response = _editable(portal, dossier)
    if response:
        return response
    agencies = procedure.portal_agencies()
    template = 'submission/applicant.html'
    context = {'procedure': procedure, 'dossier': dossier,
        'agencies': agencies}
    if portal.request.method == 'GET':
        values = {
            'applicant_kind': dossier.applicant_kind,
            'applicant_id_number': dossier.applicant_id_number,
            'applicant_name': dossier.applicant.name,
            'phone': dossier.phone or '', 'email': dossier.email or '',
            'address': dossier.address or '',
            'submitter_name': dossier.submitter_name or '',
            'company': str(dossier.company.id),
            }
        return portal.render(template, values=values, **context)
    values, agency, errors = read_applicant(portal, agencies)
    if errors:
        raise FormInvalid(template, dict(context, values=values), errors)
    dossier.applicant_kind = values['applicant_kind']
    dossier.applicant_id_number = values['applicant_id_number']
    dossier.phone = values['phone']
    dossier.email = values['email'] or None
    dossier.address = values['address'] or None
    dossier.submitter_name = values['submitter_name'] or None
    dossier.company = agency
    dossier.save()
    return portal.redirect('/nop-ho-so/%s/%s' % (code, dossier.id))


def _wards_of(schema_fields, data, path=''):
    "The wards to offer for each address of the form (without JavaScript)"
    result = {}
    for field in schema_fields:
        name = path + field.get('key', '')
        if field['type'] == 'address':
            value = data.get(field['key']) if isinstance(data, dict) else None
            province = value.get('province') if isinstance(value, dict) else (
                None)
            if field.get('wards'):
                result[name] = [(w['code'], w['name'])
                    for w in field['wards']]
            elif province:
                result[name] = eform.wards(province)
            else:
                result[name] = []
        elif field['type'] == 'group':
            value = data.get(field['key']) if isinstance(data, dict) else None
            if field.get('repeatable'):
                for index, item in enumerate(value or [{}] * 1):
                    result.update(_wards_of(field['fields'], item,
                            '%s.%s.' % (name, index)))
                # The empty item that the page adds
                result.update(_wards_of(field['fields'], {},
                        '%s.%s.' % (name, len(value or []))))
            else:
                result.update(_wards_of(field['fields'], value or {},
                        name + '.'))
    return result


def render_form(portal, procedure, dossier, form, data, counts, errors,
        status=200):
    schema = eform.schema(form.definition)
    return portal.render('submission/eform.html', status=status,
        procedure=procedure, dossier=dossier, schema=schema, data=data,
        counts=counts, errors=errors, wards=_wards_of(schema['fields'], data),
        provinces=eform.provinces(), html_id=eform_html.html_id,
        condition=eform_html.condition_attributes)


@route('/nop-ho-so/<code>/<int:draft_id>/to-khai', methods=('GET', 'POST'),
    login=True)
def declaration(portal, code, draft_id):
    procedure, dossier = _draft(portal, code, draft_id)
    response = _editable(portal, dossier)
    if response:
        return response
    form = dossier.form or procedure.current_form()
    if not form:
        raise NotFound()
    schema = eform.schema(form.definition)
    if portal.request.method == 'GET':
        try:
            data = json.loads(dossier.form_data or '{}')
        except ValueError:
            data = {}
        return render_form(portal, procedure, dossier, form, data, {}, [])
    action = portal.form.get('action') or 'continue'
    data = eform_html.parse(schema['fields'], portal.form)
    counts = eform_html.apply_action(schema['fields'], portal.form, action)
    if action.startswith('remove:'):
        target = action.partition(':')[2]
        data = eform_html.remove_item(data, target)
        group = target.rpartition('.')[0]
        if group in counts:
            counts[group] = max(counts[group] - 1, 0)
    # A draft keeps what was typed, valid or not
    dossier.form = form
    dossier.form_data = json.dumps(data, ensure_ascii=False)
    dossier.save()
    if action == 'continue':
        _cleaned, form_errors = eform.validate(form.definition, data)
        if form_errors:
            return render_form(portal, procedure, dossier, form, data,
                counts, eform_html.errors_of(form_errors), status=400)
        return portal.redirect('/nop-ho-so/%s/%s' % (code, dossier.id))
    if action == 'save':
        return portal.redirect('/nop-ho-so/%s/%s' % (code, dossier.id))
    return render_form(portal, procedure, dossier, form, data, counts, [])


def _component_rows(dossier):
    "One row per component of the procedure with the uploaded file"
    uploaded = {c.component.id: c for c in dossier.components
        if c.component}
    rows = []
    for component in dossier.procedure.components:
        rows.append((component, uploaded.get(component.id)))
    return rows


def store_uploads(portal, dossier, template, context, input_prefix='file-'):
    """Check and store the files posted for the dossier's components;
    raise FormInvalid with every refused file"""
    pool = portal.pool
    DossierComponent = pool.get('egov.dossier.component')
    uploaded = {c.component.id: c for c in dossier.components
        if c.component}
    total = sum(c.size or 0 for c in dossier.components)
    errors, to_save, replaced = [], [], []
    for component in dossier.procedure.components:
        name = '%s%s' % (input_prefix, component.id)
        storage = portal.request.files.get(name)
        if not storage or not storage.filename:
            continue
        filename = clean_filename(storage.filename)
        # The handler runs again when the transaction restarts to lock
        # the dossier: read the file from its start
        storage.stream.seek(0)
        data = storage.read(max_dossier_size() + 1)
        try:
            mimetype = check_file(data, filename)
        except UserError as exception:
            errors.append(_error(name, exception.message))
            continue
        previous = uploaded.get(component.id)
        total += len(data) - (previous.size or 0 if previous else 0)
        if total > max_dossier_size():
            errors.append(_error(name, _(
                        "The files of a dossier may not exceed %(limit)s "
                        "MB in all.",
                        limit=max_dossier_size() // (1024 * 1024))))
            continue
        record = previous or DossierComponent(dossier=dossier,
            component=component, name=component.name, quantity=1,
            kind='electronic')
        record.file = data
        record.filename = filename
        record.mimetype = mimetype
        record.size = len(data)
        to_save.append(record)
        replaced.append(component.id)
    if errors:
        raise FormInvalid(template, context, errors)
    DossierComponent.save(to_save)
    return replaced


@route('/nop-ho-so/<code>/<int:draft_id>/thanh-phan', methods=('GET', 'POST'),
    login=True, max_size=upload_request_size)
def components(portal, code, draft_id):
    pool = portal.pool
    DossierComponent = pool.get('egov.dossier.component')
    procedure, dossier = _draft(portal, code, draft_id)
    response = _editable(portal, dossier)
    if response:
        return response
    template = 'submission/components.html'

    def context():
        return {'procedure': procedure, 'dossier': dossier,
            'rows': _component_rows(dossier),
            'max_file': config.getint('egov_procedure', 'max_upload_size',
                default=10 * 1024 * 1024),
            'max_dossier': max_dossier_size()}
    if portal.request.method == 'GET':
        return portal.render(template, **context())
    action = portal.form.get('action') or 'continue'
    if action.startswith('delete:'):
        for record in dossier.components:
            if str(record.id) == action.partition(':')[2]:
                DossierComponent.delete([record])
        return portal.redirect('/nop-ho-so/%s/%s/thanh-phan' % (
                code, dossier.id))
    store_uploads(portal, dossier, template, context())
    dossier = dossier.__class__(dossier.id)
    if action == 'continue':
        missing = [c for c, record in _component_rows(dossier)
            if c.required and not c.case and not record]
        if missing:
            errors = [_error('file-%s' % c.id, _(
                        "Upload the document “%(name)s”.", name=c.name))
                for c in missing]
            return portal.render(template, status=400, errors=errors,
                **dict(context(), dossier=dossier,
                    rows=_component_rows(dossier)))
        return portal.redirect('/nop-ho-so/%s/%s' % (code, dossier.id))
    return portal.redirect('/nop-ho-so/%s/%s/thanh-phan' % (code, dossier.id))


def declaration_lines(dossier):
    form = dossier.form
    if not form or not dossier.form_data:
        return []
    try:
        data = json.loads(dossier.form_data)
    except ValueError:
        return []
    cleaned, errors = eform.validate(form.definition, data)
    yes_no = (tryton_gettext('egov_procedure.msg_yes'),
        tryton_gettext('egov_procedure.msg_no'))
    return eform.display(form.definition, cleaned, yes_no=yes_no)


@route('/nop-ho-so/<code>/<int:draft_id>/kiem-tra', login=True)
def check(portal, code, draft_id):
    procedure, dossier = _draft(portal, code, draft_id)
    response = _editable(portal, dossier)
    if response:
        return response
    form, form_state = form_status(dossier)
    if form_state not in {None, 'done'}:
        return portal.redirect('/nop-ho-so/%s/%s/to-khai' % (
                code, dossier.id))
    if components_status(dossier) != 'done':
        return portal.redirect('/nop-ho-so/%s/%s/thanh-phan' % (
                code, dossier.id))
    return portal.render('submission/check.html', procedure=procedure,
        dossier=dossier, lines=declaration_lines(dossier),
        kinds=selection(dossier.__class__, 'applicant_kind'))


@route('/nop-ho-so/<code>/<int:draft_id>/nop', methods=('POST',),
    login=True)
def submit(portal, code, draft_id):
    pool = portal.pool
    Dossier = pool.get('egov.dossier')
    procedure, dossier = _draft(portal, code, draft_id)
    response = _editable(portal, dossier)
    if response:
        return response
    if not portal.form.get('confirm'):
        return portal.render('submission/check.html', status=400,
            procedure=procedure, dossier=dossier,
            lines=declaration_lines(dossier),
            kinds=selection(Dossier, 'applicant_kind'),
            errors=[_error('confirm', _(
                        "Confirm that the information is true to "
                        "submit."))])
    # Dossier.submit validates again on the server: e-form, components,
    # identity number, agency; a refusal rolls everything back
    Dossier.submit([dossier])
    return portal.redirect('/ho-so/%s/xac-nhan' % Dossier(dossier.id).code)


@route('/nop-ho-so/<code>/<int:draft_id>/xoa', methods=('POST',),
    login=True)
def delete_draft(portal, code, draft_id):
    pool = portal.pool
    Dossier = pool.get('egov.dossier')
    procedure, dossier = _draft(portal, code, draft_id)
    if dossier.state == 'draft' and not dossier.code:
        Dossier.delete([dossier])
    return portal.redirect('/ho-so')


@route('/api/phuong-xa')
def wards(portal):
    "The wards of a province, for the address fields (JSON)"
    from trytond.protocols.wrappers import Response
    result = [{'code': c, 'name': n}
        for c, n in eform.wards(portal.request.args.get('tinh'))]
    return Response(json.dumps(result, ensure_ascii=False),
        content_type='application/json; charset=utf-8')
