"""The contact point's admin is another entry point of the assignment services: an add goes
through `assignment_create`, an ending through `assignment_end`, and a refusal is the service's
message on the form."""

import pytest
from django.urls import reverse

from tests.factories import CadreFactory, GrassrootsUnionFactory, LiaisonAssignmentFactory
from unions.models import Cadre, LiaisonAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(login, admin_user):
    return login(admin_user)


@pytest.fixture
def leader(department):
    return CadreFactory(name="赵处长", department=department, rank=Cadre.Rank.DIVISION)


ADD = reverse("admin:unions_liaisonassignment_add")


def change_url(point):
    return reverse("admin:unions_liaisonassignment_change", args=[point.pk])


def codes(response, field):
    """The codes of the errors the admin's form shows next to `field`."""
    return [error.code for error in response.context["adminform"].form.errors.as_data()[field]]


def test_the_admin_refuses_a_fifth_unit_for_a_leader(staff, leader):
    LiaisonAssignmentFactory.create_batch(4, cadre=leader, year=2026)

    response = staff.post(
        ADD, {"cadre": leader.pk, "union": GrassrootsUnionFactory().pk, "year": 2026}
    )

    assert response.status_code == 200
    assert codes(response, "cadre") == ["leader_limit"]
    assert LiaisonAssignment.objects.filter(cadre=leader, year=2026).count() == 4


def test_the_admin_adds_a_unit_through_the_service(staff, admin_user, leader):
    union = GrassrootsUnionFactory()

    response = staff.post(ADD, {"cadre": leader.pk, "union": union.pk, "year": 2026})

    assert response.status_code == 302
    point = LiaisonAssignment.objects.get(cadre=leader, union=union, year=2026)
    assert point.assigned_by == admin_user
    assert point.history.get().history_user == admin_user


def test_the_admin_refuses_a_unit_of_an_inactive_union(staff, leader):
    union = GrassrootsUnionFactory(active=False)

    response = staff.post(ADD, {"cadre": leader.pk, "union": union.pk, "year": 2026})

    assert response.status_code == 200
    assert codes(response, "union") == ["inactive_union"]
    assert not LiaisonAssignment.objects.exists()


def test_the_admin_cannot_move_a_contact_point_to_another_cadre(staff, leader, alice):
    point = LiaisonAssignmentFactory(cadre=alice, year=2026)
    LiaisonAssignmentFactory.create_batch(4, cadre=leader, year=2026)

    staff.post(
        change_url(point),
        {"cadre": leader.pk, "union": point.union.pk, "year": 2026, "end_reason": ""},
    )

    point.refresh_from_db()
    assert point.cadre == alice
    assert LiaisonAssignment.objects.filter(cadre=leader, year=2026).count() == 4


def test_the_admin_ends_a_contact_point_through_the_service(staff, admin_user, alice):
    point = LiaisonAssignmentFactory(cadre=alice, year=2026)

    response = staff.post(change_url(point), {"ended_at": "2026-06-30", "end_reason": "单位注销"})

    assert response.status_code == 302
    point.refresh_from_db()
    assert (str(point.ended_at), point.end_reason) == ("2026-06-30", "单位注销")
    assert point.history.latest().history_user == admin_user


def test_the_admin_shows_the_services_refusal_of_an_ending(staff, alice):
    point = LiaisonAssignmentFactory(cadre=alice, year=2026)

    response = staff.post(change_url(point), {"ended_at": "2026-06-30", "end_reason": ""})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["end_reason"] == ["请填写终止联系点的理由。"]
    point.refresh_from_db()
    assert point.ended_at is None
