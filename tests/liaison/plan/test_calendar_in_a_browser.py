"""The contact calendar in a real headless Chromium: a list per day on a phone (below 576 px),
the month's grid on a desktop and on paper."""

import datetime

import pytest
from selenium.webdriver.common.by import By

from tests.browser import chromium_driver, csp_violations
from tests.factories import PASSWORD, GrassrootsUnionFactory
from tests.helpers import filed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
D = datetime.date


@pytest.fixture
def browser(tmp_path):
    driver = chromium_driver(
        tmp_path / "profile", device={"width": 360, "height": 740, "pixelRatio": 2}
    )
    yield driver
    driver.quit()


def shown(browser, selector) -> list[str]:
    """The text of the elements that take up room on the page."""
    return [
        element.text
        for element in browser.find_elements(By.CSS_SELECTOR, selector)
        if element.is_displayed()
    ]


def test_a_cadre_reads_the_month_as_a_list_on_a_phone_and_as_a_grid_on_paper(
    live_server, browser, alice
):
    filed(alice, GrassrootsUnionFactory(name="北京天桥百货商场工会"), D(2026, 11, 19), days="1.5")
    browser.get(f"{live_server.url}/accounts/login/?next=/plan/")
    browser.find_element(By.NAME, "username").send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=plan-grid]")

    # A phone: one day under the other, only the visit's day and today, nothing sideways.
    days = shown(browser, ".plan-day")
    assert len(days) == 2
    assert (
        days[0].startswith("11月19日") and "北京天桥百货商场工会" in days[0] and "1.5 天" in days[0]
    )
    assert days[1].startswith("11月24日")  # today
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )

    # On paper: the grid of the month, Monday to Sunday, the menu and buttons left out.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    columns = browser.execute_script(
        "return getComputedStyle(document.querySelector('.plan-grid')).gridTemplateColumns"
    )
    assert len(columns.split()) == 7
    assert len(shown(browser, ".plan-day")) == 42  # 26 October to 6 December: six weeks
    assert shown(browser, ".plan-nav") == []
    assert csp_violations(browser) == []


def test_a_desktop_shows_the_month_as_a_grid(live_server, tmp_path, alice):
    driver = chromium_driver(
        tmp_path / "desk", device={"width": 1280, "height": 900, "pixelRatio": 1}
    )
    try:
        driver.get(f"{live_server.url}/accounts/login/?next=/plan/")
        driver.find_element(By.NAME, "username").send_keys("alice")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        driver.find_element(By.CSS_SELECTOR, "[data-testid=plan-grid]")
        columns = driver.execute_script(
            "return getComputedStyle(document.querySelector('.plan-grid')).gridTemplateColumns"
        )
        assert len(columns.split()) == 7
        assert len(shown(driver, ".plan-day")) == 42
    finally:
        driver.quit()
