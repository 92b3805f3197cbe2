"""Helpers the tests share: a complete record sheet's POST and its problems, the values of a
rendered form, a department of cadres with figures, and the permission matrix's world of roles."""

import datetime
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.http import urlsafe_base64_encode
from openpyxl import load_workbook

from records.models import ExportJob, Notification, Problem, VisitRecord
from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    ProblemFactory,
    VisitRecordFactory,
)
from unions.models import Cadre
from unions.permissions import may

D = datetime.date
BEIJING = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment in Beijing time."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


TEXTS = {
    "questions_prepared": "职工对食堂和通勤有什么意见？",
    "people_met": "工会主席张明、一线职工代表",
    "needs_and_opinions": "希望增加夜班班车",
    "policies_publicised": "宣传了职工互助保障政策",
    "actions_on_spot": "当场协调食堂延长供餐时间",
}


def filed(cadre, union, on, *, days="1.0", end=None, filed_at=None, **kwargs):
    end = end or on
    return VisitRecordFactory(
        cadre=cadre,
        union=union,
        start_date=on,
        end_date=end,
        days=Decimal(days),
        filed_at=filed_at or at(end),
        **kwargs,
    )


def sheet(union, *, problems=(), **changes):
    """The POST of a complete, valid sheet for `union`; `changes` replace fields (None drops
    one), `problems` are the problem rows (dicts of the row's fields)."""
    data = {
        "union": str(union.pk),
        "start_date": "2026-11-23",
        "end_date": "2026-11-23",
        "days": "1",
        "contact_form": "on_site",
        "content_areas": ["needs", "problems"],
        **TEXTS,
        "workers_met": "12",
        "transport_accepted": "False",
        "gifts_accepted": "False",
        "banquet_accepted": "False",
        "integrity_explanation": "",
        "problems-TOTAL_FORMS": str(len(problems)),
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "1000",
        "attach-pending": "",
        "action": "file",
    }
    for index, row in enumerate(problems):
        for name, value in row.items():
            data[f"problems-{index}-{name}"] = value
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def solved_on_the_spot(**changes):
    return {
        "description": "职工反映加班费计算不清",
        "category": "wages",
        "resolution": "on_spot",
        "action_on_spot": "当场请企业人事说明计算办法",
        **changes,
    }


def to_transfer(department, **changes):
    return {
        "description": "夜班班车不足",
        "category": "welfare",
        "resolution": "transfer",
        "action_on_spot": "",
        "department": str(department.pk) if department else "",
        "leader": "",
        **changes,
    }


class FormValues(HTMLParser):
    """What a browser would send back from a page: name → values (checked boxes and radios,
    selected options, text of textareas). The empty problem template is left out."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea = self._select = None
        self._in_template = False

    def _add(self, name, value):
        if name and "__prefix__" not in name:
            self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") not in ("submit", "file"):
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self._add(attrs.get("name"), attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea, self._text = attrs.get("name"), ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value") or "")

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # A textarea's first newline belongs to the markup, not to the value.
            self._add(self._textarea, self._text.removeprefix("\n").removeprefix("\r\n"))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(response) -> dict[str, list[str]]:
    parser = FormValues()
    parser.feed(response.content.decode())
    return parser.values


class Tags(HTMLParser):
    """Every start tag of a page, as (tag, attributes)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def tags(response) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(response.content.decode())
    return parser.tags


def workbook_of(response):
    """The workbook a download answered with (as Excel would open it)."""
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def build_cadres(n: int, department, other_department):
    """`n` cadres, each with two units, sheets this quarter and last, and problems."""
    for i in range(n):
        cadre = CadreFactory(department=department if i % 2 else other_department)
        first, second = GrassrootsUnionFactory(), GrassrootsUnionFactory()
        LiaisonAssignmentFactory(cadre=cadre, union=first)
        LiaisonAssignmentFactory(cadre=cadre, union=second)
        record = filed(cadre, first, D(2026, 10, 9), gifts_accepted=bool(i % 3))
        filed(cadre, second, D(2026, 8, 9))
        ProblemFactory(
            record=record,
            resolution=Problem.Resolution.TRANSFER,
            status=Problem.Status.TRANSFERRED,
            department=department,
            deadline=D(2026, 11, 1),
        )


# --- The permission matrix's world: every page × every role -------------------------------

ROLES = ("anonymous", "owner", "cadre", "head", "other_head", "organization", "admin")

