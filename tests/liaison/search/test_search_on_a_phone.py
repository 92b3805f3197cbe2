"""The menu's search box on a 360-px phone, in a real headless Chromium: open the menu, type the
words, read the marked passage, open the sheet."""

import datetime

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import PHONE, chromium_driver, csp_violations
from tests.factories import PASSWORD, VisitRecordFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(tmp_path):
    driver = chromium_driver(tmp_path / "profile", device={**PHONE, "width": 360})
    yield driver
    driver.quit()


def test_a_cadre_searches_from_the_menu_on_a_phone(live_server, browser, alice, tmp_path):
    record = VisitRecordFactory(
        cadre=alice, start_date=datetime.date(2026, 11, 2), needs_and_opinions="外卖骑手夜班欠薪"
    )
    wait = WebDriverWait(browser, 10)
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(EC.url_to_be(f"{live_server.url}/"))

    box = browser.find_element(By.CSS_SELECTOR, ".nav-search input[name=q]")
    assert not box.is_displayed()  # in the folded menu
    browser.find_element(By.CSS_SELECTOR, ".navbar-toggler").click()
    wait.until(EC.visibility_of(box))
    box.send_keys("夜班欠薪", Keys.ENTER)

    passage = wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".search-hits .search-passage"))
    )
    marks = [mark.text for mark in passage.find_elements(By.TAG_NAME, "mark")]
    assert marks == ["夜班", "欠薪"]
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, "the page scrolls sideways"
    assert csp_violations(browser) == []
    browser.save_screenshot(str(tmp_path / "search.png"))

    browser.find_element(By.CSS_SELECTOR, ".search-hits a").click()
    wait.until(EC.url_to_be(f"{live_server.url}/records/{record.pk}/"))
