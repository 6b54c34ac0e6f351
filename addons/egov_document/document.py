# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Official documents of the agencies (Decree 30/2020/NĐ-CP): incoming,
outgoing, their registers and their numbering.

Numbering (art. 15 and 22): every register of an agency counts per year
from 01 on 1 January; the number is taken in the transaction that
registers or issues the document, on a counter row that the transaction
holds until it commits, so that two clerks never get the same number and a
refused registration gives its number back (no gap).  Classified documents
and copies have their own registers.  The notation is built as Decree 30
shows it: ``15/QĐ-UBND`` for a typed document, ``12/UBND-VX`` for an
official letter (công văn, no type abbreviation) with its drafting unit."""
import datetime as dt
import re
import unicodedata

import filetype
from sql.conditionals import Coalesce

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.modules.egov_base.audit import AuditMixin
from trytond.modules.egov_base.calendar import to_local
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import (
    DocumentAccessError, DocumentFileError, DocumentStateError,
    DocumentValidationError)

DIRECTIONS = [
    ('incoming', "Incoming"),
    ('outgoing', "Outgoing"),
    ]
CLASSIFICATIONS = [
    (None, ""),
    ('confidential', "Confidential (MẬT)"),
    ('secret', "Secret (TỐI MẬT)"),
    ('top_secret', "Top Secret (TUYỆT MẬT)"),
    ]
URGENCIES = [
    (None, ""),
    ('urgent', "Urgent (KHẨN)"),
    ('very_urgent', "Very Urgent (THƯỢNG KHẨN)"),
    ('flash', "Flash (HỎA TỐC)"),
    ]
AUTHORITIES = [
    (None, ""),
    ('TM.', "TM. (on behalf of the collective)"),
    ('Q.', "Q. (acting)"),
    ('KT.', "KT. (deputy signing for the head)"),
    ('TL.', "TL. (signing by order)"),
    ('TUQ.', "TUQ. (signing by authorisation)"),
    ]
STATES = [
    ('draft', "Draft"),
    ('form_check', "Awaiting Check of Form"),
    ('pending', "Awaiting Approval"),
    ('approved', "Approved"),
    ('registered', "Registered"),
    ('issued', "Issued"),
    ('recalled', "Recalled"),
    ('cancelled', "Cancelled"),
    ]
# The abbreviation of a document type (appendix III) and of an agency or a
# drafting unit: letters (Vietnamese included) and digits
ABBREVIATION = re.compile(r'^[^\W_]+$')
# What a document's files may be, read from their content: the signed PDF,
# and appendices as PDF, office files or scans
ALLOWED_MIMETYPES = {
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'image/jpeg',
    'image/png',
    'image/tiff',
    }


# The searchable text of a document: its parts and the text of its PDFs
SEARCH_TEXT_LENGTH = 100000


def pdf_text(data):
    """The text of a PDF (for the search), empty when it has none (a scan)
    or cannot be read"""
    import io
    import logging

    from pdfminer.high_level import extract_text
    try:
        return ' '.join(extract_text(io.BytesIO(data)).split())[
            :SEARCH_TEXT_LENGTH]
    except Exception:
        logging.getLogger(__name__).info(
            "no text read from a PDF", exc_info=True)
        return ''


def now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def unaccent(text):
    "Lower case without Vietnamese diacritics (the search text)"
    text = text.replace('đ', 'd').replace('Đ', 'd')
    text = unicodedata.normalize('NFD', text)
    return ''.join(c for c in text if not unicodedata.combining(c)).lower()


def max_file_size():
    return config.getint(
        'egov_document', 'max_file_size', default=50 * 1024 * 1024)


def check_file(data, filename):
    """Refuse an empty file, one over the size limit or whose content is
    not of an allowed type; return its MIME type"""
    data = bytes(data or b'')
    if not data:
        raise DocumentFileError(gettext(
                'egov_document.msg_file_empty', filename=filename))
    limit = max_file_size()
    if len(data) > limit:
        raise DocumentFileError(gettext(
                'egov_document.msg_file_too_large', filename=filename,
                size=round(len(data) / 1024 / 1024, 1),
                limit=round(limit / 1024 / 1024, 1)))
    kind = filetype.guess(data)
    mimetype = kind.mime if kind else None
    if mimetype not in ALLOWED_MIMETYPES:
        raise DocumentFileError(gettext(
                'egov_document.msg_file_type', filename=filename,
                type=mimetype or '?'))
    return mimetype


def format_number(number):
    "Numbers under 10 take a leading zero (Decree 30, art. 15)"
    return '%02d' % number if number is not None else ''


def build_notation(type_code, agency_notation, unit=None):
    """The notation after the number: ``QĐ-UBND`` for a typed document,
    ``UBND-VX`` for an official letter with its drafting unit"""
    if type_code:
        return '%s-%s' % (type_code, agency_notation)
    if unit:
        return '%s-%s' % (agency_notation, unit)
    return agency_notation


class DocumentType(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "The types of documents of Decree 30, appendix III"
    __string__ = "Document Type"
    __name__ = 'egov.document.type'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Abbreviation",
        help="As in number and notation (QĐ, TB, KH…); empty for the "
        "official letter (công văn).")
    is_copy = fields.Boolean("Copy",
        help="A copy (SY, TrS, SL): numbered in the register of copies.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'egov_document.msg_type_code_unique'),
            ]

    @classmethod
    def validate_fields(cls, types, field_names):
        super().validate_fields(types, field_names)
        for type_ in types:
            if type_.code and not ABBREVIATION.match(type_.code):
                raise DocumentValidationError(gettext(
                        'egov_document.msg_type_code_invalid',
                        code=type_.code))

    def get_rec_name(self, name):
        return '%s (%s)' % (self.name, self.code) if self.code else self.name


class Register(DeactivableMixin, ModelSQL, ModelView):
    "A register of documents of an agency, numbered per year"
    __string__ = "Document Register"
    __name__ = 'egov.document.register'

    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Agency", required=True, ondelete='RESTRICT')
    direction = fields.Selection(DIRECTIONS, "Direction", required=True)
    classified = fields.Boolean("Classified",
        help="The register of the classified documents (own numbering).")
    copies = fields.Boolean("Copies",
        help="The register of the copies (SY, TrS, SL).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('kind_unique', Unique(
                    t, t.company, t.direction, t.classified, t.copies),
                'egov_document.msg_register_unique'),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_direction():
        return 'outgoing'

    @staticmethod
    def default_classified():
        return False

    @staticmethod
    def default_copies():
        return False

    @classmethod
    def find(cls, company, direction, classified=False, copies=False,
            create=True):
        "The register of a document, created on first use"
        with Transaction().set_context(active_test=False):
            registers = cls.search([
                    ('company', '=', company.id),
                    ('direction', '=', direction),
                    ('classified', '=', bool(classified)),
                    ('copies', '=', bool(copies)),
                    ], limit=1)
        if registers:
            return registers[0]
        if not create:
            return None
        register = cls(company=company, direction=direction,
            classified=bool(classified), copies=bool(copies))
        register.name = register.kind_name()
        register.save()
        return register

    def kind_name(self):
        key = {
            ('incoming', False, False): 'msg_register_incoming',
            ('outgoing', False, False): 'msg_register_outgoing',
            ('incoming', True, False): 'msg_register_incoming_classified',
            ('outgoing', True, False): 'msg_register_outgoing_classified',
            }.get((self.direction, bool(self.classified), False),
                'msg_register_copies')
        return gettext('egov_document.' + key)

    def next_number(self, year):
        "Take the next number of the year (held until the transaction ends)"
        return Pool().get('egov.document.register.counter').take(
            self.id, year)


class RegisterCounter(ModelSQL):
    "The last number of a register in a year"
    __string__ = "Document Register Counter"
    __name__ = 'egov.document.register.counter'

    register = fields.Many2One(
        'egov.document.register', "Register", required=True,
        ondelete='CASCADE')
    year = fields.Integer("Year", required=True)
    number = fields.Integer("Number", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('register_year_unique', Unique(t, t.register, t.year),
                'egov_document.msg_counter_unique'),
            ]

    @classmethod
    def take(cls, register_id, year):
        """Increment and return the register's counter of the year, in the
        current transaction: the row stays locked until it commits (other
        clerks wait, then take the next number) and a rollback gives the
        number back"""
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        where = (table.register == register_id) & (table.year == year)
        for attempt in range(5):
            if backend.name == 'postgresql':
                cursor.execute(*table.update(
                        [table.number], [table.number + 1], where=where,
                        returning=[table.number]))
            else:
                # SQLite serialises the writers
                cursor.execute(*table.update(
                        [table.number], [table.number + 1], where=where))
                cursor.execute(*table.select(table.number, where=where))
            row = cursor.fetchone()
            if row:
                return row[0]
            savepoint = backend.name == 'postgresql'
            try:
                if savepoint:
                    cursor.execute('SAVEPOINT egov_document_counter')
                cursor.execute(*table.insert(
                        [table.register, table.year, table.number,
                            table.create_uid, table.create_date],
                        [[register_id, year, 1, transaction.user or 0,
                            now()]]))
                if savepoint:
                    cursor.execute('RELEASE SAVEPOINT egov_document_counter')
                return 1
            except backend.DatabaseIntegrityError:
                # Another clerk opened the year first: take the next one
                if savepoint:
                    cursor.execute(
                        'ROLLBACK TO SAVEPOINT egov_document_counter')
        raise DocumentStateError(gettext(
                'egov_document.msg_counter_busy'))


class Document(AuditMixin, Workflow, ModelSQL, ModelView):
    "An official document received or issued by an agency"
    __string__ = "Official Document"
    __name__ = 'egov.document'
    _rec_name = 'code'

    _draft = {'readonly': Eval('state') != 'draft'}

    direction = fields.Selection(DIRECTIONS, "Direction", required=True,
        states=_draft)
    company = fields.Many2One(
        'company.company', "Agency", required=True, ondelete='RESTRICT',
        states=_draft,
        help="The agency that receives or issues the document.")
    register = fields.Many2One(
        'egov.document.register', "Register", readonly=True,
        ondelete='RESTRICT')
    year = fields.Integer("Year", readonly=True)
    register_number = fields.Integer("Number in the Register", readonly=True,
        help="The number given by the register: the number of an outgoing "
        "document, the arrival number of an incoming one.")
    number = fields.Integer("Number",
        states={
            'readonly': (Eval('direction') == 'outgoing')
            | (Eval('state') != 'draft'),
            'required': (Eval('direction') == 'incoming'),
            },
        help="The number of the document: given by the register when an "
        "outgoing document is issued, copied from the received document.")
    notation = fields.Char("Notation",
        states={
            'readonly': (Eval('direction') == 'outgoing')
            | (Eval('state') != 'draft'),
            },
        help="What follows the number: QĐ-UBND, UBND-VX…")
    code = fields.Char("Number and Notation", readonly=True)
    type = fields.Many2One(
        'egov.document.type', "Type", required=True, ondelete='RESTRICT',
        states=_draft)
    drafting_unit = fields.Char("Drafting Unit",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('direction') != 'outgoing',
            },
        help="Abbreviation of the unit that drafts an official letter, "
        "after the agency in its notation (UBND-VX).")
    issuer = fields.Char("Issuing Agency", states=_draft,
        help="The agency that issued the document (filled in for an "
        "outgoing document).")
    place = fields.Char("Place", states=_draft)
    date = fields.Date("Date", states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('direction') == 'incoming',
            },
        help="The date of the document (of its issue when outgoing).")
    abstract = fields.Text("Abstract", required=True, states=_draft,
        help="Trích yếu: what the document is about.")
    signer_authority = fields.Selection(
        AUTHORITIES, "Signing Authority", states=_draft)
    signer_position = fields.Char("Signer's Position", states=_draft)
    signer_name = fields.Char("Signer", states=_draft)
    recipients = fields.Text("Recipients", states=_draft)
    classification = fields.Selection(
        CLASSIFICATIONS, "Classification", states=_draft, sort=False)
    urgency = fields.Selection(URGENCIES, "Urgency", states=_draft,
        sort=False)
    return_after_reading = fields.Boolean("Return After Reading",
        states=_draft, help="XEM XONG TRẢ LẠI")
    internal_circulation = fields.Boolean("Internal Circulation",
        states=_draft, help="LƯU HÀNH NỘI BỘ")
    drafter_notation = fields.Char("Drafter's Notation", states=_draft)
    copies = fields.Integer("Copies", states=_draft,
        domain=['OR', ('copies', '=', None), ('copies', '>', 0)])
    appendices = fields.Text("Appendices", states=_draft)
    arrival_number = fields.Integer("Arrival Number", readonly=True)
    arrival_date = fields.DateTime("Arrival Date", readonly=True)
    handler = fields.Char("Handled By",
        help="The unit or person that receives an incoming document, or "
        "keeps the file copy of an outgoing one.")
    passed_on = fields.DateTime("Passed On",
        help="When an incoming document was passed on, or an outgoing one "
        "sent.")
    notes = fields.Text("Notes")
    files = fields.One2Many('egov.document.file', 'document', "Files",
        states=_draft)
    readers = fields.Many2Many(
        'egov.document-res.user', 'document', 'user', "Readers",
        states={'invisible': ~Eval('classification')},
        help="The only users who see a classified document.")
    duplicate_of = fields.Many2One(
        'egov.document', "Registered Before", readonly=True,
        ondelete='SET NULL',
        help="An incoming document with the same number, notation and "
        "issuing agency registered earlier in the agency.")
    approver = fields.Many2One('res.user', "Signer", ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('direction') != 'outgoing',
            },
        help="The leader who approves and signs the outgoing document.")
    approval_comment = fields.Text("Approval Comments",
        states={
            'readonly': ~Eval('state').in_(['draft', 'pending']),
            'invisible': Eval('direction') != 'outgoing',
            },
        help="The signer's comments when sending a draft back.")
    approved_date = fields.DateTime("Approved On", readonly=True,
        states={'invisible': Eval('direction') != 'outgoing'})
    signed = fields.Boolean("Signed", readonly=True,
        states={'invisible': Eval('direction') != 'outgoing'},
        help="The signer signed the document's PDF digitally.")
    sealed = fields.Boolean("Agency's Signature", readonly=True,
        states={'invisible': Eval('direction') != 'outgoing'},
        help="The agency signed the document's PDF (with its seal, the "
        "number and the date of issue) and its appendices digitally when "
        "it was issued.")
    recipient_agencies = fields.Many2Many(
        'egov.document-company.company', 'document', 'company',
        "Recipient Agencies on the Platform",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('direction') != 'outgoing',
            },
        help="The agencies of the platform that receive the document in "
        "their incoming register as soon as it is issued.")
    source = fields.Many2One('egov.document', "Sent As", readonly=True,
        ondelete='RESTRICT',
        states={'invisible': ~Eval('source')},
        help="The outgoing document of the agency that sent it.")
    received_copies = fields.One2Many('egov.document', 'source',
        "Received By", readonly=True,
        states={'invisible': Eval('direction') != 'outgoing'})
    recall_reason = fields.Text("Reason for Recall",
        states={
            'readonly': Eval('state') != 'issued',
            'invisible': ~Eval('state').in_(['issued', 'recalled']),
            })
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')
    # Already without diacritics: searched as it is
    search_text = fields.Char("Search Text", readonly=True)
    search_text.search_unaccented = False

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The number the register gave (the number of an outgoing
        # document, the arrival number of an incoming one) is unique in
        # the year; the number of a received document is its sender's
        cls._sql_constraints = [
            ('register_number_unique', Unique(
                    t, t.register, t.year, t.register_number),
                'egov_document.msg_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Equality()),
                    (t.direction, Index.Equality()),
                    (t.year, Index.Equality())),
                # Tryton searches a Char that is not required as
                # COALESCE(column, ''): the trigram index is on that
                Index(t, (Coalesce(t.search_text, ''), Index.Similarity())),
                })
        cls._order = [('year', 'DESC NULLS FIRST'),
            ('arrival_number', 'DESC NULLS FIRST'),
            ('number', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'registered'),
            ('draft', 'form_check'),
            ('form_check', 'draft'),
            ('form_check', 'pending'),
            ('draft', 'pending'),
            ('pending', 'draft'),
            ('pending', 'approved'),
            ('approved', 'issued'),
            ('draft', 'cancelled'),
            ('issued', 'recalled'),
            ('registered', 'recalled'),
            ('draft', 'recalled'),
            }
        cls._buttons.update({
                'register_arrival': {
                    'invisible': (Eval('state') != 'draft')
                    | (Eval('direction') != 'incoming'),
                    'depends': ['state', 'direction'],
                    },
                'submit_approval': {
                    'invisible': (Eval('state') != 'draft')
                    | (Eval('direction') != 'outgoing'),
                    'depends': ['state', 'direction'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                'sign': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                'issue': {
                    'invisible': (Eval('state') != 'approved')
                    | (Eval('direction') != 'outgoing')
                    | Eval('signed', False),
                    'depends': ['state', 'direction', 'signed'],
                    },
                'issue_signed': {
                    'invisible': (Eval('state') != 'approved')
                    | (Eval('direction') != 'outgoing'),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'direction'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'recall': {
                    'invisible': (Eval('state') != 'issued')
                    | (Eval('direction') != 'outgoing'),
                    'depends': ['state', 'direction'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        # Lists: urgent documents in red, cancelled or recalled ones muted;
        # the arrival columns and the issuer (the agency itself) hidden in
        # the list of outgoing documents (the action's context gives it)
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Bool(Eval('urgency')), 'danger',
                    If(Eval('state').in_(['cancelled', 'recalled']),
                        'muted', '')),
                ['urgency', 'state']),
            ('/tree/field[@name="arrival_number"]', 'tree_invisible',
                Eval('direction') == 'outgoing'),
            ('/tree/field[@name="arrival_date"]', 'tree_invisible',
                Eval('direction') == 'outgoing'),
            ('/tree/field[@name="issuer"]', 'tree_invisible',
                Eval('direction') == 'outgoing'),
            ]

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_direction():
        return Transaction().context.get('direction', 'incoming')

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_return_after_reading():
        return False

    @staticmethod
    def default_internal_circulation():
        return False

    @fields.depends('company', 'direction', 'issuer', 'place')
    def on_change_company(self):
        if self.company and self.direction == 'outgoing':
            self.issuer = self.company.rec_name
            self.place = self.place or self.company.place

    @fields.depends(methods=['on_change_company'])
    def on_change_direction(self):
        self.on_change_company()

    def get_rec_name(self, name):
        return self.code or self.abstract[:60] if self.abstract else (
            '(%s)' % self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if isinstance(operand, str) and operator in {'ilike', 'like'}:
            return [('search_text', 'ilike', unaccent(operand), *extra)]
        return [('code', operator, operand, *extra)]

    @classmethod
    def text_domain(cls, text):
        """The domain of the documents matching every word of text, with or
        without Vietnamese diacritics"""
        return [('search_text', 'ilike', '%' + w + '%')
            for w in unaccent(text or '').split()[:8]]

    def _search_text(self):
        return unaccent(' '.join(filter(None, [
                        self.code, self.notation, self.abstract,
                        self.issuer, self.signer_name,
                        self.type.name if self.type else None]
                    + [f.text for f in self.files if f.text]
                    )))[:SEARCH_TEXT_LENGTH]

    @classmethod
    def _update_search_text(cls, documents):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for document in documents:
            cursor.execute(*table.update(
                    [table.search_text], [document._search_text()],
                    where=table.id == document.id))

    @classmethod
    def create(cls, vlist):
        # Who records a classified document reads it
        user = Transaction().user
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('classification') and user:
                values['readers'] = list(values.get('readers') or []) + [
                    ('add', [user])]
        documents = super().create(vlist)
        cls._update_search_text(documents)
        return documents

    @classmethod
    def write(cls, *args):
        super().write(*args)
        # Only the parts that are searched (a transition that moves the
        # state alone leaves the text as it is; the files update it)
        names = {'code', 'notation', 'abstract', 'issuer', 'signer_name',
            'type'}
        actions = iter(args)
        documents = sum((list(d) for d, values in zip(actions, actions)
                if names & set(values)), [])
        cls._update_search_text(cls.browse([d.id for d in documents]))

    @classmethod
    def copy(cls, documents, default=None):
        default = dict(default or {})
        for name in ['register', 'year', 'register_number', 'code',
                'arrival_number', 'arrival_date', 'duplicate_of',
                'passed_on', 'source', 'recall_reason', 'signed',
                'sealed']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        default.setdefault('received_copies', None)
        return super().copy(documents, default=default)

    @classmethod
    def delete(cls, documents):
        for document in documents:
            if document.state != 'draft':
                raise DocumentAccessError(gettext(
                        'egov_document.msg_document_delete',
                        document=document.rec_name))
        super().delete(documents)

    @classmethod
    def validate_fields(cls, documents, field_names):
        super().validate_fields(documents, field_names)
        for document in documents:
            if (document.direction == 'outgoing' and document.drafting_unit
                    and not ABBREVIATION.match(document.drafting_unit)):
                raise DocumentValidationError(gettext(
                        'egov_document.msg_unit_invalid',
                        unit=document.drafting_unit))

    def _register_for(self, create=True):
        Register = Pool().get('egov.document.register')
        return Register.find(self.company, self.direction,
            classified=bool(self.classification),
            copies=bool(self.type and self.type.is_copy), create=create)

    @classmethod
    def _lock_registers(cls, documents):
        """Hold the registers that number the documents from the start of
        the transaction (trytond restarts it with the lock taken first):
        a clerk who finds a register busy waits and starts again before
        any work, and the counter he then reads is the last committed one
        (transactions are REPEATABLE READ on PostgreSQL).  A register used
        for the first time is created in the transaction, unlocked: its
        unique kind refuses a second one."""
        Register = Pool().get('egov.document.register')
        registers = {d._register_for(create=False) for d in documents}
        registers.discard(None)
        if registers:
            Register.lock(list(registers))

    def check_classified_readers(self):
        if self.classification and not self.readers:
            raise DocumentValidationError(gettext(
                    'egov_document.msg_classified_readers',
                    document=self.rec_name))

    def find_duplicate(self):
        "An earlier registration of the same document in the agency"
        if not (self.number and self.notation and self.issuer):
            return None
        duplicates = self.search([
                ('company', '=', self.company.id),
                ('direction', '=', 'incoming'),
                ('state', '=', 'registered'),
                ('number', '=', self.number),
                ('notation', '=', self.notation),
                ('issuer', 'ilike', self.issuer),
                ('id', '!=', self.id),
                ], limit=1)
        return duplicates[0] if duplicates else None

    @classmethod
    @ModelView.button
    @Workflow.transition('registered')
    def register_arrival(cls, documents):
        """Register received documents: their arrival number, consecutive
        in the year of the agency's register"""
        cls._lock_registers(documents)
        for document in documents:
            if document.direction != 'incoming':
                raise DocumentStateError(gettext(
                        'egov_document.msg_outgoing_not_registered',
                        document=document.rec_name))
            document.check_classified_readers()
            when = now()
            register = document._register_for()
            year = to_local(when).year
            document.register = register
            document.year = year
            document.arrival_date = when
            document.arrival_number = register.next_number(year)
            document.register_number = document.arrival_number
            document.code = '%s/%s' % (
                format_number(document.number), document.notation) if (
                document.notation) else format_number(document.number)
            document.duplicate_of = document.find_duplicate()
        cls.save(documents)

    @classmethod
    @ModelView.button
    def submit_approval(cls, documents):
        """Send drafts on to their signer: through the office's check of
        form first where the agency requires it"""
        for document in documents:
            if document.direction != 'outgoing' or document.state != 'draft':
                raise DocumentStateError(gettext(
                        'egov_document.msg_submit_state',
                        document=document.rec_name))
            if not document.approver:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_approver_required',
                        document=document.rec_name))
        to_check = [d for d in documents if d.form_check_required()]
        cls.submit_form_check(to_check)
        cls.submit_signer([d for d in documents if d not in to_check])

    def form_check_required(self):
        "The agency's office checks the form unless the agency says not"
        required = getattr(self.company, 'document_form_check', None)
        return True if required is None else bool(required)

    @classmethod
    @Workflow.transition('form_check')
    def submit_form_check(cls, documents):
        pass

    @classmethod
    @Workflow.transition('pending')
    def submit_signer(cls, documents):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def send_back(cls, documents):
        "The signer sends drafts back with comments"
        cls._check_approver(documents)
        for document in documents:
            if not (document.approval_comment or '').strip():
                raise DocumentValidationError(gettext(
                        'egov_document.msg_send_back_comment',
                        document=document.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, documents):
        "The signer approves the drafts (without a digital signature)"
        cls._check_approver(documents)
        with without_check_access():
            cls.write(documents, {'approved_date': now()})

    @classmethod
    def _check_approver(cls, documents):
        "Only the signer named on a draft approves it or sends it back"
        user = Transaction().user
        for document in documents:
            if (user and Transaction().check_access and document.approver
                    and document.approver.id != user):
                raise DocumentAccessError(gettext(
                        'egov_document.msg_not_approver',
                        document=document.rec_name,
                        approver=document.approver.rec_name))

    @classmethod
    @ModelView.button_action('egov_document.wizard_sign')
    def sign(cls, documents):
        pass

    def sign_with(self, identity, secret=None):
        """The signer signs the document's PDF with his identity and
        approves it"""
        pool = Pool()
        File = pool.get('egov.document.file')
        if self.state != 'pending':
            raise DocumentStateError(gettext(
                    'egov_document.msg_sign_state',
                    document=self.rec_name))
        self._check_approver([self])
        user = Transaction().user
        if user and identity.user and identity.user.id != user:
            raise DocumentAccessError(gettext(
                    'egov_document.msg_identity_not_yours',
                    identity=identity.rec_name))
        mains = [f for f in self.files
            if f.kind == 'main' and f.mimetype == 'application/pdf']
        if not mains:
            raise DocumentValidationError(gettext(
                    'egov_document.msg_sign_no_pdf',
                    document=self.rec_name))
        main = mains[0]
        data = bytes(main.data)
        appearance = None
        if identity.image:
            # His image where the draft marks it, or above his name
            from trytond.modules.egov_signature import pades

            from . import placement
            try:
                found = placement.signer_box(data, self.signer_name,
                    size=placement.SIGNATURE_SIZE)
            except pades.SignatureError:
                found = None
            if found:
                page, box = found
                appearance = pades.Appearance(
                    box=box, page=page, image=bytes(identity.image))
        signed = identity.sign(data, main.name, secret=secret,
            appearance=appearance)
        # The signed PDF replaces the draft's file (egov_signature's log
        # keeps the signing); the signer approves by signing: the workflow
        # writes what a leader may not write by hand
        with without_check_access():
            File.write([main], {'data': signed})
            self.__class__.approve([self])
            self.__class__.write([self], {'signed': True})

    @classmethod
    @ModelView.button
    @Workflow.transition('issued')
    def issue(cls, documents):
        """Number and date outgoing documents in the agency's register of
        the year and deliver them, without the agency's digital signature:
        the documents approved without a digital signature (signed and
        sealed on paper).  A document the signer signed digitally is issued
        with the agency's signature (issue_with)."""
        for document in documents:
            if document.signed:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_issue_needs_seal',
                        document=document.rec_name))
        cls._number(documents)
        cls.save(documents)
        cls.deliver(documents)

    @classmethod
    @ModelView.button_action('egov_document.wizard_issue')
    def issue_signed(cls, documents):
        pass

    @classmethod
    @Workflow.transition('issued')
    def issue_with(cls, documents, identity, secret=None):
        """Number and date outgoing documents, write the number and date
        into their signed PDF and apply the agency's digital signature with
        its seal, sign their appendices with the agency's text signature,
        then deliver them; all in the transaction that takes the numbers
        (a refused signature gives the numbers back)"""
        for document in documents:
            document.check_agency_identity(identity)
            document.check_files_to_seal()
        cls._number(documents)
        for document in documents:
            document.seal(identity, secret)
        cls.save(documents)
        cls.deliver(documents)

    @classmethod
    def _number(cls, documents):
        "Give the documents their number, notation and date of issue"
        cls._lock_registers(documents)
        for document in documents:
            if document.direction != 'outgoing':
                raise DocumentStateError(gettext(
                        'egov_document.msg_issue_incoming',
                        document=document.rec_name))
            document.check_classified_readers()
            if not document.company.notation:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_agency_notation',
                        agency=document.company.rec_name))
            if not document.type.code and not document.drafting_unit:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_unit_required',
                        document=document.rec_name))
            today = to_local(now()).date()
            register = document._register_for()
            document.register = register
            document.date = today
            document.year = today.year
            document.number = register.next_number(today.year)
            document.register_number = document.number
            document.notation = build_notation(document.type.code,
                document.company.notation, document.drafting_unit)
            document.code = '%s/%s' % (
                format_number(document.number), document.notation)
            document.issuer = document.issuer or document.company.rec_name
            document.place = document.place or document.company.place
            if document.classification and document.recipient_agencies:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_classified_exchange',
                        document=document.rec_name))

    def check_agency_identity(self, identity):
        "The identity must be the seal of the document's agency"
        from trytond.modules.egov_signature.signature import (
            SERVER_KEY_STORAGES)
        if (identity.kind != 'agency' or identity.company != self.company
                or identity.key_storage not in SERVER_KEY_STORAGES):
            raise DocumentAccessError(gettext(
                    'egov_document.msg_issue_identity',
                    identity=identity.rec_name,
                    agency=self.company.rec_name))
        if not identity.image:
            raise DocumentValidationError(gettext(
                    'egov_document.msg_issue_identity_image',
                    identity=identity.rec_name))

    def check_files_to_seal(self):
        """The document has its PDF, and its appendices are PDF files (the
        agency signs each of them)"""
        if not self._main_pdf():
            raise DocumentValidationError(gettext(
                    'egov_document.msg_issue_no_pdf',
                    document=self.rec_name))
        for file in self.files:
            if file.kind == 'appendix' and file.mimetype != 'application/pdf':
                raise DocumentValidationError(gettext(
                        'egov_document.msg_issue_appendix_pdf',
                        document=self.rec_name, file=file.name))

    def _main_pdf(self):
        mains = [f for f in self.files
            if f.kind == 'main' and f.mimetype == 'application/pdf']
        return mains[0] if mains else None

    def seal(self, identity, secret=None):
        """Write the number and the date of issue into the document's PDF
        and sign it with the agency's identity and seal, in one revision
        after the signer's signature; sign each appendix with the agency's
        text signature at the top right of its first page"""
        from trytond.modules.egov_signature import pades

        from . import placement
        File = Pool().get('egov.document.file')
        main = self._main_pdf()
        data = bytes(main.data)
        image = bytes(identity.image)
        field = 'CoQuan%s' % identity.id
        try:
            found = placement.seal_box(data, image, self.signer_name)
            marks = [placement.number_mark(data, self.code),
                placement.date_mark(data, self.place, self.date)]
        except pades.SignatureError as exception:
            raise DocumentFileError(gettext(
                    'egov_document.msg_file_unreadable',
                    filename=main.name)) from exception
        if not found:
            raise DocumentValidationError(gettext(
                    'egov_document.msg_issue_seal_place',
                    document=self.rec_name, placeholder=(
                        placement.SIGNER_PLACEHOLDER)))
        page, box = found
        signed = {main: identity.sign(data, '%s (%s)' % (
                    self.code, main.name), secret=secret,
                appearance=pades.Appearance(box=box, page=page, image=image),
                field_name=field, marks=marks)}
        text = pades.appendix_text(self.code)
        for file in self.files:
            if file.kind != 'appendix':
                continue
            appendix = bytes(file.data)
            try:
                box = placement.appendix_box(appendix)
            except pades.SignatureError as exception:
                raise DocumentFileError(gettext(
                        'egov_document.msg_file_unreadable',
                        filename=file.name)) from exception
            signed[file] = identity.sign(appendix, '%s (%s)' % (
                    self.code, file.name), secret=secret,
                appearance=pades.Appearance(box=box, text=text),
                field_name=field)
        with without_check_access():
            for file, data in signed.items():
                File.write([file], {'data': data})
            self.sealed = True

    @classmethod
    def deliver(cls, documents):
        """Give the issued documents to their recipient agencies of the
        platform: each receives a copy registered at once in its incoming
        register (with its files), linked to the outgoing document"""
        pool = Pool()
        File = pool.get('egov.document.file')
        copies = []
        for document in documents:
            for agency in document.recipient_agencies:
                if agency == document.company:
                    continue
                copies.append(cls(
                        direction='incoming', company=agency,
                        type=document.type, number=document.number,
                        notation=document.notation, issuer=document.issuer,
                        place=document.place, date=document.date,
                        abstract=document.abstract,
                        signer_authority=document.signer_authority,
                        signer_position=document.signer_position,
                        signer_name=document.signer_name,
                        recipients=document.recipients,
                        urgency=document.urgency,
                        appendices=document.appendices,
                        copies=document.copies,
                        source=document,
                        files=[File(kind=f.kind, name=f.name, data=f.data)
                            for f in document.files]))
        if not copies:
            return
        # The sending clerk does not work in the recipient agencies: the
        # delivery writes there on the platform's behalf
        with Transaction().set_user(0), without_check_access():
            cls.save(copies)
            cls.register_arrival(copies)

    @classmethod
    @ModelView.button
    @Workflow.transition('recalled')
    def recall(cls, documents):
        """Recall issued documents (thu hồi): the copies the recipient
        agencies received are withdrawn too, with the reason"""
        for document in documents:
            if not (document.recall_reason or '').strip():
                raise DocumentValidationError(gettext(
                        'egov_document.msg_recall_reason',
                        document=document.rec_name))
        received = [c for d in documents for c in d.received_copies
            if c.state != 'recalled']
        if received:
            with Transaction().set_user(0), without_check_access():
                copies = cls.browse([c.id for c in received])
                for copy in copies:
                    copy.recall_reason = copy.source.recall_reason
                cls.save(copies)
                cls.write(copies, {'state': 'recalled'})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, documents):
        pass