# Namespaces (or top-level names) that are not the project's pages: Django's admin site.
SKIPPED_NAMESPACES = {"admin"}

LOGIN = 302  # an anonymous visitor is sent to log in


@dataclass
class World:
    alice: Cadre
    bob: Cadre
    carol: Cadre
    dave: Cadre
    olivia: Cadre
    admin_user: object
    union: object
    point: object
    filed: VisitRecord
    draft: VisitRecord
    problem: Problem
    attachment: object
    opinion: object
    notification: Notification
    export: ExportJob
    meeting: object
    topic: object


@dataclass(frozen=True)
class Page:
    method: str
    kwargs: Callable[[World], dict]
    # Expected status for anonymous, owner (alice), another cadre (bob), the head of alice's
    # department (carol), the head of another department (dave), the organization department
    # (olivia), an administrator.
    statuses: tuple[int, int, int, int, int, int, int]
    # A page an anonymous visitor may use too: their 302 is the page's own answer, not the login.
    open_to_anonymous: bool = False


def none(w):
    return {}


def record(w):
    return {"pk": w.filed.pk}


def draft(w):
    return {"pk": w.draft.pk}


def problem(w):
    return {"pk": w.problem.pk}


def year(w):
    return {"year": 2026}


def export(w):
    return {"pk": w.export.pk}


def board(w):
    return {"pk": w.union.pk}


def token(w):
    return {"token": w.union.public_token}


def meeting(w):
    return {"pk": w.meeting.pk}


def topic(w):
    return {"pk": w.topic.pk}


def decide(w):
    return {"pk": w.meeting.pk, "problem_pk": w.problem.pk}


def attachment(w):
    return {"pk": w.attachment.pk}


def notification(w):
    return {"pk": w.notification.pk}


def cadre(w):
    return {"year": 2026, "pk": w.alice.pk}


def point(w):
    return {"pk": w.point.pk}


def quarter(w):
    return {"year": 2026, "quarter": 3}


def street(w):
    return {"street": w.union.street}


def opinion(w):
    return {"pk": w.opinion.pk}


# The receipt code of the world's opinion (its row keeps only the hash).
RECEIPT = "7KQ2-M9XD-4HVA-3RTC"


def receipt(w):
    return {"token": w.union.public_token, "code": RECEIPT}


def alice_cadre(w):
    return {"pk": w.alice.pk}


def alice_department(w):
    return {"pk": w.alice.department_id}


def link_of_alice(w):
    """A link naming alice's account with a token that is not one (the page says so)."""
    return {"uidb64": urlsafe_base64_encode(str(w.alice.user.pk).encode()), "token": "abc-123"}


