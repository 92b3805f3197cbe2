"""A cadre files a complete sheet with one problem on a 390×844 phone, in a real headless
Chromium, as a person would: taps and typing, counted. The README states the count.

Target (issue 15): at most 12 taps besides the typing, one submit, no horizontal scroll."""

import datetime
import shutil
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from records.models import Problem, VisitRecord
from tests.browser import chromium_driver, csp_violations
from tests.factories import PASSWORD, GrassrootsUnionFactory, LiaisonAssignmentFactory
from tests.helpers import D, filed
from unions.models import Cadre

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TAP_TARGET = 12


class Person:
    """Taps and types on the phone, and counts: taps on a text box to type in it belong to
    the typing; every other tap (a choice, a chip, a button) is counted apart."""

    def __init__(self, driver):
        self.driver = driver
        self.taps = 0  # besides the typing
        self.focus_taps = 0  # on a text box, to type in it
        self.keystrokes = 0
        self.submits = 0

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def _tap(self, element):
        # Into view, clear of the sticky action bar, as a thumb would scroll to it.
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
        )
        element.click()

    def tap(self, selector):
        self._tap(self.find(selector))
        self.taps += 1

    def submit(self, selector):
        self.tap(selector)
        self.submits += 1

    def type(self, selector, text, *, focused=False):
        """Tap the box (unless the page already put the cursor in it), then type: through the
        DevTools protocol's insertText, as an input method commits Chinese text (chromedriver's
        send_keys may type nothing into a textarea reached by scrolling)."""
        box = self.find(selector)
        if not focused:
            self._tap(box)
            self.focus_taps += 1
        assert self.driver.switch_to.active_element == box, selector
        self.driver.execute_cdp_cmd("Input.insertText", {"text": text})
        self.keystrokes += len(text)

    def value(self, selector):
        return self.find(selector).get_attribute("value")

    def no_horizontal_scroll(self):
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )


@pytest.fixture
def browser(tmp_path):
    driver = chromium_driver(tmp_path / "profile")
    yield driver
    driver.quit()


@pytest.fixture
def shots(tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    yield folder
    # Kept for a person to look at after a local run.
    shutil.copytree(folder, "/tmp/liaison-browser-shots/filing", dirs_exist_ok=True)


def test_a_cadre_files_a_complete_sheet_with_one_problem_in_few_taps(
    live_server, browser, alice, shots
):
    alice.rank = Cadre.Rank.DIVISION
    alice.save()
    units = [
        GrassrootsUnionFactory(name=name)
        for name in (
            "北京天桥百货商场工会",
            "西城区某某医院工会",
            "某某银行西城支行工会",
            "某某设计院工会",
        )
    ]
    for union in units:
        LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    # An earlier visit: its people met and policies come back as chips.
    filed(
        alice,
        units[1],
        D(2026, 11, 16),
        people_met="工会主席、一线职工代表",
        policies_publicised="职工互助保障政策",
    )
    person = Person(browser)
    wait = WebDriverWait(browser, 10)

    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(EC.url_to_be(f"{live_server.url}/"))
    browser.get(f"{live_server.url}/records/new/")
    wait.until(EC.presence_of_element_located((By.ID, "id_union_0")))
    browser.save_screenshot(str(shots / "1-new-sheet.png"))
    assert person.no_horizontal_scroll()

    # The four units are one tap each; today is proposed as the one date, 1 day for it.
    assert len(browser.find_elements(By.CSS_SELECTOR, ".union-chip")) == 4
    person.tap("label[for=id_union_0]")
    assert person.value("#id_start_date") == person.value("#id_end_date") == "2026-11-24"
    assert person.value("#id_days") == "1"
    person.tap("input[name=contact_form][value=on_site]")
    person.tap("input[name=content_areas][value=needs]")
    person.tap("input[name=content_areas][value=problems]")
    person.type("#id_questions_prepared", "夜班职工通勤有什么困难？")
    person.tap("#div_id_people_met .recent-text")
    person.type("#id_workers_met", "8")
    person.type("#id_needs_and_opinions", "希望增加夜班班车")
    person.tap("#div_id_policies_publicised .recent-text")
    person.type("#id_actions_on_spot", "当场联系公交公司了解线路")
    person.tap("#integrity-all-declined")
    browser.save_screenshot(str(shots / "2-sheet.png"))

    person.tap("#add-problem")
    assert not person.find("#id_problems-0-department").is_displayed()
    # The new problem's description has the cursor; solved on the spot is its default.
    person.type("#id_problems-0-description", "食堂价格公示不清", focused=True)
    person.type("#id_problems-0-action_on_spot", "当场协调食堂公示价格")
    browser.save_screenshot(str(shots / "3-problem.png"))

    # What was typed and picked is on the page before it is sent.
    typed = {
        "#id_questions_prepared": "夜班职工通勤有什么困难？",
        "#id_people_met": "工会主席、一线职工代表",
        "#id_workers_met": "8",
        "#id_needs_and_opinions": "希望增加夜班班车",
        "#id_policies_publicised": "职工互助保障政策",
        "#id_actions_on_spot": "当场联系公交公司了解线路",
        "#id_problems-0-description": "食堂价格公示不清",
        "#id_problems-0-action_on_spot": "当场协调食堂公示价格",
    }
    assert {selector: person.value(selector) for selector in typed} == typed
    assert person.no_horizontal_scroll()
    assert csp_violations(browser) == []

    person.submit("button[name=action][value=file]")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=history]")))
    browser.save_screenshot(str(shots / "4-filed.png"))
    assert "已备案" in browser.page_source

    record = VisitRecord.objects.get(cadre=alice, union=units[0])
    assert record.status == VisitRecord.Status.FILED
    assert record.start_date == record.end_date == datetime.date(2026, 11, 24)
    assert record.days == Decimal("1")
    assert record.people_met == "工会主席、一线职工代表"
    assert record.workers_met == 8
    assert record.has_integrity_exception is False
    [problem] = record.problems.all()
    assert problem.status == Problem.Status.CLOSED

    counts = {
        "taps": person.taps,
        "focus_taps": person.focus_taps,
        "keystrokes": person.keystrokes,
        "submits": person.submits,
    }
    print("filing on a phone:", counts)
    assert person.submits == 1
    assert person.taps <= TAP_TARGET, counts
    assert counts == {"taps": 9, "focus_taps": 5, "keystrokes": 51, "submits": 1}


