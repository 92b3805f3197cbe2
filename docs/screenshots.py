"""Take the README's screenshots from the demo data, with headless Chromium.

    .venv/bin/python docs/screenshots.py [OUTDIR]      # OUTDIR defaults to docs/screenshots

A scratch SQLite database in a temporary folder is migrated and seeded with `seed_demo`, served
by `runserver` on a free port of 127.0.0.1, and photographed: the compliance dashboard on a
desktop (as `org`), a cadre's home and the work record sheet on a phone (as `cadre`). The
project's own database is not touched. Needs Debian's chromium and chromium-driver
(`make system-packages`) and the dev dependencies (Selenium).
"""

import argparse
import base64
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM_FLAGS  # noqa: E402  (the same flags as the browser test)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "liaison-demo"  # seed_demo's demo password (DEBUG only)
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844, "pixelRatio": 2}
FLAGS = [*CHROMIUM_FLAGS, "--hide-scrollbars"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def browser(profile: Path, phone: bool) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    if phone:
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": PHONE, "userAgent": "Mozilla/5.0 (Linux; Android 14) Mobile"},
        )
    else:
        options.add_argument(f"--window-size={DESKTOP['width']},{DESKTOP['height']}")
    # A Chinese locale makes fontconfig choose the Simplified Chinese forms of the CJK fonts.
    service = Service(CHROMEDRIVER, env={**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"})
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(5)
    return driver


def log_in(driver: webdriver.Chrome, base: str, username: str) -> None:
    driver.get(f"{base}/accounts/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 15).until(EC.url_to_be(f"{base}/"))


def save(driver: webdriver.Chrome, path: Path, clip: dict | None = None) -> None:
    params = {"format": "png"}
    if clip:
        params |= {"captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "scale": 1, **clip}}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", params)
    path.write_bytes(base64.b64decode(shot["data"]))
    print(f"{path}: {path.stat().st_size // 1024} KB")


def shoot_page(driver: webdriver.Chrome, path: Path, bottom_of: str, fallback: int) -> None:
    """The page from its top down to the end of the element `bottom_of` (or `fallback` CSS
    pixels if there is none)."""
    height = driver.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return e ? e.getBoundingClientRect().bottom + window.scrollY + 44 : arguments[1];",
        bottom_of,
        fallback,
    )
    width = driver.execute_script("return document.documentElement.clientWidth")
    save(driver, path, {"width": width, "height": height})


def shoot_phone(driver: webdriver.Chrome, path: Path, height: int) -> None:
    """A phone with a tall screen: what a cadre sees by scrolling a little, with the sticky
    action bar where it belongs, at the bottom."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": PHONE["width"],
            "height": height,
            "deviceScaleFactor": PHONE["pixelRatio"],
            "mobile": True,
        },
    )
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.3)
    save(driver, path)


def fill_in_a_sheet(driver: webdriver.Chrome) -> None:
    """A sheet begun: the form of contact, the content areas and the days chosen."""
    driver.execute_script(
        "document.querySelector('input[name=contact_form][value=on_site]').click();"
        "document.querySelector('input[name=content_areas][value=needs]').click();"
        "document.querySelector('input[name=content_areas][value=problems]').click();"
    )
    driver.find_element(By.NAME, "days").clear()
    driver.find_element(By.NAME, "days").send_keys("1")
    driver.execute_script("document.activeElement.blur()")


def take(base: str, out: Path, scratch: Path) -> None:
    desk = browser(scratch / "desktop", phone=False)
    try:
        log_in(desk, base, "org")
        # The division-level leaders only: the table stays short enough to show the pictures
        # below it (the department bars, the quarterly trend).
        desk.get(f"{base}/compliance/?rank=leader")
        desk.find_element(By.CSS_SELECTOR, "main table")
        shoot_page(desk, out / "dashboard.png", "[data-testid=federation-trend]", 1600)
    finally:
        desk.quit()

    phone = browser(scratch / "phone", phone=True)
    try:
        log_in(phone, base, "cadre")
        shoot_phone(phone, out / "cadre-home.png", height=1100)
        # The first contact unit's own button opens a record sheet for it.
        phone.find_element(By.CSS_SELECTOR, "main a[href*='?union=']").click()
        WebDriverWait(phone, 15).until(EC.url_contains("/records/new/"))
        fill_in_a_sheet(phone)
        shoot_phone(phone, out / "record-sheet.png", height=1100)
    finally:
        phone.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", nargs="?", default=ROOT / "docs" / "screenshots", type=Path)
    out = parser.parse_args().outdir.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="liaison-screenshots-") as folder:
        scratch = Path(folder)
        env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{scratch / 'demo.sqlite3'}",
            "MEDIA_ROOT": str(scratch / "media"),
        }
        manage("migrate", "--noinput", "--verbosity=0", env=env)
        manage("createcachetable", env=env)
        manage("seed_demo", env=env)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/accounts/login/")
            take(base, out, scratch)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
