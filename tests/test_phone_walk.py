"""Every page of every role on a 360 × 740 phone, in a real headless Chromium (zh-CN).

The pages come from the URL conf, through the permission matrix (tests/helpers.PAGES, which
test_permission_matrix.py keeps equal to every named pattern): a role walks each GET page it may
open (200, or a redirect to a page), filled with the matrix's world of objects. Whatever is not
walked must be in SKIPPED below, with the reason — a new page cannot be forgotten.

Each page fails on:
- the page scrolling sideways (document.scrollingElement.scrollWidth > innerWidth);
- a text of two or more Chinese characters wrapped in a box narrower than four characters
  (the "one character a line" of a squeezed table column; a word broken at the end of a wide
  line is fine), or set one character a line whatever its box;
- text below WCAG 2.1 AA contrast (4.5:1; 3:1 from 24 px, or 18.66 px bold), from the rendered
  colours: the text's colour against the first opaque background of its ancestors, the
  translucent ones blended on top;
- no skip link ("跳到主要内容") as the first thing to tab to, or a missing landmark (header, nav,
  main, footer);
- a radio, checkbox, pagination link, button or link in a table smaller than 44 px to tap
  (the input with its label).

One browser per role, one live server for all. Screenshots of every page go to
/tmp/liaison-phone-walk/<role>/ for a person to look at after a local run.
"""

import base64
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.browser import chromium_driver
from tests.factories import CadreFactory, LiaisonAssignmentFactory
from tests.helpers import LOGIN, PAGES, ROLES, build_cadres, project_url_names, user_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREEN = {"width": 360, "height": 740, "pixelRatio": 2}
SHOTS = Path("/tmp/liaison-phone-walk")

# The roles walked: the owner cadre (alice), another cadre (bob), the head of alice's department
# (carol), the organization department (olivia), an anonymous visitor. (The head of another
# department and the administrator see the same pages as carol and olivia.)
WALKED_ROLES = ("anonymous", "owner", "cadre", "head", "organization")

# Named URL patterns that are not pages to look at, and why.
SKIPPED = {
    # Files, not pages: a photo or PDF, spreadsheets, the monitoring's plain answer.
    "records:attachment-download": "a file",
    "records:export-download": "a spreadsheet",
    "records:ledger-export": "a spreadsheet",
    "assignments:import-template": "a spreadsheet",
    "workbooks:compliance": "a spreadsheet",
    "workbooks:assessment": "a spreadsheet",
    "meetings:export": "a spreadsheet",
    "healthz": "plain text for nginx and the monitoring",
    "records:union-search": "JSON for the record sheet's union search",
    # Actions (POST): their forms are on the pages walked, their answers are redirects or the
    # same pages with errors.
    **{name: "an action (POST)" for name, page in PAGES.items() if page.method == "POST"},
}

