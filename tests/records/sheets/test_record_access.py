"""Who may open which page of the work record sheet: every records view for each role.

alice owns the sheets; bob is a cadre of another department; carol heads alice's department
(read-only); olivia is the organization department (reads all, returns filed sheets).
"""

import pytest
from django.urls import reverse

from records.models import VisitRecord
from tests.factories import (
    AttachmentFactory,
    GrassrootsUnionFactory,
    UserFactory,
    VisitRecordFactory,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(20)
PDF = b"%PDF-1.4 test"


@pytest.fixture
def filed(alice):
    return VisitRecordFactory(cadre=alice, status=VisitRecord.Status.FILED)


@pytest.fixture
def draft(alice):
    return VisitRecordFactory(cadre=alice, status=VisitRecord.Status.DRAFT)


@pytest.fixture
def attachment(filed):
    return AttachmentFactory(record=filed)


@pytest.fixture
def pending(alice):
    """A file alice chose on a sheet that was not saved yet: it belongs to no record."""
    return AttachmentFactory(record=None, uploaded_by=alice.user, original_name="待保存.pdf")


@pytest.fixture
def nobody(db):
    """A logged-in user with no role and no cadre profile."""
    return UserFactory(username="nobody")


def edit_url(record):
    return reverse("records:record-edit", args=[record.pk])


def detail_url(record):
    return reverse("records:record-detail", args=[record.pk])


def print_url(record):
    return reverse("records:record-print", args=[record.pk])


def return_url(record):
    return reverse("records:record-return", args=[record.pk])


def download_url(attachment):
    return reverse("records:attachment-download", args=[attachment.pk])


def download(client, attachment):
    response = client.get(download_url(attachment))
    if response.status_code == 200:
        # Read the file to the end: the response holds it open until then.
        response.content_bytes = b"".join(response.streaming_content)
        response.close()
    return response


# An anonymous visitor


@pytest.mark.parametrize(
    ("method", "name", "needs_pk"),
    [
        ("get", "records:record-list", False),
        ("get", "records:record-create", False),
        ("get", "records:record-detail", True),
        ("get", "records:record-edit", True),
        ("post", "records:record-return", True),
        ("get", "records:record-print", True),
        ("get", "records:attachment-download", True),
        ("get", "records:union-search", False),
    ],
)
def test_an_anonymous_visitor_is_sent_to_log_in(client, attachment, method, name, needs_pk):
    pk = attachment.pk if name == "records:attachment-download" else attachment.record_id
    url = reverse(name, args=[pk] if needs_pk else [])

    response = getattr(client, method)(url, {"reason": "x"} if method == "post" else {})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=" in response.url


def test_an_anonymous_visitor_cannot_return_a_sheet(client, filed):
    client.post(return_url(filed), {"reason": "不完整"})

    filed.refresh_from_db()
    assert filed.status == VisitRecord.Status.FILED


# alice, the owner


def test_alice_sees_her_list_and_the_blank_sheet(login, alice, filed):
    client = login(alice)

    assert client.get(reverse("records:record-list")).status_code == 200
    assert client.get(reverse("records:record-create")).status_code == 200


def test_alice_reads_and_prints_her_filed_sheet_without_an_edit_link(login, alice, filed):
    client = login(alice)

    detail = client.get(detail_url(filed))
    assert detail.status_code == 200
    assert edit_url(filed) not in detail.content.decode()
    assert client.get(print_url(filed)).status_code == 200


def test_alice_edits_her_draft_from_its_detail_page(login, alice, draft):
    client = login(alice)

    detail = client.get(detail_url(draft))
    assert edit_url(draft) in detail.content.decode()
    assert client.get(edit_url(draft)).status_code == 200


def test_alice_cannot_return_her_own_sheet(login, alice, filed):
    response = login(alice).post(return_url(filed), {"reason": "我自己退回"})

    assert response.status_code == 403
    filed.refresh_from_db()
    assert filed.status == VisitRecord.Status.FILED


def test_alice_sees_no_return_form(login, alice, filed):
    response = login(alice).get(detail_url(filed))

    assert return_url(filed) not in response.content.decode()


def test_alice_searches_the_unions(login, alice):
    hospital = GrassrootsUnionFactory(name="北京某某医院工会")
    GrassrootsUnionFactory(name="北京某某商场工会")
    GrassrootsUnionFactory(name="北京某某医院后勤工会", active=False)

    response = login(alice).get(reverse("records:union-search"), {"q": "医院"})

    assert [result["id"] for result in response.json()["results"]] == [hospital.pk]


def test_alice_downloads_her_attachment(login, alice, attachment):
    response = download(login(alice), attachment)

    assert response.status_code == 200
    assert response.content_bytes == PDF


def test_alice_downloads_the_file_she_chose_before_the_sheet_was_saved(login, alice, pending):
    assert download(login(alice), pending).status_code == 200


def test_an_image_is_shown_in_the_browser(login, alice, filed):
    image = AttachmentFactory(
        record=filed,
        file__filename="photo.png",
        file__data=PNG,
        original_name="走访照片.png",
        content_type="image/png",
        size=len(PNG),
    )

    response = download(login(alice), image)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content_bytes == PNG


def test_a_pdf_is_downloaded_as_a_file(login, alice, attachment):
    response = download(login(alice), attachment)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("page", [detail_url, edit_url, print_url])
def test_a_sheet_that_does_not_exist_is_404(login, alice, filed, page):
    missing = VisitRecord(pk=filed.pk + 1000)

    assert login(alice).get(page(missing)).status_code == 404


def test_an_attachment_that_does_not_exist_is_404(login, alice, attachment):
    response = login(alice).get(reverse("records:attachment-download", args=[attachment.pk + 1000]))

    assert response.status_code == 404


# bob, another cadre


def test_bob_does_not_find_alices_sheet_in_his_list(login, bob, filed):
    response = login(bob).get(reverse("records:record-list"))

    assert response.status_code == 200
    assert list(response.context["page"]) == []


@pytest.mark.parametrize("page", [detail_url, edit_url, print_url])
def test_bob_guessing_alices_sheet_id_gets_404(login, bob, filed, draft, page):
    client = login(bob)

    assert client.get(page(filed)).status_code == 404
    assert client.get(page(draft)).status_code == 404


def test_bob_cannot_post_to_alices_draft(login, bob, draft):
    response = login(bob).post(edit_url(draft), {"union": draft.union_id, "action": "draft"})

    assert response.status_code == 404


def test_bob_cannot_return_alices_sheet(login, bob, filed):
    response = login(bob).post(return_url(filed), {"reason": "不完整"})

    assert response.status_code == 403
    filed.refresh_from_db()
    assert filed.status == VisitRecord.Status.FILED


def test_bob_guessing_alices_attachment_id_gets_404(login, bob, attachment):
    assert download(login(bob), attachment).status_code == 404


def test_bob_cannot_fetch_a_file_alice_has_not_attached_yet(login, bob, pending):
    assert download(login(bob), pending).status_code == 404


# carol, head of alice's department: reads, never writes


def test_carol_sees_alices_sheet_in_her_list(login, carol, filed):
    response = login(carol).get(reverse("records:record-list"))

    assert filed in response.context["page"]


def test_alices_draft_is_hers_alone_until_she_files_it(login, carol, olivia, draft):
    for reader in (carol, olivia):
        client = login(reader)
        assert client.get(detail_url(draft)).status_code == 404
        assert client.get(print_url(draft)).status_code == 404

    draft.status = VisitRecord.Status.FILED
    draft.save()
    client = login(carol)
    detail = client.get(detail_url(draft))
    assert detail.status_code == 200
    assert edit_url(draft) not in detail.content.decode()
    assert client.get(print_url(draft)).status_code == 200


def test_carol_cannot_edit_alices_sheet(login, carol, draft):
    client = login(carol)

    assert client.get(edit_url(draft)).status_code == 404
    response = client.post(edit_url(draft), {"union": draft.union_id, "action": "draft"})
    assert response.status_code == 404


def test_carol_cannot_return_alices_sheet(login, carol, filed):
    client = login(carol)

    assert return_url(filed) not in client.get(detail_url(filed)).content.decode()
    assert client.post(return_url(filed), {"reason": "不完整"}).status_code == 403
    filed.refresh_from_db()
    assert filed.status == VisitRecord.Status.FILED


def test_carol_downloads_an_attachment_of_her_department(login, carol, attachment):
    assert download(login(carol), attachment).status_code == 200


def test_carol_cannot_fetch_a_file_alice_has_not_attached_yet(login, carol, pending):
    assert download(login(carol), pending).status_code == 404


# olivia, the organization department


def test_olivia_reads_a_filed_sheet_with_the_return_form(login, olivia, filed):
    client = login(olivia)

    detail = client.get(detail_url(filed))
    assert detail.status_code == 200
    assert return_url(filed) in detail.content.decode()
    assert edit_url(filed) not in detail.content.decode()
    assert client.get(print_url(filed)).status_code == 200


def test_olivia_returns_a_filed_sheet(login, olivia, filed):
    response = login(olivia).post(return_url(filed), {"reason": "走访人员填写不完整"})

    assert response.status_code == 302
    assert response.url == detail_url(filed)
    filed.refresh_from_db()
    assert filed.status == VisitRecord.Status.RETURNED
    assert filed.return_reason == "走访人员填写不完整"


def test_olivia_cannot_edit_alices_sheet(login, olivia, draft):
    assert login(olivia).get(edit_url(draft)).status_code == 404


def test_olivia_downloads_any_attachment(login, olivia, attachment):
    assert download(login(olivia), attachment).status_code == 200


def test_a_sheet_that_does_not_exist_is_404_for_olivia_too(login, olivia, filed):
    missing = VisitRecord(pk=filed.pk + 1000)

    assert login(olivia).get(detail_url(missing)).status_code == 404
    assert login(olivia).post(return_url(missing), {"reason": "x"}).status_code == 404


# A logged-in user with no role and no cadre profile


def test_a_user_without_a_role_cannot_fill_in_a_sheet(login, nobody):
    client = login(nobody)

    assert client.get(reverse("records:record-create")).status_code == 403
    assert client.post(reverse("records:record-create"), {"action": "draft"}).status_code == 403


def test_a_user_without_a_role_sees_no_sheet(login, nobody, filed, attachment):
    client = login(nobody)

    assert list(client.get(reverse("records:record-list")).context["page"]) == []
    assert client.get(detail_url(filed)).status_code == 404
    assert client.get(print_url(filed)).status_code == 404
    assert download(client, attachment).status_code == 404


def test_a_user_without_a_role_cannot_edit_return_or_search(login, nobody, filed):
    client = login(nobody)

    assert client.get(edit_url(filed)).status_code == 403
    assert client.post(return_url(filed), {"reason": "x"}).status_code == 403
    assert client.get(reverse("records:union-search"), {"q": "工会"}).status_code == 403


def test_an_administrator_reads_every_sheet(login, admin_user, filed):
    assert login(admin_user).get(detail_url(filed)).status_code == 200
