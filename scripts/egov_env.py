# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The environment of a local platform (make run, browser tests): which
database, where its files and the web client live."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VAR = os.path.join(ROOT, 'var')
CONFIG = os.path.join(ROOT, 'trytond.conf')
SAO = os.path.join(VAR, 'sao')
DEMO_PASSWORD = 'Demo#Egov2026'
DEMO_ACCOUNTS = [
    ('admin', "quản trị CNTT tỉnh / province IT administrator"),
    ('quantri.dongxoai', "quản trị CNTT TP Đồng Xoài / IT administrator"),
    ('motcua.tanphu', "cán bộ một cửa phường Tân Phú / one-stop officer"),
    ('motcua.tanbinh', "cán bộ một cửa phường Tân Bình / one-stop officer"),
    ('chuyenvien.dongxoai', "chuyên viên TP Đồng Xoài / specialist"),
    ('lanhdao.dongxoai', "lãnh đạo TP Đồng Xoài / leader"),
    ('vanthu.ubndtinh', "văn thư VP UBND tỉnh / clerk"),
    ('lanhdao.ubndtinh', "lãnh đạo UBND tỉnh / leader"),
    ]


def environ(var=VAR, base=None):
    """Return the environment for trytond: EGOV_DATABASE_URI (or
    TRYTOND_DATABASE__URI) selects PostgreSQL, else the embedded SQLite in
    var/db."""
    env = dict(os.environ if base is None else base)
    env['TRYTOND_CONFIG'] = CONFIG
    if env.get('EGOV_DATABASE_URI'):
        env['TRYTOND_DATABASE__URI'] = env['EGOV_DATABASE_URI']
    env.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
    env.setdefault('TRYTOND_DATABASE__PATH', os.path.join(var, 'db'))
    env.setdefault('TRYTOND_WEB__ROOT', SAO)
    # No proxy in front of a local server
    env.setdefault('TRYTOND_WEB__NUM_PROXIES', '0')
    env.setdefault('TRYTOND_EMAIL__URI', 'smtp://localhost:25')
    os.makedirs(env['TRYTOND_DATABASE__PATH'], exist_ok=True)
    return env


def is_sqlite(env):
    return env['TRYTOND_DATABASE__URI'].startswith('sqlite')