class DocumentFile(sequence_ordered(), ModelSQL, ModelView):
    "The signed PDF of a document and its appendices"
    __string__ = "Document File"
    __name__ = 'egov.document.file'

    document = fields.Many2One(
        'egov.document', "Document", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('main', "Document"),
            ('appendix', "Appendix"),
            ], "Kind", required=True)
    name = fields.Char("Name", required=True)
    data = fields.Binary("File", filename='name', file_id='data_id',
        required=True)
    data_id = fields.Char("File ID", readonly=True)
    mimetype = fields.Char("Type", readonly=True)
    size = fields.Integer("Size", readonly=True)
    text = fields.Text("Text", readonly=True,
        help="The text of the PDF, for the search.")

    @staticmethod
    def default_kind():
        return 'main'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('data') is not None:
            values['mimetype'] = check_file(
                values['data'], values.get('name') or '')
            values['size'] = len(values['data'])
            values['text'] = (pdf_text(bytes(values['data']))
                if values['mimetype'] == 'application/pdf' else None)
        return values

    @classmethod
    def create(cls, vlist):
        files = super().create(vlist)
        cls._update_documents(files)
        return files

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        cls._update_documents(sum(
                (list(f) for f, _ in zip(actions, actions)), []))

    @classmethod
    def delete(cls, files):
        documents = list({f.document for f in files})
        super().delete(files)
        Pool().get('egov.document')._update_search_text(documents)

    @classmethod
    def _update_documents(cls, files):
        "The text of the files is part of their document's search text"
        Document = Pool().get('egov.document')
        Document._update_search_text(
            Document.browse(list({f.document.id for f in files})))


