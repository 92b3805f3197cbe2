"""Personas for every role, as the tests' shared cast.

alice   — a cadre of the 宣传教育部 (the owner of most records in the tests)
bob     — another cadre of another department
carol   — head of alice's department (also a cadre herself)
olivia  — the organization department (组织人事部)
"""

import datetime
import time
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from liaison.security import SessionIdleMiddleware
from records.models import ExportJob, Notification, Problem, VisitRecord
from tests.factories import (
    AttachmentFactory,
    CadreFactory,
    DepartmentFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    OpinionFactory,
    ProblemFactory,
    QuarterlyMeetingFactory,
    ResearchTopicFactory,
    UserFactory,
    VisitRecordFactory,
)
from tests.helpers import RECEIPT, FakeWeCom, World, serve_fake_wecom
from unions.models import Cadre
from unions.roles import Role


@pytest.fixture(autouse=True)
def _frozen_today(request):
    """Every test runs on a fixed day unless it travels elsewhere: Tuesday 2026-11-24.
    A browser test lets the clock tick from there (its waits measure time)."""
    ticking = request.node.get_closest_marker("browser") is not None
    with time_machine.travel("2026-11-24 10:00 +0800", tick=ticking):
        yield


@pytest.fixture(autouse=True)
def _chinese_after_the_test():
    """A page answered in English leaves English active in the thread (the language middleware
    activates one per request, nothing deactivates it): the next test starts in Chinese."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to the test's own folder (parallel-safe, nothing left behind)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def department(db):
    return DepartmentFactory(name="宣传教育部", units_per_cadre=2)


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="法律工作部", units_per_cadre=2)


@pytest.fixture
def lead_department(db):
    return DepartmentFactory(name="组织人事部", is_lead=True)


@pytest.fixture
def alice(department):
    return CadreFactory(name="李爱丽", department=department, user__username="alice")


@pytest.fixture
def bob(other_department):
    return CadreFactory(name="王博", department=other_department, user__username="bob")


@pytest.fixture
def carol(department):
    return CadreFactory(
        name="陈卡罗",
        department=department,
        rank=Cadre.Rank.DIVISION,
        title="部长",
        user__username="carol",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )


@pytest.fixture
def olivia(lead_department):
    return CadreFactory(
        name="欧丽娅",
        department=lead_department,
        rank=Cadre.Rank.DIVISION,
        title="组织部长",
        user__username="olivia",
        user__roles=[Role.CADRE, Role.ORGANIZATION],
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def login(client):
    """Log the test client in as a user (or a cadre's user). force_login: the login form and
    its lockout are tested through the form itself
    (tests/liaison/security/test_login_lockout.py)."""

    def _login(who):
        user = getattr(who, "user", who)
        client.force_login(user)
        # As if the session had just been used: the first page does not write it, so a page's
        # query count is the same on the first request as on the next.
        session = client.session
        session[SessionIdleMiddleware.KEY] = int(time.time())
        session.save()
        return client

    return _login


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks are only proven on PostgreSQL (select_for_update is a no-op on SQLite)"
        )


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
        opinion=OpinionFactory(union=union, receipt=RECEIPT),
        notification=Notification.objects.create(
            recipient=alice.user,
            problem=problem,
            kind=Notification.Kind.URGED,
            message="请尽快答复",
        ),
        export=export,
        meeting=QuarterlyMeetingFactory(year=2026, quarter=3),
        topic=ResearchTopicFactory(departments=[department]),
    )


@pytest.fixture
def wecom(settings):
    """WeChat Work configured against a local fake of its API (tests/helpers.py FakeWeCom), with
    a cache that keeps the access token (the tests' default cache keeps nothing)."""
    fake = FakeWeCom()
    server = serve_fake_wecom(fake)
    settings.WECOM_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.WECOM_CORP_ID, settings.WECOM_SECRET = FakeWeCom.CORP_ID, FakeWeCom.SECRET
    settings.WECOM_AGENT_ID = FakeWeCom.AGENT_ID
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"wecom-{id(fake)}",
        },
    }
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def send_reminders(django_capture_on_commit_callbacks):
    """Run `manage.py send_reminders` as the daily timer would (the e-mails go when each
    reminder's transaction commits); its output."""

    def _send(*args):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *args, stdout=out)
        return out.getvalue()

    return _send
