# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Officials: users linked to employees of agencies, with a position and
roles.  IT administrators of an agency manage only the officials of the
agencies they have access to."""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .audit import AuditMixin
from .exceptions import AgencyScopeError


class Position(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Position"
    __name__ = 'egov.position'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    leader = fields.Boolean(
        "Leader", help="Check for the positions that lead an agency "
        "(chairman, director, deputies).")


class Employee(AuditMixin, metaclass=PoolMeta):
    __name__ = 'company.employee'

    position = fields.Many2One(
        'egov.position', "Position", ondelete='RESTRICT')

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        _check_scope(records, 'company')
        return records

    @classmethod
    def write(cls, *args):
        super().write(*args)
        _check_scope(_written(args, {'company'}), 'company')


class Role(metaclass=PoolMeta):
    __name__ = 'res.role'

    agency_assignable = fields.Boolean(
        "Assignable by Agency Administrators",
        help="Check if the IT administrators of an agency may give "
        "this role to the officials they manage.")


class User(AuditMixin, metaclass=PoolMeta):
    __name__ = 'res.user'
    # The user's current agency is a preference: switching it moves nothing
    _audit_move_fields = frozenset()

    @classmethod
    def create(cls, vlist):
        users = super().create(vlist)
        _check_scope(users, 'companies')
        _check_group_scope(users)
        return users

    @classmethod
    def write(cls, *args):
        super().write(*args)
        # An official changing their own preferences is not checked: only
        # what gives access to agencies or groups is
        users = _written(args, {'companies', 'groups', 'roles'})
        _check_scope(users, 'companies')
        _check_group_scope(users)


class UserRole(metaclass=PoolMeta):
    __name__ = 'res.user.role'

    @classmethod
    def create(cls, vlist):
        user_roles = super().create(vlist)
        _check_role_scope(user_roles)
        return user_roles

    @classmethod
    def write(cls, *args):
        super().write(*args)
        _check_role_scope(sum(args[0:None:2], []))


def _written(args, field_names):
    "Return the records of a write whose values touch the fields"
    actions = iter(args)
    return [r for records, values in zip(actions, actions)
        if field_names & set(values) for r in records]


def _is_limited_admin():
    """Tell whether the acting user is an agency IT administrator bound to
    their own agencies (the province administrators and root are not)"""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    transaction = Transaction()
    if transaction.user == 0 or not transaction.check_access:
        return False
    groups = set(User.get_groups())
    province = {
        ModelData.get_id('res', 'group_admin'),
        ModelData.get_id('egov_base', 'group_egov_province_admin'),
        }
    return not (groups & province)


def _allowed_agencies():
    pool = Pool()
    User = pool.get('res.user')
    with Transaction().set_context(_check_access=False):
        user = User(Transaction().user)
        return {c.id for c in user.companies}


def _check_scope(records, field):
    "Refuse to give access to agencies outside the administrator's own"
    if not _is_limited_admin():
        return
    allowed = _allowed_agencies()
    for record in records:
        value = getattr(record, field)
        agencies = value if isinstance(value, (list, tuple)) else [value]
        for agency in agencies:
            if agency and agency.id not in allowed:
                raise AgencyScopeError(gettext(
                        'egov_base.msg_agency_scope',
                        record=record.rec_name,
                        agency=agency.rec_name))


def _check_role_scope(user_roles):
    if not _is_limited_admin():
        return
    for user_role in user_roles:
        if not user_role.role.agency_assignable:
            raise AgencyScopeError(gettext(
                    'egov_base.msg_role_scope',
                    role=user_role.role.rec_name,
                    user=user_role.user.rec_name))


def _check_group_scope(users):
    "Agency administrators give access through assignable roles only"
    if not _is_limited_admin():
        return
    pool = Pool()
    Role = pool.get('res.role')
    with Transaction().set_context(_check_access=False):
        allowed = {g.id for r in Role.search([
                        ('agency_assignable', '=', True)])
            for g in r.groups}
        for user in users:
            for group in user.groups:
                if group.id not in allowed:
                    raise AgencyScopeError(gettext(
                            'egov_base.msg_group_scope',
                            group=group.rec_name,
                            user=user.rec_name))
