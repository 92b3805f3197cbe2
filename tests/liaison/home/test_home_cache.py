"""The cadre home's own part is cached in the shared cache under generation keys that the services
bump on commit (unions/cache.py; docs/decisions/0001-cadre-home-cache.md). Here with the database
cache backend, as deployed by default."""

import datetime
import os
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from liaison.home.views import home_generation_keys
from records.models import Problem
from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    ProblemFactory,
    VisitRecordFactory,
)
from tests.helpers import sheet
from unions import cache as generations
from unions.assignments.services import assignment_end
from unions.models import LiaisonAssignment
from unions.roles import Role

pytestmark = pytest.mark.django_db
HOME = reverse("home")
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "liaison_cache",
}


@pytest.fixture(autouse=True)
def shared_cache(settings):
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "home-test"}
    settings.CACHES = {**settings.CACHES, "default": DATABASE_CACHE, "local": local}
    cache.clear()
    caches["local"].clear()


@pytest.fixture
def unit(alice):
    union = GrassrootsUnionFactory(name="西城区某某医院工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return union


def filed_percent(response) -> str:
    """The value of the year's progress bar on the page."""
    html = response.content.decode()
    start = html.index('aria-valuenow="', html.index('data-testid="year-progress"'))
    return html[start:].split('"')[1]


def test_the_home_is_served_from_the_cache_until_a_service_changes_it(
    login, alice, unit, django_capture_on_commit_callbacks
):
    client = login(alice)
    assert filed_percent(client.get(HOME)) == "0"
    # A write no service made (a factory) bumps nothing: the cached part is what is shown.
    VisitRecordFactory(cadre=alice, union=unit, days=Decimal("10.5"))
    assert filed_percent(client.get(HOME)) == "0"
    with django_capture_on_commit_callbacks(execute=True):
        generations.cadres_changed(alice)
    assert filed_percent(client.get(HOME)) == "50"


def test_a_filing_through_the_page_shows_on_the_home_right_after(
    login, alice, unit, django_capture_on_commit_callbacks
):
    client = login(alice)
    assert filed_percent(client.get(HOME)) == "0"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("records:record-create"), sheet(unit))
    assert response.status_code == 302
    assert filed_percent(client.get(HOME)) == "5"  # 1 day of 21, rounded half up


