# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Audit trail of egov records.

Every model that mixes in :class:`AuditMixin` writes one
``egov.audit.log`` line per created, changed, moved (re-parented or
transferred to another agency) and deleted record, with the user, the time
and the fields touched.  The log is append-only: nobody, not even the
province administrator, is given write or delete access to it.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction

# Fields whose change means the record moved rather than merely changed.
MOVE_FIELDS = {'parent', 'company', 'agency', 'current_agency'}


class AuditLog(ModelSQL, ModelView):
    __string__ = "Audit Log"
    __name__ = 'egov.audit.log'

    model = fields.Char("Model", required=True, readonly=True)
    record_id = fields.Integer("Record ID", required=True, readonly=True)
    record_name = fields.Char("Record", readonly=True)
    action = fields.Selection([
            ('create', "Created"),
            ('write', "Changed"),
            ('move', "Moved"),
            ('delete', "Deleted"),
            ('transition', "Transition"),
            ], "Action", required=True, readonly=True, sort=False)
    fields_changed = fields.Text("Fields", readonly=True)
    description = fields.Text("Description", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    company = fields.Many2One('company.company', "Agency", readonly=True)
    date = fields.Timestamp("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.model, Index.Equality()),
                (t.record_id, Index.Equality())))

    @classmethod
    def log(cls, records, action, field_names=None, description=None):
        """Append a line per record.

        The lines are inserted with one SQL statement, outside access rules
        and validation: the trail must be written whoever acts, and it is
        on the path of every change of the audited models.  The record's
        name is kept when it is created or deleted (afterwards it can no
        longer be read)."""
        if not records:
            return
        transaction = Transaction()
        table = cls.__table__()
        user = transaction.user or None
        # Who acts outside the back office (a citizen on the portal, whose
        # requests run as root) is told by the caller in the context
        actor = transaction.context.get('egov_actor')
        if actor:
            description = ('%s: %s' % (actor, description) if description
                else actor)
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        changed = ', '.join(sorted(field_names)) if field_names else None
        values = []
        for record in records:
            if record.__name__ == 'company.company':
                company = record.id
            else:
                company = getattr(getattr(record, 'company', None), 'id', None)
            values.append([
                    user, now, record.__name__, record.id,
                    _rec_name(record) if action in {'create', 'delete'}
                    else None,
                    action, changed, description, user, company, now])
        transaction.connection.cursor().execute(*table.insert([
                    table.create_uid, table.create_date, table.model,
                    table.record_id, table.record_name, table.action,
                    table.fields_changed, table.description, table.user,
                    table.company, table.date], values))


def _rec_name(record):
    try:
        return record.rec_name
    except Exception:
        return '%s,%s' % (record.__name__, record.id)


class AuditMixin:
    "Mixin that records an audit trail of the model in egov.audit.log"
    __slots__ = ()
    # Changing one of these fields moves the record (to another parent or
    # agency) rather than merely changing it
    _audit_move_fields = MOVE_FIELDS

    audit_logs = fields.Function(
        fields.One2Many('egov.audit.log', None, "Audit Trail",
            readonly=True),
        'get_audit_logs', setter='set_audit_logs')

    @classmethod
    def get_audit_logs(cls, records, name):
        pool = Pool()
        Log = pool.get('egov.audit.log')
        result = {r.id: [] for r in records}
        # The records themselves were readable (rules applied on them);
        # their trail follows them whatever the log's agency.
        with Transaction().set_context(_check_access=False):
            for log in Log.search([
                        ('model', '=', cls.__name__),
                        ('record_id', 'in', list(result)),
                        ]):
                result[log.record_id].append(log.id)
        return result

    @classmethod
    def set_audit_logs(cls, records, name, value):
        # The trail is append-only: it is never written through the record
        if value:
            raise AccessError(gettext('egov_base.msg_audit_readonly'))

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        Log = Pool().get('egov.audit.log')
        Log.log(records, 'create')
        return records

    @classmethod
    def write(cls, *args):
        Log = Pool().get('egov.audit.log')
        to_log = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            names = set(values.keys()) - {'audit_logs'}
            action = 'move' if names & cls._audit_move_fields else 'write'
            to_log.append((records, action, names))
        super().write(*args)
        for records, action, names in to_log:
            Log.log(records, action, names)

    @classmethod
    def delete(cls, records):
        Log = Pool().get('egov.audit.log')
        Log.log(records, 'delete')
        super().delete(records)
