"""Who may open what: every page of the project × every role → the expected status.

The URL conf is walked (includes too), and every named page of the project's apps must have a
row in PAGES — a new page cannot be forgotten: its test fails until someone writes down who may
open it. Each row's URL is filled with alice's own objects (her record sheet, problem,
attachment, the opinion left on her union, her notification, her export …), so every other
role is "guessing another's id". The answer expected is the one the app gives for a refusal:
302 to the login page for an anonymous visitor, 403 for a page a role may not use, 404 for an
object the user may not see (as if the id did not exist), 405 for a wrong method.

An action (POST) is posted empty: who may act gets past the permission check (a form error
400, or a redirect when there is nothing to fill in); who may not is refused first.
Each request runs in a savepoint rolled back after it, so the roles all meet the same data.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from records.models import ExportJob, Notification, Problem, VisitRecord
from tests.factories import (
    AttachmentFactory,
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    OpinionFactory,
    ProblemFactory,
    QuarterlyMeetingFactory,
    VisitRecordFactory,
)
from unions.models import Cadre
from unions.roles import Role

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


@dataclass(frozen=True)
class Page:
    method: str
    kwargs: Callable[[World], dict]
    # Expected status for anonymous, owner (alice), another cadre (bob), the head of alice's
    # department (carol), the head of another department (dave), the organization department
    # (olivia), an administrator.
    statuses: tuple[int, int, int, int, int, int, int]


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


# Columns: anonymous, owner (alice), another cadre (bob), head of alice's department (carol),
# head of another department (dave), organization department (olivia), administrator (root: a
# superuser without a cadre profile, whose work is the Django admin).
PAGES: dict[str, Page] = {
    "home": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "login": Page("GET", none, (200, 302, 302, 302, 302, 302, 302)),
    "logout": Page("POST", none, (LOGIN, 302, 302, 302, 302, 302, 302)),
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
    "records:ledger": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "records:ledger-export": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
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
    "assignments:shared": Page("GET", year, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:cadres-without-units": Page("GET", year, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:import": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
    "assignments:import-template": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 403)),
    # Department heads read the quarterly meetings; the organization department runs them.
    "meetings:list": Page("GET", none, (LOGIN, 403, 403, 200, 200, 200, 200)),
    "meetings:detail": Page("GET", meeting, (LOGIN, 404, 404, 200, 200, 200, 200)),
    "meetings:record": Page("POST", meeting, (LOGIN, 404, 404, 403, 403, 400, 403)),
    "meetings:decide": Page("POST", decide, (LOGIN, 404, 404, 403, 403, 400, 403)),
    "meetings:print": Page("GET", meeting, (LOGIN, 404, 404, 200, 200, 200, 200)),
    "meetings:export": Page("GET", meeting, (LOGIN, 404, 404, 200, 200, 200, 200)),
    "compliance:dashboard": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "compliance:freeze": Page("POST", quarter, (LOGIN, 403, 403, 403, 403, 302, 403)),
    "compliance:assessment": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "workbooks:compliance": Page("GET", none, (LOGIN, 403, 403, 200, 200, 200, 200)),
    "workbooks:assessment": Page("GET", none, (LOGIN, 403, 403, 200, 200, 200, 200)),
    "boards:board-index": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "boards:board": Page("GET", board, (LOGIN, 200, 404, 404, 404, 200, 200)),
    "boards:token-regenerate": Page("POST", board, (LOGIN, 403, 403, 403, 403, 302, 403)),
    "boards:board-street": Page("GET", street, (LOGIN, 403, 403, 403, 403, 200, 200)),
    "boards:board-all": Page("GET", none, (LOGIN, 403, 403, 403, 403, 200, 200)),
    "boards:opinion-list": Page("GET", none, (LOGIN, 200, 200, 200, 200, 200, 200)),
    "boards:opinion-take-up": Page("POST", opinion, (LOGIN, 302, 404, 404, 404, 403, 403)),
    # The page a board's QR code opens: anonymous by design.
    "boards:public": Page("GET", token, (200, 200, 200, 200, 200, 200, 200)),
    "boards:public-thanks": Page("GET", token, (200, 200, 200, 200, 200, 200, 200)),
}


@pytest.fixture
def world(alice, bob, carol, olivia, admin_user, other_department, department):
    dave = CadreFactory(
        name="丁大伟",
        department=other_department,
        rank=Cadre.Rank.DIVISION,
        title="部长",
        user__username="dave",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )
    union = GrassrootsUnionFactory(name="西城区人民医院工会")
    point = LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    filed = VisitRecordFactory(cadre=alice, union=union, start_date=datetime.date(2026, 11, 20))
    draft = VisitRecordFactory(
        cadre=alice,
        union=union,
        start_date=datetime.date(2026, 11, 23),
        status=VisitRecord.Status.DRAFT,
    )
    problem = ProblemFactory(
        record=filed,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=department,
        deadline=datetime.date(2026, 12, 15),
    )
    export = ExportJob(
        kind=ExportJob.Kind.REGISTER,
        title="工作记录单台账",
        filename="register.xlsx",
        requested_by=alice.user,
        status=ExportJob.Status.DONE,
    )
    export.file.save("register.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"))
    return World(
        alice=alice,
        bob=bob,
        carol=carol,
        dave=dave,
        olivia=olivia,
        admin_user=admin_user,
        union=union,
        point=point,
        filed=filed,
        draft=draft,
        problem=problem,
        attachment=AttachmentFactory(record=filed),
        opinion=OpinionFactory(union=union),
        notification=Notification.objects.create(
            recipient=alice.user,
            problem=problem,
            kind=Notification.Kind.URGED,
            message="请尽快答复",
        ),
        export=export,
        meeting=QuarterlyMeetingFactory(year=2026, quarter=3),
    )


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


def test_every_page_of_the_project_has_a_row_in_the_matrix():
    names = project_url_names()
    assert names, "the walker found no page"
    assert sorted(names - PAGES.keys()) == [], "pages nobody said who may open"
    assert sorted(PAGES.keys() - names) == [], "rows for pages that no longer exist"


@pytest.mark.parametrize(
    "name", sorted(name for name, page in PAGES.items() if page.method == "POST")
)
def test_an_action_is_not_taken_by_a_get(name, world, client):
    client.force_login(world.olivia.user)
    response = client.get(reverse(name, kwargs=PAGES[name].kwargs(world)))
    assert response.status_code == 405


@pytest.mark.parametrize("name", sorted(PAGES))
def test_who_may_open_the_page(name, world):
    page = PAGES[name]
    url = reverse(name, kwargs=page.kwargs(world))
    actual = {}
    for role in ROLES:
        client = Client()
        user = user_of(world, role)
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            response = getattr(client, page.method.lower())(url)
            transaction.set_rollback(True)
        status = response.status_code
        if role == "anonymous" and status == 302:
            assert response["Location"].startswith(reverse("login")), response["Location"]
        actual[role] = status
    assert actual == dict(zip(ROLES, page.statuses, strict=True)), f"{tuple(actual.values())}"
