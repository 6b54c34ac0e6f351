# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Helpers of the portal's route tests: a browser-like client that keeps
the cookies and sends the CSRF token of the last page."""
import io
import re
from unittest.mock import patch

from reportlab.pdfgen import canvas

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def pdf_bytes(text="Tài liệu"):
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


class Browser:
    "A werkzeug test client used as a citizen's browser"

    def __init__(self, client):
        self.client = client
        self.csrf = None

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        match = CSRF.search(response.get_data().decode('utf-8', 'ignore'))
        if match:
            self.csrf = match.group(1)
        return response

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.csrf is None:
                self.get('/portal/tai-khoan/dang-nhap')
            data.setdefault('csrf_token', self.csrf)
        response = self.client.post(url, data=data, **kwargs)
        match = CSRF.search(response.get_data().decode('utf-8', 'ignore'))
        if match:
            self.csrf = match.group(1)
        return response

    def login(self, email, password):
        self.get('/portal/tai-khoan/dang-nhap')
        return self.post('/portal/tai-khoan/dang-nhap', {
                'email': email, 'password': password})


def in_transaction(database, func):
    """Run func in a committed transaction as root, started again when it
    needs to lock records (as trytond's routes do)"""
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        with Transaction().start(database, 0, **extras) as transaction:
            try:
                result = func()
            except TransactionError as exception:
                transaction.rollback()
                exception.fix(extras)
                continue
            transaction.commit()
            return result


class Outbox(list):
    "The e-mails that web_user (or the target) sends, kept instead of sent"
    target = 'trytond.modules.web_user.user.send_message_transactional'

    def __init__(self, target=None):
        super().__init__()
        if target:
            self.target = target

    def __enter__(self):
        self._patch = patch(self.target, side_effect=self.append)
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()

    def texts(self):
        "The plain text of every e-mail"
        return [part.get_content() for message in self
            for part in message.walk()
            if part.get_content_type() == 'text/plain']

    def links(self, start):
        found = []
        for message in self:
            for part in message.walk():
                if part.get_content_type() == 'text/plain':
                    found += re.findall(
                        r'(https?://\S+%s\S*)' % re.escape(start),
                        part.get_content())
        return [link.rstrip(').') for link in found]
