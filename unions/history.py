"""Who changed what: the history of the rows that drive the figures, and its reading.

django-simple-history keeps a version of each audited model's rows on every save
(`HistoricalRecords` on the model), with the user of the request (its middleware). Two gaps are
filled here, for every app:

- work done outside a request (the org import, a command) names its user with
  `acting_as(user, reason=...)`: every version saved and every role changed inside it carries
  that user and reason;
- a user's roles (a many-to-many of Django's User, which simple-history cannot follow on a model
  it does not own) are written as `RoleChange` rows on every change of the groups, from the admin
  or from code.

`field_changes` turns two versions into the fields' labels and values as people read them
(Chinese labels, choices by name, Beijing time): the audit page, its workbook and the admin's
history all show them so.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

# Why a version was saved, by code (kept in history_change_reason), and how it reads.
ORG_IMPORT = "org_import"
REASONS = {ORG_IMPORT: gettext_lazy("Organization data import")}

# Fields whose values are secrets: the trail says they changed, not to what.
SECRET_FIELDS = {"public_token", "password"}

_acting: ContextVar[tuple | None] = ContextVar("liaison_history_actor", default=None)


@contextmanager
def acting_as(user, *, reason: str = "") -> Iterator[None]:
    """Every version saved and every role changed inside this block is `user`'s, for
    `reason` (a key of REASONS)."""
    token = _acting.set((user, reason))
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor():
    """The user changing things now: the one named by `acting_as`, else the request's
    (simple-history's middleware keeps it), else None."""
    acting = _acting.get()
    if acting is not None:
        return acting[0]
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def current_reason() -> str:
    acting = _acting.get()
    return acting[1] if acting is not None else ""


def reason_label(reason: str | None) -> str:
    return str(REASONS.get(reason, reason or ""))


def name_the_version(sender, history_instance, **kwargs) -> None:
    """pre_create_historical_record: a version saved inside `acting_as` is that user's."""
    acting = _acting.get()
    if acting is None:
        return
    user, reason = acting
    if user is not None and history_instance.history_user_id is None:
        history_instance.history_user = user
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason


def log_role_change(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed on User.groups: one RoleChange per user and group given or taken."""
    from django.contrib.auth.models import Group

    from unions.models import RoleChange

    if action == "pre_clear":
        # pk_set is empty on clear: remember what goes, written at post_clear.
        if reverse:
            instance._liaison_clearing = list(instance.user_set.values_list("pk", flat=True))
        else:
            instance._liaison_clearing = list(instance.groups.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set = set(instance.__dict__.pop("_liaison_clearing", ()))
        action = "post_remove"
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    User = get_user_model()
    if reverse:  # group.user_set.add(...)
        pairs = [(user, instance) for user in User.objects.filter(pk__in=pk_set)]
    else:  # user.groups.add(...)
        pairs = [(instance, group) for group in Group.objects.filter(pk__in=pk_set)]
    actor = current_actor()
    kind = RoleChange.Action.GIVEN if action == "post_add" else RoleChange.Action.TAKEN
    RoleChange.objects.bulk_create(
        RoleChange(
            changed_by=actor if actor is not None and actor.pk else None,
            user=user,
            username=user.get_username(),
            group=group.name,
            action=kind,
            reason=current_reason(),
        )
        for user, group in pairs
    )


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed
    from simple_history.signals import pre_create_historical_record

    pre_create_historical_record.connect(
        name_the_version, dispatch_uid="unions.history.name_the_version", weak=False
    )
    m2m_changed.connect(
        log_role_change,
        sender=get_user_model().groups.through,
        dispatch_uid="unions.history.log_role_change",
        weak=False,
    )


# --- Reading versions ------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


def display_value(field: models.Field, value, related: dict | None = None) -> str:
    """A field's value as people read it: a choice by its label, yes/no, Beijing time, a
    related row by its name (from `related`, {(model, pk): label}, when given)."""
    if value is None or value == "":
        return ""
    if field.name in SECRET_FIELDS:
        return "••••••"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, models.Model):
        return related_label(value)
    if field.is_relation and related is not None:
        return related.get((field.related_model, value), f"#{value}")
    return str(value)


def related_label(obj) -> str:
    """A related row's name without a further query: its `name`, a user's login name, else
    its kind and number."""
    name = getattr(obj, "name", None)
    if isinstance(name, str) and name:
        return name
    if isinstance(obj, get_user_model()):
        return obj.get_username()
    return f"{capfirst(obj._meta.verbose_name)} #{obj.pk}"


def tracked_fields(version) -> list[models.Field]:
    """The audited model's fields that its versions keep."""
    return [
        field
        for field in version.instance_type._meta.concrete_fields
        if field.attname in {f.attname for f in version._meta.concrete_fields}
    ]


def field_changes(version, previous, related: dict | None = None) -> list[FieldChange]:
    """What `version` changed since `previous` (None: it created the row, every field with a
    value; a deletion: every field before). Values by `attname` (no query for a relation):
    `related` names them."""
    changes = []
    deleted = version.history_type == "-"
    for field in tracked_fields(version):
        after = getattr(version, field.attname)
        before = getattr(previous, field.attname) if previous is not None else None
        if deleted:
            before, after = after, None
        elif previous is not None and before == after:
            continue
        if before in (None, "") and after in (None, ""):
            continue
        changes.append(
            FieldChange(
                capfirst(str(field.verbose_name)),
                display_value(field, before, related),
                display_value(field, after, related),
            )
        )
    return changes


def related_labels(versions) -> dict:
    """The names of every row the versions' relations point at: one query per related model,
    whatever the number of versions."""
    wanted: dict[type, set] = {}
    for version in versions:
        for field in tracked_fields(version):
            if field.is_relation:
                value = getattr(version, field.attname)
                if value is not None:
                    wanted.setdefault(field.related_model, set()).add(value)
    labels = {}
    for model, pks in wanted.items():
        for pk, obj in model._base_manager.in_bulk(pks).items():
            labels[(model, pk)] = related_label(obj)
    return labels
