"""Every page and action of the problem loop, for each role.

alice raised the problems (a cadre of 宣传教育部); they go to her own department, whose head is
carol, unless a test sends them to 法律工作部, headed by dave. bob is a cadre of 法律工作部,
leo a leader there (no head's role), olivia the organization department, root an
administrator. Today is Tuesday 2026-11-24.
"""

import datetime
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from records import paging
from records.models import Notification, Problem, ProblemEvent
from records.problems import services as loop
from tests.factories import (
    CadreFactory,
    DepartmentFactory,
    GrassrootsUnionFactory,
    ProblemFactory,
    VisitRecordFactory,
)
from unions.models import Cadre, Street
from unions.roles import Role

pytestmark = pytest.mark.django_db

S = Problem.Status
MAY_NOT = "您无权对该问题进行此项操作。"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def label(choice) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


@pytest.fixture
def dave(other_department):
    """The head of 法律工作部."""
    return CadreFactory(
        name="丁大卫",
        department=other_department,
        user__username="dave",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )


@pytest.fixture
def leo(other_department):
    """A leader of 法律工作部 without the head's role."""
    return CadreFactory(
        name="黎明", department=other_department, rank=Cadre.Rank.DIVISION, user__username="leo"
    )


def a_problem(cadre, status, department, **fields):
    defaults = {
        "description": "夜班班车不足",
        "deadline": datetime.date(2026, 12, 1) if status in ("transferred", "accepted") else None,
    }
    if status in ("answered", "fed_back", "closed"):
        defaults["answer"] = "已协调公交公司加开班车"
    return ProblemFactory(
        record__cadre=cadre,
        resolution=Problem.Resolution.TRANSFER,
        status=status,
        department=department,
        **(defaults | fields),
    )


def typed_problem(cadre, status, department, *, length, **union):
    """An urgent problem overdue since 2026-11-20 whose texts need escaping (its union
    "A&B <i>工会</i>") and cutting (a description of `length` + 3 characters)."""
    return a_problem(
        cadre,
        status,
        department,
        description="<b>" + "夜" * length,
        deadline=datetime.date(2026, 11, 20),
        urgent=True,
        record=VisitRecordFactory(
            cadre=cadre, union=GrassrootsUnionFactory(name="A&B <i>工会</i>", **union)
        ),
    )


@pytest.fixture
def transferred(alice, department):
    return a_problem(alice, "transferred", department)


def detail_url(problem_or_pk):
    return reverse("records:problem-detail", args=[getattr(problem_or_pk, "pk", problem_or_pk)])


def action_url(problem, action):
    return reverse(f"records:problem-{action.replace('_', '-')}", args=[problem.pk])


def steps(response) -> list[str]:
    return [step["action"] for step in response.context["steps"]]


def step_form(response, action):
    return next(step["form"] for step in response.context["steps"] if step["action"] == action)


ACTIONS = [
    "transfer",
    "accept",
    "answer",
    "hand_back",
    "feedback",
    "urge",
    "retransfer",
    "set_deadline",
    "close",
]


# --- An anonymous visitor ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "needs_pk"),
    [
        ("get", "records:problem-detail", True),
        *[("post", f"records:problem-{a.replace('_', '-')}", True) for a in ACTIONS],
        ("get", "records:my-problems", False),
        ("get", "records:inbox", False),
        ("get", "records:ledger", False),
        ("get", "records:ledger-export", False),
        ("get", "records:notifications", False),
        ("post", "records:notifications-read", False),
        ("get", "records:notification-open", True),
    ],
)
def test_an_anonymous_visitor_is_sent_to_log_in(client, transferred, method, name, needs_pk):
    url = reverse(name, args=[transferred.pk] if needs_pk else [])

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=" in response.url


def test_an_anonymous_visitor_changes_nothing(client, transferred):
    client.post(action_url(transferred, "close"), {"close-reason": "关闭"})

    transferred.refresh_from_db()
    assert transferred.status == S.TRANSFERRED


# --- The problem page ----------------------------------------------------------------------


def test_alice_reads_her_problem_with_its_whole_timeline(login, alice, carol, department):
    problem = a_problem(alice, "raised", department, description="食堂价格偏高")
    loop.problem_transfer(problem=problem, user=alice.user, note="请宣传教育部办理")
    loop.problem_accept(problem=problem, user=carol.user)
    loop.problem_answer(problem=problem, user=carol.user, answer="已约谈食堂承包方")

    response = login(alice).get(detail_url(problem))

    assert response.status_code == 200
    assert response.context["problem"] == problem
    assert list(response.context["events"].values_list("action", flat=True)) == [
        "transfer",
        "accept",
        "answer",
    ]
    page = response.content.decode()
    assert "食堂价格偏高" in page
    assert "请宣传教育部办理" in page and "已约谈食堂承包方" in page
    assert "陈卡罗" in page  # carol's name on her steps
    assert steps(response) == ["feedback"]
    assert step_form(response, "feedback").initial == {"feedback_on": datetime.date(2026, 11, 24)}


@pytest.mark.parametrize(
    ("persona", "expected_steps"),
    [
        ("alice", []),
        ("carol", ["accept", "answer", "hand_back"]),
        ("olivia", ["urge", "retransfer", "set_deadline", "close"]),
        ("root", []),
    ],
)
def test_the_people_who_may_read_a_problem_see_their_own_steps(
    request, login, transferred, persona, expected_steps
):
    who = request.getfixturevalue("admin_user" if persona == "root" else persona)

    response = login(who).get(detail_url(transferred))

    assert response.status_code == 200
    assert steps(response) == expected_steps
    page = response.content.decode()
    for action in expected_steps:
        assert f'action="{action_url(transferred, action)}"' in page
    for action in set(ACTIONS) - set(expected_steps):
        assert f'action="{action_url(transferred, action)}"' not in page


