# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Checks of the production deployment (docker/) that need no Docker
engine: the files parse, every command they run is installed by the
image, and what they mount or copy exists in the repository."""
import configparser
import os
import re
import subprocess
import sys
import unittest
from importlib import metadata

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCKER = os.path.join(ROOT, 'docker')


def console_scripts(distribution):
    return {ep.name for ep in metadata.distribution(distribution).entry_points
        if ep.group == 'console_scripts'}


class DeployTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(DOCKER, 'compose.yaml')) as fp:
            cls.compose = yaml.safe_load(fp)
        with open(os.path.join(DOCKER, 'Dockerfile')) as fp:
            cls.dockerfile = fp.read()
        with open(os.path.join(DOCKER, 'entrypoint.sh')) as fp:
            cls.entrypoint = fp.read()

    def test_services(self):
        "PostgreSQL, the application, worker, cron and nginx"
        services = self.compose['services']
        self.assertLessEqual(
            {'postgres', 'app', 'worker', 'cron', 'nginx', 'admin'},
            set(services))
        self.assertEqual(services['app']['command'], ['web'])
        self.assertEqual(services['worker']['command'], ['worker'])
        self.assertEqual(services['cron']['command'], ['cron'])
        for name in ['postgres', 'app', 'worker', 'cron', 'nginx']:
            with self.subTest(service=name):
                self.assertIn('healthcheck', services[name])

    def test_secrets_from_environment(self):
        "No secret is written in the deployment files"
        def check(key, value):
            value = str(value)
            if re.search(r'PASSWORD|SECRET|PWD|_KEY', key):
                self.assertIn('${', value, msg=key)
            if '://' in value and '@' in value:
                userinfo = value.split('://', 1)[1].split('@', 1)[0]
                if ':' in userinfo:
                    self.assertIn('${', userinfo, msg=key)
        for name, service in self.compose['services'].items():
            environment = service.get('environment', {})
            for key, value in environment.items():
                with self.subTest(service=name, key=key):
                    check(key, value)
        for name, secret in self.compose.get('secrets', {}).items():
            # a secret is read from an environment variable or a file
            self.assertTrue(set(secret) <= {'environment', 'file'}, name)
        self.assertIn('docker/.env', open(
                os.path.join(ROOT, '.gitignore')).read())

    def test_commands_installed(self):
        "Every command the image runs is installed by the project"
        scripts = console_scripts('trytond')
        for command in ['trytond-admin', 'trytond-worker', 'trytond-cron']:
            self.assertIn(command, scripts)
            self.assertIn(command, self.entrypoint)
        self.assertIn('gunicorn', console_scripts('gunicorn'))
        with open(os.path.join(ROOT, 'pyproject.toml')) as fp:
            pyproject = fp.read()
        self.assertRegex(pyproject, r'server = \["gunicorn')
        self.assertIn("'.[server]'", self.dockerfile)
        # gunicorn serves the WSGI application that trytond provides
        self.assertIn('trytond.application:app', self.entrypoint)
        subprocess.run(['sh', '-n', os.path.join(DOCKER, 'entrypoint.sh')],
            check=True)

    def test_files_copied_exist(self):
        "What the image copies and the compose file mounts is in the repo"
        for source in re.findall(
                r'^COPY (?!--from)(\S+) ', self.dockerfile, re.M):
            with self.subTest(source=source):
                self.assertTrue(
                    os.path.exists(os.path.join(ROOT, source)), source)
        for service in self.compose['services'].values():
            for volume in service.get('volumes', []):
                source = volume.split(':')[0]
                if source.startswith('.'):
                    with self.subTest(volume=volume):
                        self.assertTrue(os.path.exists(
                                os.path.join(DOCKER, source)), volume)
        app_volumes = self.compose['services']['app']['volumes']
        self.assertIn('../trytond.conf:/etc/trytond.conf:ro', app_volumes)
        self.assertIn('TRYTOND_CONFIG=/etc/trytond.conf', self.dockerfile)

    def test_trytond_conf(self):
        "trytond.conf parses and keeps what several processes need"
        config = configparser.ConfigParser()
        config.read(os.path.join(ROOT, 'trytond.conf'))
        self.assertEqual(config.get('queue', 'worker'), 'True')
        self.assertEqual(config.get('cache', 'clean_timeout'), '0')
        self.assertTrue(config.getint('session', 'max_attempt'))
        self.assertFalse(config.has_option('database', 'uri'))
        settings = [line for line in open(os.path.join(ROOT, 'trytond.conf'))
            if not line.lstrip().startswith('#')]
        self.assertNotRegex(''.join(settings), r'://[^/\s]*:[^/\s]*@')

    def test_nginx_conf(self):
        "nginx serves sao and passes the rest to the application"
        text = open(os.path.join(DOCKER, 'nginx.conf')).read()
        self.assertEqual(text.count('{'), text.count('}'))
        self.assertIn('server app:8000;', text)
        self.assertIn('proxy_pass http://trytond;', text)
        self.assertIn('X-Forwarded-For', text)


if __name__ == '__main__':
    sys.exit(unittest.main())
