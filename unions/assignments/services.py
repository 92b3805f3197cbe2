"""Writes on contact points (联系点). The rule of "4 units per leader" lives here and only here:
the assignment desk, the Excel import and the new-year rollover all call these functions."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from unions import cache as generations
from unions.models import YEAR_VALIDATORS, Cadre, GrassrootsUnion, LiaisonAssignment


def _leader_limit_error(cadre: Cadre, year: int) -> ValidationError:
    return ValidationError(
        _(
            "%(cadre)s is a division-level-or-above leader and already has %(limit)s contact "
            "units in %(year)s; end one of them first."
        )
        % {"cadre": cadre.name, "limit": settings.LEADER_UNITS, "year": year},
        code="leader_limit",
    )


@transaction.atomic
def assignment_create(
    *, cadre: Cadre, union: GrassrootsUnion, year: int, user
) -> LiaisonAssignment:
    """Make `union` a contact unit of `cadre` for `year`.

    The cadre's row is locked first (`select_for_update`), so two people assigning units to the
    same cadre at once are served one after the other and the count of current units below is
    always the committed one: a leader never gets a fifth (PostgreSQL; SQLite serialises
    writers anyway). Fewer than the quota is allowed: the desk shows it as a gap.
    """
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    union = GrassrootsUnion.objects.get(pk=union.pk)
    assignment_create_check(cadre=cadre, union=union, year=year)

    assignment = LiaisonAssignment(cadre=cadre, union=union, year=year, assigned_by=user)
    assignment.full_clean()
    assignment._history_user = user
    assignment.save()
    generations.cadres_changed(cadre)
    return assignment


def assignment_create_check(*, cadre: Cadre, union: GrassrootsUnion, year: int) -> None:
    """Raise the `ValidationError` that `assignment_create` would raise, without writing: for
    a form that shows the refusal next to its fields (the admin's). Unlocked: the creation
    checks again under its lock."""
    if not cadre.active:
        raise ValidationError(
            _("%(cadre)s is no longer an active cadre.") % {"cadre": cadre.name},
            code="inactive_cadre",
        )
    if not union.active:
        raise ValidationError(
            _("%(union)s is no longer an active grassroots union.") % {"union": union.name},
            code="inactive_union",
        )
    existing = LiaisonAssignment.objects.filter(cadre=cadre, union=union, year=year).first()
    if existing is not None:
        if existing.ended_at is None:
            message = _("%(union)s is already a contact unit of %(cadre)s in %(year)s.")
        else:
            # One row per cadre, union and year (a constraint): an ended one is not reopened
            # here, so that a re-import can never undo an ending; the admin can.
            message = _(
                "%(union)s was a contact unit of %(cadre)s in %(year)s until %(date)s; "
                "the ended contact point cannot be assigned again the same year."
            )
        raise ValidationError(
            message
            % {"union": union.name, "cadre": cadre.name, "year": year, "date": existing.ended_at},
            code="duplicate",
        )
    if cadre.is_leader:
        held = LiaisonAssignment.objects.for_year(year).current().filter(cadre=cadre).count()
        if not cadre.may_hold(held + 1):
            raise _leader_limit_error(cadre, year)


@transaction.atomic
def assignment_end(
    *, assignment: LiaisonAssignment, ended_at: datetime.date, reason: str, user
) -> LiaisonAssignment:
    """End a contact point mid-year (a cadre leaves, a union closes). The cadre's record sheets
    stay theirs; the union counts as uncovered from now on."""
    assignment = LiaisonAssignment.objects.select_for_update().get(pk=assignment.pk)
    assignment_end_check(assignment=assignment, ended_at=ended_at, reason=reason)
    assignment.ended_at = ended_at
    assignment.end_reason = reason.strip()
    assignment.full_clean()
    assignment._history_user = user
    assignment.save(update_fields=["ended_at", "end_reason"])
    generations.cadres_changed(assignment.cadre)
    return assignment


def assignment_end_check(
    *, assignment: LiaisonAssignment, ended_at: datetime.date | None, reason: str
) -> None:
    """Raise the `ValidationError` that `assignment_end` would raise, without writing."""
    errors: dict[str, list[str]] = {}
    if assignment.ended_at is not None:
        raise ValidationError(
            _("This contact point already ended on %(date)s.") % {"date": assignment.ended_at},
            code="already_ended",
        )
    if ended_at is None:
        errors["ended_at"] = [_("Give the date the contact point ends.")]
    elif ended_at > timezone.localdate():
        errors["ended_at"] = [_("The end date cannot be in the future.")]
    elif ended_at.year > assignment.year:
        errors["ended_at"] = [
            _("A contact point of %(year)s ends in %(year)s at the latest.")
            % {"year": assignment.year}
        ]
    elif ended_at < assignment.starts_on:
        errors["ended_at"] = [
            _("The contact point starts on %(date)s; it cannot end before that day.")
            % {"date": assignment.starts_on.isoformat()}
        ]
    if not (reason or "").strip():
        errors["end_reason"] = [_("Say why the contact point ends.")]
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class LeftOut:
    """A contact point of last year that the rollover did not carry into the new year."""

    assignment: LiaisonAssignment
    reason: str


@dataclass
class Rollover:
    from_year: int
    to_year: int
    created: list[LiaisonAssignment] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)


def _check_year(year: int, name: str) -> None:
    for validator in YEAR_VALIDATORS:
        try:
            validator(year)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from None


@transaction.atomic
def assignments_roll_over(*, from_year: int, to_year: int, user) -> Rollover:
    """Start `to_year` from the current contact points of `from_year`, in one transaction.

    Left out, each with its reason: cadres and unions no longer active, a point the new year
    already has, and what would take a leader beyond the limit. Running it twice creates
    nothing the second time. The cadres concerned are locked as `assignment_create` locks them,
    so an assignment made on the desk meanwhile is counted, never doubled.
    """
    _check_year(from_year, "from_year")
    _check_year(to_year, "to_year")
    if to_year == from_year:
        raise ValidationError(_("The new year must differ from the year it starts from."))
    source = list(
        LiaisonAssignment.objects.for_year(from_year)
        .current()
        .select_related("cadre__department", "union")
        .order_by("cadre__department__order", "cadre__name", "union__name", "pk")
    )
    cadre_ids = sorted({a.cadre_id for a in source})
    list(Cadre.objects.select_for_update().filter(pk__in=cadre_ids).order_by("pk").values("pk"))
    target = LiaisonAssignment.objects.for_year(to_year).filter(cadre_id__in=cadre_ids)
    already = set(target.values_list("cadre_id", "union_id"))
    held: dict[int, int] = {}
    for cadre_id in target.current().values_list("cadre_id", flat=True):
        held[cadre_id] = held.get(cadre_id, 0) + 1

    result = Rollover(from_year=from_year, to_year=to_year)
    new: list[LiaisonAssignment] = []
    for old in source:
        if not old.cadre.active:
            reason = _("the cadre is no longer active")
        elif not old.union.active:
            reason = _("the grassroots union is no longer active")
        elif (old.cadre_id, old.union_id) in already:
            reason = _("already a contact point in %(year)s") % {"year": to_year}
        elif not old.cadre.may_hold(held.get(old.cadre_id, 0) + 1):
            reason = _("the leader already has %(limit)s contact units in %(year)s") % {
                "limit": settings.LEADER_UNITS,
                "year": to_year,
            }
        else:
            held[old.cadre_id] = held.get(old.cadre_id, 0) + 1
            # Values copied from a valid row and years checked above: no per-row full_clean,
            # which would cost two existence queries per row.
            new.append(
                LiaisonAssignment(cadre=old.cadre, union=old.union, year=to_year, assigned_by=user)
            )
            continue
        result.left_out.append(LeftOut(assignment=old, reason=reason))
    if new:
        result.created = bulk_create_with_history(new, LiaisonAssignment, default_user=user)
        generations.cadres_changed(*{a.cadre_id: a.cadre for a in new}.values())
    return result