def test_the_leader_named_reads_the_problem_and_may_answer(login, alice, department, leo):
    problem = a_problem(alice, "transferred", department, leader=leo)

    response = login(leo).get(detail_url(problem))

    assert response.status_code == 200
    assert steps(response) == ["accept", "answer", "hand_back"]


@pytest.mark.parametrize("persona", ["bob", "dave", "leo"])
def test_a_problem_of_another_department_is_not_found(request, login, transferred, persona):
    response = login(request.getfixturevalue(persona)).get(detail_url(transferred))

    assert response.status_code == 404


def test_the_department_it_was_sent_to_reads_it_and_alices_head_still_does(
    login, alice, carol, dave, other_department
):
    problem = a_problem(alice, "transferred", other_department)

    as_dave = login(dave).get(detail_url(problem))
    assert as_dave.status_code == 200
    assert steps(as_dave) == ["accept", "answer", "hand_back"]
    as_carol = login(carol).get(detail_url(problem))
    assert as_carol.status_code == 200
    assert steps(as_carol) == []


@pytest.mark.parametrize("persona", ["alice", "carol", "olivia", "admin_user"])
def test_a_guessed_problem_id_is_not_found(request, login, transferred, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get(detail_url(transferred.pk + 1000)).status_code == 404
    assert client.post(action_url(Problem(pk=transferred.pk + 1000), "close")).status_code == 404


def test_a_problem_solved_on_the_spot_has_a_page_without_steps(login, alice, olivia):
    solved = ProblemFactory(record__cadre=alice)

    response = login(olivia).get(detail_url(solved))

    assert response.status_code == 200
    assert steps(response) == []


# --- Each step through its URL: allowed ----------------------------------------------------


@pytest.mark.parametrize(
    ("action", "start", "persona", "data", "expected"),
    [
        ("transfer", "raised", "alice", {"transfer-note": "请法律工作部办理"}, "transferred"),
        ("transfer", "raised", "olivia", {"transfer-urgent": "on"}, "transferred"),
        ("accept", "transferred", "carol", {"accept-note": "已受理"}, "accepted"),
        ("answer", "accepted", "carol", {"answer-answer": "已协调加开班车"}, "answered"),
        ("answer", "transferred", "leo", {"answer-answer": "已协调加开班车"}, "answered"),
        ("hand_back", "transferred", "carol", {"hand_back-reason": "不属本部室"}, "raised"),
        (
            "feedback",
            "answered",
            "alice",
            {
                "feedback-feedback_on": "2026-11-24",
                "feedback-feedback_method": "phone",
                "feedback-satisfaction": "satisfied",
            },
            "fed_back",
        ),
        ("urge", "accepted", "olivia", {"urge-note": "请抓紧"}, "accepted"),
        ("retransfer", "transferred", "olivia", {}, "transferred"),
        ("set_deadline", "transferred", "olivia", {"set_deadline-deadline": "2026-12-18"}, None),
        ("close", "transferred", "olivia", {"close-reason": "例会决定关闭"}, "closed"),
        ("close", "fed_back", "olivia", {}, "closed"),
    ],
)
def test_a_step_allowed_is_taken_and_leads_back_to_the_problem(
    request, login, alice, department, other_department, leo, action, start, persona, data, expected
):
    problem = a_problem(alice, start, department, leader=leo)
    if action in ("transfer", "retransfer"):
        data = {f"{action}-department": str(other_department.pk), **data}

    response = login(request.getfixturevalue(persona)).post(action_url(problem, action), data)

    assert response.status_code == 302
    assert response.url == detail_url(problem)
    problem.refresh_from_db()
    assert problem.status == (expected or start)
    event = ProblemEvent.objects.get(problem=problem, action=action)
    assert (event.actor.username, event.from_status) == (persona, start)
    if action in ("transfer", "retransfer"):
        assert problem.department == other_department
    if action == "set_deadline":
        assert problem.deadline == datetime.date(2026, 12, 18)
    if action == "transfer" and persona == "olivia":
        assert (problem.urgent, problem.deadline) == (True, datetime.date(2026, 12, 3))


def test_the_step_done_is_confirmed_on_the_next_page(login, carol, transferred):
    client = login(carol)

    response = client.post(action_url(transferred, "accept"), follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [zh("The problem is accepted.")]


def test_an_answer_goes_to_alices_notifications(login, alice, carol, transferred):
    login(carol).post(action_url(transferred, "answer"), {"answer-answer": "已协调加开班车"})

    response = login(alice).get(reverse("records:notifications"))

    assert [n.kind for n in response.context["items"]] == [Notification.Kind.ANSWERED]
    assert response.context["unread_count"] == 1


def test_a_get_on_a_step_is_not_allowed(login, olivia, transferred):
    assert login(olivia).get(action_url(transferred, "close")).status_code == 405


# --- Each step through its URL: refused ----------------------------------------------------


@pytest.mark.parametrize(
    ("action", "start", "persona", "data"),
    [
        ("transfer", "raised", "carol", {"transfer-department": "other"}),
        ("accept", "transferred", "alice", {}),
        ("answer", "transferred", "olivia", {"answer-answer": "答复"}),
        ("answer", "transferred", "admin_user", {"answer-answer": "答复"}),
        ("hand_back", "accepted", "alice", {"hand_back-reason": "退回"}),
        (
            "feedback",
            "answered",
            "carol",
            {
                "feedback-feedback_on": "2026-11-24",
                "feedback-feedback_method": "phone",
                "feedback-satisfaction": "satisfied",
            },
        ),
        ("urge", "transferred", "carol", {}),
        ("retransfer", "transferred", "carol", {"retransfer-department": "other"}),
        ("set_deadline", "transferred", "alice", {"set_deadline-deadline": "2026-12-18"}),
        ("close", "transferred", "alice", {"close-reason": "不需要了"}),
        ("close", "transferred", "carol", {"close-reason": "不需要了"}),
    ],
)
def test_a_step_the_user_may_not_take_is_refused_with_a_conflict(
    request, login, alice, department, other_department, action, start, persona, data
):
    problem = a_problem(alice, start, department)
    data = {k: str(other_department.pk) if v == "other" else v for k, v in data.items()}

    response = login(request.getfixturevalue(persona)).post(action_url(problem, action), data)

    assert response.status_code == 409
    assert MAY_NOT in response.content.decode()
    problem.refresh_from_db()
    assert (problem.status, problem.department) == (start, department)
    assert not ProblemEvent.objects.exists()


@pytest.mark.parametrize(
    ("action", "start", "persona", "data", "now"),
    [
        ("accept", "accepted", "carol", {}, "已受理"),
        ("answer", "answered", "carol", {"answer-answer": "再次答复"}, "已办结"),
        ("hand_back", "raised", "carol", {"hand_back-reason": "退回"}, "已提出"),
        ("transfer", "transferred", "alice", {"transfer-department": "mine"}, "已移交"),
        ("urge", "answered", "olivia", {}, "已办结"),
        ("close", "closed", "olivia", {"close-reason": "关闭"}, "已关闭"),
    ],
)
def test_a_step_from_the_wrong_status_is_refused_with_the_status_it_is_in_now(
    request, login, alice, department, action, start, persona, data, now
):
    problem = a_problem(alice, start, department)
    data = {k: str(department.pk) if v == "mine" else v for k, v in data.items()}

    response = login(request.getfixturevalue(persona)).post(action_url(problem, action), data)

    assert response.status_code == 409
    assert f"该问题当前状态为“{now}”" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == start
    assert not ProblemEvent.objects.exists()


def test_a_stale_page_is_refused_even_with_an_invalid_form(login, carol, transferred):
    """carol's page still offers "hand back"; someone answered meanwhile. Her empty reason
    does not matter any more: she is told the problem is answered now."""
    loop.problem_answer(problem=transferred, user=carol.user, answer="已办结")

    response = login(carol).post(action_url(transferred, "hand_back"), {"hand_back-reason": ""})

    assert response.status_code == 409
    assert "该问题当前状态为“已办结”" in response.content.decode()
    assert steps(response) == []


def test_an_invalid_form_for_a_step_the_user_may_not_take_is_refused(login, alice, transferred):
    response = login(alice).post(action_url(transferred, "answer"), {"answer-answer": ""})

    assert response.status_code == 409
    assert MAY_NOT in response.content.decode()


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", ["bob", "dave"])
def test_a_step_on_a_problem_the_user_cannot_read_is_not_found(
    request, login, transferred, action, persona
):
    response = login(request.getfixturevalue(persona)).post(
        action_url(transferred, action), {f"{action}-reason": "x", f"{action}-answer": "x"}
    )

    assert response.status_code == 404
    transferred.refresh_from_db()
    assert transferred.status == S.TRANSFERRED
    assert not ProblemEvent.objects.exists()


# --- Each step through its URL: an invalid form --------------------------------------------


def field_error_shown(response, field_id: str) -> bool:
    """crispy puts a field's error right under the field, with an id made from the field's."""
    return (
        re.search(rf'id="error_\d+_{re.escape(field_id)}"', response.content.decode()) is not None
    )


def test_a_transfer_without_a_department_keeps_the_note(login, alice, department):
    problem = a_problem(alice, "raised", department)

    response = login(alice).post(
        action_url(problem, "transfer"), {"transfer-department": "", "transfer-note": "请尽快办理"}
    )

    assert response.status_code == 400
    assert list(step_form(response, "transfer").errors) == ["department"]
    assert field_error_shown(response, "id_transfer-department")
    assert "请尽快办理" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == S.RAISED


def test_an_answer_too_long_is_kept_to_be_shortened(login, carol, transferred):
    answer = "已协调公交公司加开夜班班车。" * 300  # over 4000 characters

    response = login(carol).post(action_url(transferred, "answer"), {"answer-answer": answer})

    assert response.status_code == 400
    assert list(step_form(response, "answer").errors) == ["answer"]
    assert field_error_shown(response, "id_answer-answer")
    assert answer in response.content.decode()
    transferred.refresh_from_db()
    assert (transferred.status, transferred.answer) == (S.TRANSFERRED, "")


def test_an_empty_answer_is_refused_next_to_the_field(login, carol, transferred):
    response = login(carol).post(action_url(transferred, "answer"), {"answer-answer": "  "})

    assert response.status_code == 400
    assert field_error_shown(response, "id_answer-answer")
    # The other steps' forms are there too, unbound.
    assert steps(response) == ["accept", "answer", "hand_back"]
    assert not step_form(response, "accept").is_bound


def test_a_hand_back_needs_a_reason(login, carol, transferred):
    response = login(carol).post(action_url(transferred, "hand_back"), {"hand_back-reason": ""})

    assert response.status_code == 400
    assert list(step_form(response, "hand_back").errors) == ["reason"]
    assert field_error_shown(response, "id_hand_back-reason")
    transferred.refresh_from_db()
    assert transferred.status == S.TRANSFERRED


def test_feedback_dated_before_the_answer_is_shown_on_the_date(login, alice, department):
    answered = timezone.make_aware(datetime.datetime(2026, 11, 20, 10))
    problem = a_problem(alice, "answered", department, answered_at=answered)

    response = login(alice).post(
        action_url(problem, "feedback"),
        {
            "feedback-feedback_on": "2026-11-19",
            "feedback-feedback_method": "phone",
            "feedback-satisfaction": "satisfied",
        },
    )

    assert response.status_code == 400
    assert step_form(response, "feedback").errors == {
        "feedback_on": ["反馈日期不能早于答复日期（2026-11-20）。"]
    }
    assert field_error_shown(response, "id_feedback-feedback_on")
    problem.refresh_from_db()
    assert problem.status == Problem.Status.ANSWERED


def test_a_new_deadline_on_a_rest_day_is_shown_on_the_deadline(login, olivia, transferred):
    response = login(olivia).post(
        action_url(transferred, "set_deadline"), {"set_deadline-deadline": "2026-11-28"}
    )

    assert response.status_code == 400
    assert step_form(response, "set_deadline").errors == {
        "deadline": ["2026-11-28不是工作日，办理时限应为工作日。"]
    }
    assert field_error_shown(response, "id_set_deadline-deadline")
    transferred.refresh_from_db()
    assert transferred.deadline == datetime.date(2026, 12, 1)


def test_feedback_dated_tomorrow_is_refused_and_keeps_what_was_chosen(login, alice, department):
    problem = a_problem(alice, "answered", department)

    response = login(alice).post(
        action_url(problem, "feedback"),
        {
            "feedback-feedback_on": "2026-11-25",
            "feedback-feedback_method": "meeting",
            "feedback-satisfaction": "basically",
            "feedback-note": "座谈会上通报",
        },
    )

    assert response.status_code == 400
    form = step_form(response, "feedback")
    assert form.errors == {
        "feedback_on": [zh("Give the date the feedback was given (not in the future).")]
    }
    assert field_error_shown(response, "id_feedback-feedback_on")
    page = response.content.decode()
    assert 'value="2026-11-25"' in page
    assert re.search(r'<input[^>]*value="meeting"[^>]*checked', page)
    assert re.search(r'<input[^>]*value="basically"[^>]*checked', page)
    assert "座谈会上通报" in page
    problem.refresh_from_db()
    assert problem.status == S.ANSWERED


def test_feedback_needs_the_grassroots_satisfaction(login, alice, department):
    problem = a_problem(alice, "answered", department)

    response = login(alice).post(
        action_url(problem, "feedback"),
        {"feedback-feedback_on": "2026-11-24", "feedback-feedback_method": "phone"},
    )

    assert response.status_code == 400
    assert list(step_form(response, "feedback").errors) == ["satisfaction"]


def test_a_new_deadline_in_the_past_is_refused_next_to_the_field(login, olivia, transferred):
    response = login(olivia).post(
        action_url(transferred, "set_deadline"),
        {"set_deadline-deadline": "2026-11-20", "set_deadline-note": "例会决定延期"},
    )

    assert response.status_code == 400
    assert step_form(response, "set_deadline").errors == {
        "deadline": [zh("The new deadline cannot be in the past.")]
    }
    assert field_error_shown(response, "id_set_deadline-deadline")
    assert "例会决定延期" in response.content.decode()
    transferred.refresh_from_db()
    assert transferred.deadline == datetime.date(2026, 12, 1)


def test_closing_before_feedback_without_a_reason_is_refused_next_to_the_field(
    login, olivia, transferred
):
    response = login(olivia).post(action_url(transferred, "close"), {"close-reason": ""})

    assert response.status_code == 400
    assert step_form(response, "close").errors == {
        "reason": [zh("Say why the problem is closed before feedback.")]
    }
    assert field_error_shown(response, "id_close-reason")
    transferred.refresh_from_db()
    assert transferred.status == S.TRANSFERRED


def test_a_retransfer_to_the_same_department_is_shown_on_the_department(
    login, olivia, transferred, department
):
    response = login(olivia).post(
        action_url(transferred, "retransfer"), {"retransfer-department": str(department.pk)}
    )

    assert response.status_code == 400
    assert step_form(response, "retransfer").errors == {
        "department": [f"该问题已在{department.name}办理，请选择其他部室。"]
    }
    assert field_error_shown(response, "id_retransfer-department")
    assert not ProblemEvent.objects.filter(problem=transferred).exists()


def test_a_retransfer_needs_a_department(login, olivia, transferred):
    response = login(olivia).post(
        action_url(transferred, "retransfer"), {"retransfer-note": "转交法律工作部"}
    )

    assert response.status_code == 400
    assert list(step_form(response, "retransfer").errors) == ["department"]
    assert "转交法律工作部" in response.content.decode()


# --- My problems -----------------------------------------------------------------------------


def test_alice_sees_her_problems_by_what_they_wait_for(login, alice, bob, department):
    answered = a_problem(alice, "answered", department)
    late = a_problem(alice, "accepted", department, deadline=datetime.date(2026, 11, 20))
    waiting = a_problem(alice, "transferred", department, deadline=datetime.date(2026, 11, 30))
    raised = a_problem(alice, "raised", department)
    closed = a_problem(alice, "closed", department)
    ProblemFactory(record__cadre=alice)  # solved on the spot
    a_problem(bob, "answered", department)

    response = login(alice).get(reverse("records:my-problems"))

    assert response.status_code == 200
    groups = [list(problems) for _title, problems, _html in response.context["groups"]]
    assert groups == [[answered], [late, waiting], [raised], [closed]]
    assert [p.is_overdue for p in groups[1]] == [True, False]


def test_bob_sees_only_his_own_problems(login, alice, bob, department):
    a_problem(alice, "answered", department)

    response = login(bob).get(reverse("records:my-problems"))

    assert response.status_code == 200
    assert all(list(problems) == [] for _title, problems, _html in response.context["groups"])


@pytest.mark.parametrize("persona", ["carol", "olivia"])
def test_heads_and_the_organization_department_have_their_own_problems_page(
    request, login, persona
):
    assert (
        login(request.getfixturevalue(persona)).get(reverse("records:my-problems")).status_code
        == 200
    )


def test_a_user_who_is_not_a_cadre_has_no_problems_page(login, admin_user):
    assert login(admin_user).get(reverse("records:my-problems")).status_code == 403


# --- The department inbox ------------------------------------------------------------------


def test_carols_inbox_holds_her_departments_problems_overdue_first(
    login, alice, bob, carol, department, other_department
):
    later = a_problem(alice, "transferred", department, deadline=datetime.date(2026, 12, 9))
    late = a_problem(alice, "accepted", department, deadline=datetime.date(2026, 11, 23))
    sooner = a_problem(bob, "transferred", department, deadline=datetime.date(2026, 11, 30))
    a_problem(alice, "answered", department)
    a_problem(alice, "transferred", other_department)

    response = login(carol).get(reverse("records:inbox"))

    assert response.status_code == 200
    assert list(response.context["page"]) == [late, sooner, later]


def test_the_inbox_and_my_problems_show_each_item_with_its_badges_escaped(
    login, alice, carol, department
):
    """The items are rendered by Jinja2 (records/problems/rows.py): the cells and badges of
    records/_problem_badges.html, the description cut at 80 characters, everything escaped; the
    inbox names who raised the problem, my problems do not."""
    problem = typed_problem(alice, "accepted", department, length=90)
    item = (
        f'<a class="list-group-item list-group-item-action" href="{detail_url(problem)}"> <div'
        f' class="d-flex justify-content-between gap-2"><span>&lt;b&gt;{"夜" * 74}...</span>'
        f'<span class="text-nowrap"><span class="badge text-bg-primary">{label(S.ACCEPTED)}'
        f'</span> <span class="badge text-bg-danger">{zh("Overdue")}</span> <span class="badge'
        f' text-bg-warning">{zh("urgent")}</span> </span></div> <div class="small text-muted">'
        "A&amp;B &lt;i&gt;工会&lt;/i&gt;{cadre} · 宣传教育部 · 办理期限 2026-11-20</div> </a>"
    )

    inbox = " ".join(login(carol).get(reverse("records:inbox")).content.decode().split())
    mine = " ".join(login(alice).get(reverse("records:my-problems")).content.decode().split())

    assert item.format(cadre=" · 李爱丽") in inbox
    assert item.format(cadre="") in mine


def test_daves_inbox_holds_only_what_went_to_his_department(
    login, alice, dave, department, other_department
):
    his = a_problem(alice, "transferred", other_department)
    a_problem(alice, "transferred", department)

    response = login(dave).get(reverse("records:inbox"))

    assert list(response.context["page"]) == [his]


def test_a_leader_without_the_heads_role_has_an_inbox_of_what_names_him(
    login, alice, leo, department
):
    named = a_problem(alice, "transferred", department, leader=leo)
    a_problem(alice, "transferred", department)

    response = login(leo).get(reverse("records:inbox"))

    assert response.status_code == 200
    assert list(response.context["page"]) == [named]


@pytest.mark.parametrize("persona", ["alice", "bob", "admin_user"])
def test_a_cadre_who_neither_heads_nor_leads_has_no_inbox(request, login, persona):
    response = login(request.getfixturevalue(persona)).get(reverse("records:inbox"))

    assert response.status_code == 403


# --- The ledger ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["records:ledger", "records:ledger-export"])
def test_the_ledger_is_not_for_an_administrator_without_a_cadre_profile(login, admin_user, name):
    assert login(admin_user).get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        # Each their own share: a cadre the problems they raised, a head their department's
        # (raised by its cadres or transferred to it), the organization department all.
        ("alice", ["base", "answered", "jinrong", "safety", "overdue", "q3", "last_year"]),
        ("bob", ["legal"]),
        ("carol", ["base", "answered", "jinrong", "safety", "overdue", "q3", "last_year"]),
        ("dave", ["legal"]),
        ("leo", []),
    ],
)
def test_the_ledger_lists_each_user_their_own_share(
    request, login, ledger_problems, persona, expected
):
    response = login(request.getfixturevalue(persona)).get(reverse("records:ledger"))

    assert response.status_code == 200
    names = {p.pk: name for name, p in ledger_problems.items()}
    assert sorted(names[p.pk] for p in response.context["page"]) == sorted(expected)


