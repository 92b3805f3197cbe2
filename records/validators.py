from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_half_days(value: Decimal) -> None:
    """Working days are counted in half-day steps: 0, 0.5, 1, 1.5, …"""
    if value is not None and (value * 2) % 1 != 0:
        raise ValidationError(
            _("Working days are counted in half-day steps (0.5, 1, 1.5 …)."), code="half_days"
        )
