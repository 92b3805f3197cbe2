"""The organization import against any value in any cell: property-based tests (hypothesis).
Workbooks are built in memory with openpyxl, the template's headers over rows of anything —
text of any script and length, numbers huge and negative, dates, times, booleans, formulas —
mixed with plausible values (known departments, valid credit codes, the choices of each
column) so that the checks behind the first one are reached too.

The promise: no exception escapes; a refused file is a list of problems, each naming its sheet,
row and column (or the one whole-file refusal of a workbook with nothing to import); a check
(dry run) writes nothing."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.factories import CadreFactory, GrassrootsUnionFactory
from tests.org_workbooks import CODES, HEADERS, build, good_rows
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment, Street
from unions.org_import.points import org_import

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NO_ROWS = "The workbook has no rows to import below the headers."


def cell_text(text: str) -> str:
    # openpyxl cannot write the C0 control characters XML 1.0 forbids (Excel cannot either).
    return ILLEGAL_CHARACTERS_RE.sub("", text)


anything = st.one_of(
    st.none(),
    st.text(max_size=30).map(cell_text),
    st.text(st.characters(codec="utf-8"), max_size=300).map(cell_text),
    st.builds(lambda c, n: c * n, st.sampled_from(["字", "x", " "]), st.integers(0, 5000)),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),  # Excel stores neither
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
formulas = st.sampled_from(["=1+1", "=A1", '=HYPERLINK("http://example.com")', "=", "'=1"])
PLAUSIBLE = {
    "部室名称": ["宣传教育部", "法律工作部", "新部室"],
    "排序": [1, 2, "1"],
    "牵头部门": ["是", "否", "Y", ""],
    "一般干部联系单位数": [1, 2, 100, 101],
    "工号": ["XC1001", "XC1002", "alice", "ALICE", "xc 1", "XC1001 "],
    "姓名": ["周处长", "吴科员"],
    "所在部室": ["宣传教育部", "法律工作部", "新部室"],
    "职级": ["处级", "科员", "局级"],
    "在职": ["是", "否"],
    "统一社会信用代码": [*CODES[:3], CODES[0].lower(), CODES[0][:17]],
    "基层工会名称": ["新街口商场工会", "某某工会"],
    "类型": ["直属基层工会", "非公企业"],
    "所属街道": [Street.XINJIEKOU.value, "新街口街道", "金融街"],
    "会员人数": [0, 120, 10_000_001],
    "在用": ["是", "否"],
    "干部姓名": ["周处长"],
    "年度": [2026, 2015, 2101, "2026"],
}


def column(header: str):
    # hypothesis draws each branch of one_of about equally: plausible values 3 times in 5.
    plausible = st.sampled_from(PLAUSIBLE.get(header, [""]))
    return st.one_of(plausible, plausible, plausible, anything, anything)


def sheet_rows(headers: list[str]):
    row = st.tuples(*(column(header) for header in headers)).map(list)
    return st.lists(row, max_size=3)


def _with_formula(drawn):
    rows, formula = drawn
    if formula is not None:
        sheet, row, index, text = formula
        if rows[sheet]:
            rows[sheet][row % len(rows[sheet])][index % len(HEADERS[sheet])] = text
    return rows


# A formula refuses the row before any other check: one workbook in four has one.
workbooks = st.tuples(
    st.fixed_dictionaries({name: sheet_rows(headers) for name, headers in HEADERS.items()}),
    st.one_of(
        st.none(),
        st.none(),
        st.none(),
        st.tuples(st.sampled_from(list(HEADERS)), st.integers(0, 2), st.integers(0, 8), formulas),
    ),
).map(_with_formula)


def counts():
    return (
        Department.objects.count(),
        Cadre.objects.count(),
        GrassrootsUnion.objects.count(),
        LiaisonAssignment.objects.count(),
        get_user_model().objects.count(),
    )


@pytest.fixture
def existing(alice, bob, olivia):
    """Some of what the rows may refer to is in the database already."""
    GrassrootsUnionFactory(credit_code=CODES[1], name="金融街某银行工会")
    CadreFactory(staff_number="XC1002", department=bob.department, active=False)


def test_any_cell_values_give_a_result_whose_problems_name_their_cell(olivia, existing):
    before = counts()

    @FUZZ
    @given(rows=workbooks)
    def check(rows):
        workbook = build(rows)
        with translation.override("en"):
            result = org_import(workbook, user=olivia.user, year=2026, dry_run=True)
        assert_located(result)
        assert counts() == before

    check()


def assert_located(result):
    """Every problem names its sheet, row and column; or the one refusal of an empty file."""
    for issue in result.issues:
        if issue.code == "file":
            assert issue.message == NO_ROWS, issue
            assert len(result.issues) == 1
            continue
        assert issue.sheet in HEADERS, issue
        assert issue.row and issue.row >= 2, issue
        assert issue.column in HEADERS[issue.sheet], issue
        assert issue.letter, issue
        assert issue.message.strip(), issue


def spoiled_cell():
    return st.sampled_from(list(HEADERS)).flatmap(
        lambda sheet: st.tuples(
            st.just(sheet),
            st.integers(0, 2),
            st.sampled_from(HEADERS[sheet]).flatmap(
                lambda header: st.tuples(
                    st.just(HEADERS[sheet].index(header)), st.one_of(column(header), formulas)
                )
            ),
        )
    )


def test_a_good_workbook_with_cells_spoiled_imports_all_or_nothing(olivia, existing):
    """Random rows rarely get past the first checks: these spoil one to three cells of a good
    workbook, so the writing (inside a transaction rolled back after each example) is reached.
    A refused workbook writes nothing; an accepted one writes."""

    @FUZZ
    @given(spoiled=st.lists(spoiled_cell(), min_size=1, max_size=3))
    def check(spoiled):
        rows = good_rows()
        for sheet, row, (index, value) in spoiled:
            rows[sheet][row % len(rows[sheet])][index] = value
        before = counts()
        with transaction.atomic(), translation.override("en"):
            result = org_import(build(rows), user=olivia.user, year=2026)
            after = counts()
            transaction.set_rollback(True)
        assert_located(result)
        if result.ok:
            assert after != before
        else:
            assert after == before

    check()


def test_the_good_workbook_the_fuzz_spoils_imports(olivia, existing):
    """The fuzz above spoils cells of this workbook: untouched, it imports."""
    result = org_import(build(), user=olivia.user, year=2026, dry_run=True)

    assert result.ok, result.issues
