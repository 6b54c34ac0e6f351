# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The citizen hears of his dossier by e-mail when something happens that
he must know or do: submitted (with its code), received (with the due
date), a request to supplement, a refusal, a new due date with the
agency's apology, the result ready, stopped or not eligible.  The e-mail
goes after the transaction commits (trytond's transactional sendmail), to
the portal account's address or else the dossier's contact address."""
import logging
from email.message import EmailMessage

from trytond import config
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

from . import web
from .user import portal_base

logger = logging.getLogger(__name__)


def N_(message):
    "Mark a text of the portal's catalog, translated when it is used"
    return message


# The subject of the e-mail of each state reached
NOTICES = {
    'submitted': N_("Your dossier %(code)s was submitted"),
    'received': N_("Your dossier %(code)s was received"),
    'supplement': N_("Your dossier %(code)s needs a supplement"),
    'refused': N_("Your dossier %(code)s was not received"),
    'ready': N_("The result of your dossier %(code)s is ready"),
    'stopped': N_("Your dossier %(code)s was stopped"),
    'ineligible': N_("Your dossier %(code)s is not eligible"),
    }
EXTENSION = N_("New due date for your dossier %(code)s")


class Dossier(metaclass=PoolMeta):
    __name__ = 'egov.dossier'

    @classmethod
    def _log_transition(cls, dossiers, description=None):
        super()._log_transition(dossiers, description)
        if Transaction().context.get('_egov_portal_no_notice'):
            return
        for dossier in dossiers:
            if dossier.state not in NOTICES:
                continue
            # An answer to a supplement before receipt is submitted again:
            # the citizen did it, he needs no e-mail
            if dossier.state == 'submitted' and dossier.pauses:
                continue
            dossier.send_notice(NOTICES[dossier.state])

    @classmethod
    def extend(cls, dossiers):
        with Transaction().set_context(_egov_portal_no_notice=True):
            super().extend(dossiers)
        for dossier in cls.browse([d.id for d in dossiers]):
            dossier.send_notice(EXTENSION, extension=(
                    dossier.extensions[-1] if dossier.extensions else None))

    @property
    def notice_address(self):
        if self.web_user and self.web_user.email:
            return self.web_user.email
        return self.email

    def send_notice(self, subject, extension=None):
        "Send the citizen the e-mail of the dossier's new state"
        address = self.notice_address
        if not address or not self.code:
            return
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        party = self.applicant
        language = (party.lang.code if party and party.lang else None) or (
            web.DEFAULT_LANGUAGE)
        with Transaction().set_context(language=language):
            states = dict(Dossier.fields_get(['state'])['state']['selection'])
            title = web.gettext(subject, code=self.code)
            body = web.environment().get_template(
                'email/dossier_state.html').render(
                dossier=self, title=title, extension=extension,
                state=states.get(self.state, self.state),
                url='%s/ho-so/%s' % (portal_base(), self.code),
                lookup_url='%s/tra-cuu?ma=%s' % (portal_base(), self.code),
                language=language)
        msg = EmailMessage()
        msg['From'] = config.get('email', 'from')
        msg['To'] = address
        msg['Subject'] = title
        msg.set_content(web.html_to_text(body))
        msg.add_alternative(body, subtype='html')
        send_message_transactional(msg)
        logger.info("notice of dossier %s (%s) sent to its applicant",
            self.code, self.state)
