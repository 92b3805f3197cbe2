"""The record sheet against whatever a browser — or anything else — may POST: property-based
tests (hypothesis). Any value in any field, fields missing, the problems' management form
tampered with, text with NUL bytes or invalid UTF-8, huge strings, impossible dates and numbers.

The promise: never a 500. A POST either saves (a redirect to the sheet) or is refused with the
page shown again (400) and at least one error on it."""

import os
import urllib.parse

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from records.forms import PROBLEM_TEXT_LIMITS, RECORD_TEXT_LIMITS
from records.models import ContactForm, ContentArea, Problem, VisitRecord
from records.sheets.forms import PROBLEMS_PER_SHEET
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text, surrogates included (sent as the invalid UTF-8 bytes they encode to), NUL bytes,
# and now and then far beyond the field's limit.
any_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=200),
    st.text(st.characters(min_codepoint=0, max_codepoint=0xFFFF), max_size=60),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "'; DROP TABLE records_visitrecord; --"]),
    st.builds(lambda c, n: c * n, st.sampled_from(["字", "x", "\x00"]), st.integers(0, 9000)),
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(str),
    st.decimals(allow_nan=True).map(str),
    st.sampled_from(["NaN", "-NaN", "sNaN", "Infinity", "-inf", "1e309", "1E-400", "0.25", "-0"]),
    st.sampled_from(["0", "0.5", "1", "1.5", "2"]),  # the plausible ones
    any_text,
)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
    st.sampled_from(
        ["2026-11-23", "2026-02-30", "0000-00-00", "10000-01-01", "2026-13-01", "-2026-01-01"]
    ),
    any_text,
)


def choice_of(values):
    return st.one_of(st.sampled_from([str(v) for v in values]), any_text)


def management_value():
    return st.one_of(
        st.sampled_from(["0", "1", "2", "3", "-1", "1000", "1001", "99999999999999999999"]),
        any_text,
    )


def problem_row(department_id: int, leader_id: int):
    fields = {
        "description": any_text,
        "category": choice_of(Problem.Category.values),
        "resolution": choice_of(Problem.Resolution.values),
        "action_on_spot": any_text,
        "department": choice_of([department_id, 0, -1, "1e3"]),
        "leader": choice_of([leader_id, 0]),
        "id": choice_of([1, 0, -5]),
        "DELETE": st.sampled_from(["on", "", "x"]),
    }
    return st.fixed_dictionaries({}, optional=fields)


def posts(union_id: int, department_id: int, leader_id: int):
    """A POST of the record sheet: every field may be missing or hold anything."""
    record_fields = {
        "union": choice_of([union_id, union_id + 10_000, 0, -1]),
        "start_date": dates,
        "end_date": dates,
        "days": numbers,
        "contact_form": choice_of(ContactForm.values),
        "content_areas": st.lists(choice_of(ContentArea.values), max_size=6),
        **dict.fromkeys(RECORD_TEXT_LIMITS, any_text),
        "workers_met": numbers,
        "transport_accepted": choice_of(["True", "False", ""]),
        "gifts_accepted": choice_of(["True", "False", ""]),
        "banquet_accepted": choice_of(["True", "False", ""]),
        "problems-TOTAL_FORMS": management_value(),
        "problems-INITIAL_FORMS": management_value(),
        "problems-MIN_NUM_FORMS": management_value(),
        "problems-MAX_NUM_FORMS": management_value(),
        "attach-pending": choice_of(["", "1,2,3", "-1", "1" * 40]),
        "action": choice_of(["file", "save"]),
    }
    return st.tuples(
        st.fixed_dictionaries({}, optional=record_fields),
        st.lists(problem_row(department_id, leader_id), max_size=3),
    ).map(_flatten)


def _flatten(drawn):
    data, problems = drawn
    for index, row in enumerate(problems):
        for name, value in row.items():
            data[f"problems-{index}-{name}"] = value
    return data


