#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Create or update the platform's database and load the demo data.

The first run creates the database, activates the egov modules with
Vietnamese and loads the demo agencies and accounts; later runs upgrade the
modules only when their code (or the installed Tryton) changed."""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from importlib import metadata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import egov_env  # noqa: E402

MODULES = [
    'egov_base', 'egov_signature', 'egov_procedure', 'egov_portal',
    'egov_document']
BIN = os.path.dirname(sys.executable)


def code_hash():
    digest = hashlib.sha256()
    addons = os.path.join(egov_env.ROOT, 'addons')
    for folder, dirs, files in sorted(os.walk(addons)):
        dirs.sort()
        if '__pycache__' in folder:
            continue
        for name in sorted(files):
            if name.endswith('.pyc'):
                continue
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, addons).encode())
            with open(path, 'rb') as fp:
                digest.update(fp.read())
    for dist in sorted(metadata.distributions(),
            key=lambda d: d.metadata['Name'] or ''):
        name = dist.metadata['Name'] or ''
        if name.lower().startswith(('trytond', 'proteus')):
            digest.update(('%s=%s' % (name, dist.version)).encode())
    return digest.hexdigest()


def database_exists(env, name):
    if egov_env.is_sqlite(env):
        path = os.path.join(env['TRYTOND_DATABASE__PATH'], name + '.sqlite')
        return os.path.exists(path) and os.path.getsize(path) > 0
    import psycopg
    uri = env['TRYTOND_DATABASE__URI']
    with psycopg.connect(uri.rstrip('/') + '/postgres',
            autocommit=True) as conn:
        return bool(conn.execute(
                'SELECT 1 FROM pg_database WHERE datname = %s',
                (name,)).fetchone())


def activated_modules(env, name):
    "Return the names of the modules activated in the database"
    query = "SELECT name FROM ir_module WHERE state = 'activated'"
    try:
        if egov_env.is_sqlite(env):
            import sqlite3
            path = os.path.join(
                env['TRYTOND_DATABASE__PATH'], name + '.sqlite')
            with sqlite3.connect(path) as conn:
                return {row[0] for row in conn.execute(query)}
        import psycopg
        uri = env['TRYTOND_DATABASE__URI'].rstrip('/') + '/' + name
        with psycopg.connect(uri) as conn:
            return {row[0] for row in conn.execute(query)}
    except Exception:
        return set()


def create_database(env, name):
    if egov_env.is_sqlite(env):
        path = os.path.join(env['TRYTOND_DATABASE__PATH'], name + '.sqlite')
        open(path, 'a').close()
        return
    import psycopg
    from psycopg import sql
    uri = env['TRYTOND_DATABASE__URI']
    with psycopg.connect(uri.rstrip('/') + '/postgres',
            autocommit=True) as conn:
        conn.execute(sql.SQL(
                "CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0"
                ).format(sql.Identifier(name)))


def add_extensions(env, name):
    """On PostgreSQL, the trigram extension that Tryton's similarity
    indexes use (the portal's search of procedures); pg_trgm is a trusted
    extension that the owner of the database may create"""
    if egov_env.is_sqlite(env):
        return
    import psycopg
    uri = env['TRYTOND_DATABASE__URI'].rstrip('/') + '/' + name
    try:
        with psycopg.connect(uri, autocommit=True) as conn:
            conn.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except psycopg.Error as exception:
        print("pg_trgm not available, searches will not be indexed: %s"
            % str(exception).splitlines()[0])


def admin(env, name, *args):
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write(egov_env.DEMO_PASSWORD)
        passfile.flush()
        env = dict(env, TRYTONPASSFILE=passfile.name)
        subprocess.run([os.path.join(BIN, 'trytond-admin'),
                '-d', name, '--email', 'admin@localhost', *args],
            env=env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--database', default='egov')
    parser.add_argument('--no-demo', action='store_true')
    parser.add_argument('--banner', action='store_true')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', default='8000')
    args = parser.parse_args()
    env = egov_env.environ()
    name = args.database
    stamp = os.path.join(env['TRYTOND_DATABASE__PATH'], '.modules-%s-%s' % (
            'sqlite' if egov_env.is_sqlite(env) else 'postgresql', name))

    current = code_hash()
    if not database_exists(env, name):
        print("Creating database %s" % name)
        create_database(env, name)
        add_extensions(env, name)
        admin(env, name, '-u', *MODULES, '--activate-dependencies',
            '-l', 'vi')
    elif (not os.path.exists(stamp)
            or open(stamp).read().strip() != current
            or not set(MODULES) <= activated_modules(env, name)):
        print("Code changed: upgrading the modules of %s" % name)
        add_extensions(env, name)
        # --all updates every activated module; -u activates the platform's
        # modules that an older database does not have yet
        admin(env, name, '--all', '-u', *MODULES, '--activate-dependencies',
            '-l', 'vi')
    with open(stamp, 'w') as fp:
        fp.write(current)
    if not args.no_demo:
        for module in MODULES:
            subprocess.run([sys.executable, '-m',
                    'trytond.modules.%s.demo' % module, name],
                env=env, check=True)
    if args.banner:
        url = 'http://%s:%s/' % (args.host, args.port)
        print()
        print("=" * 70)
        print("Nền tảng Chính quyền điện tử / E-government platform")
        print("  Địa chỉ / Address:  %s  (database: %s)" % (url, name))
        print("  Cổng dịch vụ công / Citizens' portal: %sportal/" % url)
        print("    congdan@example.com (người dân / citizen)")
        print("  Mật khẩu mọi tài khoản / Password of every account: %s"
            % egov_env.DEMO_PASSWORD)
        for login, who in egov_env.DEMO_ACCOUNTS:
            print("  %-20s %s" % (login, who))
        print("=" * 70)


if __name__ == '__main__':
    main()
