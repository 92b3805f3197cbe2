"""The language switch on a 360-pixel phone, in a real headless Chromium: it fits without
widening the page, and a tap changes the language."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import SMALL_PHONE, chromium_driver, csp_violations
from tests.factories import PASSWORD, GrassrootsUnionFactory

# serialized_rollback: a transactional test flushes the database when it ends, role groups
# (created by migrations) included; each such test restores them when it starts.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(tmp_path):
    driver = chromium_driver(tmp_path / "profile", device=SMALL_PHONE)
    yield driver
    driver.quit()


def choose(browser, language: str):
    button = browser.find_element(By.CSS_SELECTOR, f".language-switch button[value='{language}']")
    # Instantly: Bootstrap scrolls smoothly, and a tap during the scroll lands elsewhere.
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button
    )
    assert button.size["height"] >= 36  # a target a thumb can hit
    button.click()
    WebDriverWait(browser, 10).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, f"html[lang='{language}']"))
    )


def fits(browser) -> bool:
    """Nothing wider than the screen (a wider page makes the phone zoom out)."""
    return browser.execute_script("return document.documentElement.scrollWidth <= screen.width")


def test_a_cadre_switches_to_english_on_a_small_phone(live_server, browser, alice):
    browser.get(f"{live_server.url}/accounts/login/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "登录"
    assert fits(browser)

    choose(browser, "en")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Log in"
    assert fits(browser)
    browser.find_element(By.NAME, "username").send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.url_to_be(f"{live_server.url}/"))
    assert "Log out" in browser.page_source
    assert fits(browser)

    choose(browser, "zh-hans")
    assert "退出登录" in browser.page_source
    assert fits(browser)
    assert csp_violations(browser) == []


def test_a_worker_switches_the_public_page_to_english(live_server, browser):
    union = GrassrootsUnionFactory(name="北京市西城区某某医院工会")
    browser.get(f"{live_server.url}/u/{union.public_token}/")
    assert fits(browser)

    choose(browser, "en")
    assert "Send" in browser.page_source
    assert fits(browser)
    assert csp_violations(browser) == []
