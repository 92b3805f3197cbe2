"""The quarterly meeting takes up what is stuck: its agenda comes from the data, and its
decisions go through the problem loop, so each problem's timeline says which meeting decided."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from liaison.meetings import services as meetings
from liaison.models import MeetingDecision, QuarterlyMeeting
from records.models import Problem, ProblemEvent
from records.problems import services as loop
from tests.factories import (
    CadreFactory,
    ProblemEventFactory,
    ProblemFactory,
    QuarterlyMeetingFactory,
    VisitRecordFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
Q4 = (D(2026, 10, 1), D(2026, 12, 31))


RAISED_ON = D(2026, 10, 20)
DUE = D(2026, 11, 10)


def transferred(cadre, department, *, on=RAISED_ON, deadline=DUE, **kwargs):
    return ProblemFactory(
        record__cadre=cadre,
        record__start_date=on,
        resolution=Problem.Resolution.TRANSFER,
        status=kwargs.pop("status", Problem.Status.TRANSFERRED),
        department=department,
        deadline=deadline,
        **kwargs,
    )


@pytest.fixture
def meeting(olivia):
    return QuarterlyMeetingFactory(
        year=2026, quarter=4, date=D(2026, 11, 24), created_by=olivia.user
    )


class TestAgenda:
    def test_open_problems_come_overdue_first(self, meeting, alice, other_department):
        later = transferred(alice, other_department, deadline=D(2026, 12, 20))
        overdue = transferred(alice, other_department, deadline=D(2026, 11, 10))
        closed = transferred(alice, other_department, status=Problem.Status.CLOSED)
        agenda = meetings.meeting_agenda(meeting)
        assert agenda["open"] == [overdue, later]
        assert agenda["open"][0].is_overdue and not agenda["open"][1].is_overdue
        assert closed not in agenda["open"]

    def test_problems_raised_in_the_quarter(self, meeting, alice, other_department):
        this_quarter = transferred(alice, other_department, on=D(2026, 10, 9))
        last_quarter = transferred(alice, other_department, on=D(2026, 9, 9))
        agenda = meetings.meeting_agenda(meeting)
        assert this_quarter in agenda["raised"]
        assert last_quarter not in agenda["raised"]

    def test_demands_that_came_back_unsatisfied(self, meeting, alice, other_department):
        reopened = transferred(alice, other_department)
        ProblemEventFactory(problem=reopened, action="reopen", to_status="transferred")
        fine = transferred(alice, other_department)
        agenda = meetings.meeting_agenda(meeting)
        assert agenda["unsatisfied"] == [reopened]
        assert fine not in agenda["unsatisfied"]

    def test_cadres_behind_the_pace(self, meeting, alice, bob, olivia):
        # On 2026-11-24, 221 of 248 working days have passed: the pace is 18.5 days.
        VisitRecordFactory(
            cadre=alice, days=Decimal("19.0"), start_date=D(2026, 3, 2), end_date=D(2026, 3, 31)
        )
        VisitRecordFactory(
            cadre=bob, days=Decimal("3.0"), start_date=D(2026, 3, 2), end_date=D(2026, 3, 4)
        )
        agenda = meetings.meeting_agenda(meeting)
        assert agenda["pace"].days == Decimal("18.5")
        behind = {c.name: c.days_filed for c in agenda["behind"]}
        assert alice.name not in behind
        assert behind[bob.name] == Decimal("3.0")

    def test_the_agenda_costs_the_same_queries_for_1_and_20_problems(
        self, meeting, alice, other_department, django_assert_num_queries
    ):
        transferred(alice, other_department)
        with CaptureQueriesContext(connection) as one:
            meetings.meeting_agenda(meeting)
        for _ in range(19):
            p = transferred(alice, other_department, deadline=D(2026, 11, 2))
            ProblemEventFactory(problem=p, action="reopen", to_status="transferred")
            CadreFactory()
        with django_assert_num_queries(len(one)):
            meetings.meeting_agenda(meeting)


class TestMeetingDate:
    def test_a_meeting_is_dated_inside_its_quarter(self, olivia):
        with pytest.raises(ValidationError) as refused:
            meetings.meeting_create(year=2026, quarter=4, date=D(2026, 9, 30), user=olivia.user)

        assert refused.value.message_dict == {
            "date": ["2026年第4季度的例会应在2026-10-01至2026-12-31之间召开。"]
        }
        assert not QuarterlyMeeting.objects.exists()
        meetings.meeting_create(year=2026, quarter=4, date=D(2026, 10, 1), user=olivia.user)

    def test_recording_keeps_the_meeting_inside_its_quarter(self, meeting, olivia):
        with pytest.raises(ValidationError) as refused:
            meetings.meeting_record(
                meeting=meeting,
                user=olivia.user,
                date=D(2027, 1, 5),
                attendees=[],
                other_attendees="",
                minutes="",
            )

        assert list(refused.value.message_dict) == ["date"]
        meeting.refresh_from_db()
        assert meeting.date == D(2026, 11, 24)

    def test_the_create_form_shows_the_date_outside_the_quarter_on_the_date(self, login, olivia):
        response = login(olivia).post(
            reverse("meetings:list"), {"year": 2026, "quarter": 4, "date": "2026-09-25"}
        )

        assert response.status_code == 400
        assert response.context["form"].errors == {
            "date": ["2026年第4季度的例会应在2026-10-01至2026-12-31之间召开。"]
        }
        assert not QuarterlyMeeting.objects.exists()

    def test_the_record_form_shows_the_date_outside_the_quarter_on_the_date(
        self, login, olivia, meeting
    ):
        response = login(olivia).post(
            reverse("meetings:record", args=[meeting.pk]),
            {"date": "2026-09-25", "other_attendees": "", "minutes": ""},
        )

        assert response.status_code == 400
        assert list(response.context["record_form"].errors) == ["date"]
        meeting.refresh_from_db()
        assert meeting.date == D(2026, 11, 24)


class TestDecisions:
    def test_a_new_department_goes_through_the_loop_and_the_timeline_says_so(
        self, meeting, olivia, alice, department, other_department
    ):
        problem = transferred(alice, other_department)
        meetings.meeting_decide(
            meeting=meeting,
            problem=problem,
            kind="reassign",
            department=department,
            user=olivia.user,
            note="由宣传教育部牵头",
        )
        problem.refresh_from_db()
        assert problem.department == department
        assert problem.status == Problem.Status.TRANSFERRED
        event = problem.events.last()
        assert event.action == "retransfer"
        assert "2026年第4季度工作例会决定" in event.note
        assert MeetingDecision.objects.get().problem == problem

    def test_reassigning_to_the_same_department_is_refused(
        self, meeting, olivia, alice, other_department
    ):
        problem = transferred(alice, other_department)

        with pytest.raises(ValidationError) as refused:
            meetings.meeting_decide(
                meeting=meeting,
                problem=problem,
                kind="reassign",
                department=other_department,
                user=olivia.user,
            )

        assert list(refused.value.message_dict) == ["department"]
        assert not MeetingDecision.objects.exists()

    def test_a_new_deadline(self, meeting, olivia, alice, other_department):
        problem = transferred(alice, other_department)
        meetings.meeting_decide(
            meeting=meeting,
            problem=problem,
            kind="new_deadline",
            deadline=D(2026, 12, 31),
            user=olivia.user,
        )
        problem.refresh_from_db()
        assert problem.deadline == D(2026, 12, 31)

    def test_a_new_deadline_decision_without_a_date_says_the_date_is_required(
        self, meeting, olivia, alice, other_department
    ):
        problem = transferred(alice, other_department)

        with pytest.raises(ValidationError) as refused:
            meetings.meeting_decide(
                meeting=meeting, problem=problem, kind="new_deadline", user=olivia.user
            )

        assert refused.value.message_dict == {"deadline": ["请填写新的办理时限。"]}
        assert not MeetingDecision.objects.exists()

    def test_a_new_deadline_on_a_rest_day_is_refused(
        self, meeting, olivia, alice, other_department
    ):
        problem = transferred(alice, other_department)

        with pytest.raises(ValidationError) as refused:
            meetings.meeting_decide(
                meeting=meeting,
                problem=problem,
                kind="new_deadline",
                deadline=D(2026, 12, 6),  # a Sunday
                user=olivia.user,
            )

        assert refused.value.message_dict == {
            "deadline": ["2026-12-06不是工作日，办理时限应为工作日。"]
        }
        assert not MeetingDecision.objects.exists()

    def test_closing_needs_a_reason(self, meeting, olivia, alice, other_department):
        from django.core.exceptions import ValidationError

        problem = transferred(alice, other_department)
        with pytest.raises(ValidationError):
            meetings.meeting_decide(
                meeting=meeting, problem=problem, kind="close", user=olivia.user
            )
        meetings.meeting_decide(
            meeting=meeting, problem=problem, kind="close", user=olivia.user, note="企业已注销"
        )
        problem.refresh_from_db()
        assert problem.status == Problem.Status.CLOSED
        assert "企业已注销" in problem.events.last().note

    def test_only_the_organization_department_decides(
        self, meeting, carol, alice, other_department
    ):
        from django.core.exceptions import PermissionDenied

        problem = transferred(alice, other_department)
        with pytest.raises(PermissionDenied):
            meetings.meeting_decide(meeting=meeting, problem=problem, kind="urge", user=carol.user)
        assert not ProblemEvent.objects.filter(problem=problem).exists()

    def test_a_refused_step_records_no_decision(self, meeting, olivia, alice, other_department):
        problem = transferred(alice, other_department, status=Problem.Status.CLOSED)
        with pytest.raises(loop.NotAllowed):
            meetings.meeting_decide(meeting=meeting, problem=problem, kind="urge", user=olivia.user)
        assert not MeetingDecision.objects.exists()


class TestPages:
    @pytest.mark.parametrize(
        ("persona", "status"),
        [("olivia", 200), ("carol", 200), ("alice", 403), ("bob", 403)],
    )
    def test_who_sees_the_meetings(self, request, login, meeting, persona, status):
        client = login(request.getfixturevalue(persona))
        assert client.get(reverse("meetings:list")).status_code == status
        detail = client.get(reverse("meetings:detail", args=[meeting.pk])).status_code
        assert detail == (200 if status == 200 else 404)

    def test_an_anonymous_visitor_goes_to_the_login(self, client, meeting):
        response = client.get(reverse("meetings:detail", args=[meeting.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_the_organization_department_creates_a_meeting_once(self, login, olivia):
        client = login(olivia)
        data = {"year": 2026, "quarter": 4, "date": "2026-11-24"}
        response = client.post(reverse("meetings:list"), data)
        assert response.status_code == 302
        again = client.post(reverse("meetings:list"), data)
        assert again.status_code == 400
        assert "已经" in again.content.decode() or again.context["form"].errors
        assert QuarterlyMeeting.objects.count() == 1

    def test_a_department_head_cannot_create_or_decide(
        self, login, carol, meeting, alice, other_department
    ):
        client = login(carol)
        assert (
            client.post(
                reverse("meetings:list"), {"year": 2026, "quarter": 3, "date": "2026-09-25"}
            ).status_code
            == 403
        )
        problem = transferred(alice, other_department)
        url = reverse("meetings:decide", args=[meeting.pk, problem.pk])
        assert client.post(url, {f"p{problem.pk}-kind": "urge"}).status_code == 403
        assert client.post(reverse("meetings:record", args=[meeting.pk]), {}).status_code == 403

    def test_recording_attendees_and_minutes(self, login, olivia, carol, meeting):
        response = login(olivia).post(
            reverse("meetings:record", args=[meeting.pk]),
            {
                "date": "2026-11-24",
                "attendees": [carol.pk, olivia.pk],
                "other_attendees": "区总工会主席",
                "minutes": "研究了夜班通勤问题",
            },
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert set(meeting.attendees.all()) == {carol, olivia}
        assert meeting.minutes == "研究了夜班通勤问题"

    def test_a_decision_through_the_page_keeps_its_typed_note_on_an_error(
        self, login, olivia, meeting, alice, other_department
    ):
        problem = transferred(alice, other_department)
        url = reverse("meetings:decide", args=[meeting.pk, problem.pk])
        client = login(olivia)
        bad = client.post(
            url, {f"p{problem.pk}-kind": "reassign", f"p{problem.pk}-note": "请重新研究"}
        )
        assert bad.status_code == 400
        assert "请重新研究" in bad.content.decode()
        good = client.post(url, {f"p{problem.pk}-kind": "urge", f"p{problem.pk}-note": "尽快答复"})
        assert good.status_code == 302
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert 'data-testid="decision"' in page and "尽快答复" in page

    def test_a_new_deadline_without_a_date_is_shown_as_required_on_the_deadline(
        self, login, olivia, meeting, alice, other_department
    ):
        problem = transferred(alice, other_department)
        url = reverse("meetings:decide", args=[meeting.pk, problem.pk])

        response = login(olivia).post(url, {f"p{problem.pk}-kind": "new_deadline"})

        assert response.status_code == 400
        [form] = [
            row["form"]
            for _key, _title, rows in response.context["sections"]
            for row in rows
            if row["problem"].pk == problem.pk and row["form"]
        ]
        assert form.errors == {"deadline": ["请填写新的办理时限。"]}

    def test_the_detail_page_costs_the_same_queries_for_1_and_15_problems(
        self, login, olivia, meeting, alice, other_department, django_assert_num_queries
    ):
        client = login(olivia)
        transferred(alice, other_department)
        url = reverse("meetings:detail", args=[meeting.pk])
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        for _ in range(14):
            transferred(alice, other_department)
        with django_assert_num_queries(len(one)):
            assert client.get(url).status_code == 200

    def test_the_minutes_print(self, login, olivia, meeting):
        meeting.minutes = "会议纪要正文"
        meeting.save()
        response = login(olivia).get(reverse("meetings:print", args=[meeting.pk]))
        assert response.status_code == 200
        assert "会议纪要正文" in response.content.decode()

    def test_the_agenda_exports_to_excel_with_decisions(
        self, login, olivia, meeting, alice, other_department
    ):
        problem = transferred(alice, other_department, description='=HYPERLINK("x")')
        meetings.meeting_decide(meeting=meeting, problem=problem, kind="urge", user=olivia.user)
        response = login(olivia).get(reverse("meetings:export", args=[meeting.pk]))
        assert response.status_code == 200
        book = load_workbook(BytesIO(b"".join(response.streaming_content)))
        sheet = book.worksheets[0]
        assert "2026年第4季度工作例会" in sheet["A1"].value
        assert sheet.freeze_panes == "A4"
        header = [cell.value for cell in sheet[3]]
        assert header[0] and header[-2]  # agenda item … decision
        row = list(sheet[4])
        assert row[1].value == problem.pk
        assert row[3].value == '=HYPERLINK("x")' and row[3].data_type == "s"
        assert row[9].value  # the decision