CHECK_PAGE = r"""
const problems = [];
const root = document.scrollingElement;
if (root.scrollWidth > window.innerWidth) {
  let widest = null;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && (!widest || r.right > widest.r)) {
      widest = {r: r.right, el};
    }
  }
  problems.push(`scrolls sideways: ${root.scrollWidth} > ${window.innerWidth}` +
    (widest ? ` (${describe(widest.el)})` : ''));
}

function describe(el) {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.classList.length) s += '.' + [...el.classList].join('.');
  return s;
}

function visible(el) {
  const style = getComputedStyle(el);
  return style.visibility !== 'hidden' && style.display !== 'none'
    && el.getClientRects().length > 0;
}

function parse(colour) {
  const m = colour.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const parts = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
}

function over(top, bottom) {  // top blended over an opaque bottom
  return {r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
          b: top.b * top.a + bottom.b * (1 - top.a), a: 1};
}

function luminance(c) {
  const f = v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
}

// The background behind el: its ancestors' colours, translucent ones blended on the first
// opaque one (white at the top). null when an image or gradient is in the way.
function background(el) {
  const layers = [];
  for (let node = el; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.backgroundImage !== 'none') return null;
    const c = parse(style.backgroundColor);
    if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
  }
  let colour = {r: 255, g: 255, b: 255, a: 1};
  for (const layer of layers.reverse()) colour = layer.a >= 1 ? layer : over(layer, colour);
  return colour;
}

// The width of the box text flows in: the first ancestor that is not plain inline.
function boxWidth(el) {
  for (let node = el; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.display === 'inline' || style.display === 'contents') continue;
    return node.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }
  return window.innerWidth;
}

function opacity(el) {
  let o = 1;
  for (let node = el; node; node = node.parentElement) o *= Number(getComputedStyle(node).opacity);
  return o;
}

const CJK = /[\u3400-\u9fff]/g;
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
while (walker.nextNode()) {
  const node = walker.currentNode;
  const text = node.textContent.trim();
  const el = node.parentElement;
  if (!text || !el) continue;
  if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION'].includes(el.tagName)) continue;
  if (el.closest('template, [hidden], svg')) continue;
  if (!visible(el)) continue;
  const range = document.createRange();
  range.selectNodeContents(node);
  const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
  if (!rects.length) continue;
  const style = getComputedStyle(el);
  const size = parseFloat(style.fontSize);
  const label = `"${text.slice(0, 30)}" (${describe(el)})`;

  // Squeezed: two or more Chinese characters on several lines, no line four characters wide.
  const chinese = (text.match(CJK) || []).length;
  if (chinese >= 2 && !el.closest('.visually-hidden, .visually-hidden-focusable, .hp')) {
    // The box the text flows in: a word broken at the end of a wide line is not squeezed.
    const lines = new Set(rects.map(r => Math.round(r.top)));
    const room = boxWidth(el);
    const oneCharLines = rects.every(r => r.width < 1.5 * size) && lines.size >= 3;
    if (lines.size >= 2 && (room < 4 * size - 1 || oneCharLines)) {
      problems.push(`squeezed to ${Math.floor(room / size)} character(s) a line: ${label}`);
    }
  }

  // Contrast, AA. Disabled controls are exempt (WCAG 1.4.3).
  if (el.closest(':disabled, [aria-disabled="true"], .disabled')) continue;
  const fg = parse(style.color);
  const bg = background(el);
  if (!fg || !bg) continue;
  const ink = over({...fg, a: fg.a * opacity(el)}, bg);
  const l1 = luminance(ink), l2 = luminance(bg);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const bold = Number(style.fontWeight) >= 700;
  const large = size >= 24 || (bold && size >= 18.66);
  const needed = large ? 3 : 4.5;
  const key = `${label}|${ratio.toFixed(2)}`;
  if (ratio < needed && !seen.has(key)) {
    seen.add(key);
    problems.push(`contrast ${ratio.toFixed(2)}:1 < ${needed}:1: ${label} ` +
      `${style.color} on rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})`);
  }
}

// Landmarks and the skip link.
for (const landmark of ['header', 'nav', 'main', 'footer']) {
  if (!document.querySelector(landmark)) problems.push(`no <${landmark}> landmark`);
}
const first = document.querySelector(
  'a[href], button, input:not([type=hidden]), select, textarea, summary');
if (!first || first.textContent.trim() !== '跳到主要内容' || !first.matches('a[href="#main"]')) {
  problems.push('the first thing to tab to is not the skip link: '
    + (first && first.outerHTML.slice(0, 80)));
}
if (!document.getElementById('main')) problems.push('the skip link has no #main to go to');

// Tap targets of 44 px: radios and checkboxes with their labels, pagination, buttons,
// links in tables, chips.
const targets = document.querySelectorAll(
  'input[type=radio], input[type=checkbox], .page-link, .btn, button, table a, td a, .chip');
for (const el of targets) {
  if (!visible(el) || el.closest('.visually-hidden, .hp, .no-tap-check')) continue;
  let box = el.getBoundingClientRect();
  let height = box.height, width = box.width;
  if (el.matches('input')) {
    for (const l of el.labels || []) {
      const r = l.getBoundingClientRect();
      height = Math.max(height, r.height); width = Math.max(width, r.width);
    }
    const row = el.closest('.form-check');
    if (row) { const r = row.getBoundingClientRect(); height = Math.max(height, r.height); }
  }
  if (height < 43.5 || width < 43.5) {
    problems.push(`tap target ${Math.round(width)}×${Math.round(height)} px: ` +
      `${describe(el)} "${(el.textContent || el.value || el.name || '').trim().slice(0, 20)}"`);
  }
}
return problems;
"""

OPEN_MENU = """
document.querySelectorAll('#main-nav, .navbar .dropdown-menu')
  .forEach(el => el.classList.add('show'));
"""


def screenshot(browser, path):
    """The whole page, not only the screen's first 740 px."""
    height = browser.execute_script("return document.scrollingElement.scrollHeight")
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": SCREEN["width"], "height": height, "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def log_in(browser, live_server, user):
    """The user's session as a cookie (the login form is a page walked by the anonymous)."""
    client = Client()
    client.force_login(user)
    browser.get(f"{live_server.url}/healthz")
    browser.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )


def pages_of(world, role):
    """The URLs of the pages `role` may open (200, or a redirect other than to the login)."""
    column = ROLES.index(role)
    urls = {}
    for name, page in sorted(PAGES.items()):
        if name in SKIPPED:
            continue
        status = page.statuses[column]
        if status == 200 or (status == 302 and not (role == "anonymous" and status == LOGIN)):
            urls[name] = reverse(name, kwargs=page.kwargs(world))
    return urls


