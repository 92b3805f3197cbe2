"""The organization workbook (组织数据导入): reading it safely, and its first three sheets —
departments (部室), cadres (机关干部) and grassroots unions (基层工会).

Reading and checking write nothing: `plan_org` turns the rows into a plan and a list of every
problem found, by sheet, row and column; `OrgPlan.apply` writes the plan, inside the caller's
transaction. The contact-point sheet and the import as a whole live in `liaison.importer`
(this app knows nothing of the apps above it). Each sheet is matched on a natural key —
department name, staff number, credit code — so importing the same file twice changes nothing.
"""

import logging
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
from defusedxml import DefusedXmlException
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Model
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from unions.models import Cadre, Department, GrassrootsUnion, Street
from unions.roles import Role
from unions.validators import credit_code_check_character, validate_credit_code

logger = logging.getLogger(__name__)

# An xlsx is a zip of a few dozen XML files (the template has 24); thousands of members is not
# a workbook, and each one costs openpyxl work before a single row is read. The limits of size,
# compression ratio and sheets are settings (ORG_IMPORT_*).
MAX_ZIP_MEMBERS = 1000
# The compression-ratio cap applies to members larger than this: a small member cannot bomb,
# and tiny XML files compress oddly.
RATIO_FLOOR_BYTES = 1024 * 1024
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (OLE2)
ZIP_MAGIC = b"PK\x03\x04"

# The values a yes/no column takes. The sheet and column names below are the file format, in
# the federation's words: data, not interface text, so they do not change with the language.
YES, NO = "是", "否"
YES_VALUES = {"是", "Y", "YES", "TRUE", "1", "√", "在职", "在用", "正常"}
NO_VALUES = {"否", "N", "NO", "FALSE", "0", "×", "离职", "停用", "注销"}

SHEET_DEPARTMENTS = "部室"
SHEET_CADRES = "机关干部"
SHEET_UNIONS = "基层工会"


@dataclass(frozen=True)
class Column:
    header: str
    note: Promise
    example: object = None
    required: bool = False
    text: bool = False  # a code: formatted as text in the template so Excel keeps every digit
    # Offered as a drop-down list in the template: the values, or a function giving them.
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def notes(self) -> list[str]:
        return [str(column.note) for column in self.columns]

    def example(self) -> list[str]:
        return [_text(column.example) for column in self.columns]


@dataclass(frozen=True)
class Issue:
    """One problem of the file: where it is (sheet, Excel row, column letter and header; any of
    them empty for a problem of the whole file or sheet) and what is wrong."""

    message: str
    code: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    letter: str = ""

    def __str__(self) -> str:
        values = {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
        }
        if not self.sheet:
            return self.message
        if self.row and self.column and self.letter:
            return (
                _("Sheet “%(sheet)s”, row %(row)s, column %(letter)s (%(column)s): %(message)s")
                % values
            )
        if self.row and not self.column:
            return _("Sheet “%(sheet)s”, row %(row)s: %(message)s") % values
        if self.column:
            return _("Sheet “%(sheet)s”, column “%(column)s”: %(message)s") % values
        return _("Sheet “%(sheet)s”: %(message)s") % values


