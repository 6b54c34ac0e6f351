# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Exchange of documents with agencies outside the platform as edXML
packages (QCVN 102:2016): the clerk exports an issued document as a
package for another agency's system and imports the packages received,
which become incoming documents to register.  The format itself is in
:mod:`edxml` (pure Python)."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from . import edxml
from .document import now
from .exceptions import DocumentStateError, DocumentValidationError


def organ(company):
    "The edXML organ of an agency of the platform"
    party = company.party
    return edxml.Organ(
        organ_id=company.agency_code or '',
        name=company.rec_name,
        email=party.email or None,
        telephone=party.phone or None)


class Document(metaclass=PoolMeta):
    __name__ = 'egov.document'

    edxml_document_id = fields.Char("edXML Document ID", readonly=True,
        help="The identifier of the document in the exchange packages.")

    def to_edxml(self, recipients, business_type=0, reason=None):
        """The edXML package of the issued document for the recipient
        organs; business_type 1 recalls (revokes) it with the reason"""
        if self.state != 'issued':
            raise DocumentStateError(gettext(
                    'egov_document.msg_edxml_not_issued',
                    document=self.rec_name))
        if self.classification:
            raise DocumentValidationError(gettext(
                    'egov_document.msg_classified_exchange',
                    document=self.rec_name))
        sender = organ(self.company)
        number = '%02d' % self.number
        message = edxml.Message(
            sender=sender, to=recipients,
            document_id=edxml.document_id(
                sender.organ_id, self.date, number, self.notation),
            code_number=number, code_notation=self.notation,
            place=self.place or '', promulgation_date=self.date,
            type=1 if self.type.code else 2,
            type_detail=self.type.code or None, type_name=self.type.name,
            subject=self.abstract[:500],
            signer_competence=self.signer_authority or None,
            signer_position=self.signer_position or None,
            signer_full_name=self.signer_name or '',
            priority={'urgent': 1, 'very_urgent': 2, 'flash': 3}.get(
                self.urgency, 0),
            promulgation_amount=self.copies or None,
            appendixes=[a[:250] for a in (self.appendices or '').splitlines()
                if a.strip()],
            to_places=[r.name[:150] for r in recipients],
            business_type=business_type, business_reason=reason,
            trace=[(sender.organ_id, now())],
            attachments=[edxml.Attachment(
                    content_id='%s' % f.id, name=f.name,
                    content_type=f.mimetype or 'application/octet-stream',
                    data=bytes(f.data)) for f in self.files])
        return edxml.build(message)

    @classmethod
    def from_edxml(cls, data, company):
        """Create the incoming draft of a package received by company;
        refuse a malformed package or one not addressed to it"""
        pool = Pool()
        Type = pool.get('egov.document.type')
        File = pool.get('egov.document.file')
        try:
            message = edxml.parse(data)
        except edxml.EdXMLError as exception:
            raise DocumentValidationError(gettext(
                    'egov_document.msg_edxml_invalid',
                    reason=exception.code,
                    details=', '.join('%s' % v
                        for v in exception.params.values())))
        if not message.document_id:
            raise DocumentValidationError(gettext(
                    'egov_document.msg_edxml_invalid',
                    reason='missing', details='DocumentId'))
        if company.agency_code not in {o.organ_id for o in message.to}:
            raise DocumentValidationError(gettext(
                    'egov_document.msg_edxml_wrong_recipient',
                    agency=company.rec_name,
                    recipients=', '.join(
                        '%s (%s)' % (o.name, o.organ_id)
                        for o in message.to)))
        with Transaction().set_context(active_test=False):
            types = Type.search([('code', '=', message.type_detail
                        if isinstance(message.type_detail, str) else None)],
                limit=1)
        if not types:
            types = Type.search([('code', '=', None)], limit=1)
        existing = cls.search([
                ('company', '=', company.id),
                ('direction', '=', 'incoming'),
                ('edxml_document_id', '=', message.document_id),
                ('state', '!=', 'cancelled'),
                ], limit=1)
        if message.business_type == 1:
            # The sender recalls (thu hồi) the document it sent
            if not existing:
                raise DocumentValidationError(gettext(
                        'egov_document.msg_edxml_revoke_unknown',
                        document=message.document_id,
                        agency=company.rec_name))
            document, = existing
            if document.state != 'recalled':
                with without_check_access():
                    cls.write([document], {
                            'state': 'recalled',
                            'recall_reason': (message.business_reason
                                or '').strip() or gettext(
                                'egov_document.msg_edxml_revoked',
                                sender=message.sender.name),
                            })
            return document, False
        if existing:
            # The same package delivered twice
            return existing[0], False
        document = cls(
            direction='incoming', company=company,
            type=types[0] if types else None,
            number=int(message.code_number)
            if str(message.code_number).isdigit() else None,
            notation=message.code_notation,
            issuer=message.sender.name, place=message.place,
            date=message.promulgation_date, abstract=message.subject,
            signer_authority=message.signer_competence
            if message.signer_competence in {
                'TM.', 'Q.', 'KT.', 'TL.', 'TUQ.'} else None,
            signer_position=message.signer_position,
            signer_name=message.signer_full_name,
            urgency={1: 'urgent', 2: 'very_urgent', 3: 'flash'}.get(
                message.priority),
            copies=message.promulgation_amount,
            appendices='\n'.join(message.appendixes) or None,
            edxml_document_id=message.document_id)
        document.save()
        File.create([{
                    'document': document.id,
                    'kind': 'main' if i == 0 else 'appendix',
                    'name': a.name, 'data': a.data,
                    } for i, a in enumerate(message.attachments)])
        return document, True


