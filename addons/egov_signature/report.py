# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The validation report printed as PDF.

Tryton's reports render OpenDocument templates and need LibreOffice to give
PDF; this one is drawn with reportlab instead, so that a printable report
needs nothing outside Python.  Labels come from the models' field strings,
hence in the user's language."""
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle)

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report
from trytond.tools import timezone as tz
from trytond.transaction import Transaction

from . import pades

FONT = 'EgovSerif'


def _font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, pades.serif_font()))
    return FONT


class ValidationReport(Report):
    __name__ = 'egov.signature.validation.report'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        Validation = pool.get('egov.signature.validation')
        action_report, = ActionReport.search([
                ('report_name', '=', cls.__name__)])
        cls.check_access(action_report, action_report.model, ids)
        validations = Validation.browse(ids)
        content = cls.render_pdf(validations)
        name = action_report.name
        if len(validations) == 1:
            name = '%s - %s' % (name, validations[0].filename)
        return 'pdf', content, False, name

    @classmethod
    def render_pdf(cls, validations):
        pool = Pool()
        Validation = pool.get('egov.signature.validation')
        Signature = pool.get('egov.signature.validation.signature')
        font = _font()
        title = ParagraphStyle('title', fontName=font, fontSize=14,
            leading=18, alignment=1, spaceAfter=6)
        text = ParagraphStyle('text', fontName=font, fontSize=10,
            leading=13)
        labels = Validation.fields_get()
        signature_labels = Signature.fields_get()
        indications = dict(labels['indication']['selection'])
        zone = tz.ZoneInfo(Transaction().context.get('timezone')
            or 'Asia/Ho_Chi_Minh')

        def when(value):
            if not value:
                return ''
            return value.replace(tzinfo=tz.UTC).astimezone(zone).strftime(
                '%d/%m/%Y %H:%M:%S')

        def yes(value):
            return gettext('egov_signature.msg_yes' if value
                else 'egov_signature.msg_no')

        story = []
        for validation in validations:
            story.append(Paragraph(
                    pool.get('ir.action.report').search([
                            ('report_name', '=', cls.__name__)])[0].name,
                    title))
            rows = [
                (labels['filename']['string'], validation.filename),
                (labels['file_hash']['string'], validation.file_hash),
                (labels['date']['string'], when(validation.date)),
                (labels['user']['string'],
                    validation.user.rec_name if validation.user else ''),
                (labels['indication']['string'],
                    indications.get(validation.indication, '')),
                (labels['sub_indication']['string'],
                    validation.sub_indication or ''),
                ]
            story.append(cls._table(rows, text))
            for signature in validation.signatures:
                story.append(Spacer(1, 4 * mm))
                story.append(Paragraph(
                        '%s: %s' % (signature_labels['field_name']['string'],
                            signature.field_name), text))
                rows = []
                for name in ['level', 'signer', 'issuer', 'serial',
                        'not_before', 'not_after', 'signing_time',
                        'timestamp', 'intact', 'valid', 'trusted', 'revoked',
                        'revocation_checked',
                        'coverage', 'modifications', 'indication',
                        'sub_indication']:
                    value = getattr(signature, name)
                    if signature_labels[name]['type'] == 'boolean':
                        value = yes(value)
                    elif signature_labels[name]['type'] == 'datetime':
                        value = when(value)
                    rows.append(
                        (signature_labels[name]['string'], value or ''))
                story.append(cls._table(rows, text))
            story.append(Spacer(1, 10 * mm))
        buffer = io.BytesIO()
        document = SimpleDocTemplate(buffer, pagesize=A4,
            leftMargin=20 * mm, rightMargin=15 * mm,
            topMargin=20 * mm, bottomMargin=20 * mm,
            title='Validation report')
        document.build(story)
        return buffer.getvalue()

    @staticmethod
    def _table(rows, style):
        table = Table(
            [[Paragraph(str(k), style), Paragraph(str(v), style)]
                for k, v in rows],
            colWidths=[55 * mm, 115 * mm])
        table.setStyle(TableStyle([
                    ('GRID', (0, 0), (-1, -1), 0.5, colors.grey),
                    ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                    ('BACKGROUND', (0, 0), (0, -1), colors.whitesmoke),
                    ]))
        return table