# Columns: anonymous, owner (alice), another cadre (bob), head of alice's department (carol),
# head of another department (dave), organization department (olivia), administrator (root: a
# superuser without a cadre profile, whose work is the Django admin).
PAGES: dict[str, Page] = {
    "home": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "login": Page("GET", none, (200, 302, 302, 302, 302, 302, 302)),
    # For nginx and the monitoring: the same answer for everyone, nothing about anyone.
    "healthz": Page("GET", none, (200, 200, 200, 200, 200, 200, 200)),
    "logout": Page("POST", none, (LOGIN, 302, 302, 302, 302, 302, 302)),
    # Anyone chooses the language, logged in or not (posted empty: back to the home, unchanged).
    "set_language": Page("POST", none, (302, 302, 302, 302, 302, 302, 302), open_to_anonymous=True),
    # Lists and searches show each role its own share (tests/test_visible_to.py): 200 for all.
    "records:record-list": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "records:record-create": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 403)),
    "records:record-detail": Page("GET", record, (LOGIN, 200, 404, 200, 404, 200, 200)),
    "records:record-edit": Page("GET", draft, (LOGIN, 200, 404, 404, 404, 404, 403)),
    "records:record-return": Page("POST", record, (LOGIN, 403, 403, 403, 403, 400, 403)),
    "records:record-print": Page("GET", record, (LOGIN, 200, 404, 200, 404, 200, 200)),
    "records:attachment-download": Page("GET", attachment, (LOGIN, 200, 404, 200, 404, 200, 200)),
    "records:union-search": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 403)),
    "records:register": Page("GET", none, (LOGIN, 403, 403, 200, 200, 200, 403)),
    "records:register-export": Page("POST", none, (LOGIN, 403, 403, 400, 400, 400, 403)),
    # An export is its requester's alone, whoever else may read the same records.
    "records:export-detail": Page("GET", export, (LOGIN, 200, 404, 404, 404, 404, 404)),
    "records:export-download": Page("GET", export, (LOGIN, 200, 404, 404, 404, 404, 404)),
    "records:my-problems": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 403)),
    "records:inbox": Page("GET", none, (LOGIN, 403, 403, 200, 200, 200, 403)),
    # The ledger: the federation's for the organization department, each cadre's and head's own
    # share for them (the lists behind the analysis's figures).
    "records:ledger": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 403)),
    "records:ledger-export": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 403)),
    # The ledger's bulk steps (an empty POST: nothing ticked, 400 for the organization department).
    "records:ledger-bulk-preview": Page("POST", none, (LOGIN, 403, 403, 403, 403, 400, 403)),
    "records:ledger-bulk-apply": Page("POST", none, (LOGIN, 403, 403, 403, 403, 302, 403)),
    # Research topics: everyone with a cadre profile sees the list; the topic (of alice's
    # department) opens to its department and the organization department.
    "records:topic-list": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 403)),
    "records:topic-detail": Page("GET", topic, (LOGIN, 200, 404, 200, 404, 200, 403)),
    "records:topic-print": Page("GET", topic, (LOGIN, 200, 404, 200, 404, 200, 403)),
    "records:topic-export": Page("GET", topic, (LOGIN, 200, 404, 200, 404, 200, 403)),
    # 职工诉求分析: each user's own share of the figures.
    "analysis:page": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 403)),
    "analysis:export": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 403)),
    "records:problem-detail": Page("GET", problem, (LOGIN, 200, 404, 200, 404, 200, 200)),
    # The problem is transferred to carol's department: she may accept (nothing to fill in) and
    # answer or hand it back (the empty form is refused, 400); a step that does not fit the
    # problem's state is 409 for whoever may see it; who may not see it gets 404.
    "records:problem-transfer": Page("POST", problem, (LOGIN, 409, 404, 409, 404, 409, 409)),
    "records:problem-accept": Page("POST", problem, (LOGIN, 409, 404, 302, 404, 409, 409)),
    "records:problem-answer": Page("POST", problem, (LOGIN, 409, 404, 400, 404, 409, 409)),
    "records:problem-hand-back": Page("POST", problem, (LOGIN, 409, 404, 400, 404, 409, 409)),
    "records:problem-feedback": Page("POST", problem, (LOGIN, 409, 404, 409, 404, 409, 409)),
    "records:problem-urge": Page("POST", problem, (LOGIN, 409, 404, 409, 404, 302, 409)),
    "records:problem-retransfer": Page("POST", problem, (LOGIN, 409, 404, 409, 404, 400, 409)),
    "records:problem-set-deadline": Page("POST", problem, (LOGIN, 409, 404, 409, 404, 400, 409)),
    "records:problem-close": Page("POST", problem, (LOGIN, 409, 404, 409, 404, 400, 409)),
    "records:notifications": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "records:notifications-read": Page("POST", none, (LOGIN, 302, 302, 302, 302, 302, 302)),
    "records:notification-open": Page("GET", notification, (LOGIN, 302, 404, 404, 404, 404, 404)),
    # The assignment desk and the import are the organization department's alone.
    "assignments:desk-current": Page("GET", none, (LOGIN, 403, 403, 403, 403, 302, 403)),
    "assignments:desk": Page("GET", year, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:cadre": Page("GET", cadre, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:assignment-add": Page("POST", cadre, (LOGIN, 403, 403, 403, 403, 302, 403)),
    "assignments:assignment-end": Page("POST", point, (LOGIN, 403, 403, 403, 403, 400, 403)),
    "assignments:roll-over": Page("POST", year, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:coverage": Page("GET", year, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:uncovered": Page("GET", year, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:uncovered-assign": Page("POST", year, (LOGIN, 403, 403, 403, 403, 400, 403)),
    "assignments:shared": Page("GET", year, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:cadres-without-units": Page("GET", year, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:import": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:import-template": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
    # Department heads read the quarterly meetings; the organization department runs them.
    "meetings:list": Page("GET", none, (LOGIN, 403, 403, 200, 200, 200, 200)),
    "meetings:detail": Page("GET", meeting, (LOGIN, 404, 404, 200, 200, 200, 200)),
    "meetings:record": Page("POST", meeting, (LOGIN, 404, 404, 403, 403, 400, 403)),
    "meetings:decide": Page("POST", decide, (LOGIN, 404, 404, 403, 403, 400, 403)),
    "meetings:pick-topic": Page("POST", meeting, (LOGIN, 404, 404, 403, 403, 400, 403)),
    "meetings:print": Page("GET", meeting, (LOGIN, 404, 404, 200, 200, 200, 200)),
    "meetings:export": Page("GET", meeting, (LOGIN, 404, 404, 200, 200, 200, 200)),
    "compliance:dashboard": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "compliance:freeze": Page("POST", quarter, (LOGIN, 403, 403, 403, 403, 302, 403)),
    "compliance:assessment": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "workbooks:compliance": Page("GET", none, (LOGIN, 403, 403, 200, 200, 200, 200)),
    "workbooks:assessment": Page("GET", none, (LOGIN, 403, 403, 200, 200, 200, 200)),
    # The summary reported upward to the city federation: the organization department's.
    "reports:report": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "reports:download": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "boards:board-index": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "boards:board": Page("GET", board, (LOGIN, 200, 404, 404, 404, 200, 200)),
    "boards:token-regenerate": Page("POST", board, (LOGIN, 403, 403, 403, 403, 302, 403)),
    "boards:board-street": Page("GET", street, (LOGIN, 403, 403, 403, 403, 200, 200)),
    "boards:board-all": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 200)),
    "boards:opinion-list": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    # Anyone logged in searches what they may open (an empty page of hits at worst).
    "search:search": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "boards:opinion-take-up": Page("POST", opinion, (LOGIN, 302, 404, 404, 404, 403, 403)),
    # The answer the worker reads: the union's contact cadres and the organization department.
    "boards:opinion-answer": Page("GET", opinion, (LOGIN, 200, 404, 404, 404, 200, 403)),
    # The page a board's QR code opens: anonymous by design.
    "boards:public": Page("GET", token, (200, 200, 200, 200, 200, 200, 200)),
    "boards:public-thanks": Page("GET", token, (200, 200, 200, 200, 200, 200, 200)),
    # The worker's receipt: whoever holds the code (a rating posted empty is a form error).
    "boards:receipt-find": Page("GET", token, (200, 200, 200, 200, 200, 200, 200)),
    "boards:receipt": Page("GET", receipt, (200, 200, 200, 200, 200, 200, 200)),
    "boards:receipt-rate": Page(
        "POST", receipt, (400, 400, 400, 400, 400, 400, 400), open_to_anonymous=True
    ),
    # A user's own settings and password: every logged-in user, their own only.
    "accounts:settings": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "password_change": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "password_change_done": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    # Reset and activation are for people who cannot log in: open to anyone, and a link that
    # is not valid says so (200) to whoever opens it.
    "password_reset": Page("GET", none, (200, 200, 200, 200, 200, 200, 200)),
    "password_reset_done": Page("GET", none, (200, 200, 200, 200, 200, 200, 200)),
    "password_reset_confirm": Page("GET", link_of_alice, (200, 200, 200, 200, 200, 200, 200)),
    "password_reset_complete": Page("GET", none, (200, 200, 200, 200, 200, 200, 200)),
    "accounts:activate": Page("GET", link_of_alice, (200, 200, 200, 200, 200, 200, 200)),
    # The accounts still to activate, their printed links, sending them: the organization
    # department and administrators.
    "accounts:activation-list": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 200)),
    "accounts:activation-sheet": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 200)),
    "accounts:activation-send": Page("POST", none, (LOGIN, 403, 403, 403, 403, 302, 302)),
    # The contact calendar: each user's own entry point; a cadre's month to the cadre, the
    # head of their department and the organization department; a department's month to its
    # head (a plain cadre: not their page); the federation's week to the organization.
    "plan:index": Page("GET", none, (LOGIN, 302, 302, 302, 302, 302, 302)),
    "plan:cadre": Page("GET", alice_cadre, (LOGIN, 200, 404, 200, 404, 200, 200)),
    "plan:department": Page("GET", alice_department, (LOGIN, 403, 403, 200, 404, 200, 200)),
    "plan:week": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 200)),
    # A year's holidays: the organization department and administrators.
    "records:holidays-next": Page("GET", none, (LOGIN, 403, 403, 403, 403, 302, 302)),
    "records:holidays": Page("GET", year, (LOGIN, 403, 403, 403, 403, 200, 200)),
    "records:holidays-preview": Page("POST", year, (LOGIN, 403, 403, 403, 403, 400, 400)),
    "records:holidays-save": Page("POST", year, (LOGIN, 403, 403, 403, 403, 400, 400)),
    # The audit trail: the organization department (and 纪检, tests/liaison/audit/); not the
    # administrators, whose own changes are in it.
    "audit:audit": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "audit:export": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
}


