"""The texts the search and the hot terms tests read: alice's and bob's sheets of this quarter
(Q4 2026; today is 2026-11-24) and the one before, a problem on alice's sheet, and opinions left
on alice's contact unit."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from liaison.models import Opinion
from records.models import Problem, VisitRecord
from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    OpinionFactory,
    ProblemFactory,
    VisitRecordFactory,
)
from unions.models import Cadre
from unions.roles import Role


@dataclass
class Texts:
    alice_now: VisitRecord  # 夜班 欠薪
    bob_now: VisitRecord  # 夜班 加班费
    problem: Problem  # 欠薪 严重 (on alice_now)
    opinion_now: Opinion  # 夜班 食堂
    alice_before: VisitRecord  # 欠薪 社保 (Q3)
    opinion_at_midnight: Opinion  # 社保: 2026-10-01 00:30 in Beijing (Q4), 09-30 in UTC


def moment(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


@pytest.fixture
def texts(alice, bob, carol, olivia):
    union = GrassrootsUnionFactory(name="西城区人民医院工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    bobs = GrassrootsUnionFactory(name="西单商场工会")
    LiaisonAssignmentFactory(cadre=bob, union=bobs, year=2026)
    alice_now = VisitRecordFactory(
        cadre=alice,
        union=union,
        start_date=datetime.date(2026, 11, 2),
        needs_and_opinions="夜班欠薪",
    )
    return Texts(
        alice_now=alice_now,
        bob_now=VisitRecordFactory(
            cadre=bob,
            union=bobs,
            start_date=datetime.date(2026, 10, 9),
            needs_and_opinions="夜班加班费",
        ),
        problem=ProblemFactory(record=alice_now, description="欠薪严重"),
        opinion_now=OpinionFactory(
            union=union, text="夜班食堂", created_at=moment("2026-11-03 09:00")
        ),
        alice_before=VisitRecordFactory(
            cadre=alice,
            union=union,
            start_date=datetime.date(2026, 8, 1),
            needs_and_opinions="欠薪社保",
        ),
        opinion_at_midnight=OpinionFactory(
            union=union, text="社保", created_at=moment("2026-10-01 00:30")
        ),
    )


@pytest.fixture
def dave(other_department):
    """Head of bob's department."""
    return CadreFactory(
        name="丁大伟",
        department=other_department,
        rank=Cadre.Rank.DIVISION,
        title="部长",
        user__username="dave",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )
