"""Optimistic locking of record sheets and problems: no silent overwrite.

Every page that edits a sheet or takes a step on a problem carries, in a hidden field, the
`version` it was shown. The service saving it first claims the next version with one
`UPDATE … SET version = shown + 1 WHERE pk = … AND version = shown`: atomic on every database
(on PostgreSQL the second of two concurrent claims waits for the first to commit, then finds
the version moved and updates nothing). Zero rows updated means someone else saved in between:
the save is refused with `EditConflict`, and the page shows what the user typed again.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _


class EditConflict(ValidationError):
    """Someone else saved the object after the user's page showed it. `current` is the
    version now stored, for the page to carry if the user saves again knowingly."""

    def __init__(self, message: str, current: int | None = None):
        super().__init__(message, code="edit_conflict")
        self.current = current


def claim_version(obj: Model, shown: int | None = None) -> None:
    """Take the next version of `obj`'s stored row, on condition that it is still `shown` (the
    version the user's page carried) — or, when no page is involved (`shown` is None: an
    import, a meeting decision, a service called by another), still `obj.version` as read.
    Raises EditConflict, naming who saved last and when, when the row has moved on."""
    expected = obj.version if shown is None else shown
    model = type(obj)
    claimed = model._default_manager.filter(pk=obj.pk, version=expected).update(
        version=expected + 1
    )
    if not claimed:
        raise conflict(obj)
    obj.version = expected + 1


def conflict(obj: Model) -> EditConflict:
    """The refusal, saying who saved the object last and when (from its history)."""
    model = type(obj)
    current = model._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
    last = (
        obj.history.select_related("history_user__cadre")
        .order_by("-history_date", "-history_id")
        .first()
    )
    who = ""
    if last is not None and last.history_user is not None:
        user = last.history_user
        who = getattr(getattr(user, "cadre", None), "name", "") or user.get_username()
    when = f"{timezone.localtime(last.history_date):%Y-%m-%d %H:%M}" if last is not None else ""
    if who and when:
        message = _(
            "%(who)s saved this %(what)s at %(when)s, after you opened it. Nothing of yours "
            "was saved: what you entered is kept below. Compare it with what is saved now "
            "(open it in a new tab), then submit again if it still applies."
        ) % {"who": who, "what": model._meta.verbose_name, "when": when}
    else:
        message = _(
            "Someone else saved this %(what)s after you opened it. Nothing of yours was "
            "saved: what you entered is kept below. Compare it with what is saved now (open "
            "it in a new tab), then submit again if it still applies."
        ) % {"what": model._meta.verbose_name}
    return EditConflict(message, current=current)
