"""The predicates of records/permissions.py, role by role, on alice's filed sheet, her draft
and the problem her sheet raised (transferred to carol's department). Personas as in the
permission matrix: alice the owner, bob another cadre, carol the head of alice's department,
dave the head of another, olivia the organization department, root an administrator."""

import pytest
from django.contrib.auth.models import AnonymousUser

from records.models import Problem, VisitRecord
from tests.helpers import PERSONAS, answers, expected, user_of
from unions.permissions import may

# perm → the personas granted it on alice's filed sheet.
ON_THE_FILED_SHEET = {
    "records.view_visitrecord": ("owner", "head", "organization", "admin"),
    "records.change_visitrecord": (),  # filed: read-only, even for its cadre
    "records.return_visitrecord": ("organization",),
}


@pytest.mark.parametrize("perm", sorted(ON_THE_FILED_SHEET))
def test_who_may_on_a_filed_sheet(world, perm):
    assert answers(world, perm, world.filed) == expected(*ON_THE_FILED_SHEET[perm])


def test_a_draft_is_its_cadres_alone(world):
    assert answers(world, "records.view_visitrecord", world.draft) == expected("owner")
    assert answers(world, "records.change_visitrecord", world.draft) == expected("owner")


def test_a_returned_sheet_is_read_by_the_head_and_edited_by_its_cadre(world):
    world.filed.status = VisitRecord.Status.RETURNED
    assert answers(world, "records.view_visitrecord", world.filed) == expected(
        "owner", "head", "organization", "admin"
    )
    assert answers(world, "records.change_visitrecord", world.filed) == expected("owner")


# perm → the personas granted it on the problem (transferred to carol's department).
ON_THE_PROBLEM = {
    "records.view_problem": ("owner", "head", "organization", "admin"),
    "records.transfer_problem": ("owner", "organization"),
    "records.accept_problem": ("head",),
    "records.answer_problem": ("head",),
    "records.hand_back_problem": ("head",),
    "records.feedback_problem": ("owner",),
    "records.urge_problem": ("organization",),
    "records.retransfer_problem": ("organization",),
    "records.set_deadline_problem": ("organization",),
    "records.close_problem": ("organization",),
}


@pytest.mark.parametrize("perm", sorted(ON_THE_PROBLEM))
def test_who_may_on_a_problem(world, perm):
    assert answers(world, perm, world.problem) == expected(*ON_THE_PROBLEM[perm])


def test_the_leader_a_problem_was_sent_to_sees_and_answers_it(world):
    world.problem.department = None
    world.problem.leader = world.dave
    assert answers(world, "records.view_problem", world.problem) == expected(
        "owner", "head", "other_head", "organization", "admin"
    )
    assert answers(world, "records.answer_problem", world.problem) == expected("other_head")


# perm (no object) → the personas granted it: the pages of sheets, problems and registers.
PAGES = {
    "records.add_visitrecord": ("owner", "cadre", "head", "other_head", "organization"),
    "records.view_others_visitrecord": ("head", "other_head", "organization", "admin"),
    "records.view_register": ("head", "other_head", "organization"),
    "records.export_register": ("head", "other_head", "organization"),
    "records.view_federation_register": ("organization",),
    "records.view_own_problem": ("owner", "cadre", "head", "other_head", "organization"),
    # olivia is a division-level leader: problems may be sent to her by name.
    "records.view_problem_inbox": ("head", "other_head", "organization"),
    "records.view_ledger": ("organization",),
}


@pytest.mark.parametrize("perm", sorted(PAGES))
def test_who_may_open_the_pages(world, perm):
    assert answers(world, perm) == expected(*PAGES[perm])


def test_a_leader_without_a_department_to_head_has_an_inbox(world):
    world.bob.rank = world.carol.rank
    world.bob.save()
    assert may(world.bob.user, "records.view_problem_inbox")


def test_the_predicates_agree_with_the_querysets_that_scope_the_lists(world):
    """One object's answer (the fetch helpers, 404) and a list's rows (visible_to) must not
    drift apart."""
    sheets = list(VisitRecord.objects.select_related("cadre"))
    problems = list(Problem.objects.select_related("record__cadre"))
    for persona in PERSONAS:
        who = user_of(world, persona) or AnonymousUser()
        visible_sheets = set(VisitRecord.objects.visible_to(who).values_list("pk", flat=True))
        visible_problems = set(Problem.objects.visible_to(who).values_list("pk", flat=True))
        for sheet in sheets:
            assert may(who, "records.view_visitrecord", sheet) == (sheet.pk in visible_sheets), (
                persona,
                sheet,
            )
        for problem in problems:
            assert may(who, "records.view_problem", problem) == (problem.pk in visible_problems), (
                persona,
                problem,
            )
