"""The sheet's page leads to each transferred problem in one tap: to the feedback form when the
answer is in and the cadre's feedback to the grassroots is due, else to the problem's page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import Problem
from tests.factories import ProblemFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(alice):
    return VisitRecordFactory(cadre=alice)


def transferred(sheet, status, department, description):
    return ProblemFactory(
        record=sheet,
        resolution=Problem.Resolution.TRANSFER,
        status=status,
        department=department,
        description=description,
    )


def actions(response) -> list[str]:
    return re.findall(r'<a[^>]*href="([^"]+)"[^>]*data-testid="problem-action"', response.text)


def test_an_answered_problem_links_its_cadre_to_the_feedback_form(
    login, alice, sheet, other_department
):
    answered = transferred(sheet, Problem.Status.ANSWERED, other_department, "加班费标准")
    waiting = transferred(sheet, Problem.Status.TRANSFERRED, other_department, "班车不足")
    ProblemFactory(record=sheet)  # solved on the spot: nothing to act on

    response = login(alice).get(reverse("records:record-detail", args=[sheet.pk]))

    assert set(actions(response)) == {
        reverse("records:problem-detail", args=[answered.pk]) + "#step-feedback",
        reverse("records:problem-detail", args=[waiting.pk]),
    }
    assert "已答复，请向基层反馈" in response.text


def test_the_feedback_form_is_open_where_the_link_lands(login, alice, sheet, other_department):
    answered = transferred(sheet, Problem.Status.ANSWERED, other_department, "加班费标准")

    response = login(alice).get(reverse("records:problem-detail", args=[answered.pk]))

    assert re.search(r'<details[^>]*id="step-feedback"[^>]*open', response.text)


def test_someone_else_reading_the_sheet_is_led_to_the_problems_page(
    login, olivia, sheet, other_department
):
    answered = transferred(sheet, Problem.Status.ANSWERED, other_department, "加班费标准")

    response = login(olivia).get(reverse("records:record-detail", args=[sheet.pk]))

    assert actions(response) == [reverse("records:problem-detail", args=[answered.pk])]


def test_the_links_cost_no_query_per_problem(
    login, alice, sheet, other_department, django_assert_num_queries
):
    client = login(alice)
    url = reverse("records:record-detail", args=[sheet.pk])
    transferred(sheet, Problem.Status.ANSWERED, other_department, "一")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        transferred(sheet, Problem.Status.ANSWERED, other_department, f"问题{n}")
    with django_assert_num_queries(len(one)):
        client.get(url)