def test_every_page_is_walked_or_skipped_with_a_reason(world):
    walked = set()
    for role in WALKED_ROLES:
        walked |= pages_of(world, role).keys()
    assert sorted(project_url_names() - walked - SKIPPED.keys()) == []
    assert sorted(walked & SKIPPED.keys()) == []


@pytest.fixture
def busier_world(world, department, other_department):
    """The matrix's world with rows in every table: more cadres with units, sheets and
    problems, and two accounts still to activate (the activation list and cards)."""
    build_cadres(4, department, other_department)
    for name in ("周新来", "吴待激活"):
        user = CadreFactory(name=name, department=department).user
        user.set_unusable_password()
        user.save()
    return world


@pytest.mark.parametrize("role", WALKED_ROLES)
def test_every_page_of_the_role_fits_a_phone(role, busier_world, live_server, tmp_path):
    world = busier_world
    browser = chromium_driver(tmp_path / "profile", device=SCREEN)
    shots = SHOTS / role
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    failures = {}
    try:
        user = user_of(world, role)
        if user is not None:
            log_in(browser, live_server, user)
        for name, url in pages_of(world, role).items():
            browser.get(live_server.url + url)
            assert browser.current_url.startswith(live_server.url), (name, browser.current_url)
            if not (role == "anonymous" or user is None):
                assert "/accounts/login/" not in browser.current_url, (name, "logged out")
            screenshot(browser, shots / f"{name.replace(':', '-')}.png")
            problems = browser.execute_script(CHECK_PAGE)
            if name == "home" and user is not None:
                # The menu too, opened: its words on the red, its items to tap.
                browser.execute_script(OPEN_MENU)
                screenshot(browser, shots / "home-menu.png")
                problems += [f"menu: {p}" for p in browser.execute_script(CHECK_PAGE)]
            if problems:
                failures[f"{name} {url}"] = problems
    finally:
        browser.quit()
    report = "\n".join(
        f"{page}\n" + "\n".join(f"  - {problem}" for problem in problems)
        for page, problems in failures.items()
    )
    (shots / "problems.txt").write_text(report)
    assert not failures, f"{len(failures)} page(s) do not fit a phone:\n{report}"


# Tables that stay tables on a phone, and why.
TABLES_THAT_STAY = {
    # The printed sheets' own: they reflow by their own CSS (board.css, record_print.css).
    "templates/liaison/_board.html": "printed",
    "templates/records/record_print.html": "printed",
    "templates/liaison/meeting_print.html": "printed",
    "templates/records/topics/print.html": "printed",
    # A label and a figure a row: two columns fit a phone as they are.
    "templates/liaison/upward_report.html": "two columns",
}


def test_every_table_of_the_pages_turns_into_cards_on_a_phone():
    templates = Path(settings.BASE_DIR) / "templates"
    without = []
    for path in sorted(templates.rglob("*.html")):
        name = str(path.relative_to(settings.BASE_DIR))
        for table in re.findall(r"<table[^>]*>", path.read_text()):
            if name not in TABLES_THAT_STAY and "table-cards" not in table:
                without.append(f"{name}: {table}")
    assert without == []


def pdf_pages(browser, keep: Path | None = None) -> int:
    """The page printed as Chromium prints it (A4, the page's own @page size); its number of
    pages. `keep`: where to leave the PDF for a person to look at."""
    pdf = browser.execute_cdp_cmd(
        "Page.printToPDF",
        {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True},
    )
    data = base64.b64decode(pdf["data"])
    if keep:
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.write_bytes(data)
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_the_printed_pages_stay_one_a4_page_each(world, live_server, tmp_path):
    """Reflowing for a phone's screen leaves paper alone: a union's board with six contact
    cadres, a record sheet and a meeting's minutes print on one A4 page each."""
    for _ in range(5):
        LiaisonAssignmentFactory(cadre=CadreFactory(), union=world.union, year=2026)
    browser = chromium_driver(tmp_path / "profile", device=SCREEN)
    try:
        log_in(browser, live_server, world.olivia.user)
        for name, kwargs in (
            ("boards:board", {"pk": world.union.pk}),
            ("records:record-print", {"pk": world.filed.pk}),
            ("meetings:print", {"pk": world.meeting.pk}),
        ):
            browser.get(live_server.url + reverse(name, kwargs=kwargs))
            assert pdf_pages(browser, SHOTS / f"{name.replace(':', '-')}.pdf") == 1, name
        # Two unions of a street: two boards, one page each.
        browser.get(live_server.url + reverse("boards:board-street", args=[world.union.street]))
        boards = len(browser.find_elements("css selector", "article.board"))
        assert boards >= 1
        assert pdf_pages(browser) == boards
    finally:
        browser.quit()