class WorkbookRefused(Exception):
    """The file as a whole cannot be read: nothing in it is looked at further. The code tells
    the kinds apart: "file" (not a workbook, damaged, empty, beyond the size or rows), or a
    hostile file's "parts", "unpacked-size", "ratio", "sheets", "hostile-xml"."""

    def __init__(self, message: str, code: str = "file"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Row:
    sheet: SheetSpec
    number: int  # the Excel row number
    values: dict[str, str]  # header → the cell as text ("" when empty)
    letters: dict[str, str]  # header → column letter
    issues: list[Issue] = field(default_factory=list)

    def has(self, header: str) -> bool:
        """The sheet has this column (a missing optional column leaves the field unchanged)."""
        return header in self.letters

    def get(self, header: str) -> str:
        return self.values.get(header, "")

    def error(self, header: str, message: str, code: str) -> None:
        self.issues.append(
            Issue(
                message=str(message),
                code=code,
                sheet=self.sheet.name,
                row=self.number,
                column=header,
                letter=self.letters.get(header, ""),
            )
        )


def _text(value) -> str:
    """A cell as text: numbers without a trailing ".0", dates as YYYY-MM-DD, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _header(value) -> str:
    return _text(value).rstrip("*＊").strip()


# --- Reading the file ---------------------------------------------------------------------


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    file.seek(0)
    return size


def _check_archive(file) -> None:
    """Refuse what is not an xlsx, or a damaged or inflating one, before openpyxl parses it."""
    limit = settings.ORG_IMPORT_MAX_BYTES
    if _size(file) > limit:
        raise WorkbookRefused(
            _("The file is larger than %(size)s MB; split it into several files.")
            % {"size": round(limit / 1024 / 1024, 1)}
        )
    head = file.read(8)
    file.seek(0)
    if not head:
        raise WorkbookRefused(_("The file is empty."))
    if head.startswith(XLS_MAGIC):
        raise WorkbookRefused(
            _(
                "This is an Excel 97–2003 workbook (.xls): open it in Excel or WPS, save it as "
                "an Excel workbook (.xlsx) and upload that."
            )
        )
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookRefused(
            _("This file is not an Excel workbook (.xlsx); please use the template.")
        )
    try:
        with zipfile.ZipFile(file) as archive:
            _check_inflation(archive.infolist())
            # Reads every member and checks its CRC. zipfile stops inflating a member at the
            # size its header declares, so a header that lies about the size fails the CRC.
            damaged = archive.testzip()
    except WorkbookRefused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression method zipfile does not know
    ) as error:
        logger.info("Organization import: damaged zip: %s", error)
        damaged = True
    finally:
        file.seek(0)
    if damaged:
        raise WorkbookRefused(_("The file is damaged and cannot be read as an Excel workbook."))


def _check_inflation(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from its directory alone, before a byte is inflated: too many members,
    too large unpacked, or compressed far beyond what an Excel workbook ever is (a real one
    compresses 5 to 30 times)."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise WorkbookRefused(
            _("The file holds %(n)s parts, more than an Excel workbook ever has; it was refused.")
            % {"n": len(members)},
            "parts",
        )
    limit = settings.ORG_IMPORT_MAX_UNZIPPED_BYTES
    if sum(info.file_size for info in members) > limit:
        raise WorkbookRefused(
            _("The workbook unpacks to more than %(size)s MB; split it into several files.")
            % {"size": round(limit / 1024 / 1024, 1)},
            "unpacked-size",
        )
    ratio = settings.ORG_IMPORT_MAX_RATIO
    for info in members:
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > ratio * info.compress_size:
            raise WorkbookRefused(
                _(
                    "The workbook is compressed more than %(ratio)s times, far more than an Excel "
                    "workbook ever is; it was refused."
                )
                % {"ratio": ratio},
                "ratio",
            )


def _unreadable(error: Exception) -> WorkbookRefused:
    # openpyxl raises many kinds of error for a file that is a zip but not a workbook, or whose
    # XML is broken or hostile (defusedxml refuses entities): all mean "cannot be read".
    logger.info("Organization import: unreadable workbook: %r", error)
    return WorkbookRefused(
        _("The file cannot be read as an Excel workbook (.xlsx); it may be damaged.")
    )


def _refusal(error: Exception) -> WorkbookRefused:
    """What to say of an error openpyxl raised: defusedxml's refusal may come wrapped (openpyxl
    raises a ValueError from it while it reads the worksheets)."""
    cause = error
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    return _unreadable(error) if cause is None else _hostile_xml(cause)


def _hostile_xml(error: DefusedXmlException) -> WorkbookRefused:
    logger.warning("Organization import: hostile XML refused: %r", error)
    return WorkbookRefused(
        _(
            "The file contains XML that an Excel workbook never has (entity or DTD "
            "declarations); it was refused as unsafe."
        ),
        "hostile-xml",
    )


def read_workbook(file, specs: Iterable[SheetSpec]) -> tuple[dict[str, list[Row]], list[Issue]]:
    """The data rows of each expected sheet, and the problems of the file's structure (a sheet
    or a required column missing, a formula in a column read). Raises `WorkbookRefused` for a
    file that cannot be read at all, an empty workbook, or one beyond the limits of
    settings.ORG_IMPORT_* (bytes, unpacked bytes, compression ratio, sheets, data rows).

    The template's note row and example row, and empty rows, are skipped."""
    if not openpyxl.DEFUSEDXML:
        # openpyxl parses through defusedxml only when it is installed and OPENPYXL_DEFUSEDXML
        # is not false; without it a hostile file could expand entities. Never read without it.
        raise ImproperlyConfigured(
            "openpyxl is not using defusedxml: install it, unset OPENPYXL_DEFUSEDXML."
        )
    specs = list(specs)
    _check_archive(file)
    try:
        # data_only=False: a formula is seen as one, and refused by its cell (_read_sheets).
        # With data_only=True a formula Excel never calculated (one written by a program)
        # would read as an empty cell and be imported as a blank.
        workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # noqa: BLE001 — see _unreadable
        raise _refusal(error) from error
    try:
        return _read_sheets(workbook, specs)
    except WorkbookRefused:
        raise
    except Exception as error:  # noqa: BLE001 — cells are parsed lazily, while reading rows
        raise _refusal(error) from error
    finally:
        workbook.close()


