"""Hostile and broken workbooks against the organization import: a zip bomb, XML bombs,
files that are not a zip, formulas, too many sheets or parts. Every file is built here, in the
test. Each is refused with a message of its own — on the upload page (400, never a 500) and
by `manage.py import_org` — and the database is left exactly as it was."""

import io
import zipfile

import openpyxl
import pytest
from defusedxml import EntitiesForbidden
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import Workbook

from tests.org_workbooks import build, good_rows
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment
from unions.org_import import workbook as unions_importer
from unions.org_import.points import org_import

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"  # the first sheet, 部室, as tests.org_workbooks writes it
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def counts():
    return (
        Department.objects.count(),
        Cadre.objects.count(),
        GrassrootsUnion.objects.count(),
        LiaisonAssignment.objects.count(),
        get_user_model().objects.count(),
    )


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook `data` with one of its parts replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        assert name in source.namelist()
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info))
    return out.getvalue()


def zip_bomb(unpacked_mb: int = 300) -> bytes:
    """A real workbook whose first sheet inflates to `unpacked_mb` MB: written a megabyte at a
    time, so the test never holds it in memory (about 300 kB packed, a second to build)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(build().getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info))
                continue
            with target.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData>'.encode())
                chunk = b'<row r="1"><c r="A1" t="inlineStr"><is><t>X</t></is></c></row>' * (
                    MB // 64
                )
                for _ in range(unpacked_mb):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE worksheet [\n<!ENTITY lol0 "lol">\n'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n' for n in range(1, 10))
    + f']>\n<worksheet xmlns="{SPREADSHEET_NS}"><sheetData><row r="1">'
    '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
).encode()
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData><row r="1">'
    '<c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row></sheetData></worksheet>'
).encode()


def xml_bomb() -> bytes:
    """Billion laughs: ten entities of ten, 10⁹ "lol"s (3 GB) if anything expanded them."""
    return replace_member(build().getvalue(), SHEET, BILLION_LAUGHS)


def formula_workbook() -> bytes:
    """Good rows, but two cells are formulas that no Excel ever calculated (openpyxl writes a
    string starting with "=" as a formula, without a cached value)."""
    rows = good_rows()
    rows["机关干部"][1][1] = '=CONCATENATE("吴","科员")'  # row 3, column B (姓名)
    rows["基层工会"][0][7] = "=100+20"  # row 2, column H (会员人数)
    return build(rows).getvalue()


def many_sheets(n: int) -> bytes:
    workbook = build()
    book = openpyxl.load_workbook(workbook)
    for index in range(n - len(book.sheetnames)):
        book.create_sheet(f"附表{index}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def many_parts(n: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index in range(n):
            archive.writestr(f"part{index}.xml", "<a/>")
    return out.getvalue()


NOT_A_ZIP = "部室名称,排序\n宣传教育部,1\n".encode()

# name → (the file, the code of its refusal, what its message says in English)
HOSTILE = {
    "zip bomb": (zip_bomb, "unpacked-size", "unpacks to more than 100.0 MB"),
    "xml bomb": (xml_bomb, "hostile-xml", "entity or DTD"),
    "external entity": (
        lambda: replace_member(build().getvalue(), SHEET, EXTERNAL_ENTITY),
        "hostile-xml",
        "entity or DTD",
    ),
    "not a zip": (lambda: NOT_A_ZIP, "file", "not an Excel workbook"),
    "too many sheets": (lambda: many_sheets(25), "sheets", "25 sheets, more than 20"),
    "too many parts": (lambda: many_parts(1500), "parts", "1500 parts"),
}


def run(data: bytes, olivia, **kwargs):
    with translation.override("en"):
        return org_import(io.BytesIO(data), user=olivia.user, year=2026, **kwargs)


# The service


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_by_a_message_and_writes_nothing(olivia, name):
    make, code, message = HOSTILE[name]
    before = counts()

    result = run(make(), olivia)

    assert [issue.code for issue in result.issues] == [code]
    assert message in result.issues[0].message
    assert counts() == before


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_openpyxl_opens_it(olivia, monkeypatch):
    opened = []
    monkeypatch.setattr(unions_importer, "load_workbook", lambda *a, **k: opened.append(1) or 1 / 0)

    result = run(zip_bomb(), olivia)

    assert [issue.code for issue in result.issues] == ["unpacked-size"]
    assert opened == []


def test_a_part_compressed_beyond_the_ratio_is_refused_even_under_the_size_limit(olivia):
    data = zip_bomb(unpacked_mb=20)  # 20 MB from about 20 kB: ~1000 times

    result = run(data, olivia)

    assert [issue.code for issue in result.issues] == ["ratio"]
    assert "compressed more than 100 times" in result.issues[0].message


def test_the_limits_are_settings(olivia, settings):
    settings.ORG_IMPORT_MAX_UNZIPPED_BYTES = 1000  # a normal workbook unpacks to ~20 kB
    too_big = run(build().getvalue(), olivia)
    settings.ORG_IMPORT_MAX_UNZIPPED_BYTES = 100 * MB
    settings.ORG_IMPORT_MAX_SHEETS = 3  # the four sheets of the template
    too_many = run(build().getvalue(), olivia)
    settings.ORG_IMPORT_MAX_SHEETS = 20
    settings.ORG_IMPORT_MAX_RATIO = 2  # a normal workbook's sheets compress 5 to 30 times
    compressed = run(zip_bomb(unpacked_mb=2), olivia)

    assert [issue.code for issue in too_big.issues] == ["unpacked-size"]
    assert [issue.code for issue in too_many.issues] == ["sheets"]
    assert "more than 3" in too_many.issues[0].message
    assert "more than 2 times" in compressed.issues[0].message


def test_openpyxl_parses_through_defusedxml():
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")
    assert functions.fromstring.__module__.startswith("defusedxml")


def test_the_xml_bomb_is_stopped_by_defusedxml_not_by_chance(olivia, caplog):
    run(xml_bomb(), olivia)

    refused = [r for r in caplog.records if "hostile XML" in r.getMessage()]
    assert refused and EntitiesForbidden.__name__ in refused[0].getMessage()


def test_an_entity_in_another_part_is_refused_as_well(olivia):
    # The styles are parsed whole (fromstring) when the workbook opens; the sheets are streamed
    # (iterparse) when rows are read: both go through defusedxml.
    data = replace_member(
        build().getvalue(), "xl/styles.xml", BILLION_LAUGHS.replace(b"worksheet", b"styleSheet")
    )

    result = run(data, olivia)

    assert [issue.code for issue in result.issues] == ["hostile-xml"]


def test_the_import_refuses_without_defusedxml(olivia, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)

    with pytest.raises(ImproperlyConfigured):
        org_import(build(), user=olivia.user, year=2026)


# Formulas


def test_formulas_are_refused_each_by_its_sheet_row_and_column(olivia):
    before = counts()

    result = run(formula_workbook(), olivia)

    assert [(i.code, i.sheet, i.row, i.letter, i.column) for i in result.issues] == [
        ("formula", "机关干部", 3, "B", "姓名"),
        ("formula", "基层工会", 2, "H", "会员人数"),
    ]
    assert "=100+20" in result.issues[1].message
    assert counts() == before


def test_a_formula_outside_the_columns_read_does_not_matter(olivia):
    rows = good_rows()
    rows["部室"][0].append("=B2*2")  # a column of the user's own, right of the template's

    result = run(build(rows).getvalue(), olivia)

    assert result.ok, result.issues


def test_a_text_that_only_looks_like_a_formula_is_a_value(olivia):
    workbook = openpyxl.load_workbook(build())
    cell = workbook["机关干部"]["E2"]  # 职务
    cell.value = "=部长"
    cell.data_type = "s"  # typed as text (in Excel: a leading apostrophe)
    out = io.BytesIO()
    workbook.save(out)

    result = run(out.getvalue(), olivia)

    assert result.ok, result.issues
    assert Cadre.objects.get(staff_number="XC1001").title == "=部长"


# The upload page and the command give the same refusals


@pytest.fixture(params=[*HOSTILE, "formulas"])
def bad_file(request):
    if request.param == "formulas":
        return formula_workbook(), "formula"
    make, code, _message = HOSTILE[request.param]
    return make(), code


def test_the_upload_page_shows_the_refusal_and_writes_nothing(login, olivia, bad_file):
    data, code = bad_file
    upload = io.BytesIO(data)
    upload.name = "org.xlsx"
    before = counts()

    response = login(olivia).post(reverse("assignments:import"), {"file": upload, "year": 2026})

    assert response.status_code == 400
    issues = response.context["result"].issues
    assert {issue.code for issue in issues} == {code}
    page = response.content.decode()
    assert 'data-testid="import-refused"' in page
    assert all(escape(issue.message) in page for issue in issues)
    assert counts() == before


def test_the_command_prints_the_refusal_and_writes_nothing(tmp_path, capsys, bad_file):
    data, _code = bad_file
    path = tmp_path / "org.xlsx"
    path.write_bytes(data)
    expected = [str(issue) for issue in org_import(io.BytesIO(data), user=None, year=2026).issues]
    before = counts()

    with pytest.raises(CommandError):
        call_command("import_org", str(path), "--dry-run", "--year", "2026")
    with pytest.raises(CommandError):
        call_command("import_org", str(path), "--year", "2026")

    err = capsys.readouterr().err
    assert expected and all(err.count(line) == 2 for line in expected)
    assert counts() == before


def test_an_empty_sheet_of_any_kind_is_no_formula(olivia):
    workbook = Workbook()
    workbook.active.title = "说明"
    out = io.BytesIO()
    workbook.save(out)

    result = run(out.getvalue(), olivia)

    assert [issue.code for issue in result.issues] == ["file"]
