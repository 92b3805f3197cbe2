"""Sending a stored file (an attachment, an export) once the view has checked who may have it.

Django streams it itself, or — with settings.MEDIA_ACCEL_REDIRECT on, behind the nginx of
deploy/ — answers with an empty response whose X-Accel-Redirect header names the file: nginx
sends it from its `internal` location (PROTECTED_LOCATION), which no browser can open directly.
The permission check stays in Django either way; only the copying of the bytes moves to nginx,
so a slow phone downloading a 10 MB photo does not hold one of gunicorn's few workers.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

# nginx's internal location over MEDIA_ROOT (deploy/nginx/liaison.conf says the same).
PROTECTED_LOCATION = "/protected-media/"


def file_response(
    file: FieldFile, *, filename: str, content_type: str = "", as_attachment: bool = True
) -> HttpResponse | FileResponse:
    """The response sending `file` under the name `filename`: downloaded, or shown in the
    browser when `as_attachment` is false. Without `content_type`, guessed from `filename`."""
    if not settings.MEDIA_ACCEL_REDIRECT:
        return FileResponse(
            file.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type or None,
        )
    response = HttpResponse(
        content_type=content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    # The storage name (attachments/2026/11/<random>.pdf) relative to MEDIA_ROOT, quoted:
    # nginx decodes the URI before it maps it onto the folder.
    response["X-Accel-Redirect"] = PROTECTED_LOCATION + quote(file.name)
    return response
