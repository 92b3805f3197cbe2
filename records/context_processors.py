from django.utils.functional import SimpleLazyObject

from records.models import Notification


def notifications(request):
    """The unread count for the navigation's bell; queried only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Through the model's manager: `user.notifications` builds a related manager class on every
    # access, a third of a cached home's time (BENCHMARKS.md).
    unread = Notification.objects.filter(recipient_id=user.pk).unread()
    return {"unread_count": SimpleLazyObject(unread.count)}
