# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Demo of the portal: a citizen's account with dossiers of the procedure
demo and the information pages.

    python -m trytond.modules.egov_portal.demo DATABASE
"""
import sys

from trytond.pool import Pool

DEMO_EMAIL = 'congdan@example.com'
DEMO_PASSWORD = 'Demo#Egov2026'
DEMO_NAME = 'Nguyễn Văn An'
DEMO_CCCD = '074096000123'


def load_citizen():
    """The demo citizen: a confirmed account linked to the party of the
    procedure demo's first applicant, when there is one"""
    pool = Pool()
    WebUser = pool.get('web.user')
    Party = pool.get('party.party')
    Identifier = pool.get('party.identifier')
    Dossier = pool.get('egov.dossier')
    identifiers = Identifier.search([
            ('type', '=', 'vn_cccd'), ('code', '=', DEMO_CCCD)], limit=1)
    if identifiers:
        party = identifiers[0].party
    else:
        party, = Party.create([{
                    'name': DEMO_NAME,
                    'identifiers': [('create', [{
                                    'type': 'vn_cccd', 'code': DEMO_CCCD}])],
                    }])
    user, = WebUser.create([{
                'email': DEMO_EMAIL,
                'password': DEMO_PASSWORD,
                'email_valid': True,
                'party': party.id,
                }])
    # The demo's online dossiers of that citizen come from this account
    dossiers = Dossier.search([
            ('applicant', '=', party.id), ('channel', '=', 'online')])
    if dossiers:
        table = Dossier.__table__()
        from trytond.transaction import Transaction
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.web_user], [user.id],
                where=table.id.in_([d.id for d in dossiers])))
    return user


def load_demo():
    "Load the demo citizen and pages; do nothing when already there"
    pool = Pool()
    WebUser = pool.get('web.user')
    from trytond.modules.egov_procedure import demo as procedure_demo
    if WebUser.search([('email', '=', DEMO_EMAIL)]):
        return False
    procedure_demo.load_demo()
    load_citizen()
    from . import demo_pages
    demo_pages.load_pages()
    return True


def main(argv=None):
    from trytond.modules.egov_base.demo import run
    run(load_demo, "Load the portal's demo citizen and pages into DATABASE",
        "demo data loaded", "demo data already present", argv)


if __name__ == '__main__':
    sys.exit(main())
