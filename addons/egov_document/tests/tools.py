# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Test cases of egov_document that work on a database of their own,
committed between the tests (documents delivered to other agencies, the
demo's officials), dropped at the end."""
from trytond.tests.test_tryton import (
    DB_NAME, TestCase, activate_module, drop_db)
from trytond.transaction import Transaction


class ModuleDatabaseTestCase(TestCase):
    "A database of its own with egov_document activated"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['egov_document'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()


class DemoTestCase(ModuleDatabaseTestCase):
    """The database with the demo agencies and officials, loaded by the
    first test and kept by the others"""

    def setUp(self):
        super().setUp()
        with Transaction().start(DB_NAME, 0) as transaction:
            if self.load_demo():
                self.add_users()
            transaction.commit()

    @staticmethod
    def load_demo():
        "Load the demo; tell whether it was loaded now"
        from trytond.modules.egov_base import demo
        return demo.load_demo()

    @staticmethod
    def add_users():
        "Add the officials the tests need beside the demo's"
