"""Which language a request is answered in: Chinese unless someone chose English."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Where a logged-in user's remembered language is kept for the length of their session.
SESSION_KEY = "liaison_language"


def chosen_language(request) -> str:
    """The logged-in user's choice (copied into the session at login: no query on a page), else
    the cookie set_language sets (an anonymous visitor's choice), else LANGUAGE_CODE. Never the
    browser's Accept-Language: a phone set to English still gets the federation's Chinese UI."""
    for choice in (
        request.session.get(SESSION_KEY),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
    ):
        try:
            return translation.get_supported_language_variant(choice)
        except LookupError:  # none, or not one of settings.LANGUAGES
            continue
    return settings.LANGUAGE_CODE


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware with our choice of language instead of its own (which falls
    back to Accept-Language); the response's headers are Django's."""

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
