"""One place answers "what may this user see": VisitRecord/Problem `visible_to(user)`."""

import pytest
from django.contrib.auth.models import AnonymousUser

from records.models import Problem, VisitRecord
from tests.factories import DepartmentFactory, ProblemFactory, UserFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(alice, bob, carol):
    return {
        "alice": VisitRecordFactory(cadre=alice),
        "bob": VisitRecordFactory(cadre=bob),
        "carol": VisitRecordFactory(cadre=carol),
    }


def visible(user):
    return set(VisitRecord.objects.visible_to(user))


def test_a_cadre_sees_only_their_own_records(alice, records):
    assert visible(alice.user) == {records["alice"]}


def test_another_cadre_does_not_see_alices_records(bob, records):
    assert visible(bob.user) == {records["bob"]}


def test_a_department_head_sees_their_departments_records(carol, records):
    assert visible(carol.user) == {records["alice"], records["carol"]}


def test_the_organization_department_sees_every_record(olivia, records):
    assert visible(olivia.user) == set(records.values())


def test_an_administrator_sees_every_record(admin_user, records):
    assert visible(admin_user) == set(records.values())


def test_an_anonymous_visitor_sees_nothing(records):
    assert visible(AnonymousUser()) == set()


def test_a_user_without_a_role_or_cadre_sees_nothing(records):
    assert visible(UserFactory()) == set()


def test_an_inactive_organization_user_sees_nothing(olivia, records):
    olivia.user.is_active = False
    assert visible(olivia.user) == set()


class TestProblems:
    @pytest.fixture
    def problems(self, alice, bob, carol, other_department):
        return {
            "alice": ProblemFactory(record__cadre=alice),
            "bob": ProblemFactory(record__cadre=bob),
            # Raised by bob, transferred to alice's department: carol answers it.
            "to_carols_department": ProblemFactory(
                record__cadre=bob,
                resolution=Problem.Resolution.TRANSFER,
                status=Problem.Status.TRANSFERRED,
                department=carol.department,
            ),
            # Raised by bob, transferred to another department, with alice as the leader.
            "to_alice_as_leader": ProblemFactory(
                record__cadre=bob,
                resolution=Problem.Resolution.TRANSFER,
                status=Problem.Status.TRANSFERRED,
                department=DepartmentFactory(),
                leader=alice,
            ),
        }

    def visible(self, user):
        return set(Problem.objects.visible_to(user))

    def test_a_cadre_sees_the_problems_they_raised_or_must_answer(self, alice, problems):
        assert self.visible(alice.user) == {problems["alice"], problems["to_alice_as_leader"]}

    def test_another_cadre_sees_their_own(self, bob, problems):
        assert self.visible(bob.user) == {
            problems["bob"],
            problems["to_carols_department"],
            problems["to_alice_as_leader"],
        }

    def test_a_department_head_sees_the_departments_and_those_sent_to_it(self, carol, problems):
        assert self.visible(carol.user) == {problems["alice"], problems["to_carols_department"]}

    def test_the_organization_department_sees_all(self, olivia, problems):
        assert self.visible(olivia.user) == set(problems.values())

    def test_an_anonymous_visitor_sees_none(self, problems):
        assert self.visible(AnonymousUser()) == set()


def test_someone_elses_draft_is_seen_only_by_its_cadre(alice, carol, olivia, admin_user):
    draft = VisitRecordFactory(cadre=alice, status=VisitRecord.Status.DRAFT)
    assert draft in visible(alice.user)
    assert draft not in visible(carol.user)
    assert draft not in visible(olivia.user)
    assert draft not in visible(admin_user)
    own_draft = VisitRecordFactory(cadre=olivia, status=VisitRecord.Status.DRAFT)
    assert own_draft in visible(olivia.user)
