"""The Django admin: every model is there, its pages open, and its lists cost the same number of
queries for 1 row as for 10."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.models import AuditEvent, MeetingDecision, OpinionReminderLog, WorkerHeartbeat
from records.models import ExportJob, Notification, Problem, ReminderLog
from tests.factories import (
    AttachmentFactory,
    CadreFactory,
    CalendarDayFactory,
    DepartmentFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    OpinionFactory,
    ProblemEventFactory,
    ProblemFactory,
    QuarterlyMeetingFactory,
    QuarterSnapshotFactory,
    ResearchTopicFactory,
    UserFactory,
    VisitRecordFactory,
)
from unions.models import RoleChange, UserPreference

pytestmark = pytest.mark.django_db


# One builder per registered model: `build(n)` makes the model's n-th row, with every foreign key
# shown in the list filled and pointing at an object of its own, so a query per row would show.
def build_department(n):
    return CadreFactory(department=DepartmentFactory()).department


def build_audit_event(n):
    if n == 0:  # the staff's own login is an event too: the list starts from the built rows
        AuditEvent.objects.all().delete()
    return AuditEvent.objects.create(kind="refused", username=f"user{n}", path="/x/", status=403)


def build_problem(n):
    return ProblemFactory(
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=DepartmentFactory(),
        leader=CadreFactory(),
        deadline=datetime.date(2026, 12, 1),
    )


def build_meeting(n):
    meeting = QuarterlyMeetingFactory(year=2016 + n, created_by=UserFactory())
    meeting.attendees.add(CadreFactory(), CadreFactory())
    return meeting


BUILDERS = {
    "unions.department": build_department,
    "unions.cadre": lambda n: CadreFactory(),
    "unions.grassrootsunion": lambda n: GrassrootsUnionFactory(),
    "records.visitrecord": lambda n: VisitRecordFactory(),
    "records.problem": build_problem,
    "records.problemevent": lambda n: ProblemEventFactory(actor=UserFactory()),
    "records.calendarday": lambda n: CalendarDayFactory(
        date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
    ),
    "records.attachment": lambda n: AttachmentFactory(),
    "records.researchtopic": lambda n: ResearchTopicFactory(),
    "records.notification": lambda n: Notification.objects.create(
        recipient=UserFactory(), problem=ProblemFactory(), kind="answered", message=f"m{n}"
    ),
    "records.reminderlog": lambda n: ReminderLog.objects.create(
        problem=ProblemFactory(), kind="overdue", day=datetime.date(2026, 11, 1 + n)
    ),
    "records.exportjob": lambda n: ExportJob.objects.create(
        kind="register", title=f"登记表{n}", filename="r.xlsx", requested_by=UserFactory()
    ),
    "unions.liaisonassignment": lambda n: LiaisonAssignmentFactory(assigned_by=UserFactory()),
    "unions.userpreference": lambda n: UserPreference.objects.create(
        user=UserFactory(), language="en"
    ),
    "liaison.quarterlymeeting": build_meeting,
    "liaison.meetingdecision": lambda n: MeetingDecision.objects.create(
        meeting=build_meeting(n),
        problem=ProblemFactory(),
        kind="urge",
        department=DepartmentFactory(),
        decided_by=UserFactory(),
    ),
    "liaison.quartersnapshot": lambda n: QuarterSnapshotFactory(
        year=2016 + n, frozen_by=UserFactory()
    ),
    "liaison.opinion": lambda n: OpinionFactory(
        status="taken_up",
        taken_up_by=UserFactory(),
        taken_up_at=datetime.datetime.now(datetime.UTC),
    ),
    "unions.rolechange": lambda n: RoleChange.objects.create(
        username=f"user{n}", group="机关干部", action="given", changed_by=UserFactory()
    ),
    "liaison.auditevent": build_audit_event,
    # One row in use (pk 1); rows are built here only to count the changelist's queries.
    "liaison.opinionreminderlog": lambda n: OpinionReminderLog.objects.create(
        opinion=OpinionFactory(), day=datetime.date(2026, 11, 1 + n)
    ),
    "liaison.workerheartbeat": lambda n: WorkerHeartbeat.objects.create(
        pk=n + 1, beat_at=datetime.datetime.now(datetime.UTC)
    ),
}
WITH_HISTORY = [
    "unions.department",
    "unions.cadre",
    "unions.grassrootsunion",
    "records.visitrecord",
    "records.problem",
    "records.calendarday",
    "unions.liaisonassignment",
    "liaison.opinion",
]


def admin_url(label, view, *args):
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.fixture
def staff(login, admin_user):
    return login(admin_user)


def test_every_model_of_the_three_apps_is_in_the_admin():
    models = [
        model
        for app_label in ("unions", "records", "liaison")
        for model in apps.get_app_config(app_label).get_models()
        if not model.__name__.startswith("Historical")
    ]
    assert [model for model in models if not admin.site.is_registered(model)] == []
    # ... and every one of them is exercised by the tests below.
    assert {model._meta.label_lower for model in models} == set(BUILDERS)
    # The history shows on its object's page, not as a model of its own.
    registered = [model.__name__ for model in admin.site._registry]
    assert [name for name in registered if name.startswith("Historical")] == []


@pytest.mark.parametrize("label", BUILDERS)
def test_the_changelist_queries_do_not_grow_with_rows(staff, label):
    url = admin_url(label, "changelist")
    build = BUILDERS[label]
    build(0)
    staff.get(url)  # warm the per-process caches (content types) before counting

    with CaptureQueriesContext(connection) as one_row:
        response = staff.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1

    for n in range(1, 10):
        build(n)
    with CaptureQueriesContext(connection) as ten_rows:
        response = staff.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 10
    assert len(ten_rows) == len(one_row)


@pytest.mark.parametrize("label", BUILDERS)
def test_the_change_page_opens(staff, label):
    obj = BUILDERS[label](0)
    assert staff.get(admin_url(label, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize(
    "label",
    [
        label
        for label in BUILDERS
        if label
        not in (
            "records.problemevent",
            "records.attachment",
            "records.reminderlog",
            "records.exportjob",
            "records.researchtopic",
            "liaison.meetingdecision",
            "liaison.quartersnapshot",
            "liaison.quarterlymeeting",
            "liaison.opinion",
            "liaison.opinionreminderlog",
            "liaison.workerheartbeat",
            "liaison.auditevent",
            "unions.rolechange",
        )
    ],
)
def test_the_add_page_opens(staff, label):
    assert staff.get(admin_url(label, "add")).status_code == 200


@pytest.mark.parametrize("label", WITH_HISTORY)
def test_the_history_of_a_change_is_visible(staff, label):
    obj = BUILDERS[label](0)
    response = staff.get(admin_url(label, "history", obj.pk))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 1


def test_a_problem_event_cannot_be_added_or_changed_in_the_admin(staff):
    event = ProblemEventFactory(note="已移交法律工作部")
    assert staff.get(admin_url("records.problemevent", "add")).status_code == 403

    change_url = admin_url("records.problemevent", "change", event.pk)
    response = staff.post(change_url, {"action": "edited", "to_status": "closed", "note": "改"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert (event.action, event.note) == ("raise", "已移交法律工作部")


def test_a_problem_shows_its_timeline_read_only(staff):
    problem = ProblemFactory()
    ProblemEventFactory(problem=problem, action="raise", note="职工当面反映")
    response = staff.get(admin_url("records.problem", "change", problem.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert "职工当面反映" in content
    assert 'name="events-0-note"' not in content


def test_the_problem_page_queries_do_not_grow_with_its_timeline(staff):
    problem = ProblemFactory()
    url = admin_url("records.problem", "change", problem.pk)
    ProblemEventFactory(problem=problem, actor=UserFactory())
    staff.get(url)

    with CaptureQueriesContext(connection) as one_event:
        staff.get(url)
    for _ in range(9):
        ProblemEventFactory(problem=problem, actor=UserFactory())
    with CaptureQueriesContext(connection) as ten_events:
        staff.get(url)
    assert len(ten_events) == len(one_event)


def test_a_department_lists_its_active_cadres(staff, department):
    CadreFactory.create_batch(2, department=department)
    CadreFactory(department=department, active=False)
    response = staff.get(admin_url("unions.department", "changelist"))
    [row] = response.context["cl"].result_list
    assert row.active_cadre_count == 2


def test_unions_can_be_found_by_credit_code(staff):
    wanted = GrassrootsUnionFactory(name="北京市西城区某某医院工会")
    GrassrootsUnionFactory(name="北京市西城区某某银行工会")
    response = staff.get(
        admin_url("unions.grassrootsunion", "changelist"), {"q": wanted.credit_code}
    )
    assert list(response.context["cl"].result_list) == [wanted]


def test_cadres_can_be_found_by_staff_number(staff, alice, bob):
    response = staff.get(admin_url("unions.cadre", "changelist"), {"q": bob.staff_number})
    assert list(response.context["cl"].result_list) == [bob]


def test_records_can_be_found_by_union_or_cadre_name(staff, alice, bob):
    hospital = VisitRecordFactory(cadre=alice, union__name="北京市西城区某某医院工会")
    bank = VisitRecordFactory(cadre=bob, union__name="北京市西城区某某银行工会")
    url = admin_url("records.visitrecord", "changelist")
    assert list(staff.get(url, {"q": "医院"}).context["cl"].result_list) == [hospital]
    assert list(staff.get(url, {"q": bob.name}).context["cl"].result_list) == [bank]


def test_records_can_be_filtered_by_integrity_exception(staff):
    clean = VisitRecordFactory()
    undeclared = VisitRecordFactory(transport_accepted=None, gifts_accepted=None)
    gift = VisitRecordFactory(gifts_accepted=True, integrity_explanation="收到纪念品，已退回")
    url = admin_url("records.visitrecord", "changelist")

    with_exception = staff.get(url, {"integrity_exception": "yes"}).context["cl"].result_list
    without = staff.get(url, {"integrity_exception": "no"}).context["cl"].result_list
    assert list(with_exception) == [gift]
    assert set(without) == {clean, undeclared}


def test_the_union_autocomplete_answers(staff):
    wanted = GrassrootsUnionFactory(name="北京市西城区某某医院工会")
    GrassrootsUnionFactory(name="北京市西城区某某银行工会")
    response = staff.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "records",
            "model_name": "visitrecord",
            "field_name": "union",
            "term": "医院",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(wanted.pk), "text": wanted.name}]


def test_the_cadre_autocomplete_finds_a_staff_number(staff, alice, bob):
    response = staff.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "unions",
            "model_name": "liaisonassignment",
            "field_name": "cadre",
            "term": alice.staff_number,
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(alice.pk), "text": alice.name}]


def test_the_record_autocomplete_queries_do_not_grow_with_rows(staff):
    query = {"app_label": "records", "model_name": "problem", "field_name": "record", "term": ""}
    VisitRecordFactory()
    staff.get(reverse("admin:autocomplete"), query)

    with CaptureQueriesContext(connection) as one_row:
        response = staff.get(reverse("admin:autocomplete"), query)
    assert len(response.json()["results"]) == 1
    VisitRecordFactory.create_batch(9)
    with CaptureQueriesContext(connection) as ten_rows:
        response = staff.get(reverse("admin:autocomplete"), query)
    assert len(response.json()["results"]) == 10
    assert len(ten_rows) == len(one_row)


def test_a_meeting_is_made_on_the_site_not_in_the_admin(staff):
    # meeting_create keeps a meeting's date inside its quarter; the admin would not.
    assert staff.get(admin_url("liaison.quarterlymeeting", "add")).status_code == 403


def test_a_meetings_quarter_and_date_are_read_only_in_the_admin(staff):
    meeting = QuarterlyMeetingFactory(year=2026, quarter=4, date=datetime.date(2026, 11, 20))

    staff.post(
        admin_url("liaison.quarterlymeeting", "change", meeting.pk),
        {"year": 2026, "quarter": 1, "date": "2026-02-01", "minutes": "改", "other_attendees": ""},
    )

    meeting.refresh_from_db()
    assert (meeting.quarter, meeting.date) == (4, datetime.date(2026, 11, 20))


def test_an_opinion_is_taken_up_on_the_site_not_in_the_admin(staff):
    # opinion_take_up opens the cadre's draft sheet and records who took it up; the admin's
    # status field would skip all of it.
    opinion = OpinionFactory(status="new")
    assert staff.get(admin_url("liaison.opinion", "add")).status_code == 403

    staff.post(
        admin_url("liaison.opinion", "change", opinion.pk),
        {
            "union": opinion.union_id,
            "category": opinion.category,
            "text": "改",
            "status": "taken_up",
        },
    )

    opinion.refresh_from_db()
    assert opinion.status == "new" and opinion.text != "改"
