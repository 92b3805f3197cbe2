"""Percentages, the one way every page and workbook computes them: from Decimals, rounded half
up (what people do by hand: 12.5 % of a whole is 13 %, not the banker's 12 %)."""

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


def percent(part, whole=1, *, places: int = 0) -> Decimal | None:
    """`part` as a percentage of `whole` (by default a share of 1: 0.667 is 66.7 %), rounded
    half up to `places` decimals; None when `whole` is 0 (there is no percentage of nothing)
    or `part` is None (a share that does not exist)."""
    if part is None or not whole:
        return None
    value = Decimal(part) * HUNDRED / Decimal(whole)
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def bar_width(part, whole) -> int:
    """The width of a progress bar, 0 to 100: `percent` in whole numbers, full when nothing is
    asked (`whole` is 0) and never past its end."""
    value = percent(part, whole)
    return 100 if value is None else min(100, int(value))
