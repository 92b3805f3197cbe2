"""The predicates of liaison/permissions.py, role by role (personas as in the permission
matrix: alice contacts the union the opinion was left on)."""

import datetime

import pytest
import time_machine

from tests.helpers import answers, expected

CADRES = ("owner", "cadre", "head", "other_head", "organization")
PAGES = {
    "liaison.list_quarterlymeeting": ("head", "other_head", "organization", "admin"),
    "liaison.add_quarterlymeeting": ("organization",),
    "liaison.change_quarterlymeeting": ("organization",),
    "liaison.view_compliance": (*CADRES, "admin"),
    "liaison.export_compliance": ("head", "other_head", "organization", "admin"),
    "liaison.freeze_quarter": ("organization",),
    "liaison.view_board": (*CADRES, "admin"),
    "liaison.view_every_board": ("organization", "admin"),
    "liaison.regenerate_board_token": ("organization",),
}


@pytest.mark.parametrize("perm", sorted(PAGES))
def test_who_may(world, perm):
    assert answers(world, perm) == expected(*PAGES[perm])


def test_only_a_current_contact_cadre_of_its_union_takes_up_an_opinion(world):
    with time_machine.travel("2026-11-25 10:00 +0800", tick=False):
        assert answers(world, "liaison.take_up_opinion", world.opinion) == expected("owner")
        world.point.ended_at = datetime.date(2026, 11, 24)
        world.point.end_reason = "工作调整"
        world.point.save()
        assert answers(world, "liaison.take_up_opinion", world.opinion) == expected()


def test_the_contact_cadre_and_the_organization_department_answer_a_worker(world):
    assert answers(world, "liaison.answer_opinion", world.opinion) == expected(
        "owner", "organization"
    )
    # Without an opinion: who may answer any (the opinion list offers the form everywhere).
    assert answers(world, "liaison.answer_opinion") == expected("organization")
