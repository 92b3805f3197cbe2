"""The worker's receipt on a 360-pixel phone, in a real headless Chromium: leaving an opinion
shows the code big enough to read and the link, on one screen without widening the page; the
link opens the opinion; once answered, a tap rates it. Screenshots go to the test's folder (and
to $LIAISON_SCREENSHOTS when set, to look at)."""

import os
import shutil
from pathlib import Path

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from liaison.boards import opinions
from liaison.models import Opinion
from tests.browser import SMALL_PHONE, chromium_driver, csp_violations
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(tmp_path):
    driver = chromium_driver(tmp_path / "profile", device=SMALL_PHONE)
    yield driver
    driver.quit()


def shot(browser, tmp_path, name):
    path = tmp_path / f"{name}.png"
    browser.save_screenshot(str(path))
    if folder := os.environ.get("LIAISON_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def fits(browser) -> bool:
    return browser.execute_script("return document.documentElement.scrollWidth <= screen.width")


def find(browser, selector):
    return browser.find_element(By.CSS_SELECTOR, selector)


def arrived(browser, condition):
    """Wait for `condition` on the next page, through the moment the old one goes away."""
    WebDriverWait(browser, 10, ignored_exceptions=[WebDriverException]).until(condition)


def tap(browser, element):
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    element.click()


def test_a_worker_keeps_the_receipt_and_rates_the_answer_on_a_small_phone(
    live_server, browser, tmp_path, alice
):
    union = GrassrootsUnionFactory(name="北京市西城区某某医院工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    browser.get(f"{live_server.url}/u/{union.public_token}/")
    find(browser, "textarea[name=text]").send_keys("夜班的职工能不能有个休息室？")
    submit = find(browser, ".opinion-form button[type=submit]")
    tap(browser, submit)
    # The next page's receipt, not the old button going stale: Chromium may answer a question
    # about a node of the page being left with "does not belong to the document".
    arrived(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=receipt]")))

    card = find(browser, "[data-testid=receipt]")
    code = find(browser, "[data-testid=receipt-code]")
    assert code.text.count("-") == 3 and len(code.text) == 19
    # Big, and on one line: no code broken across lines.
    size = float(code.value_of_css_property("font-size").removesuffix("px"))
    assert size >= 22
    assert code.size["height"] < 2 * size
    assert code.location["x"] + code.size["width"] <= card.location["x"] + card.size["width"]
    shot(browser, tmp_path, "1-receipt")
    # The whole receipt on the first screen, for one screenshot.
    assert card.location["y"] + card.size["height"] <= SMALL_PHONE["height"]
    assert "截屏或打印" in card.text
    assert fits(browser)
    link = find(browser, ".receipt-link a").get_attribute("href")

    browser.refresh()  # shown once
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=receipt]")

    opinion = Opinion.objects.get()
    opinions.opinion_answer(
        opinion=opinion, user=alice.user, answer="已与单位协商，下月起二楼会议室夜间开放作休息室。"
    )
    browser.get(link)
    assert find(browser, "[data-testid=receipt-status]").text == "已答复"
    assert "二楼会议室" in find(browser, "[data-testid=receipt-answer]").text
    assert alice.name not in browser.page_source
    assert fits(browser)
    shot(browser, tmp_path, "2-answer")

    choice = find(browser, ".rating-form input[value=satisfied]")
    assert choice.find_element(By.XPATH, "..").size["height"] >= 44  # a thumb's target
    tap(browser, choice)
    tap(browser, find(browser, ".rating-form button[type=submit]"))
    arrived(
        browser,
        EC.text_to_be_present_in_element(
            (By.CSS_SELECTOR, "[data-testid=receipt-status]"), "已办结"
        ),
    )
    assert find(browser, "[data-testid=receipt-status]").text == "已办结"
    assert "满意" in browser.page_source
    shot(browser, tmp_path, "3-rated")
    opinion.refresh_from_db()
    assert opinion.rating == "satisfied"
    assert csp_violations(browser) == []