def set_date(browser, field_id, value):
    """A date as the phone's date picker gives it: the value, then an input event."""
    browser.execute_script(
        "const box = document.getElementById(arguments[0]); box.value = arguments[1];"
        "box.dispatchEvent(new Event('input', {bubbles: true}));",
        field_id,
        value,
    )


def test_the_end_date_follows_and_the_days_are_proposed_until_the_cadre_types_them(
    live_server, browser, alice
):
    union = GrassrootsUnionFactory(name="北京天桥百货商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    filed(alice, union, D(2026, 11, 23), days="0.5")  # half of Monday is taken
    person = Person(browser)
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.url_to_be(f"{live_server.url}/"))
    browser.get(f"{live_server.url}/records/new/")

    set_date(browser, "id_start_date", "2026-11-23")
    assert person.value("#id_end_date") == "2026-11-23"
    assert person.value("#id_days") == "0.5"
    set_date(browser, "id_start_date", "2026-11-20")  # Friday
    assert person.value("#id_end_date") == "2026-11-20"
    assert person.value("#id_days") == "1"
    # Friday to Monday: two working days, Monday has half a day left: 0.5 each.
    set_date(browser, "id_end_date", "2026-11-23")
    assert person.value("#id_days") == "1"
    # The end date is the cadre's now: it stays when the start moves to Saturday.
    set_date(browser, "id_start_date", "2026-11-21")
    assert person.value("#id_end_date") == "2026-11-23"
    assert person.value("#id_days") == "0.5"
    person.tap("input[name=contact_form][value=remote]")
    assert person.value("#id_days") == "0"
    person.tap("input[name=contact_form][value=on_site]")
    assert person.value("#id_days") == "0.5"
    person.type("#id_days", "1")  # after the 0.5: the cadre's own "0.51" is theirs
    set_date(browser, "id_start_date", "2026-11-20")
    assert person.value("#id_days") == "0.51"


def test_a_refused_sheet_puts_the_focus_on_the_list_of_errors(live_server, browser, alice):
    union = GrassrootsUnionFactory(name="北京天桥百货商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    person = Person(browser)
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.url_to_be(f"{live_server.url}/"))
    browser.get(f"{live_server.url}/records/new/")

    person.tap("label[for=id_union_0]")
    person.submit("button[name=action][value=file]")
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "error-summary")))

    summary = person.find("#error-summary")
    assert browser.switch_to.active_element == summary
    links = summary.find_elements(By.CSS_SELECTOR, "a")
    assert len(links) == 6  # form of contact, areas, questions, the three integrity answers
    links[0].click()
    assert browser.switch_to.active_element == person.find("#id_contact_form_0")
    assert person.no_horizontal_scroll()
    assert csp_violations(browser) == []
