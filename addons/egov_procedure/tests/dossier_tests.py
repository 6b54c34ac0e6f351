# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The life of a dossier at the one-stop desk of the demo province.

The dossiers' clock is frozen at known local moments around the public
holidays of late April 2026 (Hùng Kings on Monday 27 April, Reunification
Day on Thursday 30 April and Labour Day on Friday 1 May) so that every due
date is a real one, read back from the working calendar."""
import csv
import datetime as dt
import io
import json
import os
import re
import threading
import unittest.mock
from contextlib import contextmanager

from trytond import backend, config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.egov_base import demo as base_demo
from trytond.modules.egov_base.calendar import to_local, to_utc
from trytond.modules.egov_base.tests.tools import as_user
from trytond.modules.egov_procedure import demo
from trytond.modules.egov_procedure import dossier as dossier_module
from trytond.modules.egov_procedure import statistic as statistic_module
from trytond.modules.egov_procedure.exceptions import (
    CatalogImportError, DossierAccessError, DossierFileError,
    DossierStateError, DossierValidationError, EFormError)
from trytond.modules.egov_signature import demo as signature_demo
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction

D = dt.datetime
# The demo is loaded on Thursday 23 April 2026 at 9:00 (Vietnam time)
DEMO_MOMENT = D(2026, 4, 23, 9, 0)
PASSWORD = signature_demo.PASSWORD
HOUSEHOLD_BUSINESS = demo.HOUSEHOLD_BUSINESS  # 3 working days, two fees
BIRTH = demo.BIRTH  # 0 working day, cut-off 15:00, e-form
CODE = re.compile(r'^(\d{3}\.\d{2}\.\d{2}\.H10)-(\d{6})-(\d{4})$')


class Clock:
    "The dossiers' clock: a local moment returned as UTC like ``now``"

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return to_utc(self.moment)


class DemoMixin:
    """The demo province, loaded once for the test case with the clock at
    DEMO_MOMENT and committed (each test is rolled back); officials act on
    it with their access rules"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpDemo()

    @classmethod
    def setUpDemo(cls):
        pool = Pool(DB_NAME)
        clock = Clock(DEMO_MOMENT)
        with unittest.mock.patch.object(dossier_module, 'now', clock), \
                unittest.mock.patch.object(statistic_module, 'now', clock), \
                Transaction().start(DB_NAME, 1):
            Calendar = pool.get('egov.calendar')
            Sequence = pool.get('egov.dossier.sequence')
            base_demo.load_demo()
            # The province calendar knows the holidays once generated
            Calendar.get_default().create_public_holidays(DEMO_MOMENT.year)
            # The leader signs the demo results with his identity
            signature_demo.load_demo()
            demo.load_demo()
            cls._demo_sequences = [(s.id, s.number)
                for s in Sequence.search([])]

    def setup_demo(self, moment=DEMO_MOMENT):
        "Set the clock at moment and find the demo records"
        pool = Pool()
        Calendar = pool.get('egov.calendar')
        Company = pool.get('company.company')
        Procedure = pool.get('egov.procedure')
        User = pool.get('res.user')
        self.clock = Clock(moment)
        for module in [dossier_module, statistic_module]:
            patcher = unittest.mock.patch.object(module, 'now', self.clock)
            patcher.start()
            self.addCleanup(patcher.stop)
        if backend.name == 'postgresql':
            self.addCleanup(self.reset_sequences)
        codes = {code: key for key, _, _, _, code, _ in base_demo.AGENCIES}
        self.agency = {codes[c.agency_code]: c for c in Company.search([
                    ('agency_code', 'in', list(codes))])}
        self.user = {u.login: u for u in User.search([
                    ('login', 'in', [l for l, *_ in base_demo.USERS]),
                    ])}
        self.procedure = {p.code: p for p in Procedure.search([])}
        self.calendar = Calendar.get_default()

    def reset_sequences(self):
        """Forget the dossier numbers given during the test: on PostgreSQL
        they are counted in their own committed transactions"""
        Sequence = Pool(DB_NAME).get('egov.dossier.sequence')
        table = Sequence.__table__()
        with Transaction().start(DB_NAME, 0) as transaction:
            cursor = transaction.connection.cursor()
            ids = [i for i, _ in self._demo_sequences]
            cursor.execute(*table.delete(
                    where=~table.id.in_(ids) if ids else None))
            for id_, number in self._demo_sequences:
                cursor.execute(*table.update([table.number], [number],
                        where=table.id == id_))

    def demo_dossier(self, key):
        "Return the demo dossier of the key of demo.DOSSIERS"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        name = next(d[3] for d in demo.DOSSIERS if d[0] == key)
        dossier, = Dossier.search([('applicant.name', '=', name)])
        return dossier

    def at(self, *moment):
        "Set the clock at the local moment"
        self.clock.moment = D(*moment)
        return self.clock.moment

    def create_dossier(self, code=HOUSEHOLD_BUSINESS, agency='tanphu',
            name="Bùi Thị Hạnh", number='070190001234', kind='citizen',
            channel='direct', **values):
        "Create a draft dossier (in the context of the caller)"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        Party = pool.get('party.party')
        with Transaction().set_user(0), \
                Transaction().set_context(_check_access=False):
            applicant = Party(name=name)
            applicant.save()
        dossier = Dossier(
            procedure=self.procedure[code].id,
            company=self.agency[agency].id,
            applicant=applicant.id, applicant_kind=kind,
            applicant_id_number=number, channel=channel,
            phone='0912 345 678',
            address="Số 5, đường Phú Riềng Đỏ, phường Tân Phú")
        dossier.on_change_procedure()
        for field, value in values.items():
            setattr(dossier, field, value)
        dossier.save()
        return dossier

    def submitted(self, code=HOUSEHOLD_BUSINESS, agency='tanphu', **values):
        "Return a dossier submitted by the desk of agency"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        with as_user('motcua.' + agency):
            dossier = self.create_dossier(code, agency, **values)
            Dossier.submit([dossier])
        return Dossier(dossier.id)

    def received(self, code=HOUSEHOLD_BUSINESS, agency='tanphu', **values):
        "Return a dossier submitted and received by the desk of agency"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        dossier = self.submitted(code, agency, **values)
        with as_user('motcua.' + agency):
            Dossier.receive([Dossier(dossier.id)])
        return Dossier(dossier.id)

    def at_specialist(self, code=HOUSEHOLD_BUSINESS, agency='tanphu',
            **values):
        "Return a dossier received and handed to the specialist of the city"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        dossier = self.received(code, agency, **values)
        with as_user('motcua.' + agency):
            dossier = Dossier(dossier.id)
            dossier.next_assignee = self.user['chuyenvien.dongxoai'].id
            dossier.save()
            Dossier.forward([dossier])
        return Dossier(dossier.id)

    def to_leader(self, dossier):
        "The specialist attaches the result and hands it to the leader"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        with as_user('chuyenvien.dongxoai'):
            dossier = Dossier(dossier.id)
            dossier.result_file = demo.result_pdf(
                "Giấy chứng nhận đăng ký hộ kinh doanh", dossier.code,
                dossier.applicant.name)
            dossier.result_filename = 'ket-qua.pdf'
            dossier.next_assignee = self.user['lanhdao.dongxoai'].id
            dossier.save()
            Dossier.forward([dossier])
        return Dossier(dossier.id)

    def leader_identity(self):
        pool = Pool()
        Identity = pool.get('egov.signature.identity')
        identity, = Identity.search([
                ('user', '=', self.user['lanhdao.dongxoai'].id)])
        return identity

    @contextmanager
    def request(self):
        "Run as one request of a client: nothing of it stays on error"
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute('SAVEPOINT egov_test_request')
        try:
            yield
        except Exception:
            cursor.execute('ROLLBACK TO SAVEPOINT egov_test_request')
            # Forget what was read of the rolled back records
            for cache in transaction.cache.values():
                cache.clear()
            transaction.counter += 1
            raise
        cursor.execute('RELEASE SAVEPOINT egov_test_request')

    def state_label(self, state):
        "The label of the state in the language of the context"
        Dossier = Pool().get('egov.dossier')
        return dict(Dossier.fields_get(['state'])['state']['selection'])[
            state]

    def count(self, model):
        with Transaction().set_context(active_test=False):
            return Pool().get(model).search([], count=True)

    def counts(self):
        return [self.count(m) for m in ['egov.dossier',
                'egov.dossier.component', 'egov.dossier.fee',
                'party.party']]


