"""The rows of the year's holidays form. Dates are typed as the notice writes them
("10月1日", "10月1日至8日" split in two fields, "9月28日（星期日）、10月11日（星期六）") or as
2027-10-01; each is checked next to its field."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from records.calendar import Override, days_in

# A weekday in brackets after a date, as the notice writes it: （星期日）, (周六).
WEEKDAY_NOTE = re.compile(r"[（(][^）)]*[）)]")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
CHINESE = re.compile(r"^(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日$")
SEPARATORS = re.compile(r"[、,，;；\s]+")
WORKING_NOTE = " 调休上班"


def parse_day(text: str, *, year: int, month: int | None = None) -> datetime.date:
    """One date as typed. A date without a month ("8日", the end of "10月1日至8日") takes
    `month`; one without a year takes `year`."""
    text = WEEKDAY_NOTE.sub("", text).strip()
    match = ISO.match(text) or CHINESE.match(text)
    if match is None:
        raise ValidationError(
            _("“%(text)s” is not a date: write it as 10月1日 or 2027-10-01."),
            code="format",
            params={"text": text},
        )
    given_year, given_month, day = match.groups()
    given_month = given_month or month
    if given_month is None:
        raise ValidationError(
            _("“%(text)s” has no month: write it as 10月1日."), code="format", params={"text": text}
        )
    try:
        date = datetime.date(int(given_year or year), int(given_month), int(day))
    except ValueError as error:
        raise ValidationError(
            _("“%(text)s” is not a date of the calendar."), code="invalid", params={"text": text}
        ) from error
    if date.year != year:
        raise ValidationError(
            _("%(date)s is not in %(year)s: this form is the calendar of %(year)s."),
            code="year",
            params={"date": short(date), "year": year},
        )
    return date


def short(date: datetime.date) -> str:
    """10月1日 (the notice's way; the year is the form's)."""
    return date_format(date, "n月j日")


def weekday(date: datetime.date) -> str:
    return date_format(date, "l")


class HolidayRowForm(forms.Form):
    """One holiday of the notice. A row with no date is left out (the names come filled in)."""

    name = forms.CharField(label=gettext_lazy("Holiday"), max_length=40, required=False)
    rest_start = forms.CharField(label=gettext_lazy("Rest from"), max_length=40, required=False)
    rest_end = forms.CharField(label=gettext_lazy("Rest until"), max_length=40, required=False)
    makeup = forms.CharField(
        label=gettext_lazy("Make-up working days"), max_length=200, required=False
    )

    def __init__(self, *args, year: int, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def clean_rest_start(self):
        text = self.cleaned_data["rest_start"].strip()
        return parse_day(text, year=self.year) if text else None

    def clean_makeup(self):
        days, errors = [], []
        for text in SEPARATORS.split(WEEKDAY_NOTE.sub("", self.cleaned_data["makeup"])):
            if not text:
                continue
            try:
                day = parse_day(text, year=self.year)
            except ValidationError as error:
                errors.append(error)
                continue
            if day.weekday() < 5:
                errors.append(
                    ValidationError(
                        _(
                            "%(date)s is a %(weekday)s, not a weekend day: a make-up working "
                            "day is a Saturday or a Sunday."
                        ),
                        code="weekday",
                        params={"date": short(day), "weekday": weekday(day)},
                    )
                )
            days.append(day)
        if errors:
            raise ValidationError(errors)
        return sorted(set(days))

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("rest_start")
        end_text = cleaned.get("rest_end", "").strip()
        end = None
        if end_text and "rest_start" not in self.errors:
            try:
                end = parse_day(end_text, year=self.year, month=start.month if start else None)
            except ValidationError as error:
                self.add_error("rest_end", error)
        cleaned["rest_end"] = end
        if end is not None and start is None:
            self.add_error("rest_start", _("Enter the first rest day."))
        elif start is not None and end is not None and end < start:
            self.add_error(
                "rest_end",
                _("The rest ends (%(end)s) before it starts (%(start)s).")
                % {"end": short(end), "start": short(start)},
            )
        has_dates = bool(start or end_text or cleaned.get("makeup") or self.errors)
        if has_dates and not cleaned.get("name", "").strip():
            self.add_error("name", _("Name the holiday, as the notice does."))
        if start is not None and cleaned.get("rest_end") is None and "rest_end" not in self.errors:
            cleaned["rest_end"] = start  # a one-day holiday
        for day in cleaned.get("makeup") or []:
            if start and cleaned.get("rest_end") and start <= day <= cleaned["rest_end"]:
                self.add_error(
                    "makeup",
                    _("%(date)s is one of this holiday's rest days.") % {"date": short(day)},
                )
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("rest_start") or data.get("makeup"))

    def rest_days(self) -> list[datetime.date]:
        data = self.cleaned_data
        if not data.get("rest_start"):
            return []
        return list(days_in(data["rest_start"], data["rest_end"]))

    def overrides(self) -> list[Override]:
        name = self.cleaned_data["name"].strip()
        return [Override(day, False, name) for day in self.rest_days()] + [
            Override(day, True, f"{name}{WORKING_NOTE}") for day in self.cleaned_data["makeup"]
        ]


class BaseHolidayFormSet(forms.BaseFormSet):
    """The rows together: no two holidays rest on the same day, and no day is both a rest day
    and a make-up working day. The error goes next to the later row's field."""

    def clean(self):
        if any(form.errors for form in self.forms):
            return
        taken: dict[datetime.date, str] = {}
        for form in self.forms:
            if form.is_blank:
                continue
            name = form.cleaned_data["name"].strip()
            clash = next((taken[day] for day in form.rest_days() if day in taken), None)
            if clash is not None:
                form.add_error(
                    "rest_start",
                    _("These rest days overlap with those of “%(other)s”.") % {"other": clash},
                )
            for day in form.rest_days():
                taken.setdefault(day, name)
        for form in self.forms:
            if form.is_blank or form.errors:
                continue
            for day in form.cleaned_data["makeup"]:
                if day in taken and taken[day] != form.cleaned_data["name"].strip():
                    form.add_error(
                        "makeup",
                        _("%(date)s is a rest day of “%(other)s”.")
                        % {"date": short(day), "other": taken[day]},
                    )
        makeups = [
            day
            for form in self.forms
            if not form.errors and not form.is_blank
            for day in form.cleaned_data["makeup"]
        ]
        if len(makeups) != len(set(makeups)):
            raise ValidationError(_("A make-up working day is given for two holidays."))

    def overrides(self) -> list[Override]:
        return sorted(
            (o for form in self.forms if not form.is_blank for o in form.overrides()),
            key=lambda override: override.date,
        )


HolidayFormSet = forms.formset_factory(
    HolidayRowForm, formset=BaseHolidayFormSet, extra=2, max_num=30, validate_max=True
)
