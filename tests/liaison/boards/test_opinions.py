"""Workers' opinions inside the system: listed for the union's contact cadres (this year's
current contact points) and the organization department; a contact cadre takes one up as a
problem on a new draft record sheet.

alice contacts the hospital this year; bob is a cadre of another department; carol heads
alice's department (a cadre with no units); olivia is the organization department.
"""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.boards import opinions
from liaison.models import Opinion
from records.models import Problem, VisitRecord
from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    OpinionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("boards:opinion-list")


def take_up_url(opinion):
    return reverse("boards:opinion-take-up", args=[opinion.pk])


@pytest.fixture
def elsewhere(db):
    """An opinion of a union alice does not contact."""
    return OpinionFactory(text="别的单位的留言")


@pytest.fixture
def nobody(db):
    return UserFactory(username="nobody")


def shown(response):
    return list(response.context["page"])


# The list, by role


def test_an_anonymous_visitor_is_sent_to_log_in(client, canteen):
    for response in [client.get(LIST_URL), client.post(take_up_url(canteen))]:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert VisitRecord.objects.count() == 0


def test_alice_sees_the_opinions_of_her_unit_with_the_workers_contact(
    login, alice, contact, canteen, elsewhere
):
    response = login(alice).get(LIST_URL)

    assert response.status_code == 200
    assert shown(response) == [canteen]
    content = response.content.decode()
    assert "张师傅" in content
    assert "13800000000" in content
    assert "别的单位的留言" not in content
    assert take_up_url(canteen) in content


def test_alice_no_longer_sees_them_once_her_assignment_ended(login, alice, hospital, canteen):
    LiaisonAssignmentFactory(
        cadre=alice, union=hospital, ended_at=datetime.date(2026, 9, 1), end_reason="调整"
    )

    assert shown(login(alice).get(LIST_URL)) == []


def test_last_years_contact_cadre_does_not_see_them(login, alice, hospital, canteen):
    LiaisonAssignmentFactory(cadre=alice, union=hospital, year=2025)

    assert shown(login(alice).get(LIST_URL)) == []


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_other_cadres_see_none_of_them(request, login, contact, canteen, persona):
    response = login(request.getfixturevalue(persona)).get(LIST_URL)

    assert response.status_code == 200
    assert shown(response) == []
    assert "张师傅" not in response.content.decode()


def test_a_user_without_a_role_may_not_open_the_list(login, nobody, canteen):
    assert login(nobody).get(LIST_URL).status_code == 403


@pytest.mark.parametrize("persona", ["olivia", "admin_user"])
def test_the_organization_department_sees_every_opinion(
    request, login, contact, canteen, elsewhere, persona
):
    response = login(request.getfixturevalue(persona)).get(LIST_URL)

    assert response.status_code == 200
    assert set(shown(response)) == {canteen, elsewhere}


def test_the_organization_department_is_not_offered_to_take_up_what_is_not_theirs(
    login, olivia, contact, canteen
):
    content = login(olivia).get(LIST_URL).content.decode()

    assert take_up_url(canteen) not in content


def test_the_text_is_shown_escaped(login, alice, contact, hospital):
    OpinionFactory(union=hospital, text='<script>alert("x")</script>', name="<b>张</b>")

    content = login(alice).get(LIST_URL).content.decode()

    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "&lt;b&gt;张&lt;/b&gt;" in content


def test_a_script_in_an_opinion_stays_text_on_the_sheet_and_problem_it_becomes(
    login, alice, contact, hospital
):
    script = OpinionFactory(union=hospital, text='<script>alert("x")</script>')
    client = login(alice)
    client.post(take_up_url(script))
    record = VisitRecord.objects.get()
    problem = record.problems.get()

    for url in (
        reverse("records:record-edit", args=[record.pk]),
        reverse("records:record-detail", args=[record.pk]),
        reverse("records:problem-detail", args=[problem.pk]),
    ):
        content = client.get(url).content.decode()
        assert "<script>alert" not in content, url
        assert "&lt;script&gt;alert(" in content, url


def test_the_list_filters_new_and_taken_up(login, alice, contact, hospital, canteen):
    taken = OpinionFactory(
        union=hospital, status=Opinion.Status.TAKEN_UP, taken_up_at=timezone.now()
    )
    client = login(alice)

    assert shown(client.get(LIST_URL, {"status": "new"})) == [canteen]
    assert shown(client.get(LIST_URL, {"status": "taken_up"})) == [taken]
    assert set(shown(client.get(LIST_URL))) == {canteen, taken}


