# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Information pages of the portal (news, guides).

The IT staff build a page in the back office from ordered blocks (heading,
rich text, image, list of procedures, links, call to action), preview it
through a secret link and publish it; the portal shows the published pages
from their publication date until their expiry date.

The rich text is HTML cleaned with a tight allow-list when it is saved and
again when it is shown; an image must be a PNG, JPEG, WebP or GIF picture
by its content."""
import hmac
import html
import re
import secrets
import urllib.parse
from zoneinfo import ZoneInfo

import nh3

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.egov_base.audit import AuditMixin
from trytond.modules.egov_base.calendar import LOCAL_TZ
from trytond.modules.egov_procedure.eform import unaccent
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

__all__ = ['Page', 'PageBlock', 'PageBlockProcedure', 'clean_html',
    'safe_url', 'parse_links', 'slugify', 'today']

SLUG = re.compile(r'^[a-z0-9]+(?:-[a-z0-9]+)*$')
SLUG_SIZE = 80
STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ('archived', "Archived"),
    ]
KINDS = [
    ('news', "News"),
    ('guide', "Guide"),
    ]
BLOCK_TYPES = [
    ('heading', "Heading"),
    ('text', "Rich Text"),
    ('image', "Image"),
    ('procedures', "Procedures"),
    ('links', "Links"),
    ('cta', "Call to Action"),
    ]
# The fields of a block that each type needs
BLOCK_REQUIRED = {
    'heading': ['heading'],
    'text': ['text'],
    'image': ['image', 'image_alt'],
    'procedures': ['procedures'],
    'links': ['links'],
    'cta': ['cta_label', 'cta_url'],
    }
# The content of a page: changed only while it is a draft
PAGE_CONTENT = {'title', 'slug', 'kind', 'summary', 'publication_date',
    'expiry_date', 'blocks'}
# Set only by the workflow and the server
PAGE_WORKFLOW = {'state', 'preview_token'}

# Rich text: what survives the cleaning
HTML_TAGS = {'p', 'br', 'strong', 'em', 'ul', 'ol', 'li', 'a', 'h2', 'h3',
    'h4', 'blockquote'}
HTML_ATTRIBUTES = {'a': {'href'}}
URL_SCHEMES = {'http', 'https', 'mailto'}
# Removed with their content (the other tags lose only their markup)
HTML_DROPPED = {'script', 'style', 'template', 'iframe', 'object', 'embed',
    'noscript', 'textarea', 'select', 'svg', 'math', 'title', 'head'}
LINK_REL = 'noopener noreferrer'
# The tags of the usual editors that mean the allowed ones
HTML_ALIASES = [
    (re.compile(r'<(/?)b(?=[\s>/])', re.I), r'<\1strong'),
    (re.compile(r'<(/?)i(?=[\s>/])', re.I), r'<\1em'),
    (re.compile(r'<(/?)div(?=[\s>/])', re.I), r'<\1p'),
    (re.compile(r'<(/?)h1(?=[\s>/])', re.I), r'<\1h2'),
    ]
HAS_TAG = re.compile(r'<[a-zA-Z/!]')

IMAGE_TYPES = {
    'image/png': 'PNG',
    'image/jpeg': 'JPEG',
    'image/webp': 'WebP',
    'image/gif': 'GIF',
    }
IMAGE_MAX_SIZE = 5 * 1024 * 1024


def today():
    "Today in Vietnam"
    Date = Pool().get('ir.date')
    return Date.today(ZoneInfo(LOCAL_TZ))


def slugify(text, size=SLUG_SIZE):
    "The address of a text: lower-case ASCII words joined by hyphens"
    slug = re.sub(r'[^a-z0-9]+', '-', unaccent(text or '')).strip('-')
    if len(slug) > size:
        slug = slug[:size + 1]
        slug = slug[:slug.rfind('-')] if '-' in slug else slug[:size]
        slug = slug.strip('-')
    return slug


def clean_html(value):
    """The HTML of value with the allowed tags only; plain text (without
    any tag) becomes paragraphs, an empty line starting a new one"""
    if not value:
        return ''
    if not HAS_TAG.search(value):
        paragraphs = re.split(r'\n\s*\n', value.strip())
        value = ''.join('<p>%s</p>' % '<br>'.join(
                html.escape(line.strip()) for line in p.splitlines())
            for p in paragraphs if p.strip())
    for pattern, replacement in HTML_ALIASES:
        value = pattern.sub(replacement, value)
    return nh3.clean(value, tags=HTML_TAGS, attributes=HTML_ATTRIBUTES,
        clean_content_tags=HTML_DROPPED, url_schemes=URL_SCHEMES,
        link_rel=LINK_REL, strip_comments=True).strip()


def safe_url(url):
    """Whether url may be the target of a link of the portal: an address
    of the site (starting with a single /) or an http(s) or mailto one"""
    if not url or url != url.strip() or len(url) > 1000:
        return False
    if any(c.isspace() or ord(c) < 32 or c in '<>"\\' for c in url):
        return False
    if url.startswith('/'):
        return not url.startswith('//')
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    if parts.scheme == 'mailto':
        return '@' in parts.path
    return parts.scheme in {'http', 'https'} and bool(parts.netloc)


def parse_links(text):
    """The (label, url) of each line "label | url" of text, and the lines
    that do not read so"""
    links, invalid = [], []
    for line in (text or '').splitlines():
        line = line.strip()
        if not line:
            continue
        label, sep, url = line.rpartition('|')
        label, url = label.strip(), url.strip()
        if sep and label and safe_url(url):
            links.append((label, url))
        else:
            invalid.append(line)
    return links, invalid


def image_type(data):
    "The MIME type of the picture data by its content, else None"
    import filetype
    if not data:
        return None
    kind = filetype.guess(bytes(data[:8192]))
    return kind.mime if kind else None


def portal_base_url():
    "The address of the portal as the back office's users reach it"
    base = config.get('egov_portal', 'url', default='')
    if base:
        base = base.rstrip('/')
        if not base.endswith('/portal'):
            base += '/portal'
        return base
    from trytond.url import http_host
    return http_host() + '/portal'


class PageValidationError(ValidationError):
    pass


class PageAccessError(AccessError):
    pass


class PageStateError(UserError):
    pass


class Page(AuditMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Information Page"
    __name__ = 'egov.portal.page'
    _rec_name = 'title'

    _states = {'readonly': Eval('state') != 'draft'}

    title = fields.Char("Title", required=True, size=200, states=_states)
    slug = fields.Char("Address", required=True, size=SLUG_SIZE,
        states=_states,
        help="The end of the page's address on the portal "
        "(/portal/trang/...): lower-case letters without diacritics, digits "
        "and hyphens. Filled from the title when left empty.")
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        states=_states)
    summary = fields.Text("Summary", states=_states,
        help="A sentence or two shown in the list of news and on the "
        "home page.")
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    publication_date = fields.Date("Publication Date", required=True,
        states=_states,
        help="The page is shown on the portal from this day on.")
    expiry_date = fields.Date("Expiry Date", states=_states,
        domain=[
            If(Bool(Eval('expiry_date')) & Bool(Eval('publication_date')),
                ('expiry_date', '>=', Eval('publication_date')),
                ()),
            ],
        help="The page is no longer shown on the portal after this day. "
        "Leave empty to show it until it is archived.")
    blocks = fields.One2Many('egov.portal.page.block', 'page', "Blocks",
        states=_states)
    preview_token = fields.Char("Preview Token", readonly=True)
    preview_url = fields.Function(
        fields.Char("Preview Address",
            help="The secret address that shows the page as it will "
            "look on the portal, even a draft. Do not publish it."),
        'get_preview_url')
    public_url = fields.Function(
        fields.Char("Public Address"), 'get_public_url')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('slug_unique', Unique(t, t.slug),
                'egov_portal.msg_page_slug_unique'),
            ]
        cls._sql_indexes.add(Index(t,
                (t.state, Index.Equality()),
                (t.publication_date, Index.Range(order='DESC'))))
        cls._order = [('publication_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'draft'),
            ('published', 'archived'),
            ('archived', 'draft'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') == 'draft',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'archive': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-archive',
                    'depends': ['state'],
                    },
                'preview': {
                    'icon': 'tryton-public',
                    },
                })

    @staticmethod
    def default_kind():
        return 'news'

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_publication_date():
        return today()

    @fields.depends('title', 'slug', 'state')
    def on_change_title(self):
        if self.title and not self.slug and self.state in {None, 'draft'}:
            self.slug = slugify(self.title)

    @fields.depends('slug')
    def on_change_slug(self):
        if self.slug:
            self.slug = slugify(self.slug)

    def get_preview_url(self, name):
        if not self.slug or not self.preview_token:
            return None
        return '%s/trang/%s/xem-truoc?%s' % (
            portal_base_url(), self.slug,
            urllib.parse.urlencode({'token': self.preview_token}))

    def get_public_url(self, name):
        if not self.slug:
            return None
        return '%s/trang/%s' % (portal_base_url(), self.slug)

    # Visibility on the portal
    @classmethod
    def visible_domain(cls, date=None):
        "The pages that the portal shows on date (today by default)"
        if date is None:
            date = today()
        return [
            ('state', '=', 'published'),
            ('publication_date', '<=', date),
            ['OR',
                ('expiry_date', '=', None),
                ('expiry_date', '>=', date),
                ],
            ]

    def is_visible(self, date=None):
        if date is None:
            date = today()
        return (self.state == 'published'
            and self.publication_date and self.publication_date <= date
            and (not self.expiry_date or self.expiry_date >= date))

    @classmethod
    def latest(cls, limit=4):
        "The latest pages that the portal shows now, newest first"
        return cls.search(cls.visible_domain(),
            order=[('publication_date', 'DESC'), ('id', 'DESC')],
            limit=limit)

    @classmethod
    def get_visible(cls, slug):
        "The page at slug that the portal shows now, else None"
        if not slug or not SLUG.match(slug):
            return None
        pages = cls.search(
            [('slug', '=', slug)] + cls.visible_domain(), limit=1)
        return pages[0] if pages else None

    @classmethod
    def get_preview(cls, slug, token):
        "The page at slug, whatever its state, if token is its preview token"
        if (not slug or not SLUG.match(slug) or not token
                or len(token) > 100):
            return None
        pages = cls.search([('slug', '=', slug)], limit=1)
        if not pages or not pages[0].preview_token:
            return None
        page, = pages
        if not hmac.compare_digest(
                page.preview_token.encode(), token.encode()):
            return None
        return page

    # Storage
    @classmethod
    def _new_token(cls):
        return secrets.token_urlsafe(24)

    @classmethod
    def _unique_slug(cls, slug, taken=()):
        "slug, or slug-2, slug-3... if another page has it"
        base = slug or 'trang'
        slug, number = base, 1
        while slug in taken or cls.search([('slug', '=', slug)], limit=1):
            number += 1
            suffix = '-%s' % number
            slug = base[:SLUG_SIZE - len(suffix)].rstrip('-') + suffix
        return slug

    @classmethod
    def _check_workflow_fields(cls, vlist):
        """Refuse, from a client, a value of the fields that only the
        workflow and the server set"""
        if not Transaction().check_access:
            return
        for values in vlist:
            for name in PAGE_WORKFLOW & set(values):
                if values[name] is None or (
                        name == 'state' and values[name] == 'draft'):
                    continue
                raise PageAccessError(gettext(
                        'egov_portal.msg_page_workflow_field',
                        field=getattr(cls, name).string))

    @classmethod
    def create(cls, vlist):
        cls._check_workflow_fields(vlist)
        vlist = [v.copy() for v in vlist]
        taken = set()
        for values in vlist:
            values['preview_token'] = cls._new_token()
            if not values.get('slug') and values.get('title'):
                values['slug'] = cls._unique_slug(
                    slugify(values['title']), taken)
            if values.get('slug'):
                taken.add(values['slug'])
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for pages, values in zip(actions, actions):
            cls._check_workflow_fields([values])
            if PAGE_CONTENT & set(values):
                cls.check_draft(pages)
        super().write(*args)

    @classmethod
    def copy(cls, pages, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('preview_token', None)
        default.setdefault('publication_date', today())
        if 'slug' not in default:
            taken = set()

            def slug(data):
                value = cls._unique_slug(data['slug'], taken)
                taken.add(value)
                return value
            default['slug'] = slug
        return super().copy(pages, default=default)

    @classmethod
    def delete(cls, pages):
        pool = Pool()
        Block = pool.get('egov.portal.page.block')
        for page in pages:
            if page.state == 'published':
                raise PageStateError(gettext(
                        'egov_portal.msg_page_delete_published',
                        page=page.rec_name))
        # The blocks of an archived page go with it
        with Transaction().set_context(_egov_page_delete=True):
            Block.delete([b for p in pages for b in p.blocks])
        super().delete(pages)

    @classmethod
    def check_draft(cls, pages):
        for page in pages:
            if page.state != 'draft':
                raise PageStateError(gettext(
                        'egov_portal.msg_page_not_draft',
                        page=page.rec_name))

    @classmethod
    def validate_fields(cls, pages, field_names):
        super().validate_fields(pages, field_names)
        if field_names is None or 'slug' in field_names:
            for page in pages:
                if not SLUG.match(page.slug or ''):
                    raise PageValidationError(gettext(
                            'egov_portal.msg_page_slug_invalid',
                            slug=page.slug or '', page=page.rec_name))

    # Workflow
    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, pages):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, pages):
        for page in pages:
            if not page.blocks:
                raise PageStateError(gettext(
                        'egov_portal.msg_page_publish_empty',
                        page=page.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    def archive(cls, pages):
        pass

    @classmethod
    @ModelView.button_action('egov_portal.url_page_preview')
    def preview(cls, pages):
        "Open the preview of the page in the browser"
        for page in pages:
            if page.preview_url:
                return {
                    'url': page.preview_url,
                    'name': page.rec_name,
                    }


class PageBlock(sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Page Block"
    __name__ = 'egov.portal.page.block'

    _states = {'readonly': Eval('page_state') != 'draft'}

    page = fields.Many2One('egov.portal.page', "Page", required=True,
        ondelete='CASCADE', states=_states)
    page_state = fields.Function(
        fields.Selection(STATES, "Page State"), 'on_change_with_page_state')
    type = fields.Selection(BLOCK_TYPES, "Type", required=True, sort=False,
        states=_states)
    heading = fields.Char("Heading", size=200, states=_states,
        help="The text of a heading block; the title of the other blocks "
        "(optional).")
    text = fields.Text("Text",
        states={
            'readonly': _states['readonly'],
            'invisible': ~Eval('type').in_(['text', 'cta']),
            'required': Eval('type') == 'text',
            },
        help="HTML: paragraphs <p>, <strong>, <em>, lists <ul>/<ol>/<li>, "
        "links <a href=\"...\">, headings <h2> to <h4>, <blockquote>. Any "
        "other markup, script or style is removed. Plain text is accepted: "
        "an empty line starts a new paragraph.")
    image = fields.Binary("Image", filename='image_name',
        file_id='image_id',
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('type') != 'image',
            'required': Eval('type') == 'image',
            },
        help="A PNG, JPEG, WebP or GIF picture of at most 5 MB.")
    image_id = fields.Char("Image ID", readonly=True)
    image_name = fields.Char("Image File Name",
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('type') != 'image',
            })
    image_alt = fields.Char("Alternative Text", size=300,
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('type') != 'image',
            'required': Eval('type') == 'image',
            },
        help="What the picture shows, read aloud to blind visitors.")
    image_caption = fields.Char("Caption", size=300,
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('type') != 'image',
            })
    procedures = fields.Many2Many(
        'egov.portal.page.block-egov.procedure', 'block', 'procedure',
        "Procedures",
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('type') != 'procedures',
            })
    links = fields.Text("Links",
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('type') != 'links',
            'required': Eval('type') == 'links',
            },
        help="One link a line, as \"label | address\"; the address starts "
        "with https://, http://, mailto: or / (a page of the portal).")
    cta_label = fields.Char("Button Label", size=100,
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('type') != 'cta',
            'required': Eval('type') == 'cta',
            })
    cta_url = fields.Char("Button Address", size=1000,
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('type') != 'cta',
            'required': Eval('type') == 'cta',
            },
        help="Starts with https://, http://, mailto: or / (a page of the "
        "portal).")
    content = fields.Function(fields.Char("Content"), 'get_content')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('page')

    @staticmethod
    def default_type():
        return 'text'

    @fields.depends('page', '_parent_page.state')
    def on_change_with_page_state(self, name=None):
        if self.page:
            return self.page.state
        return 'draft'

    def get_content(self, name):
        "A short description of the block for the lists"
        if self.heading:
            text = self.heading
        elif self.type in {'text', 'cta'} and self.text:
            text = html.unescape(re.sub(r'<[^>]*>', ' ', self.text))
        elif self.type == 'image':
            text = self.image_alt or self.image_name or ''
        elif self.type == 'procedures':
            text = ', '.join(p.code for p in self.procedures)
        elif self.type == 'links':
            text = ', '.join(label for label, _ in parse_links(self.links)[0])
        else:
            text = ''
        text = ' '.join(text.split())
        return text[:77] + '...' if len(text) > 80 else text

    def get_rec_name(self, name):
        label = dict(self.__class__.fields_get(['type'])['type']['selection'])
        name = label.get(self.type, self.type or '')
        if self.sequence is not None:
            name = '%s %s' % (name, self.sequence)
        return name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('heading',) + tuple(clause[1:])]

    @classmethod
    def _clean_values(cls, values):
        if values.get('text'):
            values['text'] = clean_html(values['text'])
        for name in ['links', 'cta_url', 'cta_label', 'heading',
                'image_alt']:
            if isinstance(values.get(name), str):
                values[name] = values[name].strip()
        return values

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Page = pool.get('egov.portal.page')
        vlist = [cls._clean_values(v.copy()) for v in vlist]
        Page.check_draft(Page.browse(
                {v['page'] for v in vlist if v.get('page')}))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Page = pool.get('egov.portal.page')
        args = list(args)
        for i in range(0, len(args), 2):
            blocks, values = args[i], args[i + 1]
            pages = {b.page for b in blocks}
            if values.get('page'):
                pages.add(Page(values['page']))
            Page.check_draft(list(pages))
            args[i + 1] = cls._clean_values(values.copy())
        super().write(*args)

    @classmethod
    def delete(cls, blocks):
        pool = Pool()
        Page = pool.get('egov.portal.page')
        if not Transaction().context.get('_egov_page_delete'):
            Page.check_draft(list({b.page for b in blocks}))
        super().delete(blocks)

    @classmethod
    def validate_fields(cls, blocks, field_names):
        super().validate_fields(blocks, field_names)
        for block in blocks:
            block.check_content()

    def _error_values(self):
        return {'block': self.rec_name, 'page': self.page.rec_name}

    def check_content(self):
        names = BLOCK_REQUIRED.get(self.type, [])
        labels = self.__class__.fields_get(names)
        for name in names:
            value = getattr(self, name)
            if not value:
                raise PageValidationError(gettext(
                        'egov_portal.msg_page_block_required',
                        field=labels[name]['string'],
                        **self._error_values()))
        if self.type == 'image':
            self.check_image()
        elif self.type == 'links':
            _, invalid = parse_links(self.links)
            if invalid:
                raise PageValidationError(gettext(
                        'egov_portal.msg_page_block_link_invalid',
                        line=invalid[0], **self._error_values()))
        elif self.type == 'cta':
            if not safe_url(self.cta_url):
                raise PageValidationError(gettext(
                        'egov_portal.msg_page_block_url_invalid',
                        url=self.cta_url, **self._error_values()))

    def check_image(self):
        data = self.image
        mime = image_type(data)
        if mime not in IMAGE_TYPES:
            raise PageValidationError(gettext(
                    'egov_portal.msg_page_block_image_type',
                    name=self.image_name or '', **self._error_values()))
        if len(data) > IMAGE_MAX_SIZE:
            raise PageValidationError(gettext(
                    'egov_portal.msg_page_block_image_size',
                    size=IMAGE_MAX_SIZE // (1024 * 1024),
                    **self._error_values()))

    # Rendering on the portal
    def render_html(self):
        "The rich text, cleaned again on its way out"
        return clean_html(self.text or '')

    def render_links(self):
        return parse_links(self.links)[0]

    def render_procedures(self):
        return [p for p in self.procedures if p.active]


class PageBlockProcedure(ModelSQL):
    __string__ = "Page Block - Procedure"
    __name__ = 'egov.portal.page.block-egov.procedure'

    block = fields.Many2One('egov.portal.page.block', "Block",
        required=True, ondelete='CASCADE')
    procedure = fields.Many2One('egov.procedure', "Procedure",
        required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('block')
