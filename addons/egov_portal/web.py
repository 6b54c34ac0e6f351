# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The small web framework of the citizens' portal.

trytond serves the portal's routes (``/portal/...``) next to the RPC of the
back office.  Every route declared with :func:`route`:

- runs in a transaction of the portal's database as the root user (as
  every trytond route): the handlers filter by the logged-in web user's
  party themselves, through :meth:`Portal.own_dossiers` and friends;
- reads the portal session (a ``web.user.session`` key in an HttpOnly,
  SameSite cookie) and the language (Vietnamese unless the visitor chose
  English);
- refuses a POST whose CSRF token does not match the visitor's CSRF cookie
  (double submit, on top of trytond's refusal of cross-origin requests);
- renders Jinja2 templates that escape by default;
- rolls the transaction back and shows a clear page on bad input
  (:class:`FormInvalid`, a Tryton user error), on a missing page or on an
  unexpected error (logged with its traceback);
- adds the security headers (CSP without inline script, frame, referrer,
  content type).
"""
import datetime as dt
import hmac
import logging
import os
import secrets
import time
import urllib.parse
from decimal import Decimal
from functools import lru_cache, wraps

import jinja2
import polib
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.utils import redirect as _redirect

from trytond import backend, config
from trytond.exceptions import RateLimitException, UserError, UserWarning
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction, TransactionError
from trytond.wsgi import app

__all__ = ['route', 'Portal', 'FormInvalid', 'gettext', 'database_name']

logger = logging.getLogger(__name__)
HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = '/portal'
SESSION_COOKIE = 'egov_portal_session'
CSRF_COOKIE = 'egov_portal_csrf'
LANG_COOKIE = 'egov_portal_lang'
LANGUAGES = ('vi', 'en')
DEFAULT_LANGUAGE = 'vi'
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    'Content-Security-Policy': CSP,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    }


def database_name():
    """The database the portal serves: ``[egov_portal] database``, else the
    first database the server preloads (``TRYTOND_DATABASE_NAMES``)"""
    name = config.get('egov_portal', 'database', default='')
    if not name:
        names = os.environ.get('TRYTOND_DATABASE_NAMES', '')
        name = names.split(',')[0].strip()
    return name


# Translations of the portal's own texts (templates and messages); the
# texts of the models come from Tryton's translations as in the back office.
@lru_cache(maxsize=None)
def catalog(language):
    """The translations of language: locale/portal/<language>.po and the
    catalogs of the parts of the portal, locale/portal/<part>.<language>.po
    """
    directory = os.path.join(HERE, 'locale', 'portal')
    result = {}
    for name in sorted(os.listdir(directory)):
        if name == '%s.po' % language or name.endswith('.%s.po' % language):
            for entry in polib.pofile(os.path.join(directory, name)):
                if (entry.msgstr and not entry.obsolete
                        and 'fuzzy' not in entry.flags):
                    result[entry.msgid] = entry.msgstr
    return result


def current_language():
    language = Transaction().language or DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def gettext(message, **params):
    "Translate a text of the portal into the visitor's language"
    text = catalog(current_language()).get(message, message)
    return text % params if params else text


_ = gettext


def format_date(value):
    if not value:
        return ''
    if isinstance(value, dt.datetime):
        value = to_local(value)
        return value.strftime('%d/%m/%Y %H:%M')
    return value.strftime('%d/%m/%Y')


def format_day(value):
    if not value:
        return ''
    if isinstance(value, dt.datetime):
        value = to_local(value)
    return value.strftime('%d/%m/%Y')


def to_local(value):
    "Vietnam's time of a naive UTC datetime"
    return value + dt.timedelta(hours=7)


def format_number(value, digits=0):
    if value is None:
        return ''
    value = Decimal(value)
    text = '{:,.{}f}'.format(value, digits)
    if current_language() == 'vi':
        text = text.replace(',', ' ').replace('.', ',').replace(' ', '.')
    return text


def input_date(value):
    "An ISO date of the data as the dd/mm/yyyy of a text input"
    text = str(value)
    try:
        return dt.date.fromisoformat(text).strftime('%d/%m/%Y')
    except ValueError:
        return text


def format_size(value):
    if value is None:
        return ''
    if value >= 1024 * 1024:
        return '%s MB' % format_number(Decimal(value) / 1024 / 1024, 1)
    return '%s KB' % format_number(max(1, round(value / 1024)))


@lru_cache(maxsize=1)
def environment():
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(HERE, 'templates')),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)
    env.filters.update({
            'date': format_date,
            'day': format_day,
            'number': format_number,
            'size': format_size,
            'input_date': input_date,
            })
    env.globals.update({'_': gettext, 'PREFIX': PREFIX})
    return env


class FormInvalid(Exception):
    """Bad input on a form: the transaction is rolled back and the page is
    shown again with the errors linked to their fields"""

    def __init__(self, template, values, errors):
        super().__init__(errors)
        self.template = template
        self.values = values
        self.errors = errors


class Portal:
    "What a handler knows of the request: visitor, session, language"

    def __init__(self, request, pool):
        self.request = request
        self.pool = pool
        self.language = DEFAULT_LANGUAGE
        self.user = None
        self.session_key = None
        self.new_cookies = []
        self.csrf_token = request.cookies.get(CSRF_COOKIE) or ''
        if len(self.csrf_token) != 43:
            self.csrf_token = secrets.token_urlsafe(32)
            self.new_cookies.append((CSRF_COOKIE, self.csrf_token, None))

    # Visitor
    def load_user(self):
        WebUser = self.pool.get('web.user')
        key = self.request.cookies.get(SESSION_COOKIE)
        if key and len(key) <= 128:
            user = WebUser.get_user(key)
            if user and user.active:
                self.user = user
                self.session_key = key

    @property
    def party(self):
        return self.user.party if self.user else None

    def login(self, user):
        "Open a session for user and rotate the CSRF token"
        key = user.new_session()
        self.user = user
        self.session_key = key
        self.new_cookies.append((SESSION_COOKIE, key, None))
        self.csrf_token = secrets.token_urlsafe(32)
        self.new_cookies.append((CSRF_COOKIE, self.csrf_token, None))

    def logout(self):
        Session = self.pool.get('web.user.session')
        if self.session_key:
            Session.remove(self.session_key)
        self.user = self.session_key = None
        self.new_cookies.append((SESSION_COOKIE, '', 0))

    # Ownership: a citizen reaches only what belongs to his party
    def own_dossier_domain(self):
        if not self.user:
            return [('id', '=', -1)]
        domain = ['OR', ('web_user', '=', self.user.id)]
        if self.party:
            domain.append([
                    ('applicant', '=', self.party.id),
                    ('state', '!=', 'draft'),
                    ])
        return domain

    def own_dossier(self, code=None, id_=None):
        "The visitor's dossier by code or id, else 404"
        Dossier = self.pool.get('egov.dossier')
        domain = [self.own_dossier_domain()]
        if id_ is not None:
            domain.append(('id', '=', id_))
        else:
            domain.append(('code', '=', code))
        dossiers = Dossier.search(domain, limit=1)
        if not dossiers:
            raise NotFound()
        return dossiers[0]

    # Requests
    @property
    def form(self):
        return self.request.form

    def check_csrf(self):
        sent = self.request.form.get('csrf_token', '')
        cookie = self.request.cookies.get(CSRF_COOKIE, '')
        if not (cookie and sent and hmac.compare_digest(
                    sent.encode(), cookie.encode())):
            logger.info("portal: CSRF token refused for %s", self.request)
            raise CSRFError()

    def url(self, path='', **query):
        url = PREFIX + path
        query = {k: v for k, v in query.items() if v not in (None, '')}
        if query:
            url += '?' + urllib.parse.urlencode(query)
        return url

    def absolute_url(self, path='', **query):
        base = config.get('egov_portal', 'url', default='')
        if not base:
            base = '%s://%s' % (self.request.scheme, self.request.host)
        else:
            base = base.rstrip('/')
            if base.endswith(PREFIX):
                base = base[:-len(PREFIX)]
        return base + self.url(path, **query)

    def redirect(self, path, **query):
        return _redirect(self.url(path, **query), code=303)

    def render(self, template, status=200, **values):
        values.setdefault('errors', [])
        values.update({
                'portal': self,
                'user': self.user,
                'language': self.language,
                'csrf_token': self.csrf_token,
                'request_path': self.request.path,
                'other_language': 'en' if self.language == 'vi' else 'vi',
                })
        body = environment().get_template(template).render(**values)
        return Response(body, status=status,
            content_type='text/html; charset=utf-8')

    def finish(self, response):
        secure = config.getboolean('egov_portal', 'secure_cookies',
            default=None)
        if secure is None:
            secure = self.request.is_secure
        for name, value, max_age in self.new_cookies:
            response.set_cookie(name, value, max_age=max_age, path=PREFIX,
                secure=secure, httponly=True, samesite='Lax')
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if self.user:
            response.headers.setdefault('Cache-Control', 'private, no-store')
        return response


class CSRFError(Exception):
    pass


def _language(request):
    language = request.args.get('lang')
    if language in LANGUAGES:
        return language, True
    language = request.cookies.get(LANG_COOKIE)
    if language in LANGUAGES:
        return language, False
    return DEFAULT_LANGUAGE, False


def error_page(portal, status, title, message):
    return portal.render('error.html', status=status, title=title,
        message=message)


def route(rule, methods=('GET',), readonly=None, login=False,
        max_size=None):
    """Declare a portal route: handler(portal, **arguments) returns a
    response.  login=True sends anonymous visitors to the login page."""
    def decorator(handler):
        def run(request, pool, **kwargs):
            portal = Portal(request, pool)
            language, chosen = _language(request)
            portal.language = language
            if chosen:
                portal.new_cookies.append(
                    (LANG_COOKIE, language, 365 * 24 * 3600))
            transaction = Transaction()
            with transaction.set_context(language=language):
                try:
                    portal.load_user()
                    if request.method == 'POST':
                        portal.check_csrf()
                    if login and not portal.user:
                        response = portal.redirect('/tai-khoan/dang-nhap',
                            next=request.full_path.rstrip('?'))
                    else:
                        # The audit trail names the citizen who acts
                        actor = ('portal %s' % portal.user.email
                            if portal.user else 'portal')
                        with transaction.set_context(egov_actor=actor):
                            response = handler(portal, **kwargs)
                except (TransactionError, backend.DatabaseOperationalError):
                    # with_transaction restarts the transaction (to lock
                    # records, or after a serialization failure)
                    raise
                except FormInvalid as invalid:
                    transaction.rollback()
                    response = portal.render(invalid.template, status=400,
                        errors=invalid.errors, **invalid.values)
                except CSRFError:
                    transaction.rollback()
                    response = error_page(portal, 403,
                        _("Your session has expired"),
                        _("The form was sent without its security code or "
                            "after the session expired. Go back, reload "
                            "the page and send it again."))
                except RateLimitException:
                    transaction.rollback()
                    response = error_page(portal, 429,
                        _("Too many attempts"),
                        _("Too many attempts were made. Wait a few minutes "
                            "and try again."))
                except (UserError, UserWarning) as exception:
                    transaction.rollback()
                    logger.info("portal: refused %s: %s", request,
                        exception.message)
                    response = error_page(portal, 400,
                        _("The request could not be completed"),
                        exception.message)
                except RequestEntityTooLarge:
                    transaction.rollback()
                    response = error_page(portal, 413,
                        _("The files are too large"),
                        _("What you sent is larger than the portal "
                            "accepts for a dossier. Send smaller files "
                            "(scan in black and white or at a lower "
                            "resolution) or fewer at a time."))
                except NotFound:
                    transaction.rollback()
                    response = error_page(portal, 404,
                        _("Page not found"),
                        _("The page does not exist or you may not see it. "
                            "Check the address or go back to the home "
                            "page."))
                except HTTPException as exception:
                    transaction.rollback()
                    response = error_page(portal, exception.code,
                        exception.name, exception.description or '')
                except Exception:
                    transaction.rollback()
                    logger.exception("portal: error on %s", request)
                    response = error_page(portal, 500,
                        _("Something went wrong"),
                        _("The page could not be shown because of an "
                            "error on our side. Nothing you sent was "
                            "lost: try again in a few minutes."))
            return portal.finish(response)

        transactional = with_transaction(readonly=readonly)(run)
        pooled = with_pool(transactional)

        @wraps(handler)
        def endpoint(request, **kwargs):
            if callable(max_size):
                # The limit of the configuration now (trytond reads a
                # number fixed when the route is declared)
                request.max_content_length = max_size()
            database = database_name()
            if not database:
                return Response(
                    'The portal has no database: set [egov_portal] '
                    'database.', status=503, content_type='text/plain')
            started = time.monotonic()
            response = pooled(request, database, **kwargs)
            logger.debug("portal %s in %.1f ms", request.path,
                (time.monotonic() - started) * 1000)
            return response
        if max_size and not callable(max_size):
            endpoint.max_request_size = max_size
        # Several rules may serve one handler
        endpoint.__name__ = 'portal_%s_%s' % (
            handler.__name__, abs(hash(rule)))
        app.route(PREFIX + rule, methods=list(methods))(endpoint)
        return handler
    return decorator


def static_route():
    "Serve the portal's CSS, JavaScript and images (cached a day)"
    directory = os.path.join(HERE, 'static')

    @app.route(PREFIX + '/static/<path:filename>', methods=['GET'])
    def portal_static(request, filename):
        from werkzeug.security import safe_join
        from werkzeug.utils import send_file
        path = safe_join(directory, filename)
        if not path or not os.path.isfile(path):
            return Response('Not found', status=404,
                content_type='text/plain')
        response = send_file(path, request.environ, max_age=86400)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
    return portal_static


def html_to_text(html):
    "A plain-text alternative of a small HTML e-mail"
    import html as html_lib
    import re
    text = re.sub(r'(?is)<(script|style).*?</\1>', '', html)
    text = re.sub(r'(?i)<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>',
        r'\2 (\1)', text)
    text = re.sub(r'(?i)<br\s*/?>|</p>|</h\d>|</li>|</div>', '\n', text)
    text = re.sub(r'<[^>]+>', '', text)
    text = html_lib.unescape(text)
    lines = [' '.join(line.split()) for line in text.splitlines()]
    return '\n'.join(line for line in lines if line) + '\n'
