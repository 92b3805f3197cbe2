"""The admin is not a back door around the problem loop or the filing of sheets: the steps
(status, department, deadline, answer, feedback; filing and returning a sheet) are taken on the
site through their services, which write the timeline. In the admin they are read-only."""

import datetime

import pytest
from django.urls import reverse

from records.models import Problem, VisitRecord
from tests.factories import DepartmentFactory, ProblemFactory, VisitRecordFactory
from tests.helpers import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(login, admin_user):
    return login(admin_user)


def test_the_admin_cannot_change_a_problems_step(staff):
    problem = ProblemFactory(
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=DepartmentFactory(),
        deadline=datetime.date(2026, 12, 1),
    )
    url = reverse("admin:records_problem_change", args=[problem.pk])
    data = form_values(staff.get(url))
    data.update(
        status=["closed"],
        department=[str(DepartmentFactory().pk)],
        deadline=["2027-01-29"],
        answer=["改过的答复"],
    )

    staff.post(url, data)

    problem.refresh_from_db()
    assert (problem.status, problem.deadline, problem.answer) == (
        Problem.Status.TRANSFERRED,
        datetime.date(2026, 12, 1),
        "",
    )
    assert problem.events.count() == 0


def test_the_admin_cannot_file_or_return_a_sheet(staff):
    record = VisitRecordFactory(status=VisitRecord.Status.DRAFT, filed_at=None)
    url = reverse("admin:records_visitrecord_change", args=[record.pk])
    data = form_values(staff.get(url))
    data.update(status=["filed"], return_reason=["改"])

    staff.post(url, data)

    record.refresh_from_db()
    assert (record.status, record.return_reason) == (VisitRecord.Status.DRAFT, "")