@pytest.fixture
def ledger_problems(alice, bob, department, other_department):
    """Problems differing in one way each from `base` (transferred to 宣传教育部, wages,
    新街口, raised 2026-11-10, due 2026-12-01)."""

    def make(cadre=alice, street=Street.XINJIEKOU, start=datetime.date(2026, 11, 10), **fields):
        record = VisitRecordFactory(
            cadre=cadre,
            union=GrassrootsUnionFactory(street=street),
            start_date=start,
        )
        return a_problem(
            cadre,
            fields.pop("status", "transferred"),
            fields.pop("department", department),
            record=record,
            category=fields.pop("category", Problem.Category.WAGES),
            **fields,
        )

    return {
        "base": make(),
        "answered": make(status="answered"),
        "legal": make(department=other_department, cadre=bob),
        "jinrong": make(street=Street.JINRONGJIE),
        "safety": make(category=Problem.Category.SAFETY),
        "overdue": make(deadline=datetime.date(2026, 11, 20)),
        "q3": make(start=datetime.date(2026, 8, 3)),
        "last_year": make(start=datetime.date(2025, 11, 3)),
        "on_the_spot": ProblemFactory(record__cadre=alice),  # never in the ledger
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["overdue", "base", "answered", "legal", "jinrong", "safety", "q3", "last_year"]),
        ({"status": "answered"}, ["answered"]),
        ({"department": "legal"}, ["legal"]),
        ({"street": Street.JINRONGJIE}, ["jinrong"]),
        ({"category": Problem.Category.SAFETY}, ["safety"]),
        ({"overdue": "on"}, ["overdue"]),
        ({"year": "2025"}, ["last_year"]),
        ({"year": "2026", "quarter": "3"}, ["q3"]),
        # A quarter without a year: that quarter of every year.
        (
            {"quarter": "4", "status": "transferred", "category": "wages"},
            ["overdue", "base", "legal", "jinrong", "last_year"],
        ),
    ],
)
def test_the_ledger_filters(login, olivia, other_department, ledger_problems, query, expected):
    if query.get("department") == "legal":
        query = {**query, "department": str(other_department.pk)}

    response = login(olivia).get(reverse("records:ledger"), query)

    assert response.status_code == 200
    found = list(response.context["page"])
    assert set(found) == {ledger_problems[name] for name in expected}
    assert [p.is_overdue for p in found] == [p == ledger_problems["overdue"] for p in found]
    assert found[0].is_overdue == ("overdue" in expected)  # overdue first


