"""The union the boards' tests leave opinions on, alice's contact point with it, and a worker's
opinion left there (its receipt: tests.helpers.RECEIPT)."""

import pytest

from records.models import Problem
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory, OpinionFactory
from tests.helpers import RECEIPT


@pytest.fixture
def hospital(db):
    return GrassrootsUnionFactory(name="北京市西城区某某医院工会")


@pytest.fixture
def contact(alice, hospital):
    """alice contacts the hospital this year."""
    return LiaisonAssignmentFactory(cadre=alice, union=hospital, year=2026)


@pytest.fixture
def canteen(hospital):
    return OpinionFactory(
        union=hospital,
        text="职工食堂晚上能不能多开一个窗口？",
        category=Problem.Category.WELFARE,
        name="张师傅",
        phone="13800000000",
        receipt=RECEIPT,
    )
