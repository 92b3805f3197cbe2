"""The audit trail: every version of an audited row (django-simple-history), every role given
or taken (unions.RoleChange), every login and refused access (liaison.AuditEvent), read as one
list, newest first.

The list is one UNION ALL of narrow rows (when, who, kind, which object, which row), filtered
and paged in the database; a page then reads its rows kind by kind (the versions with the
previous version of each, the names they point at): a constant number of queries whatever the
page holds.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import CharField, F, IntegerField, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from liaison.models import AuditEvent
from unions.history import FieldChange, field_changes, reason_label, related_label, related_labels
from unions.models import RoleChange

ROLE_KIND = "unions.rolechange"
EVENT_KIND = "liaison.auditevent"
CHUNK = 500  # rows hydrated at a time by the workbook


def audited_models() -> list:
    """Every model with a history (HistoricalRecords), in app and model order."""
    return [
        model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    ]


def kind_choices() -> list[tuple[str, str]]:
    kinds = [(m._meta.label_lower, capfirst(m._meta.verbose_name)) for m in audited_models()]
    kinds.append((ROLE_KIND, _("Roles")))
    kinds.append((EVENT_KIND, _("Logins and refused access")))
    return kinds


@dataclass
class Filters:
    person: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    kind: str = ""
    object: int | None = None


@dataclass
class Entry:
    at: datetime.datetime
    actor: str
    kind: str
    kind_label: str
    object_id: int | None
    object_label: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""


def _beijing_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _narrow(queryset, *, kind: str, at: str, actor: str, object_id: str, row: str, filters):
    """One source as the UNION's columns, filtered."""
    lookups = {}
    if filters.person is not None:
        lookups[actor] = filters.person
    if filters.start is not None:
        lookups[f"{at}__gte"] = _beijing_midnight(filters.start)
    if filters.end is not None:
        lookups[f"{at}__lt"] = _beijing_midnight(filters.end + datetime.timedelta(days=1))
    if filters.object is not None:
        lookups[object_id] = filters.object
    return (
        queryset.filter(**lookups)
        .order_by()
        .annotate(
            a_at=F(at),
            a_actor=F(actor),
            a_kind=Value(kind, output_field=CharField()),
            a_object=F(object_id),
            a_row=F(row),
        )
        .values_list("a_at", "a_actor", "a_kind", "a_object", "a_row")
    )


def trail(filters: Filters):
    """The filtered trail as (at, actor id, kind, object id, row id) rows, newest first: a
    queryset to count and slice."""
    parts = []
    for model in audited_models():
        kind = model._meta.label_lower
        if filters.kind and filters.kind != kind:
            continue
        history = getattr(model, model._meta.simple_history_manager_attribute).model
        parts.append(
            _narrow(
                history.objects,
                kind=kind,
                at="history_date",
                actor="history_user_id",
                object_id=model._meta.pk.attname,
                row="history_id",
                filters=filters,
            )
        )
    if filters.kind in ("", ROLE_KIND):
        parts.append(
            _narrow(
                RoleChange.objects,
                kind=ROLE_KIND,
                at="at",
                actor="changed_by_id",
                object_id="user_id",
                row="id",
                filters=filters,
            )
        )
    if filters.kind in ("", EVENT_KIND):
        parts.append(
            _narrow(
                AuditEvent.objects,
                kind=EVENT_KIND,
                at="at",
                actor="user_id",
                object_id="user_id",
                row="id",
                filters=filters,
            )
        )
    if not parts:  # a kind no longer audited
        return AuditEvent.objects.none().values_list("at", "user_id", "kind", "user_id", "id")
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-a_at", "-a_row")