def test_the_ledger_puts_overdue_first_and_keeps_the_filters_for_the_export_and_pages(
    login, olivia, ledger_problems
):
    response = login(olivia).get(reverse("records:ledger"), {"category": "wages", "page": "1"})

    assert list(response.context["page"])[0] == ledger_problems["overdue"]
    assert response.context["query"] == "category=wages"
    assert f"{reverse('records:ledger-export')}?category=wages" in response.content.decode()


def test_the_ledgers_rows_show_each_problem_with_its_badges_and_escape_what_people_typed(
    login, olivia, alice, department
):
    """The rows are rendered by Jinja2 (records/problems/rows.py): the same cells and badges as
    records/_problem_badges.html, the description cut at 60 characters, everything escaped."""
    late = typed_problem(alice, "transferred", department, length=70, street=Street.JINRONGJIE)
    raised = a_problem(alice, "raised", None)

    html = " ".join(login(olivia).get(reverse("records:ledger")).content.decode().split())

    assert (
        f'<tr> <td><label class="row-select"><input class="form-check-input" type="checkbox"'
        f' name="problems" value="{late.pk}" form="ledger-bulk" aria-label="选择问题 {late.pk}">'
        f'</label></td> <td>{late.pk}</td> <td class="card-title"><a href="{detail_url(late)}">'
        f"&lt;b&gt;{'夜' * 54}...</a></td> <td>A&amp;B &lt;i&gt;工会&lt;/i&gt;<br>"
        f'<small class="text-muted">{label(Street.JINRONGJIE)}</small></td> <td>李爱丽</td>'
        f' <td class="card-key">宣传教育部</td> <td class="text-nowrap card-key">2026-11-20</td>'
        f' <td class="text-nowrap card-key card-first"><span class="badge'
        f' text-bg-primary">{label(S.TRANSFERRED)}</span> <span class="badge text-bg-danger">'
        f'{zh("Overdue")}</span> <span class="badge text-bg-warning">{zh("urgent")}</span> </td>'
        " </tr>"
    ) in html
    assert (
        f'<td>李爱丽</td> <td class="card-key">—</td> <td class="text-nowrap card-key">—</td>'
        f' <td class="text-nowrap card-key card-first">'
        f'<span class="badge text-bg-primary">{label(S.RAISED)}</span> </td>'
    ) in html
    assert f'href="{detail_url(raised)}"' in html