def _sheet_rows(worksheet):
    """The sheet's rows, each a tuple of cells (`.value`, `.data_type`: "f" for a formula)."""
    if not hasattr(worksheet, "iter_rows"):  # a chart sheet
        return iter(())
    # Some programs write a wrong size into the file; read what is really there.
    worksheet.reset_dimensions()
    return worksheet.iter_rows()


def _formula_issue(spec: SheetSpec, number: int, header: str, index: int, cell) -> Issue:
    formula = cell.value if isinstance(cell.value, str) else getattr(cell.value, "text", "")
    return Issue(
        message=_(
            "The cell holds a formula (%(formula)s): enter the value itself, e.g. copy the "
            "column and paste it back as values."
        )
        % {"formula": str(formula or "")[:50]},
        code="formula",
        sheet=spec.name,
        row=number,
        column=header,
        letter=get_column_letter(index + 1),
    )


def _read_sheets(workbook, specs) -> tuple[dict[str, list[Row]], list[Issue]]:
    sheet_limit = settings.ORG_IMPORT_MAX_SHEETS
    if len(workbook.sheetnames) > sheet_limit:
        raise WorkbookRefused(
            _(
                "The workbook has %(n)s sheets, more than %(limit)s: keep the sheets of the "
                "template and delete the others."
            )
            % {"n": len(workbook.sheetnames), "limit": sheet_limit},
            "sheets",
        )
    present = set(workbook.sheetnames)
    if not present & {spec.name for spec in specs} and not any(
        any(_text(cell.value) for cell in row)
        for name in workbook.sheetnames
        for row in _sheet_rows(workbook[name])
    ):
        raise WorkbookRefused(
            _("The workbook is empty: download the template, fill it in and upload it.")
        )
    limit = settings.ORG_IMPORT_MAX_ROWS
    counted = 0
    rows_by_sheet: dict[str, list[Row]] = {}
    issues: list[Issue] = []
    for spec in specs:
        rows_by_sheet[spec.name] = []
        if spec.name not in present:
            issues.append(
                Issue(
                    message=_("The sheet is missing; the template has every sheet needed."),
                    code="missing-sheet",
                    sheet=spec.name,
                )
            )
            continue
        cells = _sheet_rows(workbook[spec.name])
        header_row = next(cells, ())
        positions = {}
        for index, cell in enumerate(header_row):
            header = _header(cell.value)
            if header in spec.headers and header not in positions:
                positions[header] = index
        missing = [c.header for c in spec.columns if c.required and c.header not in positions]
        for header in missing:
            issues.append(
                Issue(
                    message=_("The column is missing (the headers are in row 1)."),
                    code="missing-column",
                    sheet=spec.name,
                    row=1,
                    column=header,
                )
            )
        letters = {header: get_column_letter(index + 1) for header, index in positions.items()}
        # The template's note and example rows, as they read in the columns the sheet has.
        skip = [
            {h: v for h, v in zip(spec.headers, row, strict=True) if h in positions}
            for row in (spec.notes(), spec.example())
        ]
        for number, raw in enumerate(cells, start=2):
            formulas = [
                _formula_issue(spec, number, header, index, raw[index])
                for header, index in positions.items()
                if index < len(raw) and raw[index].data_type == "f"
            ]
            values = {
                header: _text(raw[index].value) if index < len(raw) else ""
                for header, index in positions.items()
            }
            if formulas:
                # Refused before any value is looked at: its value is unknown.
                issues += formulas
                counted += 1
            elif not any(values.values()) or values in skip:
                continue
            else:
                counted += 1
            if counted > limit:
                raise WorkbookRefused(
                    _(
                        "The workbook has more than %(limit)s rows; split it into several files "
                        "of at most %(limit)s rows."
                    )
                    % {"limit": limit}
                )
            if not missing and not formulas:
                rows_by_sheet[spec.name].append(Row(spec, number, values, letters))
    if not issues and not counted:
        raise WorkbookRefused(_("The workbook has no rows to import below the headers."))
    return rows_by_sheet, issues


