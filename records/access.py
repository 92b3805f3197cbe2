"""Permission-scoped fetches: the object, or 404 for what the user may not see."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from records.models import Attachment, VisitRecord
from unions.permissions import may


def get_record_for_user(user, pk: int) -> VisitRecord:
    """The sheet, if `user` may view it (records.view_visitrecord); 404 else, as if the id
    did not exist."""
    record = get_object_or_404(
        VisitRecord.objects.select_related("cadre__department", "union"), pk=pk
    )
    if not may(user, "records.view_visitrecord", record):
        raise Http404
    return record


def get_own_record(user, pk: int) -> VisitRecord:
    """A sheet the user filled in themselves (only its cadre edits a sheet)."""
    return get_object_or_404(
        VisitRecord.objects.select_related("cadre__department", "union"),
        pk=pk,
        cadre__user=user,
    )


def get_attachment_for_user(user, pk: int) -> Attachment:
    return get_object_or_404(Attachment.objects.visible_to(user), pk=pk)
