"""Attachments to a record sheet are what their bytes say, not what their name or the browser
says; they are stored under random names outside any public path and only ever served through
the permission check, as a download unless they are an image.

(The size limit and a text file named like a photo are also tested through the whole sheet in
tests/test_record_filing.py; who may fetch a file in tests/records/sheets/test_record_access.py.)"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.datastructures import MultiValueDict

from records.sheets import services
from records.sheets.forms import AttachmentForm
from tests.factories import AttachmentFactory, VisitRecordFactory

PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
JPEG = b"\xff\xd8\xff\xe0" + bytes(24)
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(12)


def check(*uploads):
    return AttachmentForm(
        data={}, files=MultiValueDict({"attach-files": list(uploads)}), prefix="attach"
    )


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (b"GIF89a" + bytes(10), "image/gif"),
        (WEBP, "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
    ],
)
def test_the_type_is_read_from_the_bytes_whatever_the_name_and_browser_say(data, expected):
    form = check(upload("notes.txt", data, content_type="text/plain"))
    assert form.is_valid(), form.errors
    [(_, content_type)] = form.cleaned_data["files"]
    assert content_type == expected


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("photo.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "image/svg+xml"),
        ("sign-in.pdf", b"MZ\x90\x00 an executable", "application/pdf"),
        ("sheet.xlsx", b"PK\x03\x04 a zip", "application/vnd.ms-excel"),
        ("empty.jpg", b"", "image/jpeg"),
    ],
)
def test_anything_else_is_refused_whatever_it_is_called(name, data, content_type):
    form = check(upload(name, data, content_type))
    assert not form.is_valid()
    assert "files" in form.errors


def test_a_file_over_the_limit_is_refused(settings):
    settings.RECORDS_ATTACHMENT_MAX_BYTES = 100
    assert check(upload("ok.png", PNG + bytes(60))).is_valid()
    assert not check(upload("big.png", PNG + bytes(100))).is_valid()


def test_a_file_is_stored_under_a_random_name_with_the_suffix_of_its_content(alice):
    form = check(upload("../../evil page.html", PNG, content_type="text/html"))
    assert form.is_valid()
    [attachment] = services.attachments_store_pending(
        checked_files=form.cleaned_data["files"], user=alice.user
    )
    stored = attachment.file.name
    assert stored.startswith("attachments/2026/11/")
    assert stored.endswith(".png")
    assert "evil" not in stored and ".." not in stored
    assert attachment.original_name == "evil page.html"  # only shown, as the download's name
    assert attachment.content_type == "image/png"


def test_two_uploads_of_one_name_get_two_names(alice):
    form = check(upload("a.png", PNG), upload("a.png", PNG))
    assert form.is_valid()
    first, second = services.attachments_store_pending(
        checked_files=form.cleaned_data["files"], user=alice.user
    )
    assert first.file.name != second.file.name


def test_a_pdf_is_served_as_a_download_with_its_checked_type(login, alice):
    attachment = AttachmentFactory(record=VisitRecordFactory(cadre=alice))
    response = login(alice).get(reverse("records:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_image_is_shown_inline(login, alice):
    attachment = AttachmentFactory(
        record=VisitRecordFactory(cadre=alice),
        file__filename="photo.png",
        file__data=PNG,
        original_name="现场.png",
        content_type="image/png",
    )
    response = login(alice).get(reverse("records:attachment-download", args=[attachment.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_url_serves_the_media_folder(login, alice, olivia):
    attachment = AttachmentFactory(record=VisitRecordFactory(cadre=alice))

    def routes(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    assert not [route for route in routes(get_resolver().url_patterns) if "media" in route]
    client = login(olivia)
    for path in (f"/media/{attachment.file.name}", f"/{attachment.file.name}"):
        assert client.get(path).status_code == 404
