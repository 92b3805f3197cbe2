"""A refused sheet says everything at once: every rule in one answer, each error next to its
field and listed at the top with a link to it; the fields a filed sheet needs carry a mark.

Today is Tuesday 2026-11-24."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from records.models import VisitRecord
from records.sheets.forms import FILING_REQUIRED
from tests.factories import DepartmentFactory
from tests.helpers import sheet, tags, to_transfer

pytestmark = pytest.mark.django_db

MANAGEMENT = {
    "problems-TOTAL_FORMS": "0",
    "problems-INITIAL_FORMS": "0",
    "problems-MIN_NUM_FORMS": "0",
    "problems-MAX_NUM_FORMS": "1000",
}


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def file(client, data):
    response = client.post(reverse("records:record-create"), {**data, "action": "file"})
    assert response.status_code == 400, response.status_code
    assert not VisitRecord.objects.exists()
    return response


def errors(response) -> dict[str, list[str]]:
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


def summary_links(response) -> list[str]:
    summary = re.search(
        r'<div[^>]*id="error-summary".*?</div>', response.content.decode(), re.S
    ).group(0)
    return re.findall(r'<a class="alert-link" href="#([^"]+)">', summary)


def test_an_empty_sheet_lists_every_rule_it_breaks_in_one_answer(as_alice):
    response = file(as_alice, MANAGEMENT)

    required = zh("Required for filing.")
    assert errors(response) == {
        "union": ["这个字段是必填项。"],
        "start_date": [required],
        "days": [required],
        "contact_form": [required],
        "content_areas": [zh("Choose at least one content area.")],
        "questions_prepared": [
            zh("Prepare before you go: write the questions you took to the grassroots.")
        ],
        "transport_accepted": [zh("Please answer.")],
        "gifts_accepted": [zh("Please answer.")],
        "banquet_accepted": [zh("Please answer.")],
    }


def test_a_half_filled_sheet_lists_the_sheets_and_the_problems_errors_together(as_alice, unit):
    department = DepartmentFactory(name="法律工作部")
    data = sheet(
        unit,
        contact_form=None,
        questions_prepared="",
        content_areas=None,
        gifts_accepted="True",
        banquet_accepted=None,
        days="0.3",
        problems=[to_transfer(None, description=""), to_transfer(department)],
    )

    response = file(as_alice, data)

    assert errors(response) == {
        "days": ["工作日以半天为单位计算（0.5、1、1.5……）。"],
        "contact_form": [zh("Required for filing.")],
        "content_areas": [zh("Choose at least one content area.")],
        "questions_prepared": [
            zh("Prepare before you go: write the questions you took to the grassroots.")
        ],
        "banquet_accepted": [zh("Please answer.")],
        "integrity_explanation": [zh("Explain every exception to the integrity rules.")],
    }
    formset = response.context["formset"]
    assert formset.forms[0].errors == {
        "description": ["这个字段是必填项。"],
        "department": [zh("Choose the department the problem goes to.")],
    }
    assert formset.forms[1].errors == {}


def test_the_questions_are_asked_for_before_the_form_of_contact_is_chosen(as_alice, unit):
    response = file(as_alice, sheet(unit, contact_form="", questions_prepared=""))

    assert set(errors(response)) == {"contact_form", "questions_prepared"}


def test_a_draft_still_saves_with_only_a_union(as_alice, alice, unit):
    response = as_alice.post(
        reverse("records:record-create"), {**MANAGEMENT, "union": unit.pk, "action": "draft"}
    )

    assert response.status_code == 302
    assert VisitRecord.objects.get(cadre=alice).status == VisitRecord.Status.DRAFT


def test_the_summary_links_every_error_to_its_field_in_the_pages_order(as_alice, unit):
    data = sheet(
        unit,
        contact_form=None,
        content_areas=None,
        questions_prepared="",
        gifts_accepted=None,
        problems=[to_transfer(None)],
    )

    response = file(as_alice, data)

    assert summary_links(response) == [
        "id_contact_form_0",
        "id_content_areas_0",
        "id_questions_prepared",
        "id_gifts_accepted_0",
        "id_problems-0-department",
    ]
    ids = {attrs.get("id") for _, attrs in tags(response)}
    assert set(summary_links(response)) <= ids
    [summary] = [attrs for _, attrs in tags(response) if attrs.get("id") == "error-summary"]
    # Focused by record_form.js after a refused submit, and read out.
    assert summary["role"] == "alert"
    assert summary["tabindex"] == "-1"


def test_each_fields_message_is_tied_to_it(as_alice, unit):
    data = sheet(unit, content_areas=None, questions_prepared="", gifts_accepted=None)

    response = file(as_alice, data)

    page = tags(response)
    ids = {attrs.get("id") for _, attrs in page}
    described = {
        attrs["aria-describedby"]: (tag, attrs)
        for tag, attrs in page
        if "aria-describedby" in attrs
    }
    for name in ("content_areas", "questions_prepared", "gifts_accepted"):
        error_id = f"id_{name}_error"
        assert error_id in ids, name
        assert any(error_id in key.split() for key in described), name


def test_the_fields_a_filed_sheet_needs_carry_a_mark_but_not_the_html_required(as_alice, unit):
    response = as_alice.get(reverse("records:record-create"))

    page = tags(response)
    marked = {
        attrs["id"].removeprefix("div_id_")
        for _, attrs in page
        if "filing-required" in attrs.get("class", "").split() and attrs.get("id")
    }
    assert marked == set(FILING_REQUIRED)
    assert "备案时必填" in response.content.decode()
    assert [attrs for _, attrs in page if "required" in attrs] == []
