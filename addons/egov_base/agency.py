# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Agencies (cơ quan): companies arranged in a tree with a level and an
electronic identification code."""
import re

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .audit import AuditMixin
from .exceptions import AgencyDeleteError, AgencyValidationError

# Mã định danh điện tử of an agency as QCVN 102:2016 and Decision
# 20/2020/QĐ-TTg write it: four groups separated by dots, e.g.
# 000.00.12.H10 (province H10, level-2 unit 12, no level-3 unit) or
# H15.50.05.13.  Each group is made of 2 or 3 upper-case letters or digits.
AGENCY_CODE = re.compile(r'^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){3}$')
NOTATION = re.compile(r'^[0-9A-ZĐ][0-9A-Za-zĐđ]*(-[0-9A-ZĐ][0-9A-Za-zĐđ]*)*$')


class AgencyLevel(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Agency Level"
    __name__ = 'egov.agency.level'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True,
        help="Short code used in integrations, e.g. province, commune.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'egov_base.msg_agency_level_code_unique'),
            ]


class Company(AuditMixin, DeactivableMixin, metaclass=PoolMeta):
    __name__ = 'company.company'

    parent = fields.Many2One(
        'company.company', "Parent Agency", ondelete='RESTRICT',
        domain=[('id', '!=', Eval('id', -1))],
        help="The agency this one reports to.")
    childs = fields.One2Many(
        'company.company', 'parent', "Subordinate Agencies", readonly=True)
    level = fields.Many2One(
        'egov.agency.level', "Level", ondelete='RESTRICT')
    agency_code = fields.Char(
        "Identification Code",
        help="The electronic identification code of the agency "
        "(mã định danh), e.g. 000.00.12.H10.")
    notation = fields.Char(
        "Notation",
        help="Short notation used in document numbers, e.g. UBND, STP.")
    place = fields.Char(
        "Place Name",
        help="The place name written before the date of the agency's "
        "documents, e.g. Đồng Xoài (Decree 30/2020).")
    street = fields.Char("Address")
    phone = fields.Char("Phone")
    email = fields.Char("E-Mail")
    calendar = fields.Many2One(
        'egov.calendar', "Working Calendar", ondelete='SET NULL',
        help="Leave empty to use the calendar of the parent agency "
        "or the province default.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('agency_code_unique', Unique(t, t.agency_code),
                'egov_base.msg_agency_code_unique'),
            ]

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        cls.check_parent(companies, field_names)
        cls.check_agency_code(companies, field_names)
        cls.check_notation(companies, field_names)

    @classmethod
    def check_agency_code(cls, companies, field_names=None):
        if field_names and 'agency_code' not in field_names:
            return
        for company in companies:
            if company.agency_code and not AGENCY_CODE.match(
                    company.agency_code):
                raise AgencyValidationError(gettext(
                        'egov_base.msg_agency_code_invalid',
                        code=company.agency_code,
                        agency=company.rec_name))

    @classmethod
    def check_notation(cls, companies, field_names=None):
        if field_names and 'notation' not in field_names:
            return
        for company in companies:
            if company.notation and not NOTATION.match(company.notation):
                raise AgencyValidationError(gettext(
                        'egov_base.msg_agency_notation_invalid',
                        notation=company.notation,
                        agency=company.rec_name))

    @classmethod
    def check_parent(cls, companies, field_names=None):
        "An agency cannot be placed under itself or its subordinates"
        # company.company is extended here, not created: the tree() mixin
        # cannot be added to it, so its check is written out.
        if field_names and 'parent' not in field_names:
            return
        for company in companies:
            seen = {company.id}
            parent = company.parent
            while parent:
                if parent.id in seen:
                    raise AgencyValidationError(gettext(
                            'egov_base.msg_agency_cycle',
                            agency=company.rec_name,
                            parent=company.parent.rec_name))
                seen.add(parent.id)
                parent = parent.parent

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('agency_code'):
            values['agency_code'] = values['agency_code'].strip().upper()
        if values.get('notation'):
            values['notation'] = values['notation'].strip()
        return values

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        _, operator, operand, *extra = clause
        return ['OR', domain,
            ('agency_code', operator, operand, *extra),
            ('notation', operator, operand, *extra),
            ]

    @classmethod
    def check_delete(cls, companies):
        pool = Pool()
        Employee = pool.get('company.employee')
        User = pool.get('res.user')
        ids = [c.id for c in companies]
        for model, field in [
                (Employee, 'company'),
                (User, 'companies'),
                (cls, 'parent'),
                ] + cls._agency_references():
            found = model.search([(field, 'in', ids)], limit=1)
            if found:
                record, = found
                agency = getattr(record, field, None)
                if not isinstance(agency, cls):
                    agency = companies[0]
                raise AgencyDeleteError(gettext(
                        'egov_base.msg_agency_delete_used',
                        agency=agency.rec_name,
                        model=model.__names__()['model']))

    @classmethod
    def _agency_references(cls):
        "Return the (Model, field) that refer to agencies in other modules"
        return []

    @classmethod
    def delete(cls, companies):
        with Transaction().set_context(
                active_test=False, _check_access=False):
            cls.check_delete(companies)
        super().delete(companies)

    def get_calendar(self):
        "Return the working calendar of the agency (inherited upwards)"
        pool = Pool()
        Calendar = pool.get('egov.calendar')
        agency = self
        while agency:
            if agency.calendar:
                return agency.calendar
            agency = agency.parent
        return Calendar.get_default()

    @classmethod
    def get_subtree(cls, companies):
        "Return the ids of the agencies and all their subordinates"
        ids = [getattr(c, 'id', c) for c in companies]
        if not ids:
            return []
        return [c.id for c in cls.search(
                [('parent', 'child_of', ids)], order=[])]
