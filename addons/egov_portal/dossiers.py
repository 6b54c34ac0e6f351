# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The citizen's dossiers: list, timeline, answer to a request to
supplement, receipt and signed result to download, withdrawal and the
satisfaction rating.  Every route reads the dossier through
:meth:`Portal.own_dossier`: another citizen's code answers 404."""
from werkzeug.exceptions import NotFound

from trytond.pool import Pool

from .routes import download, selection
from .submission import (
    _component_rows, clean_filename, store_uploads, upload_request_size)
from .web import _, route

PAGE_SIZE = 20
WITHDRAWABLE = {'draft', 'submitted', 'supplement'}
RESULT_STATES = {'result_issued', 'ready', 'returned'}


def labels():
    Dossier = Pool().get('egov.dossier')
    return {
        'states': selection(Dossier, 'state'),
        'ratings': selection(Dossier, 'rating'),
        'timings': selection(Dossier, 'timing'),
        'channels': selection(Dossier, 'channel'),
        }


@route('/ho-so', login=True)
def index(portal):
    pool = portal.pool
    Dossier = pool.get('egov.dossier')
    domain = [portal.own_dossier_domain()]
    tab = portal.request.args.get('loc')
    if tab == 'dang-xu-ly':
        domain.append(('state', 'not in', ['draft', 'returned', 'refused',
                        'withdrawn', 'stopped', 'ineligible']))
    elif tab == 'nhap':
        domain.append(('state', '=', 'draft'))
    elif tab == 'da-xong':
        domain.append(('state', 'in', ['returned', 'refused', 'withdrawn',
                        'stopped', 'ineligible']))
    else:
        tab = None
    try:
        page = max(1, int(portal.request.args.get('trang', 1)))
    except ValueError:
        page = 1
    count = Dossier.search_count(domain)
    dossiers = Dossier.search(domain, order=[('create_date', 'DESC'),
            ('id', 'DESC')], offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return portal.render('dossiers/index.html', dossiers=dossiers,
        count=count, page=page,
        pages=max(1, (count + PAGE_SIZE - 1) // PAGE_SIZE), tab=tab,
        **labels())


def timeline(dossier):
    "The events of the dossier a citizen may know, oldest first"
    events = []
    if dossier.submitted_date:
        events.append((dossier.submitted_date, _("Submitted online")
                if dossier.channel == 'online' else _("Submitted"), None))
    if dossier.received_date:
        events.append((dossier.received_date,
                _("Received by %(agency)s", agency=dossier.company.rec_name),
                None))
    for process in dossier.processes:
        if process.agency != dossier.company or process.step:
            events.append((process.start, _("Being processed at "
                        "%(agency)s", agency=process.agency.rec_name),
                    process.step.name if process.step else None))
    for pause in dossier.pauses:
        events.append((pause.start, _("Request to supplement"),
                pause.request))
        if pause.end:
            events.append((pause.end, _("Supplement sent"), None))
    for extension in dossier.extensions:
        events.append((extension.create_date, _(
                    "New due date: %(date)s", date=portal_day(
                        extension.new_due)), extension.reason))
    if dossier.state in {'refused', 'withdrawn', 'stopped', 'ineligible'}:
        reason = {
            'refused': dossier.refusal_reason,
            'stopped': dossier.stop_reason,
            'ineligible': dossier.ineligible_reason,
            }.get(dossier.state)
        events.append((dossier.finished_date or dossier.write_date,
                labels()['states'].get(dossier.state), reason))
    elif dossier.finished_date:
        events.append((dossier.finished_date, _("Result issued"), None))
    if dossier.returned_date:
        events.append((dossier.returned_date, _("Result returned"), None))
    return sorted(events, key=lambda e: e[0])


def portal_day(value):
    from .web import format_day
    return format_day(value)


def _detail(portal, dossier, status=200, errors=None, **extra):
    return portal.render('dossiers/detail.html', status=status,
        errors=errors or [], dossier=dossier, events=timeline(dossier),
        rows=_component_rows(dossier),
        can_withdraw=dossier.state in WITHDRAWABLE
        and not dossier.received_date,
        has_result=dossier.state in RESULT_STATES
        and bool(dossier.result_file_id or dossier.result_filename),
        can_rate=dossier.state == 'returned' and not dossier.rating,
        **dict(labels(), **extra))


@route('/ho-so/<code>', login=True)
def detail(portal, code):
    dossier = portal.own_dossier(code=code)
    return _detail(portal, dossier,
        rated=portal.request.args.get('da-danh-gia') == '1',
        supplemented=portal.request.args.get('da-bo-sung') == '1')


@route('/ho-so/<code>/xac-nhan', login=True)
def confirmation(portal, code):
    dossier = portal.own_dossier(code=code)
    return portal.render('dossiers/confirmation.html', dossier=dossier,
        **labels())


@route('/ho-so/<code>/bo-sung', methods=('POST',), login=True,
    max_size=upload_request_size)
def supplement(portal, code):
    "Upload the missing components and send the dossier back"
    pool = portal.pool
    Dossier = pool.get('egov.dossier')
    dossier = portal.own_dossier(code=code)
    if dossier.state != 'supplement':
        return portal.redirect('/ho-so/%s' % dossier.code)
    context = {'dossier': dossier, 'events': timeline(dossier),
        'rows': _component_rows(dossier), 'can_withdraw': False,
        'has_result': False, 'can_rate': False}
    context.update(labels())
    replaced = store_uploads(portal, dossier, 'dossiers/detail.html',
        context)
    note = ' '.join((portal.form.get('note') or '').split())[:500]
    if not replaced and not note:
        return _detail(portal, dossier, status=400, errors=[{
                    'field': 'note', 'message': _(
                        "Upload at least one document or write what you "
                        "supplement.")}])
    Dossier.answer_supplement([dossier])
    return portal.redirect('/ho-so/%s' % code, **{'da-bo-sung': '1'})


@route('/ho-so/<code>/rut', methods=('GET', 'POST'), login=True)
def withdraw(portal, code):
    "Withdraw a dossier not received yet, after a confirmation page"
    pool = portal.pool
    Dossier = pool.get('egov.dossier')
    dossier = portal.own_dossier(code=code)
    if dossier.state not in WITHDRAWABLE or dossier.received_date:
        return portal.redirect('/ho-so/%s' % code)
    if portal.request.method == 'GET':
        return portal.render('dossiers/withdraw.html', dossier=dossier)
    Dossier.withdraw([dossier])
    return portal.redirect('/ho-so/%s' % code)


@route('/ho-so/<code>/danh-gia', methods=('POST',), login=True)
def rate(portal, code):
    dossier = portal.own_dossier(code=code)
    rating = portal.form.get('rating')
    if rating not in {'satisfied', 'normal', 'unsatisfied'}:
        return _detail(portal, dossier, status=400, errors=[{
                    'field': 'rating', 'message': _(
                        "Choose how satisfied you are.")}])
    dossier.rate(rating, (portal.form.get('comment') or '')[:2000])
    return portal.redirect('/ho-so/%s' % code, **{'da-danh-gia': '1'})


@route('/ho-so/<code>/ket-qua', login=True)
def result(portal, code):
    "The signed result, once issued"
    dossier = portal.own_dossier(code=code)
    if dossier.state not in RESULT_STATES or not dossier.result_file:
        raise NotFound()
    return download(bytes(dossier.result_file),
        clean_filename(dossier.result_filename or '%s.pdf' % dossier.code),
        mimetype='application/pdf')


@route('/ho-so/<code>/giay-tiep-nhan', login=True)
def receipt(portal, code):
    "The receipt and appointment slip (form 01) as PDF"
    pool = portal.pool
    dossier = portal.own_dossier(code=code)
    if dossier.state == 'draft':
        raise NotFound()
    Form01 = pool.get('egov.dossier.form01', type='report')
    _ext, content, _direct, _name = Form01.execute([dossier.id], {})
    return download(bytes(content), 'giay-tiep-nhan-%s.pdf' % dossier.code,
        mimetype='application/pdf', inline=True)


@route('/ho-so/<code>/tep/<int:component_id>', login=True)
def component_file(portal, code, component_id):
    "A file the citizen uploaded"
    dossier = portal.own_dossier(code=code)
    for record in dossier.components:
        if record.id == component_id and record.file:
            return download(bytes(record.file),
                clean_filename(record.filename or 'tep'),
                mimetype=record.mimetype)
    raise NotFound()