class DocumentReader(ModelSQL):
    "The users who may read a classified document"
    __string__ = "Document Reader"
    __name__ = 'egov.document-res.user'

    document = fields.Many2One(
        'egov.document', "Document", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')


class DocumentRecipient(ModelSQL):
    "The agencies of the platform an outgoing document is sent to"
    __string__ = "Document Recipient Agency"
    __name__ = 'egov.document-company.company'

    document = fields.Many2One(
        'egov.document', "Document", required=True, ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Agency", required=True, ondelete='CASCADE')


class SignStart(ModelView):
    __string__ = "Sign Document"
    __name__ = 'egov.document.sign.start'

    document = fields.Many2One('egov.document', "Document", readonly=True)
    identities = fields.Many2Many(
        'egov.signature.identity', None, None, "Identities", readonly=True)
    identity = fields.Many2One(
        'egov.signature.identity', "Signing Identity", required=True,
        domain=[('id', 'in', Eval('identities', []))])
    secret = fields.Char("PIN or Password", strip=False)


class Sign(Wizard):
    "The signer signs and approves the document"
    __string__ = "Sign Document"
    __name__ = 'egov.document.sign'

    start = StateView('egov.document.sign.start',
        'egov_document.document_sign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Sign", 'sign', 'tryton-ok', default=True),
            ])
    sign = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Identity = pool.get('egov.signature.identity')
        identities = Identity.server_identities(Transaction().user)
        return {
            'document': self.record.id,
            'identities': [i.id for i in identities],
            'identity': identities[0].id if identities else None,
            }

    def transition_sign(self):
        self.record.sign_with(self.start.identity, self.start.secret)
        return 'end'


class IssueStart(ModelView):
    __string__ = "Issue and Sign"
    __name__ = 'egov.document.issue.start'

    document = fields.Many2One('egov.document', "Document", readonly=True)
    identities = fields.Many2Many(
        'egov.signature.identity', None, None, "Identities", readonly=True)
    identity = fields.Many2One(
        'egov.signature.identity', "Agency's Signing Identity",
        required=True, domain=[('id', 'in', Eval('identities', []))],
        help="The agency's digital signature, with its seal.")
    secret = fields.Char("PIN or Password", strip=False,
        help="The PIN of the agency's token (or the password of its key); "
        "it is not stored.")


class Issue(Wizard):
    "The clerk numbers, dates, signs with the agency's seal and issues"
    __string__ = "Issue and Sign"
    __name__ = 'egov.document.issue'

    start = StateView('egov.document.issue.start',
        'egov_document.document_issue_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Issue", 'issue', 'tryton-ok', default=True),
            ])
    issue = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Identity = pool.get('egov.signature.identity')
        identities = Identity.agency_identities(self.record.company.id)
        return {
            'document': self.record.id,
            'identities': [i.id for i in identities],
            'identity': identities[0].id if identities else None,
            }

    def transition_issue(self):
        self.model.issue_with(
            [self.record], self.start.identity, self.start.secret)
        return 'end'