def test_the_ledger_says_when_no_problem_matches(login, olivia, ledger_problems):
    response = login(olivia).get(reverse("records:ledger"), {"status": "closed"})

    assert "没有符合条件的问题" in response.content.decode()


def test_the_ledgers_count_stops_at_the_limit_whatever_the_number_of_problems(
    login, olivia, department, leo, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 5)
    client = login(olivia)
    many_problems(1, department=department, leader=leo, spread=True)
    client.get(reverse("records:ledger"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("records:ledger"))
    many_problems(11, department=department, leader=leo, spread=True)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("records:ledger"))

    assert response.context["page"].paginator.count == 5
    assert "超过 5 个问题，请用筛选条件缩小范围" in response.content.decode()


def test_the_ledgers_counts_ask_for_no_order(login, olivia, department, leo):
    """Counting the closed problems up to the limit needs no sort: with the list's ORDER BY in
    its subquery, the database sorted every closed problem to count them (13 ms of the ledger's
    first page on the bench data, PostgreSQL)."""
    client = login(olivia)
    many_problems(3, department=department, leader=leo, spread=True)

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("records:ledger"))

    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    problem_counts = [sql for sql in counts if '"records_problem"' in sql]
    assert len(problem_counts) == 2  # the open ones, then the closed up to the limit
    assert not [sql for sql in problem_counts if "ORDER BY" in sql.upper()]


