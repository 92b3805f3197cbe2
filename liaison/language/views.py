"""Choosing the language: Django's set_language, remembered for a logged-in user."""

from django.conf import settings
from django.views import i18n
from django.views.decorators.http import require_POST

from liaison.language.middleware import SESSION_KEY
from unions.models import UserPreference


@require_POST  # an action, as every other one here (Django's answers a GET with a redirect)
def set_language(request):
    """Django's view (the cookie, the redirect to `next`), and for a logged-in user the choice
    kept in their session and remembered for their next login, on any browser."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER)
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.session[SESSION_KEY] = language
        UserPreference.objects.update_or_create(user=request.user, defaults={"language": language})
    return response


def apply_at_login(sender, request, user, **kwargs):
    """The user's remembered language goes into their new session: one query at login, none
    on the pages after it."""
    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    if language:
        request.session[SESSION_KEY] = language
