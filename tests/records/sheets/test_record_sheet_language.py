"""The work record sheet in Chinese, as every page is shown: the form, the sheet and its print
view say where a problem went and what integrity asks, with no English left."""

import pytest
from django.urls import reverse

from records.models import Problem, VisitRecord
from tests.factories import ProblemFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def transferred(alice, other_department):
    record = VisitRecordFactory(cadre=alice, status=VisitRecord.Status.FILED)
    ProblemFactory(
        record=record,
        description="职工食堂需要改造",
        resolution=Problem.Resolution.TRANSFER,
        department=other_department,
    )
    return record


@pytest.mark.parametrize("page", ["records:record-detail", "records:record-print"])
def test_a_transferred_problem_says_where_it_went(login, alice, transferred, page):
    response = login(alice).get(reverse(page, args=[transferred.pk]))

    text = response.content.decode()
    assert "移交至 法律工作部" in text
    assert "新状态" not in text


def test_the_form_states_the_integrity_rules_in_chinese(login, alice):
    response = login(alice).get(reverse("records:record-create"))

    text = response.content.decode()
    assert "不接受基层车辆接送，不接受基层礼品馈赠，不接受基层宴请。" in text
    assert "No transport" not in text
