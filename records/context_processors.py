from django.utils.functional import SimpleLazyObject

from records.notifications.services import unread_count


def notifications(request):
    """The unread count for the navigation's bell; counted only when a page shows it. A view
    that read the user's inbox generation with its own (the cadre home) leaves it on the
    request as `inbox_generation`, and the count comes from this process's memory."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    generation = getattr(request, "inbox_generation", None)
    return {"unread_count": SimpleLazyObject(lambda: unread_count(user.pk, generation))}
