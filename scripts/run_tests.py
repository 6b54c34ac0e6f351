#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Run every test of the platform: lint, the modules' unit and scenario
tests on SQLite and on PostgreSQL, the deployment checks and the browser
tests.  Prints one summary line per run and a closing
"N passed, N failed, N skipped" line; exits non-zero on any failure.

PostgreSQL is taken from EGOV_TEST_POSTGRESQL_URI (default
postgresql://root@127.0.0.1:5432/).  When it cannot be reached, the
PostgreSQL run is skipped with one line, unless REQUIRE_POSTGRESQL=1."""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = sys.executable
BIN = os.path.dirname(PYTHON)
MODULES = sorted(
    name for name in os.listdir(os.path.join(ROOT, 'addons'))
    if os.path.exists(os.path.join(ROOT, 'addons', name, 'tryton.cfg')))
PG_URI = os.environ.get(
    'EGOV_TEST_POSTGRESQL_URI', 'postgresql://root@127.0.0.1:5432/')
RESULT = re.compile(
    r'^Ran (\d+) tests? in', re.M)
FAILED = re.compile(r'^FAILED \((.*)\)', re.M)
SKIPPED = re.compile(r'skipped=(\d+)')


class Totals:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.problems = []

    def add(self, name, passed, failed, skipped=0):
        self.passed += passed
        self.failed += failed
        self.skipped += skipped
        status = 'ok' if not failed else 'FAILED'
        print("== %s: %s (%d passed, %d failed, %d skipped)" % (
                name, status, passed, failed, skipped), flush=True)
        if failed:
            self.problems.append(name)


def run(name, cmd, env=None, totals=None):
    print("== %s: %s" % (name, ' '.join(cmd)), flush=True)
    start = time.monotonic()
    process = subprocess.run(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    output = process.stdout
    # Keep the log readable: the package index warnings of pip are noise
    output = '\n'.join(l for l in output.splitlines()
        if not l.startswith('WARNING: Location'))
    print(output, flush=True)
    print("== %s took %.0f s" % (name, time.monotonic() - start))
    return process.returncode, output


def unittest_counts(output, returncode):
    ran = sum(int(n) for n in RESULT.findall(output))
    failed = skipped = 0
    for details in FAILED.findall(output):
        for key, value in re.findall(r'(\w+)=(\d+)', details):
            if key in {'failures', 'errors', 'unexpected successes'}:
                failed += int(value)
    skipped = sum(int(n) for n in SKIPPED.findall(output))
    if returncode and not failed:
        failed = 1
    if not ran and not returncode:
        failed = 1  # a run without tests is a broken run
    return ran - failed - skipped, failed, skipped


def postgresql_reachable():
    try:
        import psycopg
        with psycopg.connect(
                PG_URI.rstrip('/') + '/postgres', connect_timeout=5):
            return True, None
    except Exception as exception:
        return False, str(exception).splitlines()[0]


def module_tests(backend, totals):
    env = dict(os.environ)
    env.pop('TRYTOND_CONFIG', None)
    env['PYTHONWARNINGS'] = 'ignore::DeprecationWarning'
    cache = tempfile.mkdtemp(prefix='egov-test-cache-')
    env['DB_CACHE'] = cache
    if backend == 'sqlite':
        env['TRYTOND_DATABASE__URI'] = 'sqlite://'
        env['DB_NAME'] = ':memory:'
    else:
        env['TRYTOND_DATABASE__URI'] = PG_URI
        env['DB_NAME'] = 'test_egov_%s' % os.getpid()
    names = []
    for module in MODULES:
        names.append('trytond.modules.%s.tests' % module)
    cmd = [PYTHON, os.path.join(ROOT, 'scripts', 'unittest_runner.py')]
    cmd += names
    returncode, output = run('modules on %s' % backend, cmd, env)
    totals.add('modules on %s' % backend,
        *unittest_counts(output, returncode))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--only', choices=[
            'lint', 'sqlite', 'postgresql', 'cross', 'browser'],
        action='append')
    args = parser.parse_args()
    only = set(args.only or [])

    def wanted(name):
        return not only or name in only

    totals = Totals()
    if wanted('lint'):
        code, _ = run('flake8', [os.path.join(BIN, 'flake8'),
                'addons', 'scripts', 'tests', 'bench'])
        totals.add('flake8', int(not code), int(bool(code)))
        code, _ = run('isort', [os.path.join(BIN, 'isort'), '--check-only',
                '--diff', 'addons', 'scripts', 'tests', 'bench'])
        totals.add('isort', int(not code), int(bool(code)))

    if wanted('sqlite'):
        module_tests('sqlite', totals)

    if wanted('postgresql'):
        reachable, reason = postgresql_reachable()
        if reachable:
            module_tests('postgresql', totals)
        elif os.environ.get('REQUIRE_POSTGRESQL') == '1':
            print("PostgreSQL is required (REQUIRE_POSTGRESQL=1) but not "
                "reachable at %s: %s" % (PG_URI, reason))
            totals.add('modules on postgresql', 0, 1)
        else:
            print("PostgreSQL is not reachable at %s (%s): "
                "the PostgreSQL run is skipped" % (PG_URI, reason))
            totals.skipped += 1

    for name, folder in [('cross', 'tests'), ('browser', 'tests/browser')]:
        if not wanted(name):
            continue
        env = dict(os.environ)
        env['PYTHONWARNINGS'] = 'ignore::DeprecationWarning'
        package = folder.replace('/', '.')
        modules = sorted('%s.%s' % (package, f[:-3])
            for f in os.listdir(os.path.join(ROOT, folder))
            if f.startswith('test_') and f.endswith('.py'))
        cmd = [PYTHON, '-m', 'unittest', '-v'] + modules
        code, output = run('%s tests' % name, cmd, env)
        totals.add('%s tests' % name, *unittest_counts(output, code))

    print()
    if totals.problems:
        print("Failed: %s" % ', '.join(totals.problems))
    print("%d passed, %d failed, %d skipped" % (
            totals.passed, totals.failed, totals.skipped))
    return 1 if totals.failed else 0


if __name__ == '__main__':
    sys.exit(main())