# --- Checking values ----------------------------------------------------------------------


def required(row: Row, header: str) -> str:
    value = row.get(header)
    if not value:
        row.error(header, _("Required."), "required")
    return value


def yes_no(row: Row, header: str) -> bool | None:
    """True, False, or None for an empty cell."""
    value = row.get(header).upper()
    if not value:
        return None
    if value in YES_VALUES:
        return True
    if value in NO_VALUES:
        return False
    row.error(header, _("Enter %(yes)s or %(no)s.") % {"yes": YES, "no": NO}, "yes-no")
    return None


def decimal_digits(text: str) -> int | None:
    """The whole number the text is, or None. Digits of any script int() reads (full-width
    ２０２６ too); not what is only a digit to `str.isdigit` (superscript ², which int() refuses),
    nor more digits than any column takes (int() refuses over 4,300)."""
    if text.isdecimal() and len(text) <= 18:
        return int(text)
    return None


def whole_number(row: Row, header: str, maximum: int = 32767) -> int | None:
    value = row.get(header)
    if not value:
        return None
    number = decimal_digits(value)
    if number is not None and number <= maximum:
        return number
    row.error(
        header,
        _("Enter a whole number from 0 to %(maximum)s.") % {"maximum": maximum},
        "number",
    )
    return None


def _labels(choices) -> dict[str, str]:
    """Each choice found by its value, its Chinese label (with and without the word 街道, for
    streets) and its English label, whatever language the import runs in."""
    found = {}
    for value, label in choices:
        found[value.upper()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                text = str(label)
            found[text.upper()] = value
            if text.endswith("街道"):
                found[text.removesuffix("街道")] = value
    return found


def _zh_labels(choices) -> tuple[str, ...]:
    with translation.override("zh-hans"):
        return tuple(str(label) for _value, label in choices)


def choice(row: Row, header: str, choices) -> str | None:
    value = row.get(header)
    if not value:
        return None
    found = _labels(choices).get(value.upper())
    if found is None:
        row.error(
            header,
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": "、".join(_zh_labels(choices))},
            "choice",
        )
    return found


def credit_code(row: Row, header: str) -> str:
    code = required(row, header).upper()
    if code:
        try:
            validate_credit_code(code)
        except ValidationError as error:
            row.error(header, " ".join(error.messages), "credit-code")
            return ""
    return code


def no_duplicate(row: Row, header: str, key: str, seen: dict[str, int]) -> bool:
    """False (and an error) when an earlier row of the sheet has the same key."""
    if not key:
        return True
    if key in seen:
        row.error(
            header,
            _("The same %(what)s as row %(row)s.") % {"what": header, "row": seen[key]},
            "duplicate",
        )
        return False
    seen[key] = row.number
    return True


def clean_fields(row: Row, instance: Model, columns: dict[str, str]) -> None:
    """The model's own field checks (lengths, choices, validators), each error placed on its
    column. `columns` maps field names to headers; foreign keys are checked by the caller."""
    try:
        instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.is_relation])
    except ValidationError as error:
        # A column already reported (e.g. "Required.") is not reported twice.
        reported = {issue.column for issue in row.issues}
        for name, messages in error.message_dict.items():
            header = columns.get(name, "")
            if header not in reported:
                row.error(header, " ".join(messages), "invalid")


