"""Percentages, one rule for every page and workbook: rounded half up, and no percentage of
nothing."""

from decimal import Decimal

from records.figures import bar_width, percent


def test_a_half_rounds_up():
    assert percent(1, 8) == Decimal("13")  # 12.5 (half-even would say 12)
    assert percent(1, 200) == Decimal("1")  # 0.5
    assert percent(1, 16, places=1) == Decimal("6.3")  # 6.25
    assert percent(2, 3, places=1) == Decimal("66.7")
    assert percent(Decimal("6.5"), 21) == Decimal("31")  # 30.95


def test_a_share_is_a_part_of_one():
    assert percent(Decimal("0.125")) == Decimal("13")
    assert percent(Decimal("0.667"), places=1) == Decimal("66.7")


def test_there_is_no_percentage_of_nothing():
    assert percent(0, 0) is None
    assert percent(3, 0) is None
    assert percent(0, 5) == Decimal("0")


def test_a_bar_is_full_when_nothing_is_asked_and_never_overflows():
    assert bar_width(3, 0) == 100
    assert bar_width(30, 21) == 100
    assert bar_width(Decimal("6.5"), 21) == 31
    assert bar_width(0, 21) == 0