def test_a_filing_leaves_other_cadres_generations_as_they_were(
    login, alice, bob, unit, django_capture_on_commit_callbacks
):
    keys = [generations.cadre_key(bob.pk), generations.department_key(bob.department_id)]
    bobs = generations.generations(keys)
    alices = generations.generations([generations.cadre_key(alice.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        login(alice).post(reverse("records:record-create"), sheet(unit))
    assert generations.generations(keys) == bobs
    assert generations.generations([generations.cadre_key(alice.pk)]) != alices


def test_a_colleagues_filing_leaves_a_cadres_home_cached_and_moves_the_heads(
    login, alice, carol, department, django_capture_on_commit_callbacks
):
    def home_generations(user, role):
        return generations.generations(home_generation_keys(user, role))

    """A plain cadre's part shows only their own sheets: a colleague's filing in the same
    department leaves it cached; the department head's part, which lists the colleague, moves."""
    colleague = CadreFactory(department=department)
    union = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=colleague, union=union, year=2026)
    alices = home_generations(alice.user, Role.CADRE)
    carols = home_generations(carol.user, Role.DEPARTMENT_HEAD)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(colleague).post(reverse("records:record-create"), sheet(union))
    assert response.status_code == 302
    assert home_generations(alice.user, Role.CADRE) == alices
    assert home_generations(carol.user, Role.DEPARTMENT_HEAD) != carols


def test_nothing_changes_when_the_transaction_rolls_back(alice):
    before = generations.generations([generations.cadre_key(alice.pk)])
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        generations.cadres_changed(alice)
        1 / 0  # noqa: B018
    assert generations.generations([generations.cadre_key(alice.pk)]) == before


def test_a_department_heads_answer_refreshes_the_raisers_home(
    client, login, bob, carol, department, django_capture_on_commit_callbacks
):
    problem = ProblemFactory(
        record__cadre=bob,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.ACCEPTED,
        department=department,
    )
    with translation.override("zh-hans"):
        answered = translation.gettext("Answered: give feedback to the grassroots")
    assert answered not in login(bob).get(HOME).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(carol).post(
            reverse("records:problem-answer", args=[problem.pk]),
            {"answer-answer": "已协调企业补发", "answer-version": problem.version},
        )
    assert response.status_code == 302

    assert answered in login(bob).get(HOME).content.decode()


def test_a_calendar_override_refreshes_every_home(
    login, alice, admin_user, unit, django_capture_on_commit_callbacks
):
    # Monday 2026-11-23 made a rest day: one working day of the year fewer has passed.
    before = login(alice).get(HOME).context
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin_user).post(
            reverse("admin:records_calendarday_add"),
            {"date": "2026-11-23", "is_working_day": "", "note": "临时休息"},
        )
    assert response.status_code == 302
    after = login(alice).get(HOME).context
    elapsed = before["mine"]["progress"].working_days_elapsed
    assert after["mine"]["progress"].working_days_elapsed == elapsed - 1


def test_ending_a_contact_point_refreshes_the_cadres_home(
    login, alice, unit, admin_user, django_capture_on_commit_callbacks
):
    client = login(alice)
    assert client.get(HOME).context["mine"]["current_units"] == 1
    point = LiaisonAssignment.objects.get(cadre=alice, union=unit)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_end(
            assignment=point, ended_at=datetime.date(2026, 11, 20), reason="调整", user=admin_user
        )
    assert client.get(HOME).context["mine"]["current_units"] == 0


@pytest.mark.skipif("CACHE_URL" in os.environ, reason="the default is what CACHE_URL replaces")
def test_the_default_cache_holds_every_cadres_home_without_culling():
    from liaison import settings as project

    default = project.CACHES["default"]
    assert default["BACKEND"] == DATABASE_CACHE["BACKEND"]
    # 300 cadres (a district), two languages, plus the generations: never culled in a day.
    assert default["OPTIONS"]["MAX_ENTRIES"] >= 300 * 2 * 10


READER = """
import sys
import django
django.setup()
from unions import cache as generations
for line in sys.stdin:
    print(generations.generations([generations.cadre_key(1)]), flush=True)
"""
WRITER = """
import django
django.setup()
from django.db import transaction
from unions import cache as generations
with transaction.atomic():
    generations.bump([generations.cadre_key(1)])
"""


@pytest.mark.parametrize(
    ("cache_url", "seen"),
    [("dbcache://liaison_cache", True), ("locmemcache://", False)],
    ids=["database cache: seen at once", "per-process memory: stale"],
)
def test_a_bump_in_one_process_is_seen_by_another_at_once(tmp_path, cache_url, seen):
    """Two processes on one database, as gunicorn's workers are: a generation bumped by one is
    read by the other on its next request with the database cache; a per-process cache would
    keep serving the old one (what this design refuses)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": cache_url,
    }
    run = {"cwd": django_settings.BASE_DIR, "env": env, "check": True, "timeout": 120}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "createcachetable"], capture_output=True, **run)
    reader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(READER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=django_settings.BASE_DIR,
        env=env,
    )
    try:

        def read():
            reader.stdin.write("\n")
            reader.stdin.flush()
            return reader.stdout.readline().strip()

        first = read()
        assert first and read() == first
        subprocess.run([sys.executable, "-c", textwrap.dedent(WRITER)], **run)
        assert (read() != first) is seen
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)


def cache_reads(queries) -> int:
    return sum(
        1 for query in queries if query["sql"].startswith('SELECT "cache_key", "value", "expires"')
    )


def test_right_after_a_change_the_home_reads_the_shared_cache_once(
    login, alice, unit, django_capture_on_commit_callbacks
):
    """The generations bumped (deleted): the home makes new ones and knows nothing can be cached
    under them yet — one read of the shared cache (the generations), no read back of what it
    wrote, no read of the part."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(alice)
    client.get(HOME)
    with django_capture_on_commit_callbacks(execute=True):
        generations.cadres_changed(alice)
        generations.everyone_changed()
    assert cache.get(generations.cadre_key(alice.pk)) is None

    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)

    assert response.status_code == 200
    assert cache_reads(captured) == 1
    assert cache.get(generations.cadre_key(alice.pk)) is not None
    with CaptureQueriesContext(connection) as captured:
        assert "西城区某某医院工会" in client.get(HOME).content.decode()
    assert cache_reads(captured) == 1  # the generations; the part from this process's copy


