"""Headless Chromium from Debian's packages, driven by Selenium, on a phone-sized screen."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# CI installs the browser and must not skip; a developer without it is told how to get it.
REQUIRED = os.environ.get("LIAISON_REQUIRE_BROWSER") == "1"
PHONE = {"width": 390, "height": 844, "pixelRatio": 2}
# The narrowest phone the pages are made for.
SMALL_PHONE = {"width": 360, "height": 740, "pixelRatio": 3}
# The closed network: no background connections, no component updates, no sync.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=zh-CN",
)


def chromium_driver(profile_dir, device=PHONE):
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        message = "no chromium/chromedriver: apt-get install chromium chromium-driver"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}"):
        options.add_argument(flag)
    options.add_experimental_option(
        "mobileEmulation",
        {"deviceMetrics": device, "userAgent": "Mozilla/5.0 (Linux; Android 14) Mobile"},
    )
    # The console, so a test can see what the Content-Security-Policy refused.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # zh-CN as on the users' phones: --lang for the pages (Accept-Language), LANGUAGE for the
    # browser's own widgets (date picker, file chooser; their words come from chromium-l10n).
    env = {**os.environ, "LANGUAGE": "zh_CN", "LANG": "zh_CN.UTF-8"}
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER, env=env), options=options)
    driver.implicitly_wait(5)
    return driver


def csp_violations(driver) -> list[str]:
    """What the browser refused under the Content-Security-Policy since the last call (an
    inline script, style or handler; a file from elsewhere), from its console."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
