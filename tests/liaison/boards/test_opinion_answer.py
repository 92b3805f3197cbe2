"""The answer a worker reads with their receipt: written by a contact cadre of the union or the
organization department, from the opinion list or from the page of the problem the opinion
became — both post to the one answer page, which calls `opinion_answer`.

alice contacts the hospital this year; bob is a cadre of another department; carol heads
alice's department (a cadre with no units); olivia is the organization department.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.boards import opinions
from liaison.models import Opinion
from records.models import Notification, Problem, VisitRecord
from tests.factories import (
    OpinionFactory,
    ProblemFactory,
)

pytestmark = pytest.mark.django_db

ANSWER = "已与单位协商，下月起二楼会议室夜间开放作休息室。"


@pytest.fixture
def night_shift(hospital):
    return OpinionFactory(
        union=hospital, text="夜班的职工能不能有个休息室？", name="张师傅", phone="13800000000"
    )


def answer_url(opinion):
    return reverse("boards:opinion-answer", args=[opinion.pk])


@pytest.fixture
def taken_up(contact, night_shift, alice):
    """The opinion as a problem on alice's sheet, filed and transferred to carol's department."""
    record = opinions.opinion_take_up(opinion=night_shift, user=alice.user)
    record.status = VisitRecord.Status.FILED
    record.save()
    problem = record.problems.get()
    problem.resolution = Problem.Resolution.TRANSFER
    problem.status = Problem.Status.TRANSFERRED
    problem.department = alice.department
    problem.deadline = datetime.date(2026, 12, 10)
    problem.save()
    night_shift.refresh_from_db()
    return problem


# The answer page, role by role


def test_an_anonymous_visitor_is_sent_to_log_in(client, night_shift):
    for response in [client.get(answer_url(night_shift)), client.post(answer_url(night_shift))]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_contact_cadre_answers_and_the_worker_is_told_nobody_by_name(
    login, contact, alice, night_shift
):
    client = login(alice)
    assert client.get(answer_url(night_shift)).status_code == 200

    response = client.post(answer_url(night_shift), {"answer": ANSWER})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('boards:opinion-list')}#opinion-{night_shift.pk}"
    night_shift.refresh_from_db()
    assert night_shift.status == Opinion.Status.ANSWERED
    assert night_shift.answer == ANSWER
    assert night_shift.answered_by == alice.user
    assert not Notification.objects.exists()  # nobody is notified


def test_the_organization_department_answers_any_unions_opinion(login, olivia, night_shift):
    response = login(olivia).post(answer_url(night_shift), {"answer": ANSWER})

    assert response.status_code == 302
    night_shift.refresh_from_db()
    assert night_shift.status == Opinion.Status.ANSWERED


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_another_cadre_or_a_department_head_cannot_find_the_opinion(
    request, login, contact, night_shift, who
):
    client = login(request.getfixturevalue(who))

    assert client.get(answer_url(night_shift)).status_code == 404
    assert client.post(answer_url(night_shift), {"answer": ANSWER}).status_code == 404
    night_shift.refresh_from_db()
    assert night_shift.answer == ""


def test_a_department_head_with_the_problem_on_her_desk_cannot_answer_the_worker(
    carol, taken_up, night_shift
):
    with pytest.raises(PermissionDenied):
        opinions.opinion_answer(opinion=night_shift, user=carol.user, answer=ANSWER)


def test_a_phone_number_is_refused_next_to_the_field_and_the_text_is_kept(
    login, contact, alice, night_shift
):
    typed = "请拨打 6612 3456 联系后勤处。"

    response = login(alice).post(answer_url(night_shift), {"answer": typed})

    assert response.status_code == 400
    assert response.context["form"].errors["answer"]
    assert typed in response.content.decode()
    night_shift.refresh_from_db()
    assert night_shift.answer == "" and night_shift.status == Opinion.Status.NEW


def test_a_service_line_is_not_a_phone_number(contact, alice, night_shift):
    opinions.opinion_answer(opinion=night_shift, user=alice.user, answer="可拨打12351职工热线。")

    night_shift.refresh_from_db()
    assert night_shift.status == Opinion.Status.ANSWERED


def test_an_empty_answer_is_an_error(login, contact, alice, night_shift):
    response = login(alice).post(answer_url(night_shift), {"answer": "   "})

    assert response.status_code == 400
    assert response.context["form"].errors["answer"]


def test_the_answer_can_be_changed_until_the_worker_rates_it(contact, alice, night_shift):
    opinions.opinion_answer(opinion=night_shift, user=alice.user, answer="第一稿")
    opinions.opinion_answer(opinion=night_shift, user=alice.user, answer=ANSWER)
    night_shift.refresh_from_db()
    assert night_shift.answer == ANSWER
    opinions.opinion_rate(opinion=night_shift, rating="satisfied")

    with pytest.raises(ValidationError):
        opinions.opinion_answer(opinion=night_shift, user=alice.user, answer="改了")
    night_shift.refresh_from_db()
    assert night_shift.answer == ANSWER


# The status moves through one function, forwards only


def test_the_status_moves_forwards_only(contact, alice, night_shift):
    opinions.opinion_answer(opinion=night_shift, user=alice.user, answer=ANSWER)
    opinions.opinion_take_up(opinion=night_shift, user=alice.user)  # a follow-up after it

    night_shift.refresh_from_db()
    assert night_shift.status == Opinion.Status.ANSWERED  # the worker's page never goes back
    assert night_shift.problem is not None
    with pytest.raises(ValidationError):
        opinions.opinion_take_up(opinion=night_shift, user=alice.user)  # once


def test_a_closed_opinion_moves_nowhere(night_shift):
    night_shift.status = Opinion.Status.CLOSED
    for to in Opinion.Status:
        with pytest.raises(ValidationError):
            opinions.opinion_move(night_shift, to)


# From the opinion list and from the problem's page


def test_the_list_offers_the_answer_to_the_contact_cadre_and_the_organization_department(
    login, contact, alice, bob, olivia, night_shift
):
    form = f'action="{answer_url(night_shift)}"'
    assert form in login(alice).get(reverse("boards:opinion-list")).content.decode()
    assert form in login(olivia).get(reverse("boards:opinion-list")).content.decode()
    assert form not in login(bob).get(reverse("boards:opinion-list")).content.decode()


def test_the_list_says_when_the_worker_was_answered(login, contact, alice, night_shift):
    opinions.opinion_answer(opinion=night_shift, user=alice.user, answer=ANSWER)

    page = login(alice).get(reverse("boards:opinion-list")).content.decode()

    assert "已答复 2026-11-24" in page and ANSWER in page


def test_the_problem_page_answers_the_worker_through_the_same_page(
    login, alice, taken_up, night_shift
):
    client = login(alice)
    problem_url = reverse("records:problem-detail", args=[taken_up.pk])
    page = client.get(problem_url).content.decode()
    assert 'data-testid="problem-opinions"' in page
    assert f'action="{answer_url(night_shift)}"' in page

    response = client.post(answer_url(night_shift), {"answer": ANSWER, "next": problem_url})

    assert response["Location"] == problem_url
    night_shift.refresh_from_db()
    assert night_shift.answer == ANSWER
    assert ANSWER in client.get(problem_url).content.decode()


def test_an_address_elsewhere_is_not_followed(login, contact, alice, night_shift):
    response = login(alice).post(
        answer_url(night_shift), {"answer": ANSWER, "next": "https://evil.example/"}
    )

    assert response["Location"] == f"{reverse('boards:opinion-list')}#opinion-{night_shift.pk}"


def test_the_department_reads_the_answer_on_the_problem_but_not_the_workers_name(
    login, alice, carol, taken_up, night_shift
):
    opinions.opinion_answer(opinion=night_shift, user=alice.user, answer=ANSWER)
    opinions.opinion_rate(opinion=night_shift, rating="unsatisfied")

    page = login(carol).get(reverse("records:problem-detail", args=[taken_up.pk])).content.decode()

    assert ANSWER in page and "不满意" in page
    assert f'action="{answer_url(night_shift)}"' not in page
    assert "张师傅" not in page and "13800000000" not in page


def test_a_problem_not_from_an_opinion_shows_no_panel(login, alice, taken_up):
    other = ProblemFactory(record__cadre=alice)
    page = login(alice).get(reverse("records:problem-detail", args=[other.pk])).content.decode()

    assert 'data-testid="problem-opinions"' not in page


def test_the_problem_page_costs_one_query_more_with_its_opinion(
    login, alice, taken_up, django_assert_num_queries
):
    """The panel: one query for the opinions (on every problem's page), one more for who may
    answer when there is an opinion."""
    client = login(alice)
    plain = ProblemFactory(
        record=taken_up.record,
        resolution=taken_up.resolution,
        status=taken_up.status,
        department=taken_up.department,
        deadline=taken_up.deadline,
    )
    client.get(reverse("records:problem-detail", args=[plain.pk]))  # warm the session

    with CaptureQueriesContext(connection) as without:
        client.get(reverse("records:problem-detail", args=[plain.pk]))
    with django_assert_num_queries(len(without.captured_queries) + 1):
        client.get(reverse("records:problem-detail", args=[taken_up.pk]))
