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
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
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
        # Start from a logged-out client: sao keeps its session in storage
        driver.get(self.server.url)
        driver.execute_script(
            'window.localStorage.clear(); window.sessionStorage.clear();')
        driver.delete_all_cookies()
        driver.get('about:blank')
        driver.get_log('browser')  # what came before is not this test's
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

    def open_menu(self, *labels):
        for label in labels:
            self.wait().until(EC.visibility_of_element_located(
                    (By.XPATH, "//*[@id='menu']//*[normalize-space(text())="
                        "'%s']" % label))).click()

    def test_leader_validates_signed_pdf(self):
        "A leader validates a signed PDF received from outside"
        from trytond.modules.egov_signature import pades
        from trytond.modules.egov_signature.tests.pki import (
            TestPKI, sample_pdf)
        pki = TestPKI("CA ngoài tỉnh")
        key, certificate = pki.issue("Người ký ngoài tỉnh")
        signed = pades.sign_pdf(sample_pdf(),
            pades.software_signer(key, certificate, [pki.root]))
        folder = tempfile.mkdtemp(prefix='egov-upload-')
        path = os.path.join(folder, 'van-ban-den.pdf')
        with open(path, 'wb') as fp:
            fp.write(signed)

        self.login('lanhdao.dongxoai')
        self.open_menu(
            'Chính quyền điện tử', 'Chữ ký số', 'Xác thực tệp PDF đã ký')
        # The file input of sao's binary widget is hidden behind its button
        self.wait().until(EC.presence_of_element_located(
                (By.CSS_SELECTOR, '.modal input[type=file]')))
        self.driver.find_element(
            By.CSS_SELECTOR, '.modal input[type=file]').send_keys(path)
        self.driver.find_element(By.XPATH,
            "//div[contains(@class, 'modal')]//button"
            "[contains(translate(., 'XÁCTHỰ', 'xáctrhự'), 'xác th')]").click()
        # The report opens: not trusted here, so "Chưa xác định"

        def field(name):
            inputs = self.driver.find_elements(
                By.CSS_SELECTOR, "input[name='%s']" % name)
            return inputs[0].get_attribute('value') if inputs else None

        self.wait().until(
            lambda driver: field('sub_indication')
            == 'NO_CERTIFICATE_CHAIN_FOUND')
        self.assertEqual(field('filename'), 'van-ban-den.pdf')
        self.assertIn('Chưa xác định',
            self.driver.find_element(By.TAG_NAME, 'body').text)
        self.driver.save_screenshot(
            os.path.join(OUTPUT, 'sao-validation-report.png'))
        self.assertEqual([e for e in self.driver.get_log('browser')
                if e['level'] == 'SEVERE' and 'locale/' not in e['message']],
            [])

    def severe_errors(self):
        return [e for e in self.driver.get_log('browser')
            if e['level'] == 'SEVERE' and 'locale/' not in e['message']]

    def test_it_admin_opens_agencies_and_calendar(self):
        "The IT administrator of Đồng Xoài opens agencies and calendars"
        self.login('quantri.dongxoai')
        self.open_menu('Chính quyền điện tử', 'Cơ quan')
        # The tree of agencies: the city is under the province
        province = self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//*[@id='tabs']//tr[.//*[contains(text(), "
                    "'tỉnh Bình Phước')]]//span[@class='expander']")))
        province.click()
        row = self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//*[@id='tabs']//*[contains(text(), "
                    "'thành phố Đồng Xoài')]")))
        ActionChains(self.driver).double_click(row).perform()
        self.wait().until(lambda driver: any(
                e.get_attribute('value') == '000.00.31.H10'
                for e in driver.find_elements(
                    By.CSS_SELECTOR, "input[name='agency_code']")))
        self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//a[normalize-space(.)='Nhật ký thao tác']"))
            ).click()
        self.driver.save_screenshot(
            os.path.join(OUTPUT, 'sao-agency-audit-trail.png'))
        self.open_menu('Cấu hình', 'Lịch làm việc')
        row = self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//*[contains(text(), 'Lịch làm việc của tỉnh')"
                    " or contains(text(), 'Province Working Calendar')]")))
        ActionChains(self.driver).double_click(row).perform()
        self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//*[contains(text(), 'Thứ Hai')]")))
        self.driver.save_screenshot(
            os.path.join(OUTPUT, 'sao-working-calendar.png'))
        self.assertEqual(self.severe_errors(), [])

    def test_one_stop_officer_opens_dossiers(self):
        "motcua.tanphu finds the ward's dossiers and opens one"
        self.login('motcua.tanphu')
        self.open_menu('Chính quyền điện tử', 'Bộ phận Một cửa', 'Hồ sơ')
        # The tab of all dossiers: the demo ones of the ward, by code
        self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//*[@id='tabs']//a[@role='tab']"
                    "[starts-with(normalize-space(.), 'Tất cả')]"))).click()
        cell = ("//*[@id='tabs']//div[contains(@class, 'active')]"
            "//td[contains(., '000.01.31.H10-')]")

        def first_code(driver):
            # The list is drawn again when the tab's records arrive
            try:
                cells = driver.find_elements(By.XPATH, cell)
                return cells[0].text.strip() if cells else False
            except StaleElementReferenceException:
                return False
        code = self.wait().until(first_code)
        # All the ward's dossiers, none of Tân Bình's
        self.wait().until(lambda driver: len(
                driver.find_elements(By.XPATH, cell)) >= 5)
        body = self.driver.find_element(By.TAG_NAME, 'body').text
        self.assertNotIn('000.02.31.H10-', body)
        row = self.wait().until(EC.element_to_be_clickable((By.XPATH,
                    "//*[@id='tabs']//div[contains(@class, 'active')]"
                    "//td[normalize-space(.)='%s']" % code)))
        ActionChains(self.driver).double_click(row).perform()
        self.wait().until(lambda driver: any(
                e.get_attribute('value') == code
                for e in driver.find_elements(
                    By.CSS_SELECTOR, "input[name='code']")))
        self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//a[normalize-space(.)='Thành phần hồ sơ']")))
        self.driver.save_screenshot(
            os.path.join(OUTPUT, 'sao-dossier-form.png'))
        self.assertEqual(self.severe_errors(), [])

    def test_leader_reads_statistics(self):
        "lanhdao.dongxoai reads the statistics of the city and its wards"
        self.login('lanhdao.dongxoai')
        self.open_menu('Chính quyền điện tử', 'Bộ phận Một cửa', 'Thống kê',
            'Thống kê hồ sơ')
        self.wait().until(EC.visibility_of_element_located(
                (By.XPATH, "//*[@id='tabs']//td[contains(., "
                    "'phường Tân Phú')]")))
        self.driver.save_screenshot(
            os.path.join(OUTPUT, 'sao-dossier-statistics.png'))
        self.open_menu('Biểu đồ tiến độ giải quyết và dịch vụ công trực '
            'tuyến')
        self.wait().until(EC.visibility_of_element_located(
                (By.CSS_SELECTOR, "#tabs .tab-pane.active svg")))
        self.driver.save_screenshot(
            os.path.join(OUTPUT, 'sao-dossier-chart.png'))
        self.assertEqual(self.severe_errors(), [])
