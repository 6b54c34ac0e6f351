# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Portal accounts: the e-mails of web_user written by the portal, in the
citizen's language, with links to the portal's pages; the password rules
of the back office applied to citizens too (web_user checks them only for
requests of a back-office user)."""
import types
import urllib.parse
from email.message import EmailMessage

from trytond import config
from trytond.exceptions import UserError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from . import web

MIN_PASSWORD = 8


def portal_base():
    "The absolute address of the portal (configured or of the request)"
    base = config.get('egov_portal', 'url', default='')
    if not base:
        request = Transaction().context.get('_request') or {}
        host = request.get('http_host') or '127.0.0.1:8000'
        scheme = request.get('scheme') or 'http'
        base = '%s://%s%s' % (scheme, host, web.PREFIX)
    return base.rstrip('/')


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def check_portal_password(cls, password, name=None, email=None):
        "Raise a UserError when password breaks the rules"
        pool = Pool()
        ResUser = pool.get('res.user')
        if len(password) < MIN_PASSWORD:
            raise UserError(web.gettext(
                    "The password must have at least %(length)s "
                    "characters.", length=MIN_PASSWORD))
        ResUser.validate_password(password, [types.SimpleNamespace(
                    name=name or '', login='', email=email or '')])

    def get_email_validation_url(self, url=None):
        if url is None and not config.get('web', 'email_validation_url'):
            url = portal_base() + '/tai-khoan/xac-thuc'
        return super().get_email_validation_url(url)

    def get_email_reset_password_url(self, url=None):
        if url is None and not config.get('web', 'reset_password_url'):
            url = portal_base() + '/tai-khoan/dat-lai-mat-khau'
        return super().get_email_reset_password_url(url)

    def _portal_email(self, template, title, url):
        language = (self.party.lang.code if self.party and self.party.lang
            else None) or web.current_language()
        with Transaction().set_context(language=language):
            title = web.gettext(title)
            body = web.environment().get_template(template).render(
                user=self, url=url, title=title,
                portal_url=portal_base() + '/', language=language)
        msg = EmailMessage()
        msg.set_content(web.html_to_text(body))
        msg.add_alternative(body, subtype='html')
        return msg, title

    def get_email_validation(self):
        return self._portal_email('email/validation.html',
            "Confirm your e-mail address",
            self.get_email_validation_url())

    def get_email_reset_password(self):
        return self._portal_email('email/reset_password.html',
            "Reset your password", self.get_email_reset_password_url())


def link_token(url):
    "The token parameter of a link of an e-mail (for the tests)"
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    return query.get('token', [None])[0]
