"""The notice board (联系基层公示牌): one union's printable A4 board, a street's or the whole
district's boards as one document, the QR code on each, the token behind it, and who sees what.

alice is the contact cadre of the hospital's union this year; bob a cadre of another department;
carol heads alice's department (a cadre with no units); olivia the organization department.

The QR codes are decoded by a real decoder (zxing-cpp, a wheel with no system libraries): the
test reads the modules out of the page's inline SVG, draws them into a grayscale bitmap and
asks zxing what it says — so a wrong URL, a broken SVG or a mangled path would all show.
"""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from liaison.boards.board import CONTENT_AREA_TEXT
from records.models import ContactForm, ContentArea
from tests.factories import (
    CadreFactory,
    DepartmentFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    UserFactory,
)
from unions.models import GrassrootsUnion, Street

pytestmark = pytest.mark.django_db

SVG = re.compile(r"<svg\b[^>]*class=\"qr\".*?</svg>", re.S)
MODULE = re.compile(r"M([\d.]+),([\d.]+)H")


def decode_qr_codes(html: str) -> list[str]:
    """Every QR code embedded in the page, decoded, in page order."""
    texts = []
    for svg in SVG.findall(html):
        root = ET.fromstring(svg)
        size = int(float(root.get("viewBox").split()[2]))
        [path] = list(root)
        scale = 4
        width = size * scale
        pixels = bytearray([255]) * (width * width)
        for x, y in MODULE.findall(path.get("d")):
            x, y = int(float(x)), int(float(y))
            for row in range(y * scale, (y + 1) * scale):
                pixels[row * width + x * scale : row * width + (x + 1) * scale] = bytes(scale)
        image = memoryview(pixels).cast("B", (width, width))
        [found] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        texts.append(found.text)
    return texts


def public_url(union) -> str:
    return "http://testserver" + reverse("boards:public", args=[union.public_token])


def board_url(union):
    return reverse("boards:board", args=[union.pk])


def street_url(street=Street.XINJIEKOU):
    return reverse("boards:board-street", args=[street])


ALL_URL = reverse("boards:board-all")
INDEX_URL = reverse("boards:board-index")


@pytest.fixture
def hospital(db):
    return GrassrootsUnionFactory(name="北京市西城区某某医院工会", street=Street.XINJIEKOU)


@pytest.fixture
def zhao(db):
    return CadreFactory(
        name="赵强",
        department=DepartmentFactory(name="基层工作部", order=1),
        title="副部长",
        phone="010-66001234",
    )


@pytest.fixture
def contacts(alice, zhao, hospital):
    """alice and zhao are the hospital's contact cadres this year."""
    alice.title = "科员"
    alice.phone = "010-66005678"
    alice.save()
    return [
        LiaisonAssignmentFactory(cadre=alice, union=hospital, year=2026),
        LiaisonAssignmentFactory(cadre=zhao, union=hospital, year=2026),
    ]


@pytest.fixture
def nobody(db):
    return UserFactory(username="nobody")


# What a board says


def test_the_board_names_the_union_its_cadres_and_the_supervision_phone(
    login, olivia, hospital, contacts, alice, zhao, settings
):
    settings.SUPERVISION_PHONE = "010-83330000"

    response = login(olivia).get(board_url(hospital))

    assert response.status_code == 200
    [board] = response.context["boards"]
    assert board.union == hospital
    assert {a.cadre for a in board.assignments} == {alice, zhao}
    content = response.content.decode()
    assert content.count('<article class="board"') == 1
    for text in [
        hospital.name,
        "李爱丽",
        "宣传教育部",
        "010-66005678",
        "赵强",
        "基层工作部",
        "副部长",
        "010-66001234",
        "010-83330000",
    ]:
        assert text in content
    for form in ContactForm:
        assert escape(str(form.label)) in content
    for area in ContentArea:
        assert escape(str(area.label)) in content
        assert escape(str(CONTENT_AREA_TEXT[area])) in content


def test_the_board_has_its_own_print_stylesheet_one_board_a_page(login, olivia, hospital):
    content = login(olivia).get(board_url(hospital)).content.decode()

    assert "css/board.css" in content
    # No library: only the print button's few lines (no inline script: the CSP forbids it).
    assert re.findall(r'<script src="([^"]+)"', content) == ["/static/js/app.js"]
    with open("static/css/board.css", encoding="utf-8") as css:
        stylesheet = css.read()
    assert "size: A4" in stylesheet
    assert "page-break-after: always" in stylesheet


def test_the_board_names_only_this_years_current_contact_cadres(
    login, olivia, hospital, alice, bob, zhao
):
    LiaisonAssignmentFactory(cadre=alice, union=hospital, year=2026)
    LiaisonAssignmentFactory(cadre=bob, union=hospital, year=2025)
    LiaisonAssignmentFactory(
        cadre=zhao,
        union=hospital,
        year=2026,
        ended_at=datetime.date(2026, 6, 30),
        end_reason="调岗",
    )
    retired = CadreFactory(name="退休干部", active=False)
    LiaisonAssignmentFactory(cadre=retired, union=hospital, year=2026)

    response = login(olivia).get(board_url(hospital))

    [board] = response.context["boards"]
    assert [a.cadre for a in board.assignments] == [alice]
    content = response.content.decode()
    assert "王博" not in content
    assert "赵强" not in content
    assert "退休干部" not in content