def test_the_ledgers_pages_keep_one_order_across_open_and_closed_problems(
    login, olivia, alice, department, monkeypatch, django_assert_num_queries
):
    """Read in two parts (the open problems, then the closed ones from their index), the pages
    give the order of one ORDER BY: overdue, open (fed back included) by deadline, then the
    closed by deadline, newest first on a tie — and every page costs the same queries, whether it
    falls in the first part, the second or across both."""
    monkeypatch.setattr("records.problems.views.PER_PAGE", 3)
    day = datetime.date
    made = [
        a_problem(alice, "fed_back", department, deadline=day(2026, 10, 1)),
        a_problem(alice, "closed", department, deadline=day(2026, 9, 1)),
        a_problem(alice, "transferred", department, deadline=day(2026, 12, 10)),
        a_problem(alice, "closed", department, deadline=day(2026, 9, 1)),
        a_problem(alice, "accepted", department, deadline=day(2026, 11, 2)),  # overdue
        a_problem(alice, "answered", department, deadline=day(2026, 12, 3)),
        a_problem(alice, "closed", department, deadline=day(2026, 11, 30)),
    ]
    open_, done = made[:0], made[:0]
    for problem in made:
        (done if problem.status == "closed" else open_).append(problem)
    expected = sorted(open_, key=lambda p: (p.status != "accepted", p.deadline, -p.pk)) + sorted(
        done, key=lambda p: (p.deadline, -p.pk)
    )
    client = login(olivia)
    client.get(reverse("records:ledger"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("records:ledger"))

    shown = []
    for number in (1, 2, 3):
        with django_assert_num_queries(len(first.captured_queries)):
            response = client.get(reverse("records:ledger"), {"page": number})
        shown += list(response.context["page"])

    assert shown == expected
    assert response.context["page"].paginator.count == 7


# --- The Excel export ------------------------------------------------------------------------


def workbook(response):
    assert response.status_code == 200
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def test_the_export_is_a_ledger_workbook_with_a_frozen_filtered_header(
    login, olivia, alice, department
):
    union = GrassrootsUnionFactory(name="西城区某某商场工会", street=Street.XINJIEKOU)
    problem = a_problem(
        alice,
        "transferred",
        department,
        record=VisitRecordFactory(cadre=alice, union=union, start_date=datetime.date(2026, 11, 10)),
        description="夜班班车不足",
        deadline=datetime.date(2026, 11, 20),
    )
    a_problem(alice, "answered", department)

    response = login(olivia).get(reverse("records:ledger-export"))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="problem-ledger-20261124.xlsx"' in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == ["问题台账"]
    sheet = book["问题台账"]
    assert sheet["A1"].value == "联系基层工作问题台账"
    assert sheet["A2"].value == "制表时间：2026-11-24 10:00"
    header = [cell.value for cell in sheet[3]]
    assert len(header) == 15
    assert header[:3] == ["编号", "反映日期", "基层工会"]
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:O5"
    assert sheet.column_dimensions["A"].width == 7
    assert sheet.column_dimensions["G"].width == 40
    first = [cell.value for cell in sheet[4]]
    assert first[0] == problem.pk
    assert first[1] == datetime.datetime(2026, 11, 10)
    assert first[2] == "西城区某某商场工会"
    assert first[4] == "李爱丽"
    assert first[6] == "夜班班车不足"
    assert first[7] == "宣传教育部"
    assert first[9] == datetime.datetime(2026, 11, 20)
    assert first[10] == "已移交"
    assert first[11] == "是"  # overdue
    second = [cell.value for cell in sheet[5]]
    assert second[10] == "已办结"
    assert second[11] is None
    assert sheet.max_row == 5


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_description_that_looks_like_a_formula_is_written_as_text(
    login, olivia, alice, department, start
):
    text = f'{start}HYPERLINK("http://example.org","点我")'
    a_problem(alice, "transferred", department, description=text)

    sheet = workbook(login(olivia).get(reverse("records:ledger-export")))["问题台账"]

    cell = sheet["G4"]
    assert cell.value == text
    assert cell.data_type == "s"


def test_the_export_takes_the_ledgers_filters(login, olivia, ledger_problems):
    response = login(olivia).get(reverse("records:ledger-export"), {"overdue": "on"})

    sheet = workbook(response)["问题台账"]
    assert [row[0].value for row in sheet.iter_rows(min_row=4)] == [ledger_problems["overdue"].pk]
    assert sheet.auto_filter.ref == "A3:O4"


def test_an_empty_export_still_has_its_header(login, olivia):
    sheet = workbook(login(olivia).get(reverse("records:ledger-export")))["问题台账"]

    assert sheet.max_row == 3
    assert sheet["A3"].value == "编号"


# --- Query counts: flat in the number of problems --------------------------------------------


def many_problems(count, *, department, leader=None, spread=False):
    """`count` problems of different cadres, unions and streets, sent to `department` (or,
    with `spread`, every other one to a department of its own)."""
    streets = list(Street)
    for n in range(count):
        cadre = CadreFactory(department=department)
        a_problem(
            cadre,
            "transferred" if n % 2 else "accepted",
            DepartmentFactory() if spread and n % 2 else department,
            leader=leader,
            record=VisitRecordFactory(
                cadre=cadre, union=GrassrootsUnionFactory(street=streets[n % len(streets)])
            ),
            deadline=datetime.date(2026, 11, 1) + datetime.timedelta(days=n),
        )


def mine(count, *, cadre, department, leader):
    statuses = ["raised", "transferred", "accepted", "answered", "fed_back", "closed"]
    for n in range(count):
        a_problem(
            cadre,
            statuses[n % len(statuses)],
            department,
            leader=leader,
            record=VisitRecordFactory(cadre=cadre, union=GrassrootsUnionFactory()),
        )


@pytest.mark.parametrize(
    ("persona", "url", "fill"),
    [
        ("carol", "records:inbox", "department"),
        ("olivia", "records:ledger", "spread"),
        ("olivia", "records:ledger-export", "spread"),
        ("alice", "records:my-problems", "mine"),
    ],
)
def test_a_page_costs_the_same_queries_for_1_problem_and_for_20(
    request, login, django_assert_num_queries, alice, department, leo, persona, url, fill
):
    client = login(request.getfixturevalue(persona))

    def add(count):
        if fill == "mine":
            mine(count, cadre=alice, department=department, leader=leo)
        else:
            many_problems(count, department=department, leader=leo, spread=fill == "spread")

    def fetch():
        response = client.get(reverse(url))
        if url.endswith("export"):
            workbook(response)
        else:
            assert response.status_code == 200

    add(1)
    fetch()  # the session and the like, once
    with CaptureQueriesContext(connection) as one:
        fetch()
    add(19)

    with django_assert_num_queries(len(one.captured_queries)):
        fetch()


# --- Notifications ---------------------------------------------------------------------------


@pytest.fixture
def alices_notes(alice, transferred):
    return [
        Notification.objects.create(
            recipient=alice.user,
            problem=transferred,
            kind=Notification.Kind.ANSWERED,
            message="宣传教育部答复了您反映的问题",
        ),
        Notification.objects.create(
            recipient=alice.user,
            problem=None,
            kind=Notification.Kind.FEEDBACK_DUE,
            message="请向基层反馈",
            created_at=timezone.now() - datetime.timedelta(days=1),
        ),
    ]


def test_alice_sees_her_notifications_newest_first_and_the_unread_count(
    login, alice, bob, alices_notes
):
    Notification.objects.create(recipient=bob.user, kind="urged", message="给王博的催办")

    response = login(alice).get(reverse("records:notifications"))

    assert response.status_code == 200
    assert list(response.context["items"]) == alices_notes
    assert response.context["unread_count"] == 2
    page = response.content.decode()
    assert "宣传教育部答复了您反映的问题" in page
    assert "给王博的催办" not in page
    assert 'data-testid="unread">2<' in page


def test_opening_a_notification_marks_it_read_and_shows_the_problem(
    login, alice, transferred, alices_notes
):
    note = alices_notes[0]

    response = login(alice).get(reverse("records:notification-open", args=[note.pk]))

    assert response.status_code == 302
    assert response.url == detail_url(transferred)
    note.refresh_from_db()
    assert note.read_at == timezone.now()
    alices_notes[1].refresh_from_db()
    assert alices_notes[1].read_at is None


def test_a_notification_without_a_problem_leads_back_to_the_list(login, alice, alices_notes):
    response = login(alice).get(reverse("records:notification-open", args=[alices_notes[1].pk]))

    assert response.url == reverse("records:notifications")


def test_a_notification_of_a_problem_no_longer_readable_leads_back_to_the_list(
    login, alice, dave, olivia, department, other_department
):
    problem = a_problem(alice, "raised", other_department)
    loop.problem_transfer(problem=problem, user=alice.user)
    note = Notification.objects.get(recipient=dave.user)
    loop.problem_retransfer(problem=problem, user=olivia.user, department=department)

    response = login(dave).get(reverse("records:notification-open", args=[note.pk]))

    assert response.url == reverse("records:notifications")
    note.refresh_from_db()
    assert note.read_at is not None


def test_another_users_notification_is_not_found(login, bob, alices_notes):
    response = login(bob).get(reverse("records:notification-open", args=[alices_notes[0].pk]))

    assert response.status_code == 404
    alices_notes[0].refresh_from_db()
    assert alices_notes[0].read_at is None


def test_marking_all_read_touches_only_my_notifications(login, alice, bob, alices_notes):
    bobs = Notification.objects.create(recipient=bob.user, kind="urged", message="催办")
    client = login(alice)

    assert client.get(reverse("records:notifications-read")).status_code == 405
    response = client.post(reverse("records:notifications-read"))

    assert response.url == reverse("records:notifications")
    assert not alice.user.notifications.unread().exists()
    bobs.refresh_from_db()
    assert bobs.read_at is None
    assert (
        'data-testid="unread"' not in client.get(reverse("records:notifications")).content.decode()
    )
