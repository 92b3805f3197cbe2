"""Nothing lost: every change to a record sheet, a problem, a contact point, a worker's opinion
and a calendar day is in the history, with who made it and when — through the pages, the
services, the bulk paths (the new-year rollover, the import, loading a year's calendar) and the
admin (its forms and its "delete selected" action). The history itself is read-only.

Today is Tuesday 2026-11-24 10:00 (tests/conftest.py).
"""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from liaison.meetings import services as meetings
from liaison.models import Opinion
from records.calendar import calendar_load_year
from records.models import CalendarDay, Problem, VisitRecord
from records.problems import services as loop
from records.sheets.services import record_return
from tests.factories import (
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    OpinionFactory,
    ProblemFactory,
    QuarterlyMeetingFactory,
    VisitRecordFactory,
)
from tests.helpers import form_values, sheet, solved_on_the_spot, to_transfer
from tests.org_workbooks import build
from unions.assignments.services import assignment_create, assignment_end, assignments_roll_over
from unions.models import LiaisonAssignment
from unions.org_import.points import org_import

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def last(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


def assert_last_change(obj, user, kind="~"):
    """The newest history row of `obj`: made by `user`, of `kind` (+ created, ~ changed,
    - deleted), now."""
    entry = last(obj)
    assert entry is not None, "no history"
    assert (entry.history_user, entry.history_type) == (user, kind)
    assert entry.history_date == NOW


@pytest.fixture
def unit(alice):
    union = GrassrootsUnionFactory(name="西城区某某商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return union


@pytest.fixture
def transferred(alice, department):
    return ProblemFactory(
        record__cadre=alice,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=department,
        deadline=datetime.date(2026, 12, 1),
    )


# Record sheets


def test_filing_a_sheet_with_problems_records_the_cadre_on_each(login, alice, unit, department):
    client = login(alice)

    client.post(
        reverse("records:record-create"),
        sheet(unit, problems=[solved_on_the_spot(), to_transfer(department)]),
    )

    record = VisitRecord.objects.get()
    assert_last_change(record, alice.user, "+")
    for problem in record.problems.all():
        # created with the sheet, then (the transferred one) sent on by the filing
        assert {e.history_user for e in problem.history.all()} == {alice.user}


def test_a_problem_removed_from_a_draft_leaves_its_deletion_in_the_history(login, alice, unit):
    record = VisitRecordFactory(cadre=alice, union=unit, status=VisitRecord.Status.DRAFT)
    problem = ProblemFactory(record=record, status=Problem.Status.RAISED)
    data = sheet(
        unit,
        action="draft",
        **{
            "problems-TOTAL_FORMS": "1",
            "problems-INITIAL_FORMS": "1",
            "problems-0-id": str(problem.pk),
            "problems-0-record": str(record.pk),
            "problems-0-DELETE": "on",
            **{f"problems-0-{k}": v for k, v in solved_on_the_spot().items()},
        },
    )

    response = login(alice).post(reverse("records:record-edit", args=[record.pk]), data)

    assert response.status_code == 302
    assert not Problem.objects.filter(pk=problem.pk).exists()
    deleted = Problem.history.filter(id=problem.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", alice.user)


def test_returning_a_sheet_records_the_organization_department(alice, olivia):
    record = VisitRecordFactory(cadre=alice)

    record_return(record=record, user=olivia.user, reason="请补充走访对象")

    record.refresh_from_db()
    assert_last_change(record, olivia.user)
    assert last(record).status == VisitRecord.Status.RETURNED


# Problems: each step of the loop, and the quarterly meeting's decisions


def test_every_step_of_the_problem_loop_records_who_took_it(alice, carol, olivia, transferred):
    steps = [
        (carol, lambda p: loop.problem_accept(problem=p, user=carol.user)),
        (olivia, lambda p: loop.problem_urge(problem=p, user=olivia.user)),
        (olivia, lambda p: loop.problem_set_deadline(
            problem=p, user=olivia.user, deadline=datetime.date(2026, 12, 10)
        )),
        (carol, lambda p: loop.problem_answer(problem=p, user=carol.user, answer="已协调")),
        (alice, lambda p: loop.problem_feedback(
            problem=p, user=alice.user, on=datetime.date(2026, 11, 24), method="phone",
            satisfaction="satisfied",
        )),
        (olivia, lambda p: loop.problem_close(problem=p, user=olivia.user)),
    ]  # fmt: skip
    before = transferred.history.count()
    for cadre, step in steps:
        step(transferred)
        assert_last_change(transferred, cadre.user)
    assert transferred.history.count() == before + len(steps)
    statuses = list(transferred.history.order_by("history_id").values_list("status", flat=True))
    assert statuses[-3:] == ["answered", "fed_back", "closed"]


def test_a_meeting_decision_records_the_organization_department(olivia, transferred):
    meeting = QuarterlyMeetingFactory(year=2026, quarter=4, date=datetime.date(2026, 11, 20))

    meetings.meeting_decide(
        meeting=meeting,
        problem=transferred,
        kind="new_deadline",
        deadline=datetime.date(2026, 12, 18),
        user=olivia.user,
    )

    assert_last_change(transferred, olivia.user)
    assert last(transferred).deadline == datetime.date(2026, 12, 18)


# Contact points: the desk, the end mid-year, the new-year rollover (bulk), the import


def test_creating_and_ending_a_contact_point_record_who(alice, olivia):
    point = assignment_create(
        cadre=alice, union=GrassrootsUnionFactory(), year=2026, user=olivia.user
    )
    assert_last_change(point, olivia.user, "+")

    assignment_end(
        assignment=point, ended_at=datetime.date(2026, 11, 24), reason="单位注销", user=olivia.user
    )

    assert_last_change(point, olivia.user)
    assert last(point).ended_at == datetime.date(2026, 11, 24)


def test_the_new_year_rollover_writes_a_history_row_for_every_point_it_creates(alice, bob, olivia):
    for cadre in (alice, alice, bob):
        LiaisonAssignmentFactory(cadre=cadre, year=2026)

    result = assignments_roll_over(from_year=2026, to_year=2027, user=olivia.user)

    created = LiaisonAssignment.objects.filter(year=2027)
    assert created.count() == len(result.created) == 3
    for point in created:
        assert_last_change(point, olivia.user, "+")


def test_the_rollover_from_the_desk_names_who_pressed_the_button(login, alice, olivia):
    LiaisonAssignmentFactory(cadre=alice, year=2025)

    login(olivia).post(reverse("assignments:roll-over", args=[2026]))

    assert_last_change(LiaisonAssignment.objects.get(year=2026), olivia.user, "+")


def test_the_organization_import_records_who_imported(olivia):
    result = org_import(build(), user=olivia.user, year=2026)

    assert result.ok, result.issues
    points = LiaisonAssignment.objects.all()
    assert points.count() == 3
    for point in points:
        assert_last_change(point, olivia.user, "+")


def test_the_import_command_records_the_user_it_is_given(olivia, tmp_path):
    workbook = tmp_path / "org.xlsx"
    workbook.write_bytes(build().getvalue())

    call_command("import_org", str(workbook), "--year", "2026", "--user", "olivia")

    for point in LiaisonAssignment.objects.all():
        assert_last_change(point, olivia.user, "+")


# Workers' opinions


def test_an_opinion_has_history_from_the_public_page_to_its_take_up(client, login, alice, unit):
    client.post(
        reverse("boards:public", args=[unit.public_token]),
        {"text": "食堂晚上能不能多开一个窗口？", "category": "welfare", "name": "", "phone": ""},
    )
    opinion = Opinion.objects.get()
    assert_last_change(opinion, None, "+")  # a worker, without a login

    login(alice).post(reverse("boards:opinion-take-up", args=[opinion.pk]))

    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.TAKEN_UP
    assert_last_change(opinion, alice.user)


# Calendar days


def test_loading_a_year_writes_a_history_row_for_every_day(admin_user):
    created = calendar_load_year(year=2026, user=admin_user)

    assert created == CalendarDay.objects.count() > 0
    assert CalendarDay.history.count() == created
    assert set(CalendarDay.history.values_list("history_user", flat=True)) == {admin_user.pk}


def test_loading_a_year_in_the_admin_records_the_administrator(login, admin_user):
    login(admin_user).post(reverse("admin:records_calendarday_load_year"), {"year": "2026"})

    assert CalendarDay.objects.exists()
    for day in CalendarDay.objects.all():
        assert_last_change(day, admin_user, "+")


def test_changing_a_day_in_the_admin_records_the_administrator(login, admin_user):
    day = CalendarDay.objects.create(date=datetime.date(2027, 1, 1), is_working_day=False)

    login(admin_user).post(
        reverse("admin:records_calendarday_change", args=[day.pk]),
        {"date": "2027-01-01", "is_working_day": "on", "note": "补班"},
    )

    day.refresh_from_db()
    assert day.is_working_day
    assert_last_change(day, admin_user)


# The admin: its forms and its bulk action


def test_deleting_problems_with_the_admin_action_leaves_each_in_the_history(login, admin_user):
    problems = ProblemFactory.create_batch(3)

    response = login(admin_user).post(
        reverse("admin:records_problem_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in problems], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Problem.objects.exists()
    deleted = Problem.history.filter(history_type="-")
    assert sorted(deleted.values_list("id", flat=True)) == sorted(p.pk for p in problems)
    assert set(deleted.values_list("history_user", flat=True)) == {admin_user.pk}


def test_deleting_a_sheet_in_the_admin_keeps_it_and_its_problems_in_the_history(login, admin_user):
    problem = ProblemFactory()
    record = problem.record

    login(admin_user).post(
        reverse("admin:records_visitrecord_delete", args=[record.pk]), {"post": "yes"}
    )

    assert not VisitRecord.objects.exists()
    for history, pk in ((VisitRecord.history, record.pk), (Problem.history, problem.pk)):
        entry = history.filter(id=pk).latest()
        assert (entry.history_type, entry.history_user) == ("-", admin_user)
        # what was deleted can still be read in full
        assert entry.instance.pk == pk


def test_an_opinion_deleted_in_the_admin_records_the_administrator(login, admin_user):
    # An opinion is read in the admin, never edited there (it is taken up on the site); an
    # administrator may delete one, and the history says who.
    opinion = OpinionFactory()
    url = reverse("admin:liaison_opinion_delete", args=[opinion.pk])

    login(admin_user).post(url, {"post": "yes"})

    deleted = opinion.history.latest()
    assert deleted.history_type == "-"
    assert deleted.history_user == admin_user


# The history is read-only


@pytest.mark.parametrize(
    "model, build",
    [
        (VisitRecord, lambda: VisitRecordFactory(people_met="原来的记录")),
        (Problem, lambda: ProblemFactory(description="原来的描述")),
        (LiaisonAssignment, lambda: LiaisonAssignmentFactory(end_reason="")),
        (Opinion, lambda: OpinionFactory(text="原来的意见")),
        (CalendarDay, lambda: CalendarDay.objects.create(
            date=datetime.date(2027, 1, 1), is_working_day=False, note="原来的备注"
        )),
    ],
)  # fmt: skip
def test_a_past_version_can_be_read_in_the_admin_but_not_restored(login, admin_user, model, build):
    obj = build()
    first = obj.history.earliest()
    # A later change, so that reverting to the first version would change something.
    obj.save()
    before = obj.history.count()
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history",
        args=[obj.pk, first.history_id],
    )
    client = login(admin_user)

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    assert 'name="_save"' not in page.content.decode()

    response = client.post(url, {"_save": "Revert", **_form_data(page)})

    assert response.status_code == 403
    assert obj.history.count() == before


def _form_data(page) -> dict:
    """What the past version's page would send back if its form were submitted."""
    return {
        name: values if len(values) > 1 else values[0] for name, values in form_values(page).items()
    }


def test_the_history_models_are_not_editable_in_the_admin():
    assert not [m for m in admin.site._registry if m.__name__.startswith("Historical")]
    for name in ("records_historicalproblem", "liaison_historicalopinion"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{name}_change", args=[1])


# A guard for future code: bulk writes on these models go through the history helpers


TRACKED = r"(VisitRecord|Problem|LiaisonAssignment|Opinion|CalendarDay)"
BULK = re.compile(
    TRACKED + r"\.objects\b(?:(?!\n\s*\n).){0,300}?\.(bulk_create|bulk_update|update)\(",
    re.S,
)


def test_no_bulk_write_on_a_tracked_model_bypasses_the_history():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("liaison", "records", "unions"):
        for path in (root / app).rglob("*.py"):
            parts = path.relative_to(root).parts
            if "migrations" in parts or "bench" in parts or path.name == "seed_demo.py":
                continue
            text = path.read_text(encoding="utf-8")
            for match in BULK.finditer(text):
                # A bulk write that writes its history rows itself, right after, is fine (the
                # ledger's bulk steps: records.problems.services.Writes.flush).
                if ".history.bulk_history_create(" in text[match.end() : match.end() + 400]:
                    continue
                offenders.append(f"{path.relative_to(root)}: {match.group(0)[:80]}")
    assert offenders == []
