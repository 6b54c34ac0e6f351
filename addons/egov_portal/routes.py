# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Public pages of the portal: home, procedure catalog, procedure page,
template downloads and the public lookup by dossier code."""
import re

from werkzeug.exceptions import NotFound

from trytond.protocols.wrappers import Response

from .web import _, route, static_route

PAGE_SIZE = 20
PROCEDURE_CODE = re.compile(r'^\d\.\d{6}$')
DOSSIER_CODE = re.compile(r'^[A-Za-z0-9.\-]{6,40}$')
LEVELS = ('province', 'district', 'commune')
ONLINE_LEVELS = ('full', 'partial', 'none')

static_route()


def selection(Model, name):
    return dict(Model.fields_get([name])[name]['selection'])


def procedure_labels(pool):
    Procedure = pool.get('egov.procedure')
    return {
        'levels': selection(Procedure, 'levels'),
        'online_level': selection(Procedure, 'online_level'),
        'channels': selection(Procedure, 'channels'),
        'subjects': selection(Procedure, 'subjects'),
        }


def get_procedure(pool, code):
    Procedure = pool.get('egov.procedure')
    if not PROCEDURE_CODE.match(code or ''):
        raise NotFound()
    procedures = Procedure.search([('code', '=', code)], limit=1)
    if not procedures:
        raise NotFound()
    return procedures[0]


def to_int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@route('/')
def home(portal):
    pool = portal.pool
    Procedure = pool.get('egov.procedure')
    Field = pool.get('egov.procedure.field')
    Page = pool.get('egov.portal.page')
    return portal.render('home.html',
        popular=Procedure.most_used(8),
        fields=Field.search([], order=[('name', 'ASC')]),
        agencies=top_agencies(pool),
        pages=Page.latest(4),
        labels=procedure_labels(pool))


def top_agencies(pool):
    "The province's agencies and the communes/districts, for the filters"
    Company = pool.get('company.company')
    agencies = Company.search([('agency_code', '!=', None)])
    return sorted(agencies, key=lambda a: (
            a.level.sequence if a.level and a.level.sequence else 0,
            a.rec_name))


@route('/thu-tuc')
def catalog(portal):
    pool = portal.pool
    Procedure = pool.get('egov.procedure')
    Field = pool.get('egov.procedure.field')
    Company = pool.get('company.company')
    args = portal.request.args
    query = (args.get('q') or '').strip()[:200]
    field_id = to_int(args.get('linh-vuc'))
    agency_id = to_int(args.get('co-quan'))
    level = args.get('cap') if args.get('cap') in LEVELS else None
    online = args.get('muc-do')
    online = online if online in ONLINE_LEVELS else None
    page = max(1, min(to_int(args.get('trang'), 1), 10000))
    domain = Procedure.portal_text_domain(query)
    if field_id:
        domain.append(('field', '=', field_id))
    if level:
        domain.append(('levels', 'in', [level]))
    if online:
        domain.append(('online_level', '=', online))
    agency = None
    if agency_id:
        agencies = Company.search([('id', '=', agency_id)], limit=1)
        if agencies:
            agency = agencies[0]
            agency_domain = ['OR', ('agencies', '=', agency.id)]
            if agency.level:
                agency_domain.append([
                        ('agencies', '=', None),
                        ('levels', 'in', [agency.level.code]),
                        ])
            domain.append(agency_domain)
    count = Procedure.search_count(domain)
    pages = max(1, (count + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(page, pages)
    procedures = Procedure.search(domain, offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE)
    filters = {'q': query, 'linh-vuc': field_id, 'co-quan': agency_id,
        'cap': level, 'muc-do': online}
    return portal.render('catalog.html',
        procedures=procedures, count=count, page=page, pages=pages,
        query=query, filters=filters, agency=agency,
        fields=Field.search([], order=[('name', 'ASC')]),
        agencies=top_agencies(pool), levels=LEVELS,
        online_levels=ONLINE_LEVELS, labels=procedure_labels(pool))


@route('/thu-tuc/<code>')
def procedure(portal, code):
    pool = portal.pool
    procedure = get_procedure(pool, code)
    Component = pool.get('egov.procedure.component')
    cases = {}
    for component in procedure.components:
        cases.setdefault(component.case or '', []).append(component)
    return portal.render('procedure.html',
        procedure=procedure, cases=cases,
        agencies=procedure.portal_agencies(),
        online=procedure.online_level != 'none'
        and 'online' in (procedure.channels or ()),
        labels=procedure_labels(pool),
        deadline_units=selection(procedure.__class__, 'deadline_unit'),
        component_type=Component)


@route('/thu-tuc/<code>/mau/<int:component_id>')
def template(portal, code, component_id):
    "Download the template file of a component or a result"
    pool = portal.pool
    procedure = get_procedure(pool, code)
    kind = portal.request.args.get('loai')
    records = procedure.results if kind == 'ket-qua' else procedure.components
    for record in records:
        if record.id == component_id and record.template:
            return download(bytes(record.template),
                record.template_name or 'mau')
    raise NotFound()


def download(data, filename, mimetype=None, inline=False):
    from urllib.parse import quote

    import filetype
    from werkzeug.http import quote_header_value
    if mimetype is None:
        kind = filetype.guess(data)
        mimetype = kind.mime if kind else 'application/octet-stream'
    response = Response(data, content_type=mimetype)
    ascii_name = filename.encode('ascii', 'ignore').decode() or 'file'
    response.headers['Content-Disposition'] = (
        '%s; filename=%s; filename*=UTF-8\'\'%s' % (
            'inline' if inline else 'attachment',
            quote_header_value(ascii_name), quote(filename)))
    response.headers['Cache-Control'] = 'private, no-store'
    return response


@route('/tra-cuu')
def lookup(portal):
    "Public lookup: state, agency and dates of a dossier; no personal data"
    pool = portal.pool
    Dossier = pool.get('egov.dossier')
    code = (portal.request.args.get('ma') or '').strip().upper()[:40]
    dossier, error = None, None
    if code:
        if not DOSSIER_CODE.match(code):
            error = _("A dossier code looks like 000.00.12.H10-260423-0001.")
        else:
            dossiers = Dossier.search([
                    ('code', '=', code), ('state', '!=', 'draft')], limit=1)
            if dossiers:
                dossier = dossiers[0]
            else:
                error = _("No dossier has the code %(code)s.", code=code)
    return portal.render('lookup.html', code=code, dossier=dossier,
        lookup_error=error,
        states=selection(Dossier, 'state'))


@route('/<path:rest>', methods=('GET', 'POST'))
def not_found(portal, rest):
    "Any other address under the portal: the portal's 404 page"
    raise NotFound()
