"""The ledger's bulk bar: tick problems (or take every overdue one of the filter), choose a step,
see what will happen to each, then apply it — through `services.problems_bulk`, all or nothing.

Problems transferred to 宣传教育部 (alice's department, carol its head), raised by alice; two of
them overdue since 2026-11-20; one with 法律工作部 (bob's). olivia is the organization
department, the only one with the ledger. Today is Tuesday 2026-11-24."""

import datetime
import time

import pytest
from django.urls import reverse

from records.models import Problem, ProblemEvent
from tests.factories import ProblemFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db
S = Problem.Status
LEDGER = reverse("records:ledger")
PREVIEW = reverse("records:ledger-bulk-preview")
APPLY = reverse("records:ledger-bulk-apply")
PAST = datetime.date(2026, 11, 20)
LATER = datetime.date(2026, 12, 4)  # a Friday


def problem(cadre, department, deadline, status=S.TRANSFERRED, description="夜班班车不足"):
    return ProblemFactory(
        record=VisitRecordFactory(cadre=cadre, start_date=datetime.date(2026, 11, 2)),
        resolution=Problem.Resolution.TRANSFER,
        status=status,
        department=department,
        deadline=deadline,
        description=description,
    )


@pytest.fixture
def cast(alice, bob, carol, olivia, department, other_department):
    return {
        "late": problem(alice, department, PAST, description="食堂太小"),
        "later": problem(alice, department, PAST, description="班车太少"),
        "due": problem(alice, department, datetime.date(2026, 12, 1)),
        "legal": problem(bob, other_department, PAST),
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "olivia": olivia,
    }


def ids(*problems):
    return [p.pk for p in problems]


# --- Who may ---------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client, cast):
    for url in (PREVIEW, APPLY):
        response = client.post(url, {"action": "urge", "problems": ids(cast["late"])})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not ProblemEvent.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_the_owner_another_cadre_and_the_department_head_may_not(login, cast, persona):
    """alice raised the problems, carol heads the department they are with, bob is elsewhere:
    the bulk steps are the organization department's, like the ledger."""
    client = login(cast[persona])
    late = cast["late"]

    preview = client.post(PREVIEW, {"scope": "selected", "action": "urge", "problems": [late.pk]})
    apply = client.post(APPLY, {"action": "urge", "versions": [f"{late.pk}:1"]})

    assert (preview.status_code, apply.status_code) == (403, 403)
    assert not ProblemEvent.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_the_ledger_of_a_cadre_or_a_head_has_no_bulk_bar_nor_checkboxes(login, cast, persona):
    """The ledger opens to each user's own share of the problems; the bulk steps stay the
    organization department's, so their bar and the rows' checkboxes are not there."""
    response = login(cast[persona]).get(LEDGER)

    html = response.content.decode()
    assert response.status_code == 200
    assert cast["late"].description[:4] in html
    assert 'data-testid="bulk-bar"' not in html
    assert 'name="problems"' not in html


# --- The ledger's bar ------------------------------------------------------------------------


def test_each_row_of_the_ledger_has_its_checkbox_in_the_bulk_form(login, cast):
    html = login(cast["olivia"]).get(LEDGER, {"overdue": "on"}).content.decode()

    assert f'action="{PREVIEW}?overdue=on"' in html
    assert f'name="problems" value="{cast["late"].pk}" form="ledger-bulk"' in html


def test_on_a_phone_the_bar_folds_behind_its_button_unless_it_has_errors(login, cast):
    client = login(cast["olivia"])
    folded = client.get(LEDGER).content.decode()
    refused = client.post(PREVIEW, {"scope": "selected", "action": "urge"}).content.decode()

    assert 'data-bs-target="#ledger-bulk"' in folded
    assert "批量处理问题 ▾" in folded
    assert 'collapse d-sm-block" data-testid="bulk-bar"' in folded
    assert 'collapse d-sm-block show" data-testid="bulk-bar"' in refused


def test_nothing_ticked_is_said_next_to_the_choice_with_the_rest_kept(login, cast):
    response = login(cast["olivia"]).post(
        PREVIEW,
        {"scope": "selected", "action": "set_deadline", "deadline": "2026-12-04", "note": "例会"},
    )

    assert response.status_code == 400
    assert response.context["bulk"].errors == {
        "problems": ["请勾选至少一个问题，或选择“本筛选条件下的全部超期问题”。"]
    }
    html = response.content.decode()
    assert 'data-testid="bulk-error-problems"' in html
    assert 'value="2026-12-04"' in html
    assert 'value="例会"' in html


def test_a_new_deadline_needs_a_date_and_the_ticks_stay(login, cast):
    late = cast["late"]
    response = login(cast["olivia"]).post(
        PREVIEW, {"scope": "selected", "action": "set_deadline", "problems": [late.pk]}
    )

    assert response.status_code == 400
    assert response.context["bulk"].errors == {"deadline": ["请填写新的办理时限。"]}
    assert f'value="{late.pk}" form="ledger-bulk" aria-label="选择问题 {late.pk}" checked' in (
        response.content.decode()
    )


# --- Preview, then apply ---------------------------------------------------------------------