def entries(rows: Iterable[tuple]) -> list[Entry]:
    """The trail's rows as entries: their fields before and after, names and labels. A few
    queries per kind of object on the page, never one per row."""
    rows = list(rows)
    by_kind: dict[str, list[int]] = {}
    for _at, _actor, kind, _object, row in rows:
        by_kind.setdefault(kind, []).append(row)
    built: dict[tuple[str, int], Entry] = {}
    actor_ids = {actor for _at, actor, *_rest in rows if actor is not None}
    users = get_user_model()._base_manager.select_related("cadre").in_bulk(actor_ids)
    kinds = dict(kind_choices())
    for kind, ids in by_kind.items():
        if kind == ROLE_KIND:
            built.update(_role_entries(ids, kinds[kind]))
        elif kind == EVENT_KIND:
            built.update(_event_entries(ids, kinds[kind]))
        else:
            built.update(_version_entries(apps.get_model(kind), ids, kinds.get(kind, kind)))
    result = []
    for _at, actor, kind, _object, row in rows:
        entry = built[(kind, row)]
        entry.actor = _person(users.get(actor))
        result.append(entry)
    return result


def _person(user) -> str:
    if user is None:
        return ""
    cadre = getattr(user, "cadre", None)  # selected with the user: None when not a cadre
    return f"{cadre.name}（{user.get_username()}）" if cadre else user.get_username()


ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _version_entries(model, ids: list[int], kind_label: str) -> Iterator:
    history = getattr(model, model._meta.simple_history_manager_attribute).model
    pk = model._meta.pk.attname
    previous_id = Subquery(
        history.objects.filter(**{pk: OuterRef(pk)}, history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1],
        output_field=IntegerField(),
    )
    versions = list(history.objects.filter(history_id__in=ids).annotate(previous_id=previous_id))
    previous = history.objects.in_bulk(
        {v.previous_id for v in versions if v.previous_id is not None}
    )
    labels = related_labels([*versions, *previous.values()])
    for version in versions:
        yield (
            (model._meta.label_lower, version.history_id),
            Entry(
                at=version.history_date,
                actor="",
                kind=model._meta.label_lower,
                kind_label=kind_label,
                object_id=getattr(version, pk),
                object_label=related_label(version),
                action=_(ACTIONS[version.history_type]),
                changes=field_changes(version, previous.get(version.previous_id), labels),
                reason=reason_label(version.history_change_reason),
            ),
        )


def _role_entries(ids: list[int], kind_label: str) -> Iterator:
    for change in RoleChange.objects.filter(pk__in=ids):
        given = change.action == RoleChange.Action.GIVEN
        label = capfirst(str(RoleChange._meta.get_field("group").verbose_name))
        yield (
            (ROLE_KIND, change.pk),
            Entry(
                at=change.at,
                actor="",
                kind=ROLE_KIND,
                kind_label=kind_label,
                object_id=change.user_id,
                object_label=change.username,
                action=change.get_action_display(),
                changes=[
                    FieldChange(label, "" if given else change.group, change.group if given else "")
                ],
                reason=reason_label(change.reason),
            ),
        )


def _event_entries(ids: list[int], kind_label: str) -> Iterator:
    fields = [AuditEvent._meta.get_field(name) for name in ("path", "status", "client")]
    for event in AuditEvent.objects.filter(pk__in=ids):
        request = f"{event.method} {event.path}".strip()
        values = [request, "" if event.status is None else str(event.status), event.client]
        yield (
            (EVENT_KIND, event.pk),
            Entry(
                at=event.at,
                actor="",
                kind=EVENT_KIND,
                kind_label=kind_label,
                object_id=event.user_id,
                object_label=event.username,
                action=event.get_kind_display(),
                changes=[
                    FieldChange(capfirst(str(f.verbose_name)), "", value)
                    for f, value in zip(fields, values, strict=True)
                    if value
                ],
            ),
        )


def entries_in_chunks(rows, limit: int) -> Iterator[Entry]:
    """Every entry of the trail's first `limit` rows, read CHUNK rows at a time (the
    workbook)."""
    for start in range(0, limit, CHUNK):
        chunk = list(rows[start : min(start + CHUNK, limit)])
        yield from entries(chunk)
        if len(chunk) < CHUNK:
            return