class ExportStart(ModelView):
    __string__ = "Export edXML Package"
    __name__ = 'egov.document.edxml.export.start'

    organ_id = fields.Char("Recipient's Identification Code", required=True,
        help="The electronic identification code of the receiving agency, "
        "e.g. 000.00.00.G22.")
    organ_name = fields.Char("Recipient Agency", required=True)


class ExportResult(ModelView):
    __string__ = "Export edXML Package"
    __name__ = 'egov.document.edxml.export.result'

    file = fields.Binary("Package", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class Export(Wizard):
    "Export an issued document as an edXML package"
    __string__ = "Export edXML Package"
    __name__ = 'egov.document.edxml.export'

    start = StateView('egov.document.edxml.export.start',
        'egov_document.edxml_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('egov.document.edxml.export.result',
        'egov_document.edxml_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        recipient = edxml.Organ(
            organ_id=self.start.organ_id.strip(),
            name=self.start.organ_name.strip())
        self.result.file = self.record.to_edxml([recipient])
        self.result.filename = '%s.edxml' % (
            self.record.code or self.record.id).replace('/', '_')
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}


class ImportStart(ModelView):
    __string__ = "Import edXML Package"
    __name__ = 'egov.document.edxml.import.start'

    company = fields.Many2One('company.company', "Receiving Agency",
        required=True, domain=[('id', 'in', Eval('companies', []))])
    companies = fields.Many2Many(
        'company.company', None, None, "Agencies", readonly=True)
    file = fields.Binary("Package", required=True, filename='filename')
    filename = fields.Char("File Name")
    document = fields.Many2One('egov.document', "Document", readonly=True)


class Import(Wizard):
    "Import an edXML package received from another agency"
    __string__ = "Import edXML Package"
    __name__ = 'egov.document.edxml.import'

    start = StateView('egov.document.edxml.import.start',
        'egov_document.edxml_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    open_ = StateAction('egov_document.act_document_incoming')

    def default_start(self, fields):
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        companies = User.get_companies()
        return {
            'companies': companies,
            'company': user.company.id if user.company else (
                companies[0] if companies else None),
            }

    def transition_import_(self):
        Document = Pool().get('egov.document')
        document, _ = Document.from_edxml(
            bytes(self.start.file), self.start.company)
        self.start.document = document
        return 'open_'

    def do_open_(self, action):
        return action, {'res_id': [self.start.document.id]}