def test_the_preview_says_what_will_happen_to_each_and_writes_nothing(login, cast):
    late, later = cast["late"], cast["later"]

    response = login(cast["olivia"]).post(
        PREVIEW,
        {
            "scope": "selected",
            "action": "set_deadline",
            "deadline": "2026-12-04",
            "problems": ids(late, later),
        },
    )

    assert response.status_code == 200
    changes = {o.problem.pk: o.change for o in response.context["outcomes"]}
    assert changes == {
        late.pk: "办理时限 2026-11-20 → 2026-12-04",
        later.pk: "办理时限 2026-11-20 → 2026-12-04",
    }
    html = response.content.decode()
    assert f'name="versions" value="{late.pk}:1"' in html
    assert not ProblemEvent.objects.exists()
    assert Problem.objects.get(pk=late.pk).deadline == PAST


def test_all_overdue_in_the_filter_then_apply_urges_each_once(login, cast, department):
    client = login(cast["olivia"])
    query = f"?department={department.pk}"

    preview = client.post(
        PREVIEW + query, {"scope": "overdue", "action": "urge", "note": "请本周答复"}
    )

    taken = {o.problem.pk for o in preview.context["taken"]}
    assert taken == set(ids(cast["late"], cast["later"]))  # not the one not overdue, not 法律部's
    versions = [f"{pk}:1" for pk in taken]
    response = client.post(
        APPLY + query, {"action": "urge", "note": "请本周答复", "versions": versions}
    )

    assert response.status_code == 302
    assert response.url == LEDGER + query
    events = ProblemEvent.objects.filter(action="urge")
    assert sorted(e.problem_id for e in events) == sorted(taken)
    assert {e.note for e in events} == {"请本周答复"}
    assert "催办：已完成 2 个问题。" in client.get(response.url).content.decode()


def test_moving_to_another_department_leaves_out_those_already_there(login, cast, other_department):
    late, legal = cast["late"], cast["legal"]

    preview = login(cast["olivia"]).post(
        PREVIEW,
        {
            "scope": "selected",
            "action": "retransfer",
            "department": other_department.pk,
            "problems": ids(late, legal),
        },
    )

    assert [o.problem.pk for o in preview.context["taken"]] == [late.pk]
    assert [o.problem.pk for o in preview.context["left_out"]] == [legal.pk]
    assert preview.context["taken"][0].change.startswith("宣传教育部 → 法律工作部")
    assert 'data-testid="left-out"' in preview.content.decode()


def test_one_problem_changed_since_the_preview_and_nothing_is_applied(login, cast):
    """Between the preview and the click, carol's department answered one of them: the step
    is refused for all, nothing is written, and the preview comes back as things are now."""
    late, later = cast["late"], cast["later"]
    Problem.objects.filter(pk=later.pk).update(status=S.ANSWERED)

    response = login(cast["olivia"]).post(
        APPLY,
        {
            "action": "set_deadline",
            "deadline": "2026-12-04",
            "versions": [f"{late.pk}:1", f"{later.pk}:1"],
        },
    )

    assert response.status_code == 409
    assert not ProblemEvent.objects.exists()
    assert Problem.objects.get(pk=late.pk).deadline == PAST
    assert [o.problem.pk for o in response.context["left_out"]] == [later.pk]
    assert f"{later.pk}" in response.content.decode()


def test_another_problem_s_id_guessed_into_the_preview_is_not_taken(login, cast, department):
    """The preview takes only problems of the ledger's filter: a problem solved on the spot is
    no ledger problem."""
    solved = ProblemFactory(record=VisitRecordFactory(cadre=cast["alice"]))

    response = login(cast["olivia"]).post(
        PREVIEW, {"scope": "selected", "action": "urge", "problems": [solved.pk]}
    )

    assert response.status_code == 400
    assert response.context["bulk"].errors == {"scope": ["台账中没有符合条件的问题，无需操作。"]}


def test_500_overdue_problems_through_the_pages_on_postgresql(
    postgres_only, login, cast, department, capsys
):
    """The district's scale through the pages: every overdue problem of the filter previewed,
    then applied, 500 timeline entries (the times are printed: pytest -s)."""
    record = VisitRecordFactory(cadre=cast["alice"], start_date=datetime.date(2026, 11, 2))
    Problem.objects.bulk_create(
        Problem(
            record=record,
            description=f"问题{i}",
            resolution=Problem.Resolution.TRANSFER,
            status=S.TRANSFERRED,
            department=department,
            deadline=PAST,
        )
        for i in range(498)
    )
    client = login(cast["olivia"])
    query = f"?department={department.pk}"
    client.get(LEDGER)

    started = time.perf_counter()
    preview = client.post(PREVIEW + query, {"scope": "overdue", "action": "urge"})
    previewed = time.perf_counter() - started
    versions = [f"{o.problem.pk}:{o.problem.version}" for o in preview.context["taken"]]
    started = time.perf_counter()
    response = client.post(APPLY + query, {"action": "urge", "versions": versions})
    applied = time.perf_counter() - started

    with capsys.disabled():
        print(f"\n500 problems through the pages: preview {previewed:.2f} s, apply {applied:.2f} s")
    assert response.status_code == 302
    assert len(versions) == 500
    assert ProblemEvent.objects.filter(action="urge").count() == 500
    assert applied <= 5
