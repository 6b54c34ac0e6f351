# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Browser tests of the back office: headless Chromium (Debian's chromium
and chromedriver) drives the sao web client served by trytond with the
demo data."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, 'test-output', 'browser')
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
CHROMEDRIVER = os.environ.get('CHROMEDRIVER', '/usr/bin/chromedriver')
DATABASE = 'egov_browser'
PASSWORD = 'Demo#Egov2026'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class PlatformServer:
    "A platform on SQLite with the demo data, in a temporary folder"

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix='egov-browser-')
        self.port = free_port()
        self.env = dict(os.environ)
        for key in list(self.env):
            if key.startswith('TRYTOND_') or key in {
                    'EGOV_DATABASE_URI', 'DB_NAME', 'DB_CACHE'}:
                del self.env[key]
        self.env['TRYTOND_DATABASE__PATH'] = os.path.join(self.folder, 'db')
        self.url = 'http://127.0.0.1:%s/' % self.port
        self.process = None
        self.log = open(os.path.join(self.folder, 'server.log'), 'w')

    def start(self):
        subprocess.run([sys.executable,
                os.path.join(ROOT, 'scripts', 'setup_db.py'),
                '--database', DATABASE], env=self.env, check=True,
            stdout=self.log, stderr=subprocess.STDOUT)
        self.process = subprocess.Popen([sys.executable,
                os.path.join(ROOT, 'scripts', 'serve.py'),
                '--port', str(self.port), '--database', DATABASE],
            env=self.env,
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the server did not answer on %s" % self.url)

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def chromium(width=1280, height=800):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ['--headless=new', '--no-sandbox', '--disable-gpu',
            '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--lang=vi-VN',
            '--window-size=%s,%s' % (width, height)]:
        options.add_argument(argument)
    options.add_argument('--user-data-dir=%s' % tempfile.mkdtemp(
            prefix='egov-chromium-'))
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


class SaoTestCase(unittest.TestCase):
    "The back office in a real browser"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs(OUTPUT, exist_ok=True)
        cls.server = PlatformServer()
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)
        cls.driver = chromium()
        cls.addClassCleanup(cls.driver.quit)

    def wait(self, timeout=30):
        return WebDriverWait(self.driver, timeout)

    def login(self, login, password=PASSWORD):
        driver = self.driver
        driver.get(self.server.url + '#' + DATABASE)
        field = self.wait().until(
            EC.visibility_of_element_located((By.ID, 'login')))
        field.send_keys(login, Keys.ENTER)
        password_field = self.wait().until(EC.visibility_of_element_located(
                (By.CSS_SELECTOR, '.modal input[type=password]')))
        password_field.send_keys(password, Keys.ENTER)

    def test_leader_finds_vietnamese_menu(self):
        "lanhdao.dongxoai logs in and finds the Vietnamese menu"
        self.login('lanhdao.dongxoai')
        menu = self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//*[@id='menu']//*[normalize-space(text())="
                    "'Chính quyền điện tử']")))
        self.assertTrue(menu.is_displayed())
        self.assertEqual(
            self.driver.find_element(By.TAG_NAME, 'html')
            .get_attribute('lang'), 'vi')
        # sao's own strings come from the Vietnamese catalogue
        self.wait().until(EC.presence_of_element_located(
                (By.CSS_SELECTOR, "input[placeholder='Thao tác']")))
        # The module's menus are translated too
        menu.click()
        self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//*[@id='menu']//*[normalize-space(text())="
                    "'Cơ quan']")))
        self.driver.save_screenshot(
            os.path.join(OUTPUT, 'sao-lanhdao-dongxoai-menu.png'))
        body = self.driver.find_element(By.TAG_NAME, 'body').text
        self.assertNotIn('E-Government', body)
        self.assertNotIn('Agencies', body)
