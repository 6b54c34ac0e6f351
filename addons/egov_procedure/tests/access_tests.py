# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Who sees and does what with the dossiers of the demo province."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.egov_base.tests.tools import as_user
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .dossier_tests import PASSWORD, DemoMixin

YEAR = {'from_date': dt.date(2026, 1, 1), 'to_date': dt.date(2026, 12, 31)}


class AccessTestMixin(DemoMixin):

    def visible(self, login, dossier):
        "Tell whether the official finds the dossier and its details"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        with as_user(login):
            found = Dossier.search([('code', '=', dossier.code)])
            if not found:
                # Nothing of it either
                for name in ['egov.dossier.component', 'egov.dossier.fee',
                        'egov.dossier.process']:
                    self.assertEqual(pool.get(name).search([
                                ('dossier', '=', dossier.id)]), [], name)
                with self.assertRaises(AccessError):
                    Dossier.read([dossier.id], ['code'])
                return False
            record, = found
            self.assertEqual(record.applicant.name, dossier.applicant.name)
            self.assertEqual(len(record.components), len(dossier.components))
            self.assertEqual(len(record.processes), len(dossier.processes))
            return True

    def received_count(self, login, **context):
        pool = Pool()
        Statistic = pool.get('egov.dossier.statistic')
        with as_user(login), Transaction().set_context(YEAR, **context):
            records = Statistic.search([])
            return ({r.company for r in records},
                Statistic.totals(records)['received'])

    @with_transaction()
    def test_dossier_visibility(self):
        "A dossier is seen by its agency and the agencies it is handed to"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        tanphu, tanbinh = self.agency['tanphu'], self.agency['tanbinh']
        self.at(2026, 4, 24, 8, 0)
        dossier = self.received()

        self.assertTrue(self.visible('motcua.tanphu', dossier))
        self.assertFalse(self.visible('motcua.tanbinh', dossier))
        self.assertFalse(self.visible('chuyenvien.dongxoai', dossier))
        with as_user('motcua.tanbinh'):
            self.assertEqual(
                {d.company for d in Dossier.search([])}, {tanbinh})
            self.assertEqual(Dossier.search([
                        ('rec_name', 'ilike', '%Bùi Thị Hạnh%')]), [])
        self.assertEqual(self.received_count('motcua.tanbinh'),
            ({tanbinh}, 2))
        self.assertEqual(
            self.received_count('motcua.tanbinh', agency=tanphu.id),
            (set(), 0))
        self.assertEqual(self.received_count('motcua.tanphu'),
            ({tanphu}, 5))
        # The city's leader follows the figures of its wards
        self.assertEqual(self.received_count('lanhdao.dongxoai'),
            ({tanphu, tanbinh}, 7))

        # Handed to the city: its specialist sees it, Tân Bình still not
        with as_user('motcua.tanphu'):
            Dossier.forward([Dossier(dossier.id)])
        dossier = Dossier(dossier.id)
        self.assertTrue(self.visible('chuyenvien.dongxoai', dossier))
        self.assertTrue(self.visible('lanhdao.dongxoai', dossier))
        self.assertTrue(self.visible('motcua.tanphu', dossier))
        self.assertFalse(self.visible('motcua.tanbinh', dossier))
        self.assertEqual(self.received_count('motcua.tanbinh'),
            ({tanbinh}, 2))

    @with_transaction()
    def test_roles(self):
        "A one-stop officer does not sign, a specialist does not receive"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        SignResult = pool.get('egov.dossier.sign_result', type='wizard')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.to_leader(self.at_specialist())
        identity = self.leader_identity()

        with as_user('motcua.tanphu'):
            record = Dossier(dossier.id)
            self.assertEqual(record.state, 'awaiting_signature')
            with self.assertRaises(AccessButtonError):
                Dossier.sign_result([record])
            with self.assertRaises(AccessError):
                record.sign_with(identity, PASSWORD)
        with as_user('chuyenvien.dongxoai'):
            with self.assertRaises(AccessButtonError):
                Dossier.sign_result([Dossier(dossier.id)])
            with self.assertRaises(AccessError):
                Dossier(dossier.id).sign_with(identity, PASSWORD)
        self.assertEqual(Dossier(dossier.id).state, 'awaiting_signature')
        self.assertFalse(Dossier(dossier.id).result_signed)

        # The leader signs through the wizard of the button
        with as_user('lanhdao.dongxoai'), Transaction().set_context(
                active_model='egov.dossier', active_id=dossier.id,
                active_ids=[dossier.id]):
            action = Dossier.sign_result([Dossier(dossier.id)])
            self.assertTrue(action)
            session_id, start, _ = SignResult.create()
            view = SignResult.execute(session_id, {}, start)
            defaults = view['view']['defaults']
            self.assertEqual(defaults['identity'], identity.id)
            self.assertEqual(defaults['identities'], [identity.id])
            SignResult.execute(session_id, {start: {
                        'dossier': dossier.id, 'identity': identity.id,
                        'identities': [identity.id],
                        'secret': PASSWORD}}, 'sign')
            SignResult.delete(session_id)
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'result_issued')
        self.assertTrue(dossier.result_signed)

        # A specialist does not receive at the desk
        with Transaction().set_context(company=self.agency['dongxoai'].id):
            city = self.create_dossier(agency='dongxoai')
            Dossier.submit([city])
        for login in ['chuyenvien.dongxoai', 'lanhdao.dongxoai']:
            with self.subTest(login=login), as_user(login), \
                    self.assertRaises(AccessButtonError):
                Dossier.receive([Dossier(city.id)])
        self.assertEqual(Dossier(city.id).state, 'submitted')

    @with_transaction()
    def test_workflow_fields(self):
        "An official cannot skip the workflow by writing its fields"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.received()
        due = dossier.due_date
        with as_user('motcua.tanphu'):
            for values in [
                    {'state': 'returned'},
                    {'due_date': due + dt.timedelta(days=30)},
                    {'rating': 'satisfied'},
                    ]:
                with self.assertRaises(AccessError):
                    Dossier.write([Dossier(dossier.id)], values)
            # What the officer fills in stays writable
            Dossier.write([Dossier(dossier.id)], {
                    'supplement_request': "Bản sao sổ hộ khẩu"})
        dossier = Dossier(dossier.id)
        self.assertEqual(
            (dossier.state, dossier.due_date, dossier.rating),
            ('received', due, None))
