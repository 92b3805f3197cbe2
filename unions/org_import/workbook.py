"""The organization workbook (组织数据导入): reading it safely, and its first three sheets —
departments (部室), cadres (机关干部) and grassroots unions (基层工会).

Reading and checking write nothing: `plan_org` turns the rows into a plan and a list of every
problem found, by sheet, row and column; `OrgPlan.apply` writes the plan, inside the caller's
transaction. The contact-point sheet and the import as a whole live in `unions.org_import.points`
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
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

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
