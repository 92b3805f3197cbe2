"""seed_demo: a demo database that is complete, valid, repeatable, and never in production.

Today is frozen at Tuesday 2026-11-24 (tests/conftest.py).
"""

import datetime
import io

import chinese_calendar
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from liaison.models import QuarterlyMeeting
from records.models import ContactForm, Problem, ProblemEvent, VisitRecord
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment, Street
from unions.roles import GROUP_NAMES, Role

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)
MODELS = [
    get_user_model(),
    Department,
    Cadre,
    GrassrootsUnion,
    LiaisonAssignment,
    VisitRecord,
    Problem,
    ProblemEvent,
    QuarterlyMeeting,
]


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", cadres=12, unions=30, stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    tally = {model.__name__: model.objects.count() for model in MODELS}
    tally["record history"] = VisitRecord.history.count()
    tally["problem history"] = Problem.history.count()
    return tally


def groups_of(username: str) -> set[str]:
    user = get_user_model().objects.get(username=username)
    return set(user.groups.values_list("name", flat=True))


def test_it_creates_one_demo_login_per_role_and_prints_them():
    out = seed()

    assert groups_of("cadre") == {GROUP_NAMES[Role.CADRE]}
    assert groups_of("head") == {GROUP_NAMES[Role.CADRE], GROUP_NAMES[Role.DEPARTMENT_HEAD]}
    assert groups_of("org") == {GROUP_NAMES[Role.CADRE], GROUP_NAMES[Role.ORGANIZATION]}
    assert GROUP_NAMES[Role.ADMIN] in groups_of("admin")
    for username in ("cadre", "head", "org", "admin"):
        assert get_user_model().objects.get(username=username).check_password("liaison-demo")
        assert username in out
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert "liaison-demo" in out and "http://127.0.0.1:8000/" in out


def test_the_demo_cadres_are_who_the_logins_promise():
    seed()

    cadre = Cadre.objects.get(user__username="cadre")
    assert not cadre.is_leader
    assert LiaisonAssignment.objects.filter(cadre=cadre, year=2026).count() == 2
    assert cadre.records.filter(start_date__year=2026).exists()
    head = Cadre.objects.get(user__username="head")
    assert head.department.name == "宣传教育部" and head.title == "部长" and head.is_leader
    org = Cadre.objects.get(user__username="org")
    assert org.department.is_lead


def test_other_cadres_cannot_log_in():
    seed()

    c001 = get_user_model().objects.get(username="c001")
    assert not c001.has_usable_password()


def test_every_leader_has_exactly_four_units_in_the_year():
    seed()

    leaders = Cadre.objects.leaders().annotate(
        units=Count("assignments", filter=Q(assignments__year=2026))
    )
    assert leaders.count() > 0
    assert {leader.units for leader in leaders} == {django_settings.LEADER_UNITS}


def test_other_cadres_hold_their_departments_quota():
    seed()

    for cadre in Cadre.objects.exclude(rank__in=Cadre.LEADER_RANKS).select_related("department"):
        current = cadre.assignments.filter(year=2026, ended_at__isnull=True).count()
        assert current == cadre.department.units_per_cadre


def test_one_contact_point_ended_mid_year_with_a_reason():
    seed()

    ended = LiaisonAssignment.objects.exclude(ended_at=None).get()
    assert ended.end_reason
    assert datetime.date(2026, 1, 1) < ended.ended_at <= datetime.date(2026, 6, 30)


def test_a_couple_of_unions_are_left_uncovered():
    seed()

    uncovered = GrassrootsUnion.objects.active().exclude(assignments__year=2026)
    assert uncovered.count() == 2


def test_every_union_is_valid_and_the_streets_are_all_covered():
    seed()

    unions = list(GrassrootsUnion.objects.all())
    assert len(unions) == 30
    for union in unions:
        union.full_clean()  # the credit code's check character among the rest
        assert union.credit_code.startswith("81110102")
    assert {union.street for union in unions} == set(Street)
    kinds = [union.kind for union in unions]
    assert kinds.count(GrassrootsUnion.Kind.DIRECT) > kinds.count(GrassrootsUnion.Kind.NON_PUBLIC)
    assert GrassrootsUnion.Kind.NON_PUBLIC in kinds


def test_departments_and_cadres_are_valid():
    seed()

    for obj in [*Department.objects.all(), *Cadre.objects.all()]:
        obj.full_clean()
    assert Department.objects.filter(is_lead=True).get().name == "组织人事部"


def test_records_exist_in_every_status():
    seed()

    statuses = set(VisitRecord.objects.values_list("status", flat=True))
    assert statuses == set(VisitRecord.Status)
    for record in VisitRecord.objects.filter(status=VisitRecord.Status.RETURNED):
        assert record.return_reason
    assert not VisitRecord.objects.filed().filter(filed_at=None).exists()


def test_records_are_filled_in_and_valid():
    seed()

    records = list(VisitRecord.objects.select_related("cadre", "union"))
    for record in records:
        record.full_clean()
        assert record.people_met and record.needs_and_opinions
        assert record.policies_publicised and record.actions_on_spot
        if record.contact_form == ContactForm.REMOTE:
            assert record.days == 0
        else:
            assert record.questions_prepared
            assert record.days > 0
        assert record.content_areas


def test_records_fall_on_working_days_one_per_cadre_per_date():
    seed()

    seen = set()
    for record in VisitRecord.objects.all():
        assert chinese_calendar.is_workday(record.start_date)
        assert chinese_calendar.is_workday(record.end_date)
        assert (record.cadre_id, record.start_date) not in seen
        seen.add((record.cadre_id, record.start_date))