def test_a_generation_another_process_made_meanwhile_is_the_one_used(monkeypatch):
    """Read as missing, then made by another process before this one adds its own: the add
    fails and the other process's generation is read back."""
    key = generations.cadre_key(7)
    cache.set(key, 123, timeout=None)
    read = cache.get_many
    reads = iter([lambda keys: {}])  # the first read misses it; the read back finds it
    monkeypatch.setattr(cache, "get_many", lambda *args: next(reads, read)(*args))

    assert generations.current([key]) == ("123", False)


# --- The bell on the cached home -------------------------------------------------------------


def bell(response) -> str | None:
    """The unread count the navigation's bell shows, None when it shows none."""
    html = response.content.decode()
    if 'data-testid="unread"' not in html:
        return None
    return html.split('data-testid="unread">', 1)[1].split("<", 1)[0]


def test_a_cached_home_reads_the_bell_with_its_generations(login, alice, unit):
    """The session, the user, the generations (the inbox's among them): three queries, no
    count of the notifications while none changed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(alice)
    client.get(HOME)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)

    assert bell(response) is None
    assert not [q for q in captured if "records_notification" in q["sql"]]
    assert cache_reads(captured) == 1
    assert len(captured) == 3


def test_a_notification_rings_the_bell_on_the_cached_home_at_once(
    login, alice, unit, django_capture_on_commit_callbacks
):
    from records.notifications.services import notify

    client = login(alice)
    assert bell(client.get(HOME)) is None
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice.user], None, "transferred", "问题已移交", url="/records/")
    assert bell(client.get(HOME)) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice.user], None, "transferred", "又一个问题已移交", url="/records/")
    assert bell(client.get(HOME)) == "2"


def test_reading_notifications_quiets_the_bell_on_the_cached_home(
    login, alice, bob, unit, django_capture_on_commit_callbacks
):
    from records.models import Notification
    from records.notifications.services import notify

    client = login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice.user, bob.user], None, "transferred", "问题已移交", url="/records/")
        notify([alice.user], None, "transferred", "又一个问题已移交", url="/records/")
    assert bell(client.get(HOME)) == "2"

    first = Notification.objects.filter(recipient=alice.user).earliest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("records:notification-open", args=[first.pk]))
    assert bell(client.get(HOME)) == "1"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("records:notifications-read"))
    assert bell(client.get(HOME)) is None
    # Bob's inbox is his own: his bell still rings.
    assert bell(login(bob).get(HOME)) == "1"


def test_a_notice_deleted_in_the_admin_quiets_the_bell_on_the_cached_home(
    login, alice, unit, admin_user, django_capture_on_commit_callbacks
):
    from django.test import Client

    from records.models import Notification
    from records.notifications.services import notify

    with django_capture_on_commit_callbacks(execute=True):
        notify([alice.user], None, "transferred", "问题已移交", url="/records/")
        notify([alice.user], None, "transferred", "又一个问题已移交", url="/records/")
    client = login(alice)
    assert bell(client.get(HOME)) == "2"

    notice = Notification.objects.filter(recipient=alice.user).earliest("pk")
    admin = Client()
    admin.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("admin:records_notification_delete", args=[notice.pk]), {"post": "yes"}
        )
    assert response.status_code == 302

    assert bell(client.get(HOME)) == "1"