def project_url_names() -> set[str]:
    """Every named URL pattern of the project, "namespace:name", Django's admin left out."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def user_of(world: World, role: str):
    return {
        "anonymous": None,
        "owner": world.alice.user,
        "cadre": world.bob.user,
        "head": world.carol.user,
        "other_head": world.dave.user,
        "organization": world.olivia.user,
        "admin": world.admin_user,
    }[role]


# --- Asking the declared permissions persona by persona -----------------------------------

PERSONAS = ("owner", "cadre", "head", "other_head", "organization", "admin", "anonymous")


def answers(world: World, perm: str, obj=None) -> dict[str, bool]:
    """What each persona of the permission matrix's world is answered for `perm` (on `obj`)."""
    return {
        persona: may(user_of(world, persona) or AnonymousUser(), perm, obj) for persona in PERSONAS
    }


def expected(*granted) -> dict[str, bool]:
    return {persona: persona in granted for persona in PERSONAS}


# --- A local fake of the WeChat Work API (企业微信), which checks what is sent ------------------


class FakeWeCom:
    """The two calls Liaison makes, answered like the real API: `gettoken` issues a new token
    for the right corp id and secret; `message/send` takes a text message with a token issued
    and not expired. `expire_tokens()` makes the issued ones expire (42001); `fail_sends(n)`
    makes the next n sends fail (HTTP 500). Every request is kept in `requests`."""

    CORP_ID, SECRET, AGENT_ID = "ww0123456789", "app-secret", "1000002"

    def __init__(self):
        self.requests: list[dict] = []
        self.valid_tokens: set[str] = set()
        self.issued = 0
        self.failures_left = 0
        self.lock = threading.Lock()

    @property
    def token_requests(self) -> list[dict]:
        return [r for r in self.requests if r["path"] == "/cgi-bin/gettoken"]

    @property
    def sends(self) -> list[dict]:
        return [r for r in self.requests if r["path"] == "/cgi-bin/message/send"]

    @property
    def delivered(self) -> list[dict]:
        """The messages the API accepted: their JSON bodies."""
        return [r["body"] for r in self.sends if r["answer"].get("errcode") == 0]

    def expire_tokens(self):
        self.valid_tokens.clear()

    def fail_sends(self, n: int):
        self.failures_left = n

    def answer(self, method: str, path: str, query: dict, body) -> tuple[int, dict]:
        with self.lock:
            if path == "/cgi-bin/gettoken" and method == "GET":
                if query != {"corpid": [self.CORP_ID], "corpsecret": [self.SECRET]}:
                    return 200, {"errcode": 40013, "errmsg": "invalid corpid"}
                self.issued += 1
                token = f"token-{self.issued}"
                self.valid_tokens.add(token)
                return 200, {"errcode": 0, "access_token": token, "expires_in": 7200}
            if path == "/cgi-bin/message/send" and method == "POST":
                if self.failures_left:
                    self.failures_left -= 1
                    return 500, {"errcode": -1, "errmsg": "system busy"}
                if query.get("access_token", [""])[0] not in self.valid_tokens:
                    return 200, {"errcode": 42001, "errmsg": "access_token expired"}
                assert body["msgtype"] == "text" and body["agentid"] == int(self.AGENT_ID), body
                assert body["touser"] and body["text"]["content"], body
                return 200, {"errcode": 0, "errmsg": "ok", "msgid": f"m{len(self.sends)}"}
            return 404, {"errcode": 404, "errmsg": "not found"}


def serve_fake_wecom(fake: FakeWeCom) -> ThreadingHTTPServer:
    """Serve `fake` on a free local port, in a thread (shut it down after)."""

    class Handler(BaseHTTPRequestHandler):
        def _handle(self, method):
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length).decode("utf-8")) if length else None
            status, answer = fake.answer(method, parts.path, query, body)
            fake.requests.append(
                {
                    "method": method,
                    "path": parts.path,
                    "query": query,
                    "body": body,
                    "answer": answer,
                }
            )
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):  # http.server's names
            self._handle("GET")

        def do_POST(self):
            self._handle("POST")

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
