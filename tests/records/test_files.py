"""Downloads (an attachment, an export) after the permission check: streamed by Django, or
handed to nginx with X-Accel-Redirect when MEDIA_ACCEL_REDIRECT is on (deploy/nginx)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from records.files import PROTECTED_LOCATION
from records.models import ExportJob, VisitRecord
from tests.factories import AttachmentFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(20)


@pytest.fixture
def photo(alice):
    return AttachmentFactory(
        record=VisitRecordFactory(cadre=alice, status=VisitRecord.Status.FILED),
        file__filename="photo.png",
        file__data=PNG,
        original_name="走访照片.png",
        content_type="image/png",
        size=len(PNG),
    )


@pytest.fixture
def sign_in_sheet(alice):
    return AttachmentFactory(record=VisitRecordFactory(cadre=alice))


@pytest.fixture
def export(olivia):
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.REGISTER,
        params={"start": "2026-01-01", "end": "2026-12-31", "label": "2026年", "department": None},
        title="记录单备案登记表",
        filename="记录单备案登记表-2026.xlsx",
        requested_by=olivia.user,
        status=ExportJob.Status.DONE,
    )
    job.file.save(f"{job.pk}.xlsx", ContentFile(b"PK-workbook"))
    return job


@pytest.fixture
def accel(settings):
    settings.MEDIA_ACCEL_REDIRECT = True


def attachment_url(attachment):
    return reverse("records:attachment-download", args=[attachment.pk])


def export_url(job):
    return reverse("records:export-download", args=[job.pk])


# --- Django sends the file (the default) -------------------------------------------------------


def test_without_nginx_django_streams_the_photo_itself(login, alice, photo):
    response = login(alice).get(attachment_url(photo))

    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")


def test_without_nginx_django_streams_the_export_itself(login, olivia, export):
    response = login(olivia).get(export_url(export))

    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == b"PK-workbook"
    assert response["Content-Disposition"].startswith("attachment")


# --- nginx sends it (MEDIA_ACCEL_REDIRECT) -----------------------------------------------------


def test_behind_nginx_a_photo_is_an_empty_answer_naming_the_file(accel, login, alice, photo):
    response = login(alice).get(attachment_url(photo))

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == PROTECTED_LOCATION + photo.file.name
    assert photo.file.name.startswith("attachments/")
    assert response["Content-Type"] == "image/png"
    # The same Content-Disposition Django would send: shown, under its readable name.
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''%E8%B5%B0%E8%AE%BF%E7%85%A7%E7%89%87.png"
    )


def test_behind_nginx_a_pdf_still_goes_out_as_a_download(accel, login, alice, sign_in_sheet):
    response = login(alice).get(attachment_url(sign_in_sheet))

    assert response["X-Accel-Redirect"] == PROTECTED_LOCATION + sign_in_sheet.file.name
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")


def test_behind_nginx_an_export_is_an_empty_answer_naming_the_file(accel, login, olivia, export):
    response = login(olivia).get(export_url(export))

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == PROTECTED_LOCATION + export.file.name
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")


def test_behind_nginx_the_permission_check_still_comes_first(accel, login, bob, photo, export):
    client = login(bob)

    for url in (attachment_url(photo), export_url(export)):
        response = client.get(url)
        assert response.status_code == 404
        assert "X-Accel-Redirect" not in response


def test_an_unusual_storage_name_is_quoted_for_nginx(accel, login, alice, photo):
    photo.file.name = "attachments/2026/11/a b#c.png"
    photo.save(update_fields=["file"])

    response = login(alice).get(attachment_url(photo))

    assert response["X-Accel-Redirect"] == PROTECTED_LOCATION + "attachments/2026/11/a%20b%23c.png"