def _set(instance: Model, values: dict) -> bool:
    """Set the given fields; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


# --- The three sheets ---------------------------------------------------------------------

DEPARTMENT_NAME, DEPARTMENT_ORDER, DEPARTMENT_LEAD, DEPARTMENT_UNITS = (
    "部室名称",
    "排序",
    "牵头部门",
    "一般干部联系单位数",
)
STAFF_NUMBER, CADRE_NAME, CADRE_DEPARTMENT, RANK, TITLE, PHONE, CADRE_ACTIVE = (
    "工号",
    "姓名",
    "所在部室",
    "职级",
    "职务",
    "办公电话",
    "在职",
)
CREDIT_CODE, UNION_NAME, KIND, STREET, ADDRESS, CHAIR, UNION_PHONE, MEMBERS, UNION_ACTIVE = (
    "统一社会信用代码",
    "基层工会名称",
    "类型",
    "所属街道",
    "地址",
    "工会主席",
    "联系电话",
    "会员人数",
    "在用",
)
EXAMPLE_DEPARTMENT = "办公室（示例）"
EXAMPLE_STAFF_NUMBER = "XC0001"
EXAMPLE_CREDIT_CODE = "91110102MA01A0000" + credit_code_check_character("91110102MA01A0000")
EXAMPLE_UNION = "北京某某科技有限公司工会（示例）"

DEPARTMENTS = SheetSpec(
    SHEET_DEPARTMENTS,
    (
        Column(
            DEPARTMENT_NAME,
            gettext_lazy("Required. The key: a name already there is updated, not added."),
            EXAMPLE_DEPARTMENT,
            required=True,
        ),
        Column(
            DEPARTMENT_ORDER,
            gettext_lazy("Order in lists: a whole number. Empty: unchanged (0 for a new one)."),
            1,
        ),
        Column(
            DEPARTMENT_LEAD,
            gettext_lazy("是 only for the Organization & Personnel Department (one at most)."),
            NO,
            choices=(YES, NO),
        ),
        Column(
            DEPARTMENT_UNITS,
            gettext_lazy(
                "How many contact units each cadre below division level holds (leaders hold 4). "
                "Empty: unchanged (1 for a new one)."
            ),
            2,
        ),
    ),
)
CADRES = SheetSpec(
    SHEET_CADRES,
    (
        Column(
            STAFF_NUMBER,
            gettext_lazy(
                "Required. The key: a staff number already there is updated. The login name is "
                "the staff number in lower case."
            ),
            EXAMPLE_STAFF_NUMBER,
            required=True,
            text=True,
        ),
        Column(CADRE_NAME, gettext_lazy("Required."), "张伟（示例）", required=True),
        Column(
            CADRE_DEPARTMENT,
            gettext_lazy("Required: a department of the sheet 部室 or one already in the system."),
            EXAMPLE_DEPARTMENT,
            required=True,
        ),
        Column(
            RANK,
            gettext_lazy("Required: 局级 or 处级 is a division-level-or-above leader (4 units)."),
            "处级",
            required=True,
            choices=("局级", "处级", "科级", "科员"),
        ),
        Column(TITLE, gettext_lazy("For example 部长, 副主任, 一级主任科员."), "主任"),
        Column(PHONE, gettext_lazy("Shown on the notice board."), "010-66001234", text=True),
        Column(
            CADRE_ACTIVE,
            gettext_lazy("是 or 否. Empty: unchanged (是 for a new cadre)."),
            YES,
            choices=(YES, NO),
        ),
    ),
)
UNIONS = SheetSpec(
    SHEET_UNIONS,
    (
        Column(
            CREDIT_CODE,
            gettext_lazy(
                "Required: 18 characters (GB 32100-2015). The key: a code already there is "
                "updated, not added. Keep this column as text."
            ),
            EXAMPLE_CREDIT_CODE,
            required=True,
            text=True,
        ),
        Column(UNION_NAME, gettext_lazy("Required."), EXAMPLE_UNION, required=True),
        Column(
            KIND,
            gettext_lazy("直属基层工会, 非公企业 or 其他. Empty: 直属基层工会 for a new union."),
            "直属基层工会",
            choices=lambda: _zh_labels(GrassrootsUnion.Kind.choices),
        ),
        Column(
            STREET,
            gettext_lazy("Required: one of the 15 streets of Xicheng, e.g. 新街口街道."),
            "新街口街道",
            required=True,
            choices=lambda: _zh_labels(Street.choices),
        ),
        Column(ADDRESS, gettext_lazy("Optional."), "西城区新街口北大街1号"),
        Column(CHAIR, gettext_lazy("Optional."), "李红"),
        Column(UNION_PHONE, gettext_lazy("Optional."), "010-66005678", text=True),
        Column(
            MEMBERS,
            gettext_lazy("Number of union members: a whole number. Empty: unchanged (0 for new)."),
            120,
        ),
        Column(
            UNION_ACTIVE,
            gettext_lazy("是 or 否. Empty: unchanged (是 for a new union)."),
            YES,
            choices=(YES, NO),
        ),
    ),
)
ORG_SHEETS = (DEPARTMENTS, CADRES, UNIONS)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class CadreAfter:
    """What a cadre will be once the plan is written (for the contact-point sheet's checks)."""

    staff_number: str
    name: str
    active: bool
    is_leader: bool
    pk: int | None  # None: created by this import


@dataclass
class UnionAfter:
    credit_code: str
    name: str
    active: bool
    pk: int | None


@dataclass
class OrgPlan:
    """Departments, cadres and unions to create or update, all checked."""

    departments: list[tuple[Department, bool]] = field(default_factory=list)  # (obj, changed)
    cadres: list[tuple[Cadre, bool, str]] = field(default_factory=list)  # (obj, changed, dept)
    unions: list[tuple[GrassrootsUnion, bool]] = field(default_factory=list)
    cadres_after: dict[str, CadreAfter] = field(default_factory=dict)  # by upper staff number
    unions_after: dict[str, UnionAfter] = field(default_factory=dict)  # by credit code
    # Keys of rows that are reported already: a reference to them is not reported again.
    refused_keys: set[str] = field(default_factory=set)

    def apply(self, user=None) -> dict[str, Counts]:
        """Write the plan (inside the caller's transaction). Returns what happened per sheet."""
        counts = {name: Counts() for name in (SHEET_DEPARTMENTS, SHEET_CADRES, SHEET_UNIONS)}
        # A department losing the lead is saved before the one gaining it (one lead at most).
        departments = sorted(self.departments, key=lambda item: item[0].is_lead)
        by_name = {d.name: d for d in Department.objects.all()}
        for department, changed in departments:
            _save(department, changed, counts[SHEET_DEPARTMENTS])
            by_name[department.name] = department
        cadre_group = Group.objects.get(name=Role.CADRE.group_name)
        User = get_user_model()
        for cadre, changed, department_name in self.cadres:
            department = by_name[department_name]
            if cadre.department_id != department.pk:
                cadre.department = department
                changed = True
            if cadre.pk is None:
                login = User(username=cadre.staff_number.lower())
                login.set_unusable_password()
                login.full_clean(exclude=["password"])
                login.save()
                login.groups.add(cadre_group)
                cadre.user = login
            _save(cadre, changed, counts[SHEET_CADRES])
        for union, changed in self.unions:
            _save(union, changed, counts[SHEET_UNIONS])
        # The contact-point sheet finds what was just created by these keys.
        for cadre, _changed, _department in self.cadres:
            self.cadres_after[cadre.staff_number.upper()].pk = cadre.pk
        for union, _changed in self.unions:
            self.unions_after[union.credit_code].pk = union.pk
        return counts

    def cadre(self, staff_number: str) -> CadreAfter | None:
        return self.cadres_after.get(staff_number.upper())

    def union(self, code: str) -> UnionAfter | None:
        return self.unions_after.get(code.upper())

    def look_up_unions(self, codes: Iterable[str]) -> None:
        """Know these unions too (those in the database but not in the union sheet). One
        query."""
        missing = {code.upper() for code in codes} - set(self.unions_after)
        for union in GrassrootsUnion.objects.filter(credit_code__in=missing):
            self.unions_after[union.credit_code] = UnionAfter(
                union.credit_code, union.name, union.active, union.pk
            )


def _save(instance: Model, changed: bool, counts: Counts) -> None:
    if instance.pk is None:
        instance.full_clean()
        instance.save()
        counts.created += 1
    elif changed:
        instance.full_clean()
        instance.save()
        counts.updated += 1
    else:
        counts.unchanged += 1


def plan_org(rows: dict[str, list[Row]]) -> tuple[OrgPlan, list[Issue]]:
    """Check every row of the three sheets against each other and the database; nothing is
    written. A few queries, whatever the number of rows."""
    plan = OrgPlan()
    issues: list[Issue] = []
    department_names = _plan_departments(plan, rows.get(SHEET_DEPARTMENTS, []))
    _plan_cadres(plan, rows.get(SHEET_CADRES, []), department_names)
    _plan_unions(plan, rows.get(SHEET_UNIONS, []))
    for name in (SHEET_DEPARTMENTS, SHEET_CADRES, SHEET_UNIONS):
        for row in rows.get(name, []):
            issues += row.issues
    return plan, issues


def _plan_departments(plan: OrgPlan, rows: list[Row]) -> set[str]:
    existing = {d.name: d for d in Department.objects.all()}
    seen: dict[str, int] = {}
    lead_rows: list[tuple[Row, str]] = []
    leads_after = {name for name, d in existing.items() if d.is_lead}
    for row in rows:
        name = required(row, DEPARTMENT_NAME)
        values = {}
        order = whole_number(row, DEPARTMENT_ORDER)
        if order is not None:
            values["order"] = order
        lead = yes_no(row, DEPARTMENT_LEAD)
        if lead is not None:
            values["is_lead"] = lead
        units = whole_number(row, DEPARTMENT_UNITS, maximum=100)
        if units is not None:
            values["units_per_cadre"] = units
        if not no_duplicate(row, DEPARTMENT_NAME, name, seen) or not name:
            continue
        department = existing.get(name) or Department(name=name)
        changed = _set(department, values)
        clean_fields(
            row,
            department,
            {
                "name": DEPARTMENT_NAME,
                "order": DEPARTMENT_ORDER,
                "units_per_cadre": DEPARTMENT_UNITS,
            },
        )
        if lead is True:
            leads_after.add(name)
            lead_rows.append((row, name))
        elif lead is False:
            leads_after.discard(name)
        plan.departments.append((department, changed))
    if len(leads_after) > 1:
        for row, name in lead_rows:
            others = "、".join(sorted(leads_after - {name}))
            row.error(
                DEPARTMENT_LEAD,
                _("Only one department can lead the programme; %(others)s already does.")
                % {"others": others},
                "lead",
            )
    return set(existing) | set(seen)


def _plan_cadres(plan: OrgPlan, rows: list[Row], department_names: set[str]) -> None:
    existing = {c.staff_number.upper(): c for c in Cadre.objects.select_related("department")}
    for key, cadre in existing.items():
        plan.cadres_after[key] = CadreAfter(
            cadre.staff_number, cadre.name, cadre.active, cadre.is_leader, cadre.pk
        )
    usernames = {row.get(STAFF_NUMBER).lower() for row in rows}
    taken = set(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    seen: dict[str, int] = {}
    for row in rows:
        number = required(row, STAFF_NUMBER).upper()
        name = required(row, CADRE_NAME)
        department_name = required(row, CADRE_DEPARTMENT)
        if department_name and department_name not in department_names:
            row.error(
                CADRE_DEPARTMENT,
                _(
                    "No department named “%(name)s”: add it to the sheet “%(sheet)s” "
                    "or check the name."
                )
                % {"name": department_name, "sheet": SHEET_DEPARTMENTS},
                "unknown-department",
            )
        rank = required(row, RANK) and choice(row, RANK, Cadre.Rank.choices)
        active = yes_no(row, CADRE_ACTIVE)
        if not no_duplicate(row, STAFF_NUMBER, number, seen) or not number:
            continue
        cadre = existing.get(number)
        if cadre is None:
            cadre = Cadre(staff_number=number, department=None)
            try:
                get_user_model().username_validator(number.lower())
            except ValidationError as error:
                row.error(STAFF_NUMBER, " ".join(error.messages), "invalid")
            if number.lower() in taken:
                row.error(
                    STAFF_NUMBER,
                    _(
                        "The login name “%(username)s” (the staff number in lower case) "
                        "already belongs to another account."
                    )
                    % {"username": number.lower()},
                    "username-taken",
                )
        values = {"name": name}
        if rank:
            values["rank"] = rank
        for header, field_name in ((TITLE, "title"), (PHONE, "phone")):
            if row.has(header):
                values[field_name] = row.get(header)
        if active is not None:
            values["active"] = active
        elif cadre.pk is None:
            values["active"] = True
        changed = _set(cadre, values)
        clean_fields(
            row,
            cadre,
            {
                "staff_number": STAFF_NUMBER,
                "name": CADRE_NAME,
                "rank": RANK,
                "title": TITLE,
                "phone": PHONE,
            },
        )
        if cadre.pk is not None and cadre.department.name != department_name:
            changed = True
        plan.cadres.append((cadre, changed, department_name))
        plan.cadres_after[number] = CadreAfter(
            number, cadre.name, cadre.active, cadre.is_leader, cadre.pk
        )


def _plan_unions(plan: OrgPlan, rows: list[Row]) -> None:
    codes = {row.get(CREDIT_CODE).upper() for row in rows}
    existing = {u.credit_code: u for u in GrassrootsUnion.objects.filter(credit_code__in=codes)}
    seen: dict[str, int] = {}
    for row in rows:
        code = credit_code(row, CREDIT_CODE)
        if not code:
            plan.refused_keys.add(row.get(CREDIT_CODE).upper())
        name = required(row, UNION_NAME)
        street = required(row, STREET) and choice(row, STREET, Street.choices)
        kind = choice(row, KIND, GrassrootsUnion.Kind.choices)
        members = whole_number(row, MEMBERS, maximum=10_000_000)
        active = yes_no(row, UNION_ACTIVE)
        if not no_duplicate(row, CREDIT_CODE, code, seen) or not code:
            continue
        union = existing.get(code) or GrassrootsUnion(credit_code=code)
        values = {"name": name}
        if street:
            values["street"] = street
        for header, field_name, default in (
            (KIND, "kind", GrassrootsUnion.Kind.DIRECT),
            (MEMBERS, "member_count", 0),
            (UNION_ACTIVE, "active", True),
        ):
            value = {KIND: kind, MEMBERS: members, UNION_ACTIVE: active}[header]
            if value is not None:
                values[field_name] = value
            elif union.pk is None:
                values[field_name] = default
        for header, field_name in ((ADDRESS, "address"), (CHAIR, "chair"), (UNION_PHONE, "phone")):
            if row.has(header):
                values[field_name] = row.get(header)
        changed = _set(union, values)
        clean_fields(
            row,
            union,
            {
                "credit_code": CREDIT_CODE,
                "name": UNION_NAME,
                "street": STREET,
                "kind": KIND,
                "address": ADDRESS,
                "chair": CHAIR,
                "phone": UNION_PHONE,
                "member_count": MEMBERS,
            },
        )
        plan.unions.append((union, changed))
        plan.unions_after[code] = UnionAfter(code, union.name, union.active, union.pk)


# --- The template -------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="F8D7DA")
NOTE_FONT = Font(italic=True, color="6C757D", size=9)
EXAMPLE_FONT = Font(color="6C757D")


def add_template_sheet(workbook, spec: SheetSpec, max_rows: int) -> None:
    """One sheet of the template: headers (row 1, each with its note as a comment), the note row
    (row 2) and an example row (row 3); both are skipped on import, even if left in place."""
    sheet = workbook.create_sheet(spec.name)
    sheet.append(spec.headers)
    sheet.append(spec.notes())
    sheet.append([column.example for column in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True, color="B8001F" if column.required else "000000")
        header.fill = HEADER_FILL
        header.comment = Comment(str(column.note), "组织人事部")
        note = sheet.cell(row=2, column=index)
        note.font = NOTE_FONT
        note.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=3, column=index).font = EXAMPLE_FONT
        sheet.column_dimensions[letter].width = max(14, len(column.header) * 2 + 4)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=3, column=index).number_format = "@"
        choices = column.choices() if callable(column.choices) else column.choices
        if choices:
            validation = DataValidation(
                type="list", formula1='"{}"'.format(",".join(choices)), allow_blank=True
            )
            validation.add(f"{letter}3:{letter}{max_rows + 3}")
            sheet.add_data_validation(validation)
    sheet.row_dimensions[2].height = 60
    sheet.freeze_panes = "A3"