def test_a_union_without_a_contact_cadre_gets_a_board_that_says_so(login, olivia, hospital):
    response = login(olivia).get(board_url(hospital))

    [board] = response.context["boards"]
    assert board.assignments == []


def test_a_blank_supervision_phone_leaves_a_line_to_write_it_in(login, olivia, hospital, settings):
    settings.SUPERVISION_PHONE = ""

    content = login(olivia).get(board_url(hospital)).content.decode()

    assert "________________" in content


# The QR code


def test_the_qr_code_decodes_to_the_unions_public_page(login, olivia, hospital):
    response = login(olivia).get(board_url(hospital))

    assert decode_qr_codes(response.content.decode()) == [public_url(hospital)]
    assert Client().get(public_url(hospital)).status_code == 200


def test_the_qr_code_uses_the_public_base_url_when_one_is_set(login, olivia, hospital, settings):
    settings.PUBLIC_BASE_URL = "https://liaison.xcgh.example"

    response = login(olivia).get(board_url(hospital))

    [url] = decode_qr_codes(response.content.decode())
    assert url == f"https://liaison.xcgh.example/u/{hospital.public_token}/"


def test_the_link_carries_the_token_not_the_database_id(login, olivia, hospital):
    response = login(olivia).get(board_url(hospital))

    [url] = decode_qr_codes(response.content.decode())
    assert hospital.public_token in url
    assert f"/{hospital.pk}/" not in url
    assert len(hospital.public_token) >= 22


def test_every_union_gets_its_own_token(db):
    unions = GrassrootsUnionFactory.create_batch(5)
    assert len({union.public_token for union in unions}) == 5


# A street's and the district's documents


def test_a_streets_document_has_one_board_per_active_union_of_the_street(login, olivia):
    unions = [
        GrassrootsUnionFactory(name=f"新街口第{n}工会", street=Street.XINJIEKOU) for n in (1, 2, 3)
    ]
    GrassrootsUnionFactory(name="德胜工会", street=Street.DESHENG)
    GrassrootsUnionFactory(name="已注销工会", street=Street.XINJIEKOU, active=False)

    response = login(olivia).get(street_url())

    assert response.status_code == 200
    assert [board.union for board in response.context["boards"]] == unions
    content = response.content.decode()
    assert content.count('<article class="board"') == 3
    assert decode_qr_codes(content) == [public_url(union) for union in unions]
    assert "德胜工会" not in content
    assert "已注销工会" not in content


def test_an_unknown_street_is_not_found(login, olivia):
    assert login(olivia).get(street_url("atlantis")).status_code == 404


def test_a_street_without_unions_prints_an_empty_document(login, olivia):
    response = login(olivia).get(street_url(Street.NIUJIE))

    assert response.status_code == 200
    assert response.context["boards"] == []


def test_the_district_document_has_every_active_union_street_by_street(login, olivia):
    desheng = GrassrootsUnionFactory(name="甲工会", street=Street.DESHENG)
    xinjiekou = GrassrootsUnionFactory(name="乙工会", street=Street.XINJIEKOU)
    GrassrootsUnionFactory(street=Street.XINJIEKOU, active=False)

    response = login(olivia).get(ALL_URL)

    unions = [board.union for board in response.context["boards"]]
    assert set(unions) == {desheng, xinjiekou}
    assert response.content.decode().count('<article class="board"') == 2


def with_two_cadres(n):
    union = GrassrootsUnionFactory(name=f"工会{n:02d}")
    for _ in range(2):
        LiaisonAssignmentFactory(union=union, cadre=CadreFactory(department=DepartmentFactory()))
    return union


def test_the_district_document_costs_the_same_queries_for_1_union_as_for_6(
    login, olivia, django_assert_num_queries
):
    client = login(olivia)
    with_two_cadres(0)
    client.get(ALL_URL)  # warm the per-process caches before counting

    with CaptureQueriesContext(connection) as one_union:
        response = client.get(ALL_URL)
    assert len(response.context["boards"]) == 1

    for n in range(1, 6):
        with_two_cadres(n)
    with django_assert_num_queries(len(one_union)):
        response = client.get(ALL_URL)
    assert len(response.context["boards"]) == 6
    assert all(len(board.assignments) == 2 for board in response.context["boards"])


# Who sees which board


def test_an_anonymous_visitor_is_sent_to_log_in(client, hospital):
    for url in [INDEX_URL, board_url(hospital), street_url(), ALL_URL]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_alice_sees_and_prints_the_board_of_her_unit(login, alice, hospital, contacts):
    response = login(alice).get(board_url(hospital))

    assert response.status_code == 200
    assert decode_qr_codes(response.content.decode()) == [public_url(hospital)]


