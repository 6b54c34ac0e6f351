# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Information pages of the portal: the list of news and guides, a page
with its blocks, its preview by the back office and its images."""
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from trytond.protocols.wrappers import Response

from .page import IMAGE_TYPES, SLUG, image_type, safe_url
from .web import route

PAGE_SIZE = 10
KIND_FILTERS = ('news', 'guide')


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def kinds(pool):
    Page = pool.get('egov.portal.page')
    return dict(Page.fields_get(['kind'])['kind']['selection'])


def blocks_of(portal, page, token=None):
    "What the template shows of each block of page, in order"
    result = []
    for block in page.blocks:
        item = {
            'id': block.id,
            'type': block.type,
            'heading': block.heading or '',
            }
        if block.type in {'text', 'cta'}:
            # Cleaned when saved and cleaned again on its way out
            item['html'] = Markup(block.render_html())
        if block.type == 'image':
            if not block.image_id and not block.image:
                continue
            item['src'] = portal.url('/trang/%s/anh/%s' % (
                    page.slug, block.id), token=token)
            item['alt'] = block.image_alt or ''
            item['caption'] = block.image_caption or ''
        elif block.type == 'procedures':
            item['procedures'] = block.render_procedures()
            if not item['procedures']:
                continue
        elif block.type == 'links':
            item['links'] = block.render_links()
            if not item['links']:
                continue
        elif block.type == 'cta':
            if not safe_url(block.cta_url):
                continue
            item['label'] = block.cta_label or ''
            item['url'] = block.cta_url
            item['external'] = not block.cta_url.startswith('/')
        elif block.type == 'heading' and not item['heading']:
            continue
        result.append(item)
    return result


def show(portal, page, preview=False, token=None):
    pool = portal.pool
    Page = pool.get('egov.portal.page')
    response = portal.render('page.html', page=page,
        blocks=blocks_of(portal, page, token=token), preview=preview,
        kinds=kinds(pool),
        states=dict(Page.fields_get(['state'])['state']['selection']),
        visible=page.is_visible())
    if preview:
        response.headers['Cache-Control'] = 'private, no-store'
        response.headers['X-Robots-Tag'] = 'noindex, nofollow'
    return response


@route('/tin-tuc')
def news(portal):
    "The published news and guides, newest first"
    pool = portal.pool
    Page = pool.get('egov.portal.page')
    args = portal.request.args
    kind = args.get('loai') if args.get('loai') in KIND_FILTERS else None
    domain = Page.visible_domain()
    if kind:
        domain.append(('kind', '=', kind))
    count = Page.search_count(domain)
    pages = max(1, (count + PAGE_SIZE - 1) // PAGE_SIZE)
    number = min(max(1, min(_int(args.get('trang'), 1), 10000)), pages)
    records = Page.search(domain,
        order=[('publication_date', 'DESC'), ('id', 'DESC')],
        offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return portal.render('news.html', pages=records, count=count,
        page_number=number, page_count=pages, kind=kind,
        kind_filters=KIND_FILTERS, kinds=kinds(pool))


@route('/trang/<slug>')
def page(portal, slug):
    "A published page that the portal shows now"
    Page = portal.pool.get('egov.portal.page')
    record = Page.get_visible(slug)
    if not record:
        raise NotFound()
    return show(portal, record)


@route('/trang/<slug>/xem-truoc')
def preview(portal, slug):
    """A page in any state, for the back office's users who hold its
    secret preview address"""
    Page = portal.pool.get('egov.portal.page')
    token = portal.request.args.get('token', '')
    record = Page.get_preview(slug, token)
    if not record:
        raise NotFound()
    return show(portal, record, preview=True, token=token)


@route('/trang/<slug>/anh/<int:block_id>')
def image(portal, slug, block_id):
    """The picture of an image block: of a page that the portal shows, or
    of any page with its preview token"""
    pool = portal.pool
    Page = pool.get('egov.portal.page')
    Block = pool.get('egov.portal.page.block')
    if not SLUG.match(slug or ''):
        raise NotFound()
    token = portal.request.args.get('token')
    preview = bool(token)
    if preview:
        record = Page.get_preview(slug, token)
    else:
        record = Page.get_visible(slug)
    if not record:
        raise NotFound()
    blocks = Block.search([
            ('id', '=', block_id),
            ('page', '=', record.id),
            ('type', '=', 'image'),
            ], limit=1)
    if not blocks or not blocks[0].image:
        raise NotFound()
    data = bytes(blocks[0].image)
    mimetype = image_type(data)
    if mimetype not in IMAGE_TYPES:
        raise NotFound()
    response = Response(data, content_type=mimetype)
    response.headers['Content-Disposition'] = 'inline'
    if preview:
        response.headers['Cache-Control'] = 'private, no-store'
    else:
        response.headers['Cache-Control'] = 'public, max-age=3600'
    return response