def test_integrity_exceptions_are_rare_and_explained():
    seed()

    exceptions = VisitRecord.objects.integrity_exceptions()
    assert 1 <= exceptions.count() <= 2
    assert all(record.integrity_explanation for record in exceptions)
    declined = VisitRecord.objects.exclude(pk__in=exceptions)
    assert not declined.filter(
        Q(transport_accepted=None) | Q(gifts_accepted=None) | Q(banquet_accepted=None)
    ).exists()


def test_problems_exist_in_every_status_with_a_timeline_that_ends_there():
    seed()

    assert set(Problem.objects.values_list("status", flat=True)) == set(Problem.Status)
    for problem in Problem.objects.prefetch_related("events"):
        events = list(problem.events.all())
        assert events[-1].to_status == problem.status
        assert events[0].from_status == ""
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.at >= before.at


def test_problems_carry_what_their_status_needs():
    seed()

    for problem in Problem.objects.all():
        problem.full_clean()
        if problem.resolution == Problem.Resolution.ON_SPOT:
            assert problem.status == Problem.Status.CLOSED and problem.action_on_spot
            continue
        if problem.status != Problem.Status.RAISED:
            assert problem.department and problem.deadline
        if problem.status in (Problem.Status.ANSWERED, Problem.Status.FED_BACK):
            assert problem.answer and problem.answered_at and problem.answered_by
        if problem.status == Problem.Status.FED_BACK:
            assert problem.feedback_on and problem.feedback_method and problem.satisfaction
    assert Problem.objects.filter(satisfaction=Problem.Satisfaction.UNSATISFIED).count() == 1


def test_the_demo_head_has_problems_waiting_in_the_inbox():
    seed()

    head = Cadre.objects.get(user__username="head")
    waiting = Problem.objects.filter(department=head.department)
    assert waiting.filter(status=Problem.Status.TRANSFERRED).exists()
    assert waiting.filter(status=Problem.Status.ACCEPTED).exists()


def test_nothing_is_dated_in_the_future():
    seed()

    now = timezone.now()
    assert not VisitRecord.objects.filter(Q(start_date__gt=TODAY) | Q(end_date__gt=TODAY)).exists()
    assert not VisitRecord.objects.filter(Q(filed_at__gt=now) | Q(created_at__gt=now)).exists()
    assert not Problem.objects.filter(
        Q(answered_at__gt=now) | Q(feedback_on__gt=TODAY) | Q(created_at__gt=now)
    ).exists()
    assert not ProblemEvent.objects.filter(at__gt=now).exists()
    assert not LiaisonAssignment.objects.filter(
        Q(assigned_at__gt=now) | Q(ended_at__gt=TODAY)
    ).exists()
    assert not QuarterlyMeeting.objects.filter(date__gt=TODAY).exists()


def test_the_past_is_dated_in_the_past_not_today():
    seed()

    assert VisitRecord.objects.filter(created_at__date__lt=datetime.date(2026, 6, 1)).exists()
    assert ProblemEvent.objects.filter(at__date__lt=datetime.date(2026, 6, 1)).exists()


def test_history_is_kept_for_records_problems_and_assignments():
    seed()

    assert VisitRecord.history.count() == VisitRecord.objects.count()
    assert Problem.history.count() == Problem.objects.count()
    assert LiaisonAssignment.history.count() == LiaisonAssignment.objects.count()


def test_one_meeting_per_past_quarter():
    seed()

    meetings = QuarterlyMeeting.objects.all()
    assert sorted(meetings.values_list("year", "quarter")) == [(2026, 1), (2026, 2), (2026, 3)]
    for meeting in meetings:
        assert meeting.minutes and meeting.attendees.exists()


def test_two_years_seed_last_year_too():
    seed(years=2)

    assert LiaisonAssignment.objects.filter(year=2025).exists()
    assert VisitRecord.objects.filter(start_date__year=2025).exists()
    assert QuarterlyMeeting.objects.filter(year=2025).count() == 4


def test_running_it_twice_leaves_counts_unchanged():
    seed()
    before = counts()

    out = seed()

    assert counts() == before
    assert "已生成过" in out


def snapshot() -> dict[str, list]:
    return {
        "unions": sorted(GrassrootsUnion.objects.values_list("credit_code", "name", "street")),
        "cadres": sorted(Cadre.objects.values_list("staff_number", "name", "rank", "title")),
        "assignments": sorted(
            LiaisonAssignment.objects.values_list("cadre__staff_number", "union__credit_code")
        ),
        "records": sorted(
            VisitRecord.objects.values_list(
                "cadre__staff_number", "start_date", "union__credit_code", "days", "status"
            )
        ),
        "problems": sorted(
            Problem.objects.values_list("record__cadre__staff_number", "description", "status")
        ),
    }


def test_the_same_seed_gives_the_same_data():
    with transaction.atomic():
        seed()
        first = snapshot()
        transaction.set_rollback(True)
    assert GrassrootsUnion.objects.count() == 0

    seed()

    assert snapshot() == first


def test_a_dry_run_leaves_nothing_behind():
    out = seed(dry_run=True)

    assert "--dry-run" in out
    assert set(counts().values()) == {0}


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed()

    assert not get_user_model().objects.filter(username="cadre").exists()


def test_force_runs_it_without_debug(settings):
    settings.DEBUG = False

    seed(force=True)

    assert get_user_model().objects.filter(username="cadre").exists()


def test_the_demo_texts_have_their_words_for_the_search_and_the_hot_terms():
    seed()

    for model in (VisitRecord, Problem):
        texts = model.objects.exclude(**{model.TERMS_SOURCE: ""})
        assert texts.exists()
        assert not texts.filter(terms="").exists()