def test_alice_cannot_make_a_new_link_and_is_not_offered_one(login, alice, hospital, contacts):
    content = login(alice).get(board_url(hospital)).content.decode()

    assert reverse("boards:token-regenerate", args=[hospital.pk]) not in content


def test_alice_does_not_see_the_board_of_a_union_that_is_not_hers(login, alice, contacts):
    other = GrassrootsUnionFactory()

    assert login(alice).get(board_url(other)).status_code == 404


def test_alice_no_longer_sees_the_board_once_her_assignment_ended(login, alice, hospital):
    LiaisonAssignmentFactory(
        cadre=alice, union=hospital, ended_at=datetime.date(2026, 8, 1), end_reason="调整"
    )

    assert login(alice).get(board_url(hospital)).status_code == 404


def test_last_years_contact_cadre_does_not_see_the_board(login, alice, hospital):
    LiaisonAssignmentFactory(cadre=alice, union=hospital, year=2025)

    assert login(alice).get(board_url(hospital)).status_code == 404


@pytest.mark.parametrize("persona", ["bob", "carol", "nobody"])
def test_others_do_not_see_the_board(request, login, hospital, contacts, persona):
    response = login(request.getfixturevalue(persona)).get(board_url(hospital))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "nobody"])
def test_only_the_organization_department_prints_a_street_or_the_district(
    request, login, contacts, persona
):
    client = login(request.getfixturevalue(persona))

    assert client.get(street_url()).status_code == 403
    assert client.get(ALL_URL).status_code == 403


@pytest.mark.parametrize("persona", ["olivia", "admin_user"])
def test_the_organization_department_and_administrators_see_every_board(
    request, login, hospital, persona
):
    client = login(request.getfixturevalue(persona))

    assert client.get(board_url(hospital)).status_code == 200
    assert client.get(street_url()).status_code == 200
    assert client.get(ALL_URL).status_code == 200


def test_a_closed_union_has_no_board(login, olivia):
    closed = GrassrootsUnionFactory(active=False)

    assert login(olivia).get(board_url(closed)).status_code == 404


# The index page


def test_alice_finds_the_boards_of_her_units(login, alice, hospital, contacts):
    response = login(alice).get(INDEX_URL)

    assert response.status_code == 200
    assert response.context["my_unions"] == [hospital]
    assert not response.context["everything"]
    assert ALL_URL not in response.content.decode()


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_a_cadre_without_units_finds_none(request, login, contacts, persona):
    response = login(request.getfixturevalue(persona)).get(INDEX_URL)

    assert response.status_code == 200
    assert response.context["my_unions"] == []


def test_a_user_without_a_role_has_no_boards(login, nobody):
    assert login(nobody).get(INDEX_URL).status_code == 403


def test_olivia_finds_boards_by_street_and_by_name(login, olivia, hospital):
    GrassrootsUnionFactory(name="某某银行工会", street=Street.DESHENG)
    GrassrootsUnionFactory(street=Street.DESHENG, active=False)
    client = login(olivia)

    response = client.get(INDEX_URL)
    streets = dict(response.context["streets"])
    assert streets[Street.XINJIEKOU] == 1
    assert streets[Street.DESHENG] == 1
    assert response.context["union_count"] == 2
    assert ALL_URL in response.content.decode()

    assert client.get(INDEX_URL, {"q": "医院"}).context["found"] == [hospital]
    assert client.get(INDEX_URL, {"q": hospital.credit_code}).context["found"] == [hospital]


# A new link


def regenerate_url(union):
    return reverse("boards:token-regenerate", args=[union.pk])


def test_olivia_gives_a_union_a_new_link_and_the_old_one_stops_working(login, olivia, hospital):
    old_url = public_url(hospital)
    old_token = hospital.public_token
    client = login(olivia)

    response = client.post(regenerate_url(hospital))

    assert response.status_code == 302
    assert response.url == board_url(hospital)
    hospital.refresh_from_db()
    assert hospital.public_token != old_token
    assert Client().get(old_url).status_code == 404
    assert Client().get(public_url(hospital)).status_code == 200
    page = client.get(board_url(hospital))
    assert decode_qr_codes(page.content.decode()) == [public_url(hospital)]


def test_olivia_is_offered_a_new_link_on_the_board(login, olivia, hospital):
    content = login(olivia).get(board_url(hospital)).content.decode()

    assert regenerate_url(hospital) in content


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "nobody"])
def test_nobody_else_can_make_a_new_link(request, login, hospital, contacts, persona):
    token = hospital.public_token

    response = login(request.getfixturevalue(persona)).post(regenerate_url(hospital))

    assert response.status_code == 403
    hospital.refresh_from_db()
    assert hospital.public_token == token


def test_an_anonymous_visitor_cannot_make_a_new_link(client, hospital):
    token = hospital.public_token

    response = client.post(regenerate_url(hospital))

    assert response.status_code == 302
    assert GrassrootsUnion.objects.get(pk=hospital.pk).public_token == token


def test_a_new_link_is_made_by_post_only(login, olivia, hospital):
    token = hospital.public_token

    assert login(olivia).get(regenerate_url(hospital)).status_code == 405
    hospital.refresh_from_db()
    assert hospital.public_token == token