def test_the_list_costs_the_same_queries_for_1_opinion_as_for_10(
    login, olivia, alice, django_assert_num_queries
):
    client = login(olivia)

    def taken_up_opinion():
        union = GrassrootsUnionFactory()
        LiaisonAssignmentFactory(cadre=alice, union=union)
        opinion = OpinionFactory(union=union)
        opinions.opinion_take_up(opinion=opinion, user=alice.user)

    taken_up_opinion()
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as one:
        assert len(shown(client.get(LIST_URL))) == 1
    for _ in range(9):
        taken_up_opinion()
    with django_assert_num_queries(len(one)):
        assert len(shown(client.get(LIST_URL))) == 10


# Taking an opinion up


def test_alice_turns_an_opinion_into_a_problem_on_a_new_draft_sheet(
    login, alice, contact, hospital, canteen
):
    client = login(alice)

    response = client.post(take_up_url(canteen))

    record = VisitRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("records:record-edit", args=[record.pk])
    assert (record.cadre, record.union, record.status) == (alice, hospital, "draft")
    assert not record.outside_assignment
    problem = record.problems.get()
    assert problem.description == "职工食堂晚上能不能多开一个窗口？"
    assert problem.category == Problem.Category.WELFARE
    assert problem.status == Problem.Status.RAISED
    canteen.refresh_from_db()
    assert canteen.status == Opinion.Status.TAKEN_UP
    assert canteen.problem == problem
    assert canteen.taken_up_by == alice.user
    assert canteen.taken_up_at == timezone.now()
    assert client.get(response.url).status_code == 200


def test_a_taken_up_opinion_links_to_its_sheet(login, alice, contact, canteen):
    client = login(alice)
    client.post(take_up_url(canteen))
    record = VisitRecord.objects.get()

    content = client.get(LIST_URL).content.decode()

    assert reverse("records:record-detail", args=[record.pk]) in content
    assert take_up_url(canteen) not in content


def test_an_opinion_is_taken_up_once(login, alice, contact, canteen):
    client = login(alice)
    client.post(take_up_url(canteen))

    response = client.post(take_up_url(canteen))

    assert response.status_code == 302
    assert response.url == LIST_URL
    assert VisitRecord.objects.count() == 1
    assert Problem.objects.count() == 1


def test_a_second_contact_cadre_of_the_union_cannot_take_it_up_again(
    login, alice, contact, hospital, canteen
):
    second = CadreFactory()
    LiaisonAssignmentFactory(cadre=second, union=hospital)
    opinions.opinion_take_up(opinion=canteen, user=second.user)

    with pytest.raises(ValidationError):
        opinions.opinion_take_up(opinion=canteen, user=alice.user)
    assert VisitRecord.objects.count() == 1


@pytest.mark.parametrize("persona", ["bob", "carol", "nobody"])
def test_a_cadre_cannot_take_up_an_opinion_of_a_union_that_is_not_theirs(
    request, login, contact, canteen, persona
):
    response = login(request.getfixturevalue(persona)).post(take_up_url(canteen))

    assert response.status_code == 404
    assert VisitRecord.objects.count() == 0
    canteen.refresh_from_db()
    assert canteen.status == Opinion.Status.NEW


def test_the_organization_department_sees_but_does_not_take_up(login, olivia, contact, canteen):
    """Taking up is the contact cadre's work: their record sheet, their contact."""
    response = login(olivia).post(take_up_url(canteen))

    assert response.status_code == 403
    assert VisitRecord.objects.count() == 0


def test_an_ended_assignment_takes_nothing_up(login, alice, hospital, canteen):
    LiaisonAssignmentFactory(
        cadre=alice, union=hospital, ended_at=datetime.date(2026, 9, 1), end_reason="调整"
    )

    assert login(alice).post(take_up_url(canteen)).status_code == 404


def test_taking_up_is_a_post(login, alice, contact, canteen):
    assert login(alice).get(take_up_url(canteen)).status_code == 405
    assert VisitRecord.objects.count() == 0


def test_the_service_refuses_a_user_who_is_not_a_contact_cadre(bob, contact, canteen):
    with pytest.raises(PermissionDenied):
        opinions.opinion_take_up(opinion=canteen, user=bob.user)


# Two at once (PostgreSQL: the opinion's row lock)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_cadres_taking_up_one_opinion_at_once_make_one_sheet(
    postgres_only, alice, hospital, canteen
):
    second = CadreFactory()
    LiaisonAssignmentFactory(cadre=alice, union=hospital)
    LiaisonAssignmentFactory(cadre=second, union=hospital)
    start = threading.Barrier(2)
    outcomes = []

    def take_up(user_pk):
        try:
            user = get_user_model().objects.get(pk=user_pk)
            seen = Opinion.objects.get(pk=canteen.pk)
            start.wait()
            opinions.opinion_take_up(opinion=seen, user=user)
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=take_up, args=(pk,)) for pk in (alice.user.pk, second.user.pk)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["done", "refused"]
    assert VisitRecord.objects.count() == 1