def urlencoded(data: dict) -> bytes:
    """The body a browser would send; a lone surrogate goes as the bytes it would encode to,
    which are not valid UTF-8 (the test client refuses to encode it)."""
    pairs = [
        (name, value.encode("utf-8", "surrogatepass"))
        for name, values in data.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    return urllib.parse.urlencode(pairs).encode()


@pytest.fixture
def world(alice, carol, department):
    union = GrassrootsUnionFactory(name="西城区某某商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return union.pk, department.pk, carol.pk


def a_refusal_or_a_save(response):
    if response.status_code == 302:
        assert response.url.startswith("/records/")
        return
    assert response.status_code == 400, response.status_code
    context = response.context
    assert context is not None, "the sheet's page, not a bare 400"
    form, formset = context["form"], context["formset"]
    assert form.errors or formset.total_error_count() or context["uploads"].errors
    assert 'id="error-summary"' in response.content.decode()


def test_any_post_to_the_record_sheet_is_saved_or_refused_by_the_form(login, alice, world):
    client = login(alice)
    url = reverse("records:record-create")

    @FUZZ
    @given(data=posts(*world))
    def check(data):
        with transaction.atomic():
            response = client.post(
                url, urlencoded(data), content_type="application/x-www-form-urlencoded"
            )
            transaction.set_rollback(True)  # each example starts from the same database
        a_refusal_or_a_save(response)

    check()


def test_near_valid_sheets_with_one_field_spoiled_are_refused_or_saved(login, alice, world):
    """Most random POSTs fail on the first field; these spoil one field of a valid sheet, so
    the filing rules and the problem rows behind it are reached too."""
    union_id, department_id, leader_id = world
    client = login(alice)
    url = reverse("records:record-create")
    valid = {
        "union": str(union_id),
        "start_date": "2026-11-23",
        "end_date": "2026-11-23",
        "days": "1",
        "contact_form": "on_site",
        "content_areas": ["needs", "problems"],
        **dict.fromkeys(RECORD_TEXT_LIMITS, "职工代表"),
        "integrity_explanation": "",
        "workers_met": "12",
        "transport_accepted": "False",
        "gifts_accepted": "False",
        "banquet_accepted": "False",
        "problems-TOTAL_FORMS": "1",
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "20",
        "problems-0-description": "夜班班车不足",
        "problems-0-category": "welfare",
        "problems-0-resolution": "transfer",
        "problems-0-department": str(department_id),
        "problems-0-leader": str(leader_id),
        "attach-pending": "",
        "action": "file",
    }
    spoiled = st.sampled_from(sorted(valid)).flatmap(
        lambda name: st.tuples(
            st.just(name),
            st.one_of(st.none(), st.lists(any_text, max_size=3), numbers, dates),
        )
    )

    @FUZZ
    @given(changes=st.lists(spoiled, min_size=1, max_size=3))
    def check(changes):
        data = dict(valid)
        for name, value in changes:
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        with transaction.atomic():
            response = client.post(
                url, urlencoded(data), content_type="application/x-www-form-urlencoded"
            )
            transaction.set_rollback(True)
        a_refusal_or_a_save(response)

    check()


def test_the_valid_sheet_of_the_fuzz_is_saved(login, alice, world):
    """The fuzz above starts from a sheet that files: its spoiled fields are what it tests."""
    union_id, department_id, leader_id = world
    data = {
        "union": str(union_id),
        "start_date": "2026-11-23",
        "end_date": "2026-11-23",
        "days": "1",
        "contact_form": "on_site",
        **dict.fromkeys(RECORD_TEXT_LIMITS, "职工代表"),
        "integrity_explanation": "",
        "transport_accepted": "False",
        "gifts_accepted": "False",
        "banquet_accepted": "False",
        "content_areas": ["needs"],
        "problems-TOTAL_FORMS": "0",
        "problems-INITIAL_FORMS": "0",
        "action": "file",
    }

    response = login(alice).post(
        reverse("records:record-create"),
        urlencoded(data),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302
    assert VisitRecord.objects.get().status == VisitRecord.Status.FILED


@pytest.mark.parametrize("pending", ["1" * 40, "-1", "1e9", "9" * 18 + ",x,,"])
def test_pending_attachment_ids_beyond_any_id_are_ignored_not_a_500(login, alice, world, pending):
    """Found by the fuzz: an id too large for the database's integer was looked up (500)."""
    union_id, _department_id, _leader_id = world
    data = {
        "union": str(union_id),
        "start_date": "2026-11-23",
        "end_date": "2026-11-23",
        "days": "1",
        "contact_form": "phone",
        "transport_accepted": "False",
        "gifts_accepted": "False",
        "banquet_accepted": "False",
        "problems-TOTAL_FORMS": "0",
        "problems-INITIAL_FORMS": "0",
        "attach-pending": pending,
        "action": "draft",
    }

    response = login(alice).post(reverse("records:record-create"), data)

    assert response.status_code in (302, 400)


# The limits the fuzz relies on


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        *RECORD_TEXT_LIMITS.items(),
        *((f"problems-0-{n}", v) for n, v in PROBLEM_TEXT_LIMITS.items()),
    ],
)
def test_every_text_of_the_sheet_and_its_problems_has_a_limit(login, alice, world, name, limit):
    union_id, department_id, _leader_id = world
    data = {
        "union": str(union_id),
        "action": "save",
        "problems-TOTAL_FORMS": "1",
        "problems-INITIAL_FORMS": "0",
        "problems-0-description": "夜班班车不足",
        "problems-0-category": "welfare",
        "problems-0-resolution": "on_spot",
        name: "字" * (limit + 1),
    }

    response = login(alice).post(reverse("records:record-create"), data)

    assert response.status_code == 400
    context = response.context
    field = name.removeprefix("problems-0-")
    errors = (
        context["formset"].forms[0].errors
        if name.startswith("problems")
        else context["form"].errors
    )
    assert field in errors
    assert f'maxlength="{limit}"' in response.content.decode()
    assert not VisitRecord.objects.exists()


def test_a_nul_byte_is_refused_by_the_form_not_by_the_database(login, alice, world):
    union_id, _department_id, _leader_id = world

    response = login(alice).post(
        reverse("records:record-create"),
        {
            "union": str(union_id),
            "people_met": "张\x00三",
            "action": "save",
            "problems-TOTAL_FORMS": "0",
            "problems-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 400
    assert "people_met" in response.context["form"].errors


def test_a_forged_count_of_problem_rows_builds_no_more_than_the_limit(login, alice, world):
    union_id, _department_id, _leader_id = world

    response = login(alice).post(
        reverse("records:record-create"),
        {
            "union": str(union_id),
            "action": "save",
            "problems-TOTAL_FORMS": "99999999",
            "problems-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 400
    formset = response.context["formset"]
    assert len(formset.forms) == PROBLEMS_PER_SHEET
    assert formset.non_form_errors()
    assert not VisitRecord.objects.exists()


def test_a_post_of_too_many_fields_is_a_400_not_a_500(login, alice, world, settings):
    data = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = login(alice).post(reverse("records:record-create"), data)

    assert response.status_code == 400


def test_a_post_larger_than_the_memory_limit_is_a_400_not_a_500(login, alice, world, settings):
    body = urlencoded({"people_met": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = login(alice).post(
        reverse("records:record-create"), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
