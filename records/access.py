"""Permission-scoped fetches: the object, or 404 for what the user may not see."""

from django.shortcuts import get_object_or_404

from records.models import Attachment, VisitRecord


def get_record_for_user(user, pk: int) -> VisitRecord:
    return get_object_or_404(
        VisitRecord.objects.visible_to(user).select_related("cadre__department", "union"), pk=pk
    )


def get_own_record(user, pk: int) -> VisitRecord:
    """A sheet the user filled in themselves (only its cadre edits a sheet)."""
    return get_object_or_404(
        VisitRecord.objects.select_related("cadre__department", "union"),
        pk=pk,
        cadre__user=user,
    )


def get_attachment_for_user(user, pk: int) -> Attachment:
    return get_object_or_404(Attachment.objects.visible_to(user), pk=pk)
