"""The bell: each notification opens the exact page to act on."""

import pytest
from django.urls import reverse

from records.models import Notification
from records.problems import services as loop
from tests.factories import ProblemFactory
from tests.helpers import D

pytestmark = pytest.mark.django_db


def test_a_notification_opens_its_page_and_is_read(login, alice):
    notice = Notification.objects.create(
        recipient=alice.user,
        kind=Notification.Kind.RETURNED,
        message="退回",
        url="/records/7/edit/",
    )

    response = login(alice).get(reverse("records:notification-open", args=[notice.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/records/7/edit/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_to_another_site_is_not_followed(login, alice):
    notice = Notification.objects.create(
        recipient=alice.user, kind=Notification.Kind.URGED, message="m", url="https://evil.example/"
    )

    response = login(alice).get(reverse("records:notification-open", args=[notice.pk]))

    assert response["Location"] == reverse("records:notifications")


def test_an_answer_opens_the_feedback_form_of_the_problem(login, alice, carol, department):
    problem = ProblemFactory(
        record__cadre=alice,
        resolution="transfer",
        status="transferred",
        department=department,
        deadline=D(2026, 12, 15),
    )
    loop.problem_answer(problem=problem, user=carol.user, answer="已协调增开班车")
    notice = Notification.objects.get(recipient=alice.user)

    assert notice.url == f"/records/problems/{problem.pk}/#step-feedback"
    page = login(alice).get(notice.url)
    assert 'id="step-feedback"' in page.content.decode()
