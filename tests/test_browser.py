"""A cadre files a record sheet on a phone, in a real headless Chromium."""

import datetime
import shutil
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from records.models import Problem, VisitRecord
from tests.browser import chromium_driver, csp_violations
from tests.factories import PASSWORD, GrassrootsUnionFactory, LiaisonAssignmentFactory

# serialized_rollback: a transactional test flushes the database when it ends, role groups
# (created by migrations) included; each such test restores them when it starts.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tap(browser, element):
    """Scroll the element to the middle of the screen (clear of the sticky action bar), tap."""
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    element.click()


def find(browser, selector):
    return browser.find_element(By.CSS_SELECTOR, selector)


@pytest.fixture
def browser(tmp_path):
    driver = chromium_driver(tmp_path / "profile")
    yield driver
    driver.quit()


def test_a_cadre_files_a_record_on_a_phone_and_sees_the_days_at_home(
    live_server, browser, alice, other_department, tmp_path
):
    union = GrassrootsUnionFactory(name="北京天桥百货商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    wait = WebDriverWait(browser, 10)

    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    tap(browser, find(browser, "form button[type=submit]"))
    wait.until(EC.url_to_be(f"{live_server.url}/"))
    assert "北京天桥百货商场工会" in browser.page_source
    browser.save_screenshot(str(tmp_path / "1-home-before.png"))
    assert csp_violations(browser) == []

    # The unit's own button opens a sheet for it.
    tap(browser, find(browser, "main a[href*='?union=']"))
    wait.until(EC.presence_of_element_located((By.ID, "id_union_0")))
    assert find(browser, "input[name=union]:checked").get_attribute("value") == str(union.pk)
    days = browser.find_element(By.ID, "id_days")
    days.clear()
    days.send_keys("1")
    tap(browser, find(browser, "input[name=contact_form][value=on_site]"))
    tap(browser, find(browser, "input[name=content_areas][value=needs]"))
    tap(browser, find(browser, "input[name=content_areas][value=problems]"))
    browser.find_element(By.ID, "id_questions_prepared").send_keys("职工食堂价格和夜班通勤怎么样？")
    browser.find_element(By.ID, "id_people_met").send_keys("工会主席、一线职工8人")
    browser.find_element(By.ID, "id_needs_and_opinions").send_keys("希望增加夜班班车")
    for name in ("transport_accepted", "gifts_accepted", "banquet_accepted"):
        tap(browser, find(browser, f"input[name={name}][value=False]"))

    # Two problems: one solved on the spot, one to transfer.
    add = browser.find_element(By.ID, "add-problem")
    tap(browser, add)
    browser.find_element(By.ID, "id_problems-0-description").send_keys("食堂价格公示不清")
    tap(browser, find(browser, "input[name='problems-0-resolution'][value=on_spot]"))
    browser.find_element(By.ID, "id_problems-0-action_on_spot").send_keys("当场协调公示价格")
    tap(browser, add)
    browser.find_element(By.ID, "id_problems-1-description").send_keys("夜班职工通勤困难")
    tap(browser, find(browser, "input[name='problems-1-resolution'][value=transfer]"))
    Select(browser.find_element(By.ID, "id_problems-1-department")).select_by_visible_text(
        other_department.name
    )
    browser.save_screenshot(str(tmp_path / "2-sheet.png"))
    assert csp_violations(browser) == []

    file_button = browser.find_element(By.CSS_SELECTOR, "button[name=action][value=file]")
    tap(browser, file_button)
    wait.until(EC.url_contains("/records/"))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=history]")))
    assert "已备案" in browser.page_source

    record = VisitRecord.objects.get(cadre=alice)
    assert record.status == VisitRecord.Status.FILED
    assert record.start_date == datetime.date(2026, 11, 24)
    assert record.days == Decimal("1.0")
    assert {p.resolution: p.status for p in record.problems.all()} == {
        Problem.Resolution.ON_SPOT: Problem.Status.CLOSED,
        Problem.Resolution.TRANSFER: Problem.Status.TRANSFERRED,
    }

    browser.get(f"{live_server.url}/")
    assert "已累计 1 天" in browser.page_source
    browser.save_screenshot(str(tmp_path / "3-home-after.png"))
    # The bar is drawn by a class (no style attribute): 1 of 21 days is 4 % of the track.
    bar = find(browser, "[data-testid=year-progress] .progress-bar")
    track = find(browser, "[data-testid=year-progress] .progress")
    assert 0 < bar.size["width"] < track.size["width"] * 0.1
    assert csp_violations(browser) == []
    # Kept for a person to look at after a local run.
    shutil.copytree(
        tmp_path,
        "/tmp/liaison-browser-shots",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("profile"),
    )
