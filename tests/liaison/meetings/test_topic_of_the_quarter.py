"""本季一题: the quarterly meeting's agenda shows the quarter's figures from the analysis; the
meeting picks a hot issue as the topic of the quarter, whose problems are followed as one, and
the next meeting's agenda shows its progress."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from liaison.meetings import services as meetings
from records.models import Problem, ResearchTopic
from tests.factories import ProblemFactory, QuarterlyMeetingFactory

# Every test reads the role groups: ordered with the database tests (before the transactional
# ones, whose flush empties the groups).
pytestmark = pytest.mark.django_db
D = datetime.date
C = Problem.Category


def raised(cadre, category, on, **fields):
    return ProblemFactory(record__cadre=cadre, record__start_date=on, category=category, **fields)


@pytest.fixture
def q3_meeting(olivia):
    return QuarterlyMeetingFactory(
        year=2026, quarter=3, date=D(2026, 9, 20), created_by=olivia.user
    )


@pytest.fixture
def q4_meeting(olivia):
    return QuarterlyMeetingFactory(
        year=2026, quarter=4, date=D(2026, 11, 24), created_by=olivia.user
    )


@pytest.fixture
def wages_in_q3(alice, other_department):
    def transferred(**fields):
        return raised(
            alice,
            C.WAGES,
            D(2026, 8, 3),
            resolution=Problem.Resolution.TRANSFER,
            department=other_department,
            deadline=D(2026, 9, 30),
            **fields,
        )

    return {
        "open": transferred(status=Problem.Status.TRANSFERRED),
        "answered": transferred(status=Problem.Status.ANSWERED),
        "closed": transferred(status=Problem.Status.CLOSED),
        "safety": raised(alice, C.SAFETY, D(2026, 8, 3)),
        "q2": raised(alice, C.WAGES, D(2026, 5, 3), status=Problem.Status.RAISED),
    }


def pick(meeting, user, department, **fields):
    return meetings.meeting_pick_topic(
        meeting=meeting,
        user=user,
        title=fields.get("title", "欠薪问题专项调研"),
        question="如何减少劳务派遣职工欠薪？",
        category=fields.get("category", C.WAGES),
        lead_department=department,
        deadline=fields.get("deadline", D(2026, 12, 31)),
    )


def test_the_agenda_shows_the_categories_that_rose_most(login, olivia, alice, q4_meeting):
    raised(alice, C.SAFETY, D(2026, 10, 9))
    raised(alice, C.SAFETY, D(2026, 10, 10))
    raised(alice, C.WAGES, D(2026, 7, 10))

    response = login(olivia).get(reverse("meetings:detail", args=[q4_meeting.pk]))

    figures = response.context["figures"]
    assert [row["category"] for row in figures["rising"]] == [C.SAFETY]
    assert "本季度职工诉求" in response.text
    assert "上升最多的类别" in response.text
    # No hot terms passed: no empty section.
    assert 'id="section-terms"' not in response.text


def test_the_meeting_picks_the_topic_of_the_quarter_and_follows_its_open_problems(
    q3_meeting, olivia, other_department, wages_in_q3
):
    topic = pick(q3_meeting, olivia.user, other_department)

    q3_meeting.refresh_from_db()
    assert q3_meeting.topic == topic
    assert topic.kind == ResearchTopic.Kind.QUARTER
    assert (topic.year, topic.quarter, topic.lead_department) == (2026, 3, other_department)
    assert list(topic.departments.all()) == [other_department]
    followed = set(Problem.objects.filter(topic=topic).values_list("pk", flat=True))
    assert followed == {wages_in_q3["open"].pk, wages_in_q3["answered"].pk}


def test_a_meeting_picks_one_topic(q3_meeting, olivia, other_department, wages_in_q3):
    pick(q3_meeting, olivia.user, other_department)

    with pytest.raises(ValidationError):
        pick(q3_meeting, olivia.user, other_department, title="第二个")


def test_the_next_meeting_shows_the_progress_and_the_ledger_lists_them_together(
    login, olivia, other_department, wages_in_q3, q3_meeting, q4_meeting
):
    topic = pick(q3_meeting, olivia.user, other_department)
    client = login(olivia)

    response = client.get(reverse("meetings:detail", args=[q4_meeting.pk]))

    followed = response.context["figures"]["followed"]
    assert [(t, progress) for t, progress in followed] == [
        (topic, {"total": 2, "open": 1, "answered": 1, "fed_back": 0, "closed": 0})
    ]
    assert "往季本季一题办理进展" in response.text
    ledger = client.get(reverse("records:ledger"), {"resolution": "all", "topic": topic.pk})
    assert {p.pk for p in ledger.context["page"]} == {
        wages_in_q3["open"].pk,
        wages_in_q3["answered"].pk,
    }
    page = client.get(reverse("records:topic-detail", args=[topic.pk]))
    assert page.context["figures"]["problems"].value == 2


def test_the_pick_form_proposes_the_category_that_rose_most(login, olivia, alice, q4_meeting):
    raised(alice, C.SAFETY, D(2026, 10, 9))

    response = login(olivia).get(reverse("meetings:detail", args=[q4_meeting.pk]))

    assert response.context["topic_form"].initial["category"] == C.SAFETY


def test_picking_through_the_page(login, olivia, other_department, q3_meeting, wages_in_q3):
    response = login(olivia).post(
        reverse("meetings:pick-topic", args=[q3_meeting.pk]),
        {
            "category": C.WAGES,
            "title": "欠薪问题专项调研",
            "question": "如何减少欠薪？",
            "lead_department": other_department.pk,
            "deadline": "2026-12-31",
        },
    )

    assert response.status_code == 302
    q3_meeting.refresh_from_db()
    assert q3_meeting.topic.title == "欠薪问题专项调研"


def test_a_deadline_before_the_meeting_is_said_on_the_deadline_and_keeps_the_text(
    login, olivia, other_department, q3_meeting
):
    response = login(olivia).post(
        reverse("meetings:pick-topic", args=[q3_meeting.pk]),
        {
            "category": C.WAGES,
            "title": "欠薪问题专项调研",
            "question": "如何减少欠薪？",
            "lead_department": other_department.pk,
            "deadline": "2026-09-01",
        },
    )

    assert response.status_code == 400
    assert response.context["topic_form"].errors["deadline"] == ["办理时限不能早于例会日期。"]
    assert "欠薪问题专项调研" in response.text
    assert not ResearchTopic.objects.exists()


def test_a_department_head_reads_the_agenda_but_cannot_pick(
    login, carol, other_department, q3_meeting
):
    client = login(carol)
    assert (
        client.get(reverse("meetings:detail", args=[q3_meeting.pk])).context["topic_form"] is None
    )

    response = client.post(
        reverse("meetings:pick-topic", args=[q3_meeting.pk]),
        {
            "category": C.WAGES,
            "title": "x",
            "question": "y",
            "lead_department": other_department.pk,
            "deadline": "2026-12-31",
        },
    )

    assert response.status_code == 403
    assert not ResearchTopic.objects.exists()


def test_the_minutes_print_the_quarters_figures_and_topic(
    login, olivia, alice, other_department, q3_meeting, wages_in_q3
):
    pick(q3_meeting, olivia.user, other_department)

    response = login(olivia).get(reverse("meetings:print", args=[q3_meeting.pk]))

    assert response.status_code == 200
    assert "本季度职工诉求" in response.text
    assert "欠薪问题专项调研" in response.text
