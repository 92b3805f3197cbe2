"""A department created after everything else (in the admin, a year later) gets its problems:
the transfer notifies its head and the problem waits in the head's inbox; while it has no head
yet, the organization department is told instead, so the problem is never nobody's."""

import pytest
from django.urls import reverse

from records.models import Notification, Problem
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory, UserFactory
from tests.helpers import sheet, to_transfer
from unions.models import Cadre, Department
from unions.roles import Role

pytestmark = pytest.mark.django_db


def test_a_department_made_in_the_admin_gets_the_problems_transferred_to_it(
    client, login, alice, admin_user
):
    union = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    staff = login(admin_user)
    staff.post(
        reverse("admin:unions_department_add"),
        {"name": "新成立的网络工作部", "order": "20", "units_per_cadre": "2"},
    )
    department = Department.objects.get(name="新成立的网络工作部")
    head_user = UserFactory(username="nina", roles=[Role.CADRE, Role.DEPARTMENT_HEAD])
    response = staff.post(
        reverse("admin:unions_cadre_add"),
        {
            "user": head_user.pk,
            "name": "倪娜",
            "staff_number": "XC09001",
            "department": department.pk,
            "rank": Cadre.Rank.DIVISION,
            "title": "部长",
            "phone": "",
            "active": "on",
        },
    )
    assert response.status_code == 302

    login(alice).post(
        reverse("records:record-create"), sheet(union, problems=[to_transfer(department)])
    )

    problem = Problem.objects.get()
    assert (problem.status, problem.department) == (Problem.Status.TRANSFERRED, department)
    assert Notification.objects.filter(recipient=head_user, problem=problem).exists()
    inbox = login(head_user).get(reverse("records:inbox"))
    assert list(inbox.context["page"].object_list) == [problem]


def test_a_problem_sent_to_a_department_with_no_head_yet_goes_to_the_organization_department(
    login, alice, olivia
):
    # A department just created has nobody to answer yet: the problem must not be silently
    # nobody's. The organization department is told, and finds it in the ledger.
    union = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    department = Department.objects.create(name="新成立的网络工作部", order=20)

    response = login(alice).post(
        reverse("records:record-create"),
        sheet(union, problems=[to_transfer(department)], action="file"),
    )

    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.department == department
    told = Notification.objects.filter(problem=problem)
    assert [n.recipient for n in told] == [olivia.user]
    assert "暂无负责人" in told.get().message
