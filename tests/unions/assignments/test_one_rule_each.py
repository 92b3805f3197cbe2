"""The organization's rules are one function each, and every entry point asks it: with the
leaders' limit set to 2 (LEADER_UNITS), the service (and the admin through it), the roll-over,
the import and the desk all stop at 2 — none of them keeps a 4 of its own."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import CadreFactory, GrassrootsUnionFactory, LiaisonAssignmentFactory
from tests.org_workbooks import build
from unions.assignments.services import assignment_create, assignments_roll_over
from unions.models import Cadre, GrassrootsUnion, LiaisonAssignment, active_q
from unions.org_import.points import org_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_units_per_leader(settings):
    settings.LEADER_UNITS = 2


@pytest.fixture
def leader(department):
    return CadreFactory(department=department, staff_number="XC4001", rank=Cadre.Rank.DIVISION)


def test_a_leader_may_hold_as_many_units_as_the_setting_says(leader, alice):
    assert leader.may_hold(2) and not leader.may_hold(3)
    assert alice.may_hold(30)  # another cadre's number is a target, not a ceiling


def test_the_service_stops_at_the_setting(leader, olivia):
    for union in GrassrootsUnionFactory.create_batch(2):
        assignment_create(cadre=leader, union=union, year=2026, user=olivia.user)

    with pytest.raises(ValidationError):
        assignment_create(cadre=leader, union=GrassrootsUnionFactory(), year=2026, user=olivia.user)


def test_the_roll_over_stops_at_the_setting(leader, olivia):
    for union in GrassrootsUnionFactory.create_batch(3):
        LiaisonAssignmentFactory(cadre=leader, union=union, year=2025)

    result = assignments_roll_over(from_year=2025, to_year=2026, user=olivia.user)

    assert (len(result.created), len(result.left_out)) == (2, 1)


def test_the_import_stops_at_the_setting(leader, olivia):
    unions = GrassrootsUnionFactory.create_batch(3)
    rows = {"联系点": [["XC4001", "", union.credit_code, "", 2026] for union in unions]}

    result = org_import(build(rows), user=olivia.user, year=2026)

    assert [(issue.code, issue.row) for issue in result.issues] == [("leader-limit", 4)]
    assert not LiaisonAssignment.objects.filter(cadre=leader).exists()


def test_the_desk_says_full_at_the_setting(login, leader, olivia):
    for union in GrassrootsUnionFactory.create_batch(2):
        LiaisonAssignmentFactory(cadre=leader, union=union, year=2026)

    response = login(olivia).get(reverse("assignments:cadre", args=[2026, leader.pk]))

    assert response.context["full"] is True


def test_active_is_one_definition_for_cadres_unions_and_relations(leader):
    gone = GrassrootsUnionFactory(active=False)
    kept = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=leader, union=kept)
    CadreFactory(active=False)

    assert (
        set(GrassrootsUnion.objects.active()) == {kept}
        and gone not in GrassrootsUnion.objects.active()
    )
    assert Cadre.objects.active().filter(pk=leader.pk).exists()
    assert LiaisonAssignment.objects.filter(active_q("union__")).get().union == kept
