"""Nobody left uninformed: who is told of a returned sheet, an integrity exception and a problem
sent to a department with no head, and the page each notice opens."""

import pytest
from django.core import mail
from django.urls import reverse

from records.models import Notification, VisitRecord
from tests.factories import DepartmentFactory, GrassrootsUnionFactory, LiaisonAssignmentFactory
from tests.helpers import sheet, to_transfer

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PUBLIC_BASE_URL = "https://liaison.example"


@pytest.fixture
def unit(alice):
    union = GrassrootsUnionFactory(name="西城区某某商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return union


def test_a_returned_sheet_tells_its_cadre_why_and_opens_its_edit_form(
    login, alice, olivia, world, django_capture_on_commit_callbacks
):
    alice.user.email = "alice@example.org"
    alice.user.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(olivia).post(
            reverse("records:record-return", args=[world.filed.pk]), {"reason": "请补充走访对象"}
        )

    assert response.status_code == 302
    notice = Notification.objects.get(recipient=alice.user, kind=Kind.RETURNED)
    assert "请补充走访对象" in notice.message
    assert notice.url == reverse("records:record-edit", args=[world.filed.pk])
    assert login(alice).get(notice.url).status_code == 200  # the page to act on opens
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert f"https://liaison.example/records/{world.filed.pk}/edit/" in mail.outbox[0].body


def test_an_integrity_exception_filed_reaches_the_organization_department(
    login, alice, olivia, unit
):
    response = login(alice).post(
        reverse("records:record-create"),
        sheet(unit, gifts_accepted="True", integrity_explanation="节日慰问品，已登记上交"),
    )

    assert response.status_code == 302
    record = VisitRecord.objects.get(cadre=alice)
    notice = Notification.objects.get(kind=Kind.INTEGRITY)
    assert notice.recipient == olivia.user
    assert "节日慰问品，已登记上交" in notice.message
    assert "李爱丽" in notice.message
    assert notice.url == reverse("records:record-detail", args=[record.pk])


def test_a_sheet_without_exception_tells_nobody(login, alice, olivia, unit):
    login(alice).post(reverse("records:record-create"), sheet(unit))

    assert VisitRecord.objects.get(cadre=alice).status == VisitRecord.Status.FILED
    assert not Notification.objects.exists()


def test_a_draft_with_an_exception_tells_nobody_yet(login, alice, olivia, unit):
    login(alice).post(
        reverse("records:record-create"),
        sheet(unit, gifts_accepted="True", integrity_explanation="慰问品", action="draft"),
    )

    assert not Notification.objects.filter(kind=Kind.INTEGRITY).exists()


def test_a_problem_sent_to_a_department_with_no_head_reaches_the_organization_department(
    login, alice, olivia, unit
):
    headless = DepartmentFactory(name="新成立的部室")

    login(alice).post(
        reverse("records:record-create"), sheet(unit, problems=[to_transfer(headless)])
    )

    notice = Notification.objects.get(recipient=olivia.user, kind=Kind.TRANSFERRED)
    assert "新成立的部室" in notice.message
    assert notice.url == reverse("records:problem-detail", args=[notice.problem_id])
