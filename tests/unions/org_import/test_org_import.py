"""The Excel import of the organization: workbooks built here with openpyxl, good and bad; the
service (`liaison.importer.org_import`) and the management command `import_org`."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from tests.factories import (
    CadreFactory,
    DepartmentFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    make_credit_code,
)
from tests.org_workbooks import CODES, HEADERS, build, good_rows
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment, Street
from unions.org_import import points as importer
from unions.org_import.points import org_import, template_workbook
from unions.roles import Role
from unions.validators import credit_code_check_character

pytestmark = pytest.mark.django_db


def run(file, olivia=None, **kwargs):
    kwargs.setdefault("year", 2026)
    return org_import(file, user=getattr(olivia, "user", None), **kwargs)


def counts():
    return (
        Department.objects.count(),
        Cadre.objects.count(),
        GrassrootsUnion.objects.count(),
        LiaisonAssignment.objects.count(),
        get_user_model().objects.count(),
    )


def issue_codes(result) -> list[str]:
    return [issue.code for issue in result.issues]


def the_issue(result, code):
    found = [issue for issue in result.issues if issue.code == code]
    assert found, result.issues
    return found[0]


# A good workbook


def test_a_good_workbook_creates_everything(olivia):
    result = run(build(), olivia)

    assert result.ok, result.issues
    assert {name: c.created for name, c in result.sheets} == {
        "部室": 2,
        "机关干部": 2,
        "基层工会": 3,
        "联系点": 3,
    }
    leader = Cadre.objects.get(staff_number="XC1001")
    assert leader.rank == Cadre.Rank.DIVISION and leader.is_leader
    assert leader.department.name == "宣传教育部"
    union = GrassrootsUnion.objects.get(credit_code=CODES[1])
    assert (union.kind, union.street, union.member_count) == ("non_public", Street.JINRONGJIE, 300)
    assert union.active  # empty 在用: a new union is active
    assert GrassrootsUnion.objects.get(credit_code=CODES[2]).kind == GrassrootsUnion.Kind.DIRECT
    points = LiaisonAssignment.objects.filter(year=2026)
    assert {(p.cadre.staff_number, p.union.credit_code) for p in points} == {
        ("XC1001", CODES[0]),
        ("XC1001", CODES[1]),
        ("XC1002", CODES[2]),
    }
    assert {p.assigned_by for p in points} == {olivia.user}


def test_each_new_cadre_gets_a_login_without_a_password_in_the_cadre_group(olivia):
    run(build(), olivia)

    user = Cadre.objects.get(staff_number="XC1002").user
    assert user.username == "xc1002"
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [Role.CADRE.group_name]


def test_the_year_column_falls_back_to_the_year_chosen(olivia):
    rows = good_rows()
    rows["联系点"] = [["XC1001", "", CODES[0], "", ""]]

    run(build(rows), olivia, year=2027)

    assert LiaisonAssignment.objects.get().year == 2027


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(olivia):
    before = counts()

    result = run(build(), olivia, dry_run=True)

    assert result.ok
    assert dict(result.sheets)["联系点"].created == 3
    assert counts() == before


def test_rows_may_refer_to_what_is_already_in_the_system(olivia, department):
    cadre = CadreFactory(department=department, staff_number="XC2001")
    union = GrassrootsUnionFactory()
    rows = {"联系点": [["XC2001", "", union.credit_code, "", 2026]]}

    result = run(build(rows), olivia)

    assert result.ok, result.issues
    assert LiaisonAssignment.objects.get().cadre == cadre


# Importing again


def test_importing_the_same_file_again_changes_nothing(olivia):
    run(build(), olivia)
    before = counts()

    result = run(build(), olivia)

    assert result.ok
    assert all(c.created == 0 and c.updated == 0 for _name, c in result.sheets)
    assert dict(result.sheets)["联系点"].unchanged == 3
    assert counts() == before


def test_a_re_import_updates_by_natural_key_and_never_duplicates(olivia):
    run(build(), olivia)
    rows = good_rows()
    rows["部室"][0][3] = 3  # 宣传教育部: 3 units per cadre
    rows["机关干部"][1][1] = "吴新名"
    rows["机关干部"][1][2] = "宣传教育部"
    rows["机关干部"][1][6] = "否"
    rows["基层工会"][0][1] = "新街口商场有限公司工会"
    rows["基层工会"][0][0] = rows["基层工会"][0][0].lower()  # a key typed in lower case
    before = counts()

    result = run(build(rows), olivia)

    assert result.ok, result.issues
    assert counts() == before
    assert Department.objects.get(name="宣传教育部").units_per_cadre == 3
    cadre = Cadre.objects.get(staff_number="XC1002")
    assert (cadre.name, cadre.department.name, cadre.active) == ("吴新名", "宣传教育部", False)
    assert GrassrootsUnion.objects.get(credit_code=CODES[0]).name == "新街口商场有限公司工会"
    assert dict(result.sheets)["机关干部"].updated == 1


def test_a_missing_optional_column_leaves_its_field_as_it_was(olivia):
    run(build(), olivia)
    headers = dict(HEADERS)
    headers["机关干部"] = ["工号", "姓名", "所在部室", "职级"]
    rows = {"机关干部": [["XC1001", "周处长", "宣传教育部", "处级"]]}

    result = run(build(rows, headers=headers), olivia)

    assert result.ok, result.issues
    assert Cadre.objects.get(staff_number="XC1001").phone == "010-66001001"


# Every row is checked; all problems at once; nothing written


def test_every_kind_of_row_problem_is_reported_at_once_by_sheet_row_and_column(olivia):
    bad_code = CODES[3][:17] + ("0" if CODES[3][17] != "0" else "1")
    rows = good_rows()
    rows["机关干部"].append(["XC1003", "郑干部", "不存在部", "科员", "", "", ""])
    rows["基层工会"].append([bad_code, "校验位错工会", "", "德胜街道", "", "", "", "", ""])
    rows["基层工会"].append([CODES[0], "重复代码工会", "", "德胜街道", "", "", "", "", ""])
    rows["联系点"].append(["XC9999", "查无此人", CODES[2], "", 2026])
    extra = [make_credit_code(950 + n) for n in range(3)]
    for code in extra:
        rows["基层工会"].append([code, f"工会{code[-4:]}", "", "天桥街道", "", "", "", "", ""])
        rows["联系点"].append(["XC1001", "", code, "", 2026])
    before = counts()

    result = run(build(rows), olivia)

    assert not result.ok
    assert counts() == before
    found = {(i.code, i.sheet, i.row, i.column) for i in result.issues}
    assert ("unknown-department", "机关干部", 4, "所在部室") in found
    assert ("credit-code", "基层工会", 5, "统一社会信用代码") in found
    assert ("duplicate", "基层工会", 6, "统一社会信用代码") in found
    assert ("unknown-cadre", "联系点", 5, "工号") in found
    # XC1001 has 2 points in the file; the 3rd and 4th new ones are fine, the 5th is over 4.
    assert ("leader-limit", "联系点", 8, "工号") in found
    assert len([c for c in issue_codes(result) if c == "leader-limit"]) == 1
    assert the_issue(result, "credit-code").letter == "A"
    assert "row 5" in str(the_issue(result, "credit-code")) or "第 5 行" in str(
        the_issue(result, "credit-code")
    )


def test_a_missing_column_is_reported_with_its_sheet(olivia):
    headers = dict(HEADERS)
    headers["基层工会"] = [h for h in HEADERS["基层工会"] if h != "所属街道"]
    headers["联系点"] = [h for h in HEADERS["联系点"] if h != "工号"]

    result = run(build({}, headers=headers), olivia)

    assert {(i.code, i.sheet, i.column) for i in result.issues} == {
        ("missing-column", "基层工会", "所属街道"),
        ("missing-column", "联系点", "工号"),
    }


def test_a_leader_over_four_counts_the_units_already_held(olivia, department):
    leader = CadreFactory(department=department, staff_number="XC3001", rank=Cadre.Rank.BUREAU)
    for union in GrassrootsUnionFactory.create_batch(3):
        LiaisonAssignmentFactory(cadre=leader, union=union)
    unions = GrassrootsUnionFactory.create_batch(2)
    rows = {"联系点": [["XC3001", "", u.credit_code, "", 2026] for u in unions]}

    result = run(build(rows), olivia)

    assert [(i.code, i.row) for i in result.issues] == [("leader-limit", 3)]
    assert LiaisonAssignment.objects.filter(cadre=leader).count() == 3


def test_a_leader_of_the_file_is_limited_even_when_promoted_by_it(olivia, department):
    staff = CadreFactory(department=department, staff_number="XC3002", rank=Cadre.Rank.STAFF)
    unions = GrassrootsUnionFactory.create_batch(5)
    rows = {
        "机关干部": [["XC3002", staff.name, department.name, "局级", "副主席", "", ""]],
        "联系点": [["XC3002", "", u.credit_code, "", ""] for u in unions],
    }

    result = run(build(rows), olivia)

    assert issue_codes(result) == ["leader-limit"]


@pytest.mark.parametrize(
    ("row", "code", "column"),
    [
        (["XC1", "某某", "宣传教育部", "处长级", "", "", ""], "choice", "职级"),
        (["XC1", "某某", "宣传教育部", "科员", "", "", "也许"], "yes-no", "在职"),
        (["", "某某", "宣传教育部", "科员", "", "", ""], "required", "工号"),
        (["XC1", "", "宣传教育部", "科员", "", "", ""], "required", "姓名"),
        (["XC1", "某某", "宣传教育部", "科员", "x" * 60, "", ""], "invalid", "职务"),
    ],
)
def test_cadre_rows_are_checked_column_by_column(olivia, department, row, code, column):
    result = run(build({"机关干部": [row]}), olivia)

    assert [(i.code, i.column, i.row) for i in result.issues] == [(code, column, 2)]


def test_a_union_in_an_unknown_street_is_refused(olivia):
    rows = {"基层工会": [[CODES[5], "某工会", "", "朝阳门街道", "", "", "", "", ""]]}

    result = run(build(rows), olivia)

    assert [(i.code, i.column) for i in result.issues] == [("choice", "所属街道")]


def test_a_login_name_already_taken_is_refused(olivia, department):
    get_user_model().objects.create_user(username="xc4001")
    rows = {"机关干部": [["XC4001", "新人", department.name, "科员", "", "", ""]]}

    result = run(build(rows), olivia)

    assert issue_codes(result) == ["username-taken"]


def test_a_second_lead_department_is_refused(olivia, lead_department):
    rows = {"部室": [["新部室", 9, "是", 2]]}

    result = run(build(rows), olivia)

    assert [(i.code, i.column) for i in result.issues] == [("lead", "牵头部门")]


def test_points_of_inactive_cadres_or_unions_are_refused(olivia, department):
    CadreFactory(department=department, staff_number="XC5001", active=False)
    closed = GrassrootsUnionFactory(active=False)
    open_union = GrassrootsUnionFactory()
    CadreFactory(department=department, staff_number="XC5002")
    rows = {
        "联系点": [
            ["XC5001", "", open_union.credit_code, "", 2026],
            ["XC5002", "", closed.credit_code, "", 2026],
            ["XC5002", "", CODES[7], "", 2026],
            ["XC5002", "", open_union.credit_code, "", 1999],
        ]
    }

    result = run(build(rows), olivia)

    assert [(i.code, i.row) for i in result.issues] == [
        ("inactive-cadre", 2),
        ("inactive-union", 3),
        ("unknown-union", 4),
        ("year", 5),
    ]


def test_a_failing_import_writes_nothing_even_from_its_good_rows(olivia):
    rows = good_rows()
    rows["基层工会"][2][3] = "不知道街道"
    before = counts()

    result = run(build(rows), olivia)

    assert issue_codes(result) == ["choice"]
    assert counts() == before


def test_a_refusal_while_writing_rolls_everything_back(olivia, monkeypatch):
    """Someone may change the data between the check and the write: the service still has the
    last word, and then nothing of the file stays."""
    real = importer.assignment_create
    calls = []

    def refuse_the_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ValidationError("已被他人分配", code="duplicate")
        return real(**kwargs)

    monkeypatch.setattr(importer, "assignment_create", refuse_the_second)
    before = counts()

    result = run(build(), olivia)

    assert issue_codes(result) == ["refused"]
    assert the_issue(result, "refused").sheet == "联系点"
    assert counts() == before


# Bad files


def xlsx_bytes() -> bytes:
    return build().getvalue()


def test_a_file_that_is_not_a_workbook_gets_a_message(olivia):
    result = run(io.BytesIO("工号,姓名\nXC1,张三\n".encode()), olivia)

    assert issue_codes(result) == ["file"]
    assert result.issues[0].sheet == ""


def test_an_old_xls_file_gets_a_message(olivia):
    result = run(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), olivia)

    assert issue_codes(result) == ["file"]
    assert ".xls" in result.issues[0].message


def test_a_corrupted_zip_gets_a_message(olivia):
    data = xlsx_bytes()

    truncated = run(io.BytesIO(data[: len(data) // 2]), olivia)
    flipped = bytearray(data)
    middle = len(flipped) // 3
    flipped[middle : middle + 40] = bytes(40)
    damaged = run(io.BytesIO(bytes(flipped)), olivia)

    assert issue_codes(truncated) == ["file"]
    assert issue_codes(damaged) == ["file"]


def test_a_zip_that_is_not_a_workbook_gets_a_message(olivia):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")

    result = run(io.BytesIO(buffer.getvalue()), olivia)

    assert issue_codes(result) == ["file"]


def test_an_empty_workbook_gets_a_message(olivia):
    buffer = io.BytesIO()
    Workbook().save(buffer)

    result = run(io.BytesIO(buffer.getvalue()), olivia)

    assert issue_codes(result) == ["file"]


def test_a_workbook_with_headers_but_no_rows_gets_a_message(olivia):
    result = run(build({}), olivia)

    assert issue_codes(result) == ["file"]


def test_a_missing_sheet_is_named(olivia):
    result = run(build(drop=("基层工会",)), olivia)

    assert [(i.code, i.sheet) for i in result.issues] == [("missing-sheet", "基层工会")]


def test_more_rows_than_the_limit_are_refused(olivia, settings):
    settings.ORG_IMPORT_MAX_ROWS = 9
    rows = good_rows()  # 10 rows in all
    before = counts()

    result = run(build(rows), olivia)

    assert issue_codes(result) == ["file"]
    assert "9" in result.issues[0].message
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused(olivia, settings):
    settings.ORG_IMPORT_MAX_BYTES = 1000

    result = run(build(), olivia)

    assert issue_codes(result) == ["file"]


# The template


def test_the_template_has_the_four_sheets_with_headers_notes_and_an_example():
    workbook = load_workbook(io.BytesIO(template_workbook()))

    assert workbook.sheetnames == ["部室", "机关干部", "基层工会", "联系点"]
    for name, headers in HEADERS.items():
        sheet = workbook[name]
        assert [cell.value for cell in sheet[1]] == headers
        assert all(cell.comment for cell in sheet[1])
        assert all(cell.value for cell in sheet[2])  # the note row
        assert sheet[3][0].value  # the example row
    code = workbook["基层工会"]["A3"].value
    assert code[17] == credit_code_check_character(code[:17])


def test_the_template_as_downloaded_imports_nothing_and_writes_nothing(olivia):
    before = counts()

    result = run(io.BytesIO(template_workbook()), olivia)

    assert issue_codes(result) == ["file"]  # no rows below the headers
    assert counts() == before


def test_the_template_filled_in_below_its_example_rows_imports(olivia):
    workbook = load_workbook(io.BytesIO(template_workbook()))
    for name, rows in good_rows().items():
        for row in rows:
            workbook[name].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = run(io.BytesIO(buffer.getvalue()), olivia)

    assert result.ok, result.issues
    assert not Department.objects.filter(name__contains="示例").exists()
    assert LiaisonAssignment.objects.count() == 3


# The management command


@pytest.fixture
def workbook_file(tmp_path):
    def _write(rows=None):
        path = tmp_path / "org.xlsx"
        path.write_bytes(build(rows).getvalue())
        return str(path)

    return _write


def test_the_command_with_dry_run_reports_and_writes_nothing(workbook_file, capsys):
    DepartmentFactory(name="组织人事部", is_lead=True)
    before = counts()

    call_command("import_org", workbook_file(), "--dry-run", "--year", "2026")

    out = capsys.readouterr().out
    assert "联系点" in out and "3" in out
    assert counts() == before


def test_the_command_imports(workbook_file, capsys):
    call_command("import_org", workbook_file(), "--year", "2026")

    assert LiaisonAssignment.objects.filter(year=2026).count() == 3
    assert LiaisonAssignment.objects.first().assigned_by is None


def test_the_command_prints_every_problem_and_fails(workbook_file, capsys):
    rows = good_rows()
    rows["机关干部"][0][2] = "不存在部"
    rows["基层工会"][0][0] = rows["联系点"][0][2] = "123"

    with pytest.raises(CommandError):
        call_command("import_org", workbook_file(rows))

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2  # the contact point of the bad code is not reported a second time
    assert all("机关干部" in line or "基层工会" in line for line in err)
    assert Cadre.objects.count() == 0


def test_the_command_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_org", str(tmp_path / "nowhere.xlsx"))
