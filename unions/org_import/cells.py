"""Checking the values of a row of the organization workbook: each function reads one cell, says
what is wrong with it on the row (by sheet, row and column), and returns the clean value."""

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext as _

from unions.org_import.workbook import NO, NO_VALUES, YES, YES_VALUES, Row
from unions.validators import validate_credit_code


def required(row: Row, header: str) -> str:
    value = row.get(header)
    if not value:
        row.error(header, _("Required."), "required")
    return value


def yes_no(row: Row, header: str) -> bool | None:
    """True, False, or None for an empty cell."""
    value = row.get(header).upper()
    if not value:
        return None
    if value in YES_VALUES:
        return True
    if value in NO_VALUES:
        return False
    row.error(header, _("Enter %(yes)s or %(no)s.") % {"yes": YES, "no": NO}, "yes-no")
    return None


def decimal_digits(text: str) -> int | None:
    """The whole number the text is, or None. Digits of any script int() reads (full-width
    ２０２６ too); not what is only a digit to `str.isdigit` (superscript ², which int() refuses),
    nor more digits than any column takes (int() refuses over 4,300)."""
    if text.isdecimal() and len(text) <= 18:
        return int(text)
    return None


def whole_number(row: Row, header: str, maximum: int = 32767) -> int | None:
    value = row.get(header)
    if not value:
        return None
    number = decimal_digits(value)
    if number is not None and number <= maximum:
        return number
    row.error(
        header,
        _("Enter a whole number from 0 to %(maximum)s.") % {"maximum": maximum},
        "number",
    )
    return None


def choice_labels(choices) -> dict[str, str]:
    """Each choice found by its value, its Chinese label (with and without the word 街道, for
    streets) and its English label, whatever language the import runs in."""
    found = {}
    for value, label in choices:
        found[value.upper()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                text = str(label)
            found[text.upper()] = value
            if text.endswith("街道"):
                found[text.removesuffix("街道")] = value
    return found


def zh_labels(choices) -> tuple[str, ...]:
    with translation.override("zh-hans"):
        return tuple(str(label) for _value, label in choices)


def choice(row: Row, header: str, choices) -> str | None:
    value = row.get(header)
    if not value:
        return None
    found = choice_labels(choices).get(value.upper())
    if found is None:
        row.error(
            header,
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": "、".join(zh_labels(choices))},
            "choice",
        )
    return found


def credit_code(row: Row, header: str) -> str:
    code = required(row, header).upper()
    if code:
        try:
            validate_credit_code(code)
        except ValidationError as error:
            row.error(header, " ".join(error.messages), "credit-code")
            return ""
    return code


def no_duplicate(row: Row, header: str, key: str, seen: dict[str, int]) -> bool:
    """False (and an error) when an earlier row of the sheet has the same key."""
    if not key:
        return True
    if key in seen:
        row.error(
            header,
            _("The same %(what)s as row %(row)s.") % {"what": header, "row": seen[key]},
            "duplicate",
        )
        return False
    seen[key] = row.number
    return True


def clean_fields(row: Row, instance: Model, columns: dict[str, str]) -> None:
    """The model's own field checks (lengths, choices, validators), each error placed on its
    column. `columns` maps field names to headers; foreign keys are checked by the caller."""
    try:
        instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.is_relation])
    except ValidationError as error:
        # A column already reported (e.g. "Required.") is not reported twice.
        reported = {issue.column for issue in row.issues}
        for name, messages in error.message_dict.items():
            header = columns.get(name, "")
            if header not in reported:
                row.error(header, " ".join(messages), "invalid")


def set_changed(instance: Model, values: dict) -> bool:
    """Set the given fields; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed
