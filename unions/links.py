"""Absolute links for what leaves the site: e-mails, WeChat Work messages, printed QR codes."""

from urllib.parse import urljoin

from django.conf import settings


def absolute_url(path: str, request=None) -> str:
    """`path` on settings.PUBLIC_BASE_URL when it is set (the address people's phones reach,
    e.g. https://liaison.example), else on the address `request` came in at, else the path
    alone (a message sent by the worker with no PUBLIC_BASE_URL: set it in production)."""
    if settings.PUBLIC_BASE_URL:
        return urljoin(settings.PUBLIC_BASE_URL, path)
    if request is not None:
        return request.build_absolute_uri(path)
    return path