class DossierTestMixin(DemoMixin):
    "Dossiers from the desk to the applicant"

    @with_transaction()
    def test_dossier_code(self):
        "Codes are numbered per agency and local day"
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        first = self.submitted()
        second = self.submitted(name="Trương Văn Khoa",
            number='070088001234')
        other = self.submitted(agency='tanbinh')
        self.at(2026, 4, 25, 6, 30)  # 24 April 23:30 UTC
        next_day = self.submitted()

        self.assertEqual(first.code, '000.01.31.H10-260424-0001')
        self.assertEqual(second.code, '000.01.31.H10-260424-0002')
        self.assertEqual(other.code, '000.02.31.H10-260424-0001')
        self.assertEqual(next_day.code, '000.01.31.H10-260425-0001')
        for dossier in [first, second, other, next_day]:
            match = CODE.match(dossier.code)
            self.assertTrue(match, dossier.code)
            self.assertEqual(match.group(1), dossier.company.agency_code)
            self.assertEqual(match.group(2),
                to_local(dossier.submitted_date).strftime('%y%m%d'))
            self.assertEqual(dossier.rec_name, dossier.code)
            self.assertTrue(dossier.lookup_url.endswith(
                    '/portal/tra-cuu?ma=' + dossier.code))
            self.assertEqual(dossier.state, 'submitted')
            self.assertEqual(dossier.current_agency, dossier.company)
            self.assertEqual(list(dossier.participants), [dossier.company])
        # The desk finds it by its code or the applicant's name unaccented
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.assertEqual(
            Dossier.search([('rec_name', 'ilike', '%truong van khoa%')]),
            [second])

    @with_transaction()
    def test_happy_path(self):
        "From the desk of Tân Phú to the leader of Đồng Xoài and back"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        Fee = pool.get('egov.dossier.fee')
        self.setup_demo()
        tanphu, dongxoai = self.agency['tanphu'], self.agency['dongxoai']
        specialist = self.user['chuyenvien.dongxoai']
        leader = self.user['lanhdao.dongxoai']

        # Friday 24 April, 8:00: the desk receives the dossier
        received = self.at(2026, 4, 24, 8, 0)
        with as_user('motcua.tanphu') as officer:
            dossier = self.create_dossier()
            self.assertEqual(dossier.company, tanphu)
            self.assertEqual(len(dossier.fees), 2)
            Dossier.submit([dossier])
            Dossier.receive([Dossier(dossier.id)])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'received')
        self.assertEqual(to_local(dossier.received_date), received)
        self.assertEqual(dossier.assignee, officer)
        # 3 working days: Tuesday 28, Wednesday 29 April and, after the
        # holidays of 30 April and 1 May, Monday 4 May
        due = self.calendar.add_working_days(received, 3)
        self.assertEqual(due, D(2026, 5, 4, 17, 0))
        self.assertEqual(to_local(dossier.due_date), due)
        process, = dossier.processes
        self.assertEqual((process.agency, process.step, process.to_user,
                to_local(process.start), process.end),
            (tanphu, None, officer, received, None))

        # 10:00: handed over to the specialists of the city
        forwarded = self.at(2026, 4, 24, 10, 0)
        with as_user('motcua.tanphu'):
            Dossier.forward([Dossier(dossier.id)])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'processing')
        self.assertEqual(dossier.current_agency, dongxoai)
        self.assertEqual(dossier.step.role, 'specialist')
        self.assertEqual(dossier.assignee, None)
        self.assertEqual(set(dossier.participants), {tanphu, dongxoai})

        # Tuesday 28 April: the specialist takes it and hands it on
        checked = self.at(2026, 4, 28, 9, 30)
        with as_user('chuyenvien.dongxoai'):
            self.assertIn(dossier, Dossier.search([]))
            Dossier.take([Dossier(dossier.id)])
            self.assertEqual(Dossier(dossier.id).assignee, specialist)
        dossier = self.to_leader(dossier)
        self.assertEqual(dossier.state, 'awaiting_signature')
        self.assertEqual(dossier.current_agency, dongxoai)
        self.assertEqual(dossier.assignee, leader)
        self.assertTrue(dossier.step.sign)

        # 15:00: the leader signs with his identity and hands it back
        unsigned = bytes(dossier.result_file)
        signed_at = self.at(2026, 4, 28, 15, 0)
        with as_user('lanhdao.dongxoai'):
            Dossier(dossier.id).sign_with(self.leader_identity(), PASSWORD)
            dossier = Dossier(dossier.id)
            self.assertEqual(dossier.state, 'result_issued')
            Dossier.forward([dossier])
        dossier = Dossier(dossier.id)
        self.assertTrue(dossier.result_signed)
        result = bytes(dossier.result_file)
        self.assertTrue(result.startswith(b'%PDF'))
        self.assertIn(b'/ByteRange', result)
        self.assertNotEqual(result, unsigned)
        self.assertEqual(dossier.state, 'ready')
        self.assertEqual(dossier.current_agency, tanphu)
        self.assertEqual(to_local(dossier.finished_date), signed_at)
        self.assertEqual(dossier.timing, 'early')

        # Wednesday 29 April: the fees are paid and the result returned
        returned = self.at(2026, 4, 29, 8, 0)
        with as_user('motcua.tanphu'):
            dossier = Dossier(dossier.id)
            with self.assertRaises(DossierValidationError):
                Dossier.return_([dossier])
            Fee.pay(list(dossier.fees))
            Dossier.return_([Dossier(dossier.id)])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'returned')
        self.assertEqual({f.state for f in dossier.fees}, {'paid'})
        self.assertEqual(to_local(dossier.returned_date), returned)

        # The applicant rates the service
        dossier.rate('satisfied', "  Nhanh, đúng hẹn.  ")
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.rating, 'satisfied')
        self.assertEqual(dossier.rating_comment, "Nhanh, đúng hẹn.")

        # The control sheet (form 06)
        self.assertEqual([(p.agency, p.step.sequence if p.step else None,
                    to_local(p.start), to_local(p.end))
                for p in dossier.processes], [
                (tanphu, None, received, forwarded),
                (dongxoai, 10, forwarded, checked),
                (dongxoai, 20, checked, signed_at),
                (tanphu, None, signed_at, returned),
                ])
        step1, step2 = dossier.processes[1:3]
        self.assertEqual(step1.to_user, specialist)
        self.assertEqual(step2.to_user, leader)
        self.assertEqual(to_local(step1.due),
            self.calendar.add_working_days(forwarded, 1))
        self.assertEqual(step1.timing, 'on_time')
        self.assertEqual(step2.timing, 'early')

    @with_transaction()
    def test_supplement_before_receipt(self):
        "A dossier to complete before receipt starts no clock"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.submitted()
        with as_user('motcua.tanphu'):
            with self.assertRaises(AccessButtonError):
                Dossier.request_supplement([Dossier(dossier.id)])
            dossier = Dossier(dossier.id)
            dossier.supplement_request = "- Bản sao hợp đồng thuê nhà"
            dossier.save()
            Dossier.request_supplement([dossier])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'supplement')
        self.assertEqual(dossier.received_date, None)
        self.assertEqual(dossier.due_date, None)
        pause, = dossier.pauses
        self.assertFalse(pause.during_processing)
        self.assertEqual(pause.request, "- Bản sao hợp đồng thuê nhà")

        received = self.at(2026, 4, 28, 14, 0)
        with as_user('motcua.tanphu'):
            Dossier.answer_supplement([Dossier(dossier.id)])
            dossier = Dossier(dossier.id)
            self.assertEqual(dossier.state, 'submitted')
            self.assertEqual(dossier.supplement_request, None)
            Dossier.receive([dossier])
        dossier = Dossier(dossier.id)
        self.assertEqual(to_local(dossier.pauses[0].end), received)
        # Counted from the receipt: 29 April, 4 and 5 May
        self.assertEqual(to_local(dossier.due_date),
            self.calendar.add_working_days(received, 3))
        self.assertEqual(to_local(dossier.due_date), D(2026, 5, 5, 17, 0))

    @with_transaction()
    def test_supplement_during_processing(self):
        "A supplement during processing moves the due date by the pause"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        received = self.at(2026, 4, 24, 8, 0)
        dossier = self.at_specialist()
        old_due = to_local(dossier.due_date)
        self.assertEqual(old_due, D(2026, 5, 4, 17, 0))

        requested = self.at(2026, 4, 28, 9, 0)
        with as_user('chuyenvien.dongxoai'):
            dossier = Dossier(dossier.id)
            dossier.supplement_request = "Giấy tờ chứng minh chỗ ở hợp pháp"
            dossier.save()
            Dossier.request_supplement([dossier])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'supplement')
        pause, = dossier.pauses
        self.assertTrue(pause.during_processing)
        self.assertEqual(pause.state_before, 'processing')

        answered = self.at(2026, 4, 29, 10, 0)
        with as_user('motcua.tanphu'):
            Dossier.answer_supplement([Dossier(dossier.id)])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'processing')
        self.assertEqual(dossier.current_agency, self.agency['dongxoai'])
        new_due = to_local(dossier.due_date)
        self.assertEqual(new_due, self.calendar.add_working_days(
                received, 3, pauses=[(requested, answered)]))
        # 28 and 29 April were paused: two working days later
        self.assertEqual(new_due, D(2026, 5, 6, 17, 0))
        self.assertEqual(
            self.calendar.working_days_between(old_due, new_due), 2)

    @with_transaction()
    def test_extension(self):
        "A late dossier gets a new due date with the apology (form 04)"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.at_specialist()
        old_due = dossier.due_date
        self.at(2026, 5, 4, 10, 0)

        def extend(date, reason="Cần xác minh với Công an phường"):
            with as_user('chuyenvien.dongxoai'):
                record = Dossier(dossier.id)
                record.extension_due = date
                record.extension_reason = reason
                record.save()
                Dossier.extend([record])

        for date in [dt.date(2026, 5, 4), dt.date(2026, 4, 30)]:
            with self.subTest(date=date), \
                    self.assertRaises(DossierValidationError) as cm:
                extend(date)
            self.assertIn('04/05/2026', cm.exception.message)
        with self.assertRaises(DossierValidationError) as cm:
            extend(dt.date(2026, 5, 9))  # Saturday
        self.assertIn('09/05/2026', cm.exception.message)
        with self.assertRaises(AccessButtonError):
            extend(dt.date(2026, 5, 7), reason=None)
        self.assertEqual(Dossier(dossier.id).due_date, old_due)
        self.assertFalse(Dossier(dossier.id).extensions)

        extend(dt.date(2026, 5, 7))
        dossier = Dossier(dossier.id)
        self.assertEqual(to_local(dossier.due_date), D(2026, 5, 7, 17, 0))
        extension, = dossier.extensions
        self.assertEqual(extension.previous_due, old_due)
        self.assertEqual(extension.new_due, dossier.due_date)
        self.assertEqual(extension.days, 3)
        self.assertEqual(extension.reason, "Cần xác minh với Công an phường")
        self.assertEqual(dossier.extension_due, None)
        self.assertEqual(dossier.extension_reason, None)

        # A second extension keeps the history
        extend(dt.date(2026, 5, 11), "Chờ ý kiến của Sở Tư pháp")
        dossier = Dossier(dossier.id)
        self.assertEqual([(to_local(e.previous_due), to_local(e.new_due))
                for e in dossier.extensions], [
                (D(2026, 5, 4, 17, 0), D(2026, 5, 7, 17, 0)),
                (D(2026, 5, 7, 17, 0), D(2026, 5, 11, 17, 0)),
                ])

    @with_transaction()
    def test_stop(self):
        "Processing stops at the applicant's request (form 05)"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.received()
        stopped = self.at(2026, 4, 24, 11, 0)
        with as_user('motcua.tanphu'):
            with self.assertRaises(AccessButtonError):
                Dossier.stop([Dossier(dossier.id)])
            dossier = Dossier(dossier.id)
            dossier.stop_reason = "Người nộp xin rút hồ sơ để bổ sung"
            dossier.save()
            Dossier.stop([dossier])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'stopped')
        self.assertEqual(to_local(dossier.finished_date), stopped)
        self.assertEqual(
            [to_local(p.end) for p in dossier.processes], [stopped])

        # A dossier not received yet is withdrawn, not stopped
        other = self.submitted(name="Ngô Văn Lâm")
        other.supplement_request = "Tờ khai"
        other.save()
        Dossier.request_supplement([other])
        other.stop_reason = "Xin dừng"
        other.save()
        with self.assertRaises(DossierStateError) as cm:
            Dossier.stop([Dossier(other.id)])
        self.assertIn(other.code, cm.exception.message)
        self.assertEqual(Dossier(other.id).state, 'supplement')

    @with_transaction()
    def test_ineligible(self):
        "The specialist finds the dossier not eligible, with the reason"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.at_specialist()
        finished = self.at(2026, 4, 28, 16, 0)
        reason = "Địa điểm kinh doanh nằm trong khu vực cấm"
        with as_user('chuyenvien.dongxoai'):
            dossier = Dossier(dossier.id)
            dossier.ineligible_reason = reason
            dossier.save()
            Dossier.declare_ineligible([dossier])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'ineligible')
        self.assertEqual(dossier.ineligible_reason, reason)
        self.assertEqual(to_local(dossier.finished_date), finished)
        self.assertEqual(dossier.timing, 'early')
        self.assertTrue(all(p.end for p in dossier.processes))

        # Only a dossier in processing
        received = self.received(name="Đinh Văn Mạnh")
        received.ineligible_reason = reason
        with self.assertRaises(DossierStateError):
            Dossier.declare_ineligible([received])

    @with_transaction()
    def test_refuse(self):
        "The desk refuses a dossier with the reason (form 03)"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.submitted()
        reason = "Không thuộc thẩm quyền giải quyết của phường"
        with as_user('motcua.tanphu'):
            with self.assertRaises(AccessButtonError):
                Dossier.refuse([Dossier(dossier.id)])
            dossier = Dossier(dossier.id)
            dossier.refusal_reason = reason
            dossier.save()
            Dossier.refuse([dossier])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'refused')
        self.assertEqual(dossier.refusal_reason, reason)
        self.assertTrue(dossier.finished_date)
        self.assertEqual(dossier.received_date, None)

        # Once received, it cannot be refused any more
        received = self.received(name="Phan Thị Ngọc")
        received.refusal_reason = reason
        with self.assertRaises(DossierStateError) as cm:
            Dossier.refuse([received])
        self.assertIn(received.code, cm.exception.message)
        self.assertIn(self.state_label('received'), cm.exception.message)

    @with_transaction()
    def test_withdraw(self):
        "The applicant withdraws a dossier before its receipt only"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.submitted()
        with as_user('motcua.tanphu'):
            Dossier.withdraw([Dossier(dossier.id)])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'withdrawn')
        self.assertTrue(dossier.finished_date)

        received = self.received(name="Tạ Văn Oanh")
        with self.assertRaises(DossierStateError) as cm:
            Dossier.withdraw([received])
        self.assertIn(received.code, cm.exception.message)
        # Nor during a supplement asked after the receipt
        received.supplement_request = "Bản sao giấy chứng nhận"
        received.save()
        Dossier.request_supplement([received])
        with self.assertRaises(DossierStateError) as cm:
            Dossier.withdraw([Dossier(received.id)])
        self.assertIn(received.code, cm.exception.message)
        self.assertEqual(Dossier(received.id).state, 'supplement')

    @with_transaction()
    def test_send_back(self):
        "The leader sends the result back to the specialist"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.to_leader(self.at_specialist())
        sent_back = self.at(2026, 4, 28, 10, 0)
        with as_user('lanhdao.dongxoai'):
            Dossier.send_back([Dossier(dossier.id)])
        dossier = Dossier(dossier.id)
        self.assertEqual(dossier.state, 'processing')
        self.assertEqual(dossier.step.role, 'specialist')
        self.assertEqual(dossier.current_agency, self.agency['dongxoai'])
        self.assertEqual(dossier.assignee, None)
        last = dossier.processes[-1]
        self.assertEqual((last.agency, last.step, to_local(last.start)),
            (self.agency['dongxoai'], dossier.step, sent_back))
        self.assertEqual(to_local(dossier.processes[-2].end), sent_back)

        # The specialist corrects it and hands it over again
        with as_user('chuyenvien.dongxoai'):
            Dossier.take([Dossier(dossier.id)])
            Dossier.forward([Dossier(dossier.id)])
        self.assertEqual(Dossier(dossier.id).state, 'awaiting_signature')

    @with_transaction()
    def test_bad_applicant(self):
        "A wrong CCCD or tax code is refused and nothing is written"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        Party = pool.get('party.party')
        self.setup_demo()
        with as_user('motcua.tanphu'):
            draft = self.create_dossier()
        before = self.counts()
        cccd = 'egov_procedure.msg_dossier_cccd_invalid'
        tax_code = 'egov_procedure.msg_dossier_tax_code_invalid'
        for kind, number, msg_id in [
                ('citizen', '003090012345', cccd),
                ('citizen', '07019000123', cccd),
                ('citizen', '070190001234a', cccd),
                ('business', '0300588568', tax_code),
                ('business', '030058856', tax_code),
                ]:
            with self.subTest(number=number):
                with self.assertRaises(DossierValidationError) as cm, \
                        self.request(), as_user('motcua.tanphu'):
                    expected = gettext(msg_id, number=number)
                    self.create_dossier(kind=kind, number=number)
                self.assertEqual(cm.exception.message, expected)
                self.assertEqual(self.counts(), before)
                with self.assertRaises(DossierValidationError), \
                        self.request(), as_user('motcua.tanphu'):
                    Dossier.write([Dossier(draft.id)], {
                            'applicant_kind': kind,
                            'applicant_id_number': number})
                self.assertEqual(
                    Dossier(draft.id).applicant_id_number, '070190001234')
        with self.assertRaises(UserError) as cm, self.request():
            Party.create([{'name': "Lê Văn Sai", 'identifiers': [
                            ('create', [{'type': 'vn_cccd',
                                        'code': '003090012345'}])]}])
        self.assertIn('003090012345', cm.exception.message)
        self.assertEqual(self.counts(), before)

        # A business with its tax code (branch included)
        with as_user('motcua.tanphu'):
            for number in ['0300588569', '3600224423-001']:
                dossier = self.create_dossier(kind='business', number=number)
                Dossier.submit([dossier])
                self.assertEqual(Dossier(dossier.id).state, 'submitted')

    @with_transaction()
    def test_submission_rules_follow_the_procedure(self):
        """The rules of submission kept in memory follow the changes of the
        procedure's components, fees and agencies"""
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        ProcedureComponent = pool.get('egov.procedure.component')
        ProcedureFee = pool.get('egov.procedure.fee')
        Procedure = pool.get('egov.procedure')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        procedure = self.procedure[HOUSEHOLD_BUSINESS]
        rules = procedure.submission_rules()
        self.assertEqual(len(rules['fees']), 2)
        with as_user('motcua.tanphu'):
            first = self.create_dossier()
            second = self.create_dossier()
            third = self.create_dossier()
        ProcedureComponent.create([{
                    'procedure': procedure.id, 'name': "Bản cam kết",
                    'originals': 1, 'copies': 0, 'required': True}])
        with as_user('motcua.tanphu'), \
                self.assertRaises(DossierValidationError) as cm:
            Dossier.submit([Dossier(first.id)])
        self.assertIn("Bản cam kết", cm.exception.message)

        ProcedureComponent.delete(ProcedureComponent.search([
                    ('name', '=', "Bản cam kết")]))
        fee = procedure.fees[0]
        amount = fee.amount + 1000
        ProcedureFee.write([fee], {'amount': amount})
        self.assertIn(amount,
            [a for _, a in Procedure(procedure.id).submission_rules()['fees']])
        with as_user('motcua.tanphu'):
            Dossier.submit([Dossier(second.id)])

        # No longer received at Tân Phú
        tanphu = self.agency['tanphu']
        self.assertIn(tanphu, procedure.agencies)
        Procedure.write([procedure], {'agencies': [('remove', [tanphu.id])]})
        with as_user('motcua.tanphu'), \
                self.assertRaises(DossierValidationError):
            Dossier.submit([Dossier(third.id)])

    @with_transaction()
    def test_bad_components(self):
        "Missing, oversized or disguised files are refused"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        Component = pool.get('egov.dossier.component')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        with as_user('motcua.tanphu'):
            dossier = self.create_dossier()
            required = dossier.components[0]
            self.assertTrue(required.component.required)
            name = required.name
            Component.delete([required])
            with self.assertRaises(DossierValidationError) as cm:
                Dossier.submit([Dossier(dossier.id)])
            self.assertIn(name, cm.exception.message)
            dossier = Dossier(dossier.id)
            self.assertEqual((dossier.state, dossier.code), ('draft', None))

            # An online dossier needs the files
            online = self.create_dossier(channel='online')
            with self.assertRaises(DossierValidationError):
                Dossier.submit([online])

            pdf = demo.result_pdf("Hợp đồng thuê nhà", '', "Bùi Thị Hạnh")
            component = Component(dossier=online.id, name="Hợp đồng",
                file=pdf, filename='hop-dong.pdf')
            component.save()
            self.assertEqual(component.mimetype, 'application/pdf')
            self.assertEqual(component.size, len(pdf))

            before = self.count('egov.dossier.component')
            section = 'egov_procedure'
            if not config.has_section(section):
                config.add_section(section)
            previous = str(dossier_module.max_upload_size())
            config.set(section, 'max_upload_size', str(len(pdf) - 1))
            try:
                with self.assertRaises(DossierFileError) as cm:
                    Component.create([{'dossier': online.id,
                                'name': "Hợp đồng", 'file': pdf,
                                'filename': 'hop-dong.pdf'}])
                self.assertIn('hop-dong.pdf', cm.exception.message)
            finally:
                config.set(section, 'max_upload_size', previous)
            self.assertEqual(dossier_module.max_upload_size(), int(previous))

            for data in [
                    b'MZ\x90\x00\x03\x00\x00\x00\x04\x00' + b'\x00' * 200,
                    b'#!/bin/sh\nrm -rf /\n',
                    b'PK\x03\x04' + b'\x00' * 100,
                    ]:
                with self.subTest(data=data[:4]), \
                        self.assertRaises(DossierFileError) as cm:
                    Component.create([{'dossier': online.id,
                                'name': "Giấy tờ", 'file': data,
                                'filename': 'giay-to.pdf'}])
                self.assertIn('giay-to.pdf', cm.exception.message)
            with self.assertRaises(DossierFileError):
                Component.write([component], {'file': b'plain text'})
            self.assertEqual(self.count('egov.dossier.component'), before)
            self.assertEqual(
                Component(component.id).mimetype, 'application/pdf')

    @with_transaction()
    def test_bad_form_data(self):
        "The declaration of the e-form is checked at submission"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        data = {
            'ho_ten_nguoi_khai': "Bùi Thị Hạnh",
            'cccd_nguoi_khai': '070190001234',
            'quan_he': 'me',
            'ho_ten_tre': "Bùi Gia Huy",
            'ngay_sinh': '2026-04-20',
            'gioi_tinh': 'nam',
            'noi_sinh': {'province': 75, 'ward': 26068},
            'co_yeu_to_nuoc_ngoai': False,
            }

        with as_user('motcua.tanphu'):
            dossier = self.create_dossier(BIRTH)
        before = self.counts()

        def submit(**changes):
            values = {k: v for k, v in dict(data, **changes).items()
                if v is not None}
            with as_user('motcua.tanphu'):
                record = Dossier(dossier.id)
                record.form_data = json.dumps(values, ensure_ascii=False)
                record.save()
                Dossier.submit([record])
            return Dossier(dossier.id)

        for changes, text in [
                ({'ho_ten_tre': None}, "Họ, chữ đệm, tên"),
                ({'cccd_nguoi_khai': '003090012345'},
                    "Số định danh cá nhân"),
                ({'co_yeu_to_nuoc_ngoai': True},
                    "Quốc tịch của cha hoặc mẹ"),
                ({'gioi_tinh': 'khac'}, "Giới tính"),
                ]:
            with self.subTest(changes=changes):
                with self.assertRaises(EFormError) as cm:
                    submit(**changes)
                self.assertIn(text, cm.exception.message)
                record = Dossier(dossier.id)
                self.assertEqual(
                    (record.state, record.code, record.form),
                    ('draft', None, None))
        Dossier.write([Dossier(dossier.id)], {'form_data': '{not json'})
        with self.assertRaises(DossierValidationError):
            Dossier.submit([Dossier(dossier.id)])
        self.assertEqual(self.counts(), before)

        # The foreign nationality is asked only for a foreign parent
        dossier = submit(co_yeu_to_nuoc_ngoai=True,
            quoc_tich_nuoc_ngoai="Hàn Quốc")
        self.assertEqual(dossier.state, 'submitted')
        # No number was spent on the refused submissions
        self.assertEqual(dossier.code, '000.01.31.H10-260424-0001')
        self.assertEqual(dossier.form, self.procedure[BIRTH].current_form())
        self.assertEqual(
            json.loads(dossier.form_data)['quoc_tich_nuoc_ngoai'],
            "Hàn Quốc")
        self.assertIn("Hàn Quốc", dossier.form_display)

    @with_transaction()
    def test_wrong_state(self):
        "A transition from a wrong state names the state"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.received()
        receipt = dossier.received_date
        with self.assertRaises(DossierStateError) as cm:
            Dossier.receive([dossier])
        self.assertIn(dossier.code, cm.exception.message)
        self.assertIn(self.state_label('received'), cm.exception.message)
        self.assertEqual(Dossier(dossier.id).received_date, receipt)
        for method in [Dossier.submit, Dossier.answer_supplement,
                Dossier.send_back, Dossier.return_]:
            with self.subTest(method=method.__name__), \
                    self.assertRaises(DossierStateError):
                method([dossier])
        # The desk sees the button hidden
        with as_user('motcua.tanphu'), \
                self.assertRaises(AccessButtonError):
            Dossier.receive([Dossier(dossier.id)])

    @with_transaction()
    def test_wrong_role_or_agency(self):
        "Officials act only with their role and at their agency"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        # A dossier submitted at the desk of the city itself
        with Transaction().set_context(
                company=self.agency['dongxoai'].id):
            city = self.create_dossier(agency='dongxoai')
            Dossier.submit([city])
        with as_user('chuyenvien.dongxoai'):
            city = Dossier(city.id)
            self.assertEqual(city.state, 'submitted')
            with self.assertRaises(AccessButtonError) as cm:
                Dossier.receive([city])
            self.assertIn('receive', cm.exception.message)
        self.assertEqual(Dossier(city.id).state, 'submitted')

        # Tân Bình cannot even read a dossier of Tân Phú
        dossier = self.submitted()
        with as_user('motcua.tanbinh'):
            self.assertEqual(
                Dossier.search([('id', '=', dossier.id)]), [])
            with self.assertRaises(AccessError):
                Dossier.receive([Dossier(dossier.id)])
        self.assertEqual(Dossier(dossier.id).state, 'submitted')

        # Once at the city, the ward's desk cannot hand it on nor take it
        with as_user('motcua.tanphu'):
            Dossier.receive([Dossier(dossier.id)])
            Dossier.forward([Dossier(dossier.id)])
            for method in [Dossier.forward, Dossier.take]:
                with self.subTest(method=method.__name__), \
                        self.assertRaises(DossierAccessError) as cm:
                    method([Dossier(dossier.id)])
                self.assertIn("Đồng Xoài", cm.exception.message)
        self.assertEqual(Dossier(dossier.id).step.role, 'specialist')

        # The specialist does not take the leader's step
        dossier = self.to_leader(Dossier(dossier.id))
        with as_user('chuyenvien.dongxoai'), \
                self.assertRaises(DossierAccessError):
            Dossier.take([Dossier(dossier.id)])
        self.assertEqual(
            Dossier(dossier.id).assignee, self.user['lanhdao.dongxoai'])

    @with_transaction()
    def test_deadlines(self):
        "Deadlines falling due are flagged and notified once"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        Notification = pool.get('res.notification')
        self.setup_demo()
        transaction = Transaction()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.at_specialist()
        self.assertEqual(to_local(dossier.due_date), D(2026, 5, 4, 17, 0))
        specialist = self.user['chuyenvien.dongxoai']
        leader = self.user['lanhdao.dongxoai']

        def check(*moment):
            transaction._store_user_notifications()
            Dossier.check_deadlines(to_utc(D(*moment)))
            transaction._store_user_notifications()
            notifications = Notification.search([
                    ('model', '=', 'egov.dossier'),
                    ('records', '=', json.dumps([dossier.id])),
                    ])
            result = {(n.user, n.icon) for n in notifications}
            if notifications:
                Notification.delete(notifications)
            return Dossier(dossier.id).alert, result

        # Friday: due in more than two working days
        self.assertEqual(check(2026, 4, 24, 9, 0), (None, set()))
        # Wednesday 29 April: Monday 4 May is the next working day
        self.assertEqual(check(2026, 4, 29, 9, 0), ('due_soon', {
                    (specialist, 'tryton-date'), (leader, 'tryton-date')}))
        self.assertEqual(check(2026, 4, 29, 16, 0), ('due_soon', set()))
        # Tuesday 5 May: late
        self.assertEqual(check(2026, 5, 5, 8, 0), ('overdue', {
                    (specialist, 'tryton-error'),
                    (leader, 'tryton-error')}))
        self.assertEqual(check(2026, 5, 5, 9, 0), ('overdue', set()))
        # The demo's late dossier of Tân Bình is flagged too
        self.assertEqual(self.demo_dossier('late').alert, 'overdue')

    @with_transaction()
    def test_rating(self):
        "Only a returned dossier is rated, once"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        received = self.demo_dossier('received')
        with self.assertRaises(DossierStateError) as cm:
            received.rate('satisfied')
        self.assertIn(received.code, cm.exception.message)
        returned = self.demo_dossier('returned')
        self.assertEqual(returned.rating, 'satisfied')
        with self.assertRaises(DossierStateError):
            returned.rate('unsatisfied', "Đổi ý")
        self.assertEqual(Dossier(returned.id).rating, 'satisfied')
        late = self.demo_dossier('returned_late')
        self.assertEqual(late.rating, 'normal')
        Dossier.write([late], {'rating': None, 'rating_comment': None})
        late = Dossier(late.id)
        with self.assertRaises(DossierValidationError):
            late.rate('excellent')
        late.rate('unsatisfied', "Trễ hẹn ba ngày")
        late = Dossier(late.id)
        self.assertEqual(
            (late.rating, late.rating_comment),
            ('unsatisfied', "Trễ hẹn ba ngày"))
        self.assertEqual(to_local(late.rating_date), DEMO_MOMENT)

    @with_transaction()
    def test_concurrent_receipt(self):
        "Of two officers receiving the same dossier, the second is told"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        self.at(2026, 4, 24, 8, 0)
        dossier = self.submitted()
        with as_user('motcua.tanphu'):
            # Both clicked when the dossier was submitted: the second
            # waits for the lock of the first, then reads the state again
            Dossier.receive([Dossier(dossier.id)])
            with Transaction().set_context(_check_access=False), \
                    self.assertRaises(DossierStateError) as cm:
                Dossier.receive([Dossier(dossier.id)])
            self.assertIn(dossier.code, cm.exception.message)
            self.assertIn(
                self.state_label('received'), cm.exception.message)
        dossier = Dossier(dossier.id)
        self.assertEqual(len(dossier.processes), 1)
        self.assertEqual(dossier.assignee, self.user['motcua.tanphu'])

    def test_concurrent_submission(self):
        """Two officers submitting the same draft at once: the second waits
        for the first, then is told the dossier was submitted (on
        PostgreSQL in two transactions from two threads, as two requests
        of the server)"""
        pool = Pool(DB_NAME)
        Dossier = pool.get('egov.dossier')
        if backend.name != 'postgresql':
            # SQLite runs one writer at a time
            with Transaction().start(DB_NAME, 0) as transaction:
                self.setup_demo()
                draft = self.create_dossier()
                Dossier.submit([Dossier(draft.id)])
                with self.assertRaises(DossierStateError):
                    Dossier.submit([Dossier(draft.id)])
                transaction.rollback()
            return
        with Transaction().start(DB_NAME, 0) as transaction:
            self.setup_demo()
            draft_id = self.create_dossier().id
            transaction.commit()
        self.addCleanup(self._delete_dossier, draft_id)
        locked, release = threading.Event(), threading.Event()
        outcome = {'attempts': 0}

        def first():
            with Transaction().start(DB_NAME, 0):
                Dossier.submit([Dossier(draft_id)])
                locked.set()
                release.wait(30)

        def second():
            locked.wait(30)
            # As the dispatcher runs a request again when the database
            # could not serialize it
            while outcome['attempts'] < 5:
                outcome['attempts'] += 1
                try:
                    with Transaction().start(DB_NAME, 0):
                        Dossier.submit([Dossier(draft_id)])
                    outcome['result'] = 'submitted'
                    return
                except backend.DatabaseOperationalError:
                    continue
                except DossierStateError as exception:
                    outcome['result'] = exception.message
                    return

        threads = [threading.Thread(target=first),
            threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        locked.wait(30)
        # The second waits for the lock of the first
        threads[1].join(timeout=1)
        self.assertTrue(threads[1].is_alive())
        self.assertNotIn('result', outcome)
        release.set()
        for thread in threads:
            thread.join(timeout=60)
        with Transaction().start(DB_NAME, 0):
            dossier = Dossier(draft_id)
            self.assertEqual(dossier.state, 'submitted')
            self.assertIn(dossier.code, outcome['result'])
            self.assertIn(self.state_label('submitted'), outcome['result'])
            self.assertEqual(len(dossier.fees), 2)
        self.assertEqual(outcome['attempts'], 2)

    def _delete_dossier(self, dossier_id):
        "Remove a dossier committed by a test (its lines follow it)"
        Dossier = Pool(DB_NAME).get('egov.dossier')
        table = Dossier.__table__()
        with Transaction().start(DB_NAME, 0) as transaction:
            transaction.connection.cursor().execute(
                *table.delete(where=table.id == dossier_id))

    @with_transaction()
    def test_code_sequence(self):
        "Twenty codes allocated at once are unique and consecutive"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        agency = self.agency['tanlap']
        moment = to_utc(D(2026, 6, 1, 9, 0))
        if backend.name == 'postgresql':
            # Each in its own transaction, from as many threads at once
            codes = self._concurrent_codes(agency.id, moment, 20)
        else:
            # SQLite serialises the transactions
            codes = [Dossier._new_code(agency, moment) for _ in range(20)]
        numbers = sorted(int(CODE.match(c).group(3)) for c in codes)
        self.assertEqual(numbers, list(range(1, 21)))
        self.assertEqual(len(set(codes)), 20)
        self.assertTrue(all(
                c.startswith('000.01.32.H10-260601-') for c in codes))

    def _concurrent_codes(self, agency_id, moment, count):
        "Allocate count codes from as many threads at once"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        Company = pool.get('company.company')
        barrier = threading.Barrier(count)
        codes, errors = [], []

        def allocate():
            try:
                with Transaction().start(DB_NAME, 0):
                    agency = Company(agency_id)
                    agency.agency_code
                    barrier.wait(timeout=30)
                    codes.append(Dossier._new_code(agency, moment))
            except Exception as exception:
                errors.append(exception)
        threads = [threading.Thread(target=allocate) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        return codes

    @with_transaction()
    def test_import_catalog(self):
        "The catalog import updates the procedures in use, or refuses all"
        pool = Pool()
        Procedure = pool.get('egov.procedure')
        Dossier = pool.get('egov.dossier')
        self.setup_demo()
        path = os.path.join(demo.DATA, 'procedures_sample.csv')
        with open(path, 'rb') as file:
            data = file.read()
        count = Procedure.search([], count=True)
        birth = self.procedure[BIRTH]
        birth.name = "Tên cũ"
        birth.save()
        dossier = self.demo_dossier('processing')
        components = [(c.name, c.component) for c in dossier.components]
        self.assertTrue(all(c for _, c in components))

        procedures = Procedure.import_catalog(data, 'procedures_sample.csv')
        self.assertEqual(len(procedures), 10)
        self.assertEqual(Procedure.search([], count=True), count)
        birth = Procedure(birth.id)
        self.assertEqual(birth.name, "Thủ tục đăng ký khai sinh")
        self.assertEqual(birth.deadline_unit, 'working_day')
        self.assertEqual(birth.cutoff, dt.time(15, 0))
        self.assertEqual(birth.field.name, "Hộ tịch")
        # The dossiers keep the components they refer to
        self.assertEqual(
            [(c.name, c.component) for c in Dossier(dossier.id).components],
            components)

        # A component dropped from the catalog leaves the dossiers' papers
        rows = list(csv.reader(
                io.StringIO(data.decode('utf-8-sig'), newline='')))
        header = rows[0]
        row, = [r for r in rows if r[0] == HOUSEHOLD_BUSINESS]
        column = header.index('Thành phần hồ sơ')
        row[column] = '\n'.join(row[column].split('\n')[:-2])
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator='\r\n').writerows([header, row])
        procedure, = Procedure.import_catalog(
            buffer.getvalue().encode('utf-8'), 'one.csv')
        self.assertEqual(len(procedure.components), 4)
        self.assertEqual(
            [(c.name, c.component) for c in Dossier(dossier.id).components],
            components[:4] + [(components[4][0], None)])

        # A bad code on row 3 and a negative fee on row 5
        header, rows = rows[0], [list(r) for r in rows[1:6]]
        rows[1][0] = '1.00119X'
        rows[3][header.index('Phí, lệ phí')] = 'Lệ phí | -10.000'
        new_codes = ['1.999991', '1.999992', '1.999993']
        for row, code in zip([rows[0], rows[2], rows[4]], new_codes):
            row[0] = code
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator='\r\n').writerows(
            [header] + rows)
        before = [self.count(m) for m in ['egov.procedure',
                'egov.procedure.fee', 'egov.procedure.component',
                'egov.procedure.field']]
        with self.assertRaises(CatalogImportError) as cm:
            Procedure.import_catalog(
                buffer.getvalue().encode('utf-8'), 'bad.csv')
        message = cm.exception.message
        self.assertIn("Row 3", message)
        self.assertIn("Row 5", message)
        self.assertIn('1.00119X', message)
        self.assertNotIn("Row 2", message)
        self.assertNotIn("Row 4", message)
        self.assertEqual(before, [self.count(m) for m in ['egov.procedure',
                    'egov.procedure.fee', 'egov.procedure.component',
                    'egov.procedure.field']])
        self.assertEqual(
            Procedure.search([('code', 'in', new_codes)]), [])
