# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The PostgreSQL databases of the benchmarks: generated once and kept,
updated when the modules' code changes, dropped and generated again when
the generated data changes (its version is kept in a table of the
database beside the hash of the modules' code); and the servers the
benchmarks measure on them."""
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
URI = os.environ.get(
    'EGOV_BENCH_POSTGRESQL_URI', 'postgresql://root@127.0.0.1:5432/')
PASSWORD = 'Demo#Egov2026'
GUNICORN_WORKERS = 4
SERVERS = {
    'serve': "scripts/serve.py (trytond's threaded server)",
    'gunicorn': "gunicorn, %d workers (as docker/entrypoint.sh)" % (
        GUNICORN_WORKERS),
    }


def out(*args):
    print(*args, flush=True)


def admin_uri(name='postgres'):
    return URI.rstrip('/') + '/' + name


def reachable():
    try:
        import psycopg
        with psycopg.connect(admin_uri(), connect_timeout=5):
            return True, None
    except Exception as exception:
        return False, str(exception).splitlines()[0]


def environ():
    "The environment of trytond (the platform's) on the bench databases"
    sys.path.insert(0, os.path.join(ROOT, 'scripts'))
    import egov_env
    base = dict(os.environ)
    for key in ['DB_NAME', 'TRYTOND_DATABASE__URI', 'TRYTOND_DATABASE_URI']:
        base.pop(key, None)
    base['EGOV_DATABASE_URI'] = URI
    return egov_env.environ(base=base)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def code_hash():
    "The hash of the modules' code and of the installed Tryton"
    sys.path.insert(0, os.path.join(ROOT, 'scripts'))
    import setup_db
    return setup_db.code_hash()


class BenchDatabase:
    """The database of a benchmark: name, the module it activates (with its
    dependencies), the version of its generated data and the language
    activated with it"""

    def __init__(self, name, module, data_version, language=None):
        self.name = name
        self.module = module
        self.data_version = data_version
        self.language = language
        self.meta_table = 'bench_%s_meta' % module.split('_')[-1]

    def run(self, script, args=()):
        """Run script --inside args in a process of its own with trytond's
        environment (called by bench/run.py); skipped with a line when
        PostgreSQL cannot be reached"""
        label = os.path.splitext(os.path.basename(script))[0]
        ok, reason = reachable()
        if not ok:
            out("%s: PostgreSQL is not reachable at %s (%s): skipped" % (
                    label, URI, reason))
            return
        process = subprocess.run(
            [sys.executable, os.path.abspath(script), '--inside', *args],
            env=environ(), cwd=ROOT)
        if process.returncode:
            raise RuntimeError("bench/%s.py failed (exit %d)" % (
                    label, process.returncode))

    def meta(self, key):
        import psycopg
        with psycopg.connect(admin_uri(self.name)) as conn:
            try:
                row = conn.execute(
                    'SELECT value FROM %s WHERE key = %%s' % self.meta_table,
                    (key,)).fetchone()
            except psycopg.errors.UndefinedTable:
                return None
            return row[0] if row else None

    def set_meta(self, cursor, key, value):
        cursor.execute('CREATE TABLE IF NOT EXISTS %s '
            '(key VARCHAR PRIMARY KEY, value VARCHAR)' % self.meta_table)
        cursor.execute(
            'DELETE FROM %s WHERE key = %%s' % self.meta_table, (key,))
        cursor.execute('INSERT INTO %s (key, value) VALUES (%%s, %%s)'
            % self.meta_table, (key, value))

    def generated(self):
        "Tell whether the data of this version is generated"
        return self.meta('data') == self.data_version

    def prepare(self):
        """Create the database (with pg_trgm, as scripts/setup_db.py does:
        Tryton builds the trigram indexes only when it exists) and activate
        the module; update the modules when their code changed since.  A
        database of other generated data is dropped first."""
        import psycopg
        from psycopg import sql
        with psycopg.connect(admin_uri(), autocommit=True) as conn:
            exists = conn.execute(
                'SELECT 1 FROM pg_database WHERE datname = %s',
                (self.name,)).fetchone()
            if exists and self.meta('data') not in {None, self.data_version}:
                out("dropping database %s (data of another version)"
                    % self.name)
                conn.execute(sql.SQL('DROP DATABASE {}').format(
                        sql.Identifier(self.name)))
                exists = None
            if not exists:
                out("creating database %s" % self.name)
                conn.execute(sql.SQL(
                        "CREATE DATABASE {} ENCODING 'UTF8' "
                        "TEMPLATE template0").format(
                        sql.Identifier(self.name)))
        with psycopg.connect(admin_uri(self.name), autocommit=True) as conn:
            conn.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        current = code_hash()
        if self.meta('modules') == current:
            return
        start = time.perf_counter()
        out("activating %s in %s (trytond-admin)" % (self.module, self.name))
        command = [os.path.join(os.path.dirname(sys.executable),
                'trytond-admin'), '-d', self.name, '--all',
            '-u', self.module, '--activate-dependencies',
            '--email', 'admin@localhost']
        if self.language:
            command += ['-l', self.language]
        with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
            passfile.write(PASSWORD)
            passfile.flush()
            env = dict(os.environ, TRYTONPASSFILE=passfile.name)
            subprocess.run(command, env=env, check=True,
                stdout=subprocess.DEVNULL)
        with psycopg.connect(admin_uri(self.name)) as conn:
            self.set_meta(conn.cursor(), 'modules', current)
        out("  modules ready in %.0f s" % (time.perf_counter() - start))

    def server_command(self, kind, port):
        if kind == 'gunicorn':
            # As docker/entrypoint.sh serves the platform in production
            return [os.path.join(os.path.dirname(sys.executable),
                    'gunicorn'), '--bind', '127.0.0.1:%s' % port,
                '--workers', str(GUNICORN_WORKERS), '--timeout', '120',
                'trytond.application:app']
        return [sys.executable, os.path.join(ROOT, 'scripts', 'serve.py'),
            '--host', '127.0.0.1', '--port', str(port),
            '--database', self.name]

    def start_server(self, kind, port, log, probe, env=None):
        """Start the server of kind (a key of SERVERS) on port, its output
        in the file log, and return its process once probe(port) answers
        without error"""
        env = dict(os.environ, TRYTOND_DATABASE_NAMES=self.name, **(env or {}))
        process = subprocess.Popen(self.server_command(kind, port), env=env,
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("the server stopped (exit %s), see %s" % (
                        process.returncode, log.name))
            try:
                probe(port)
                return process
            except Exception:
                time.sleep(0.5)
        process.terminate()
        raise RuntimeError("the server did not answer, see %s" % log.name)
