"""Excel workbooks the way the organization department needs them: a title and the date in the
first rows, the header frozen, filters on, widths set, A4 landscape; written in openpyxl's
write-only mode from an iterator, so memory does not grow with the rows.

Every text this module writes (title, date line, headers, cells, with a fill or without) goes
through `text_cell` or `_value`: a text that starts with = + - @ is written as text, never as a
formula. Sheet names go through `sheet_name` (Excel's rules; a name is no cell, so no formula)."""

import datetime
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@")
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


@dataclass
class Column:
    header: str
    width: float = 14


def text_cell(sheet: Worksheet, value) -> WriteOnlyCell:
    """The one way a text that may start like a formula becomes a cell: typed as text, with
    Excel's leading apostrophe (openpyxl would otherwise write `=...` as a live formula)."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unused sheet name: at most 31 characters, none of []:*?/\\ (Excel's rules),
    compared without case as Excel does; `taken` gets the name."""
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'")[:31] or "_"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def add_sheet(
    workbook: Workbook,
    *,
    name: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    row_count: int,
    fills: Iterable | None = None,
) -> None:
    """One sheet: title, date made, header (frozen, filtered), then `rows` streamed.
    `fills` (optional, in step with rows) gives a PatternFill or None per row."""
    taken = {existing.casefold() for existing in workbook.sheetnames}
    sheet = workbook.create_sheet(title=sheet_name(name, taken))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 3
    sheet.freeze_panes = f"A{header_row + 1}"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(row_count, 1)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"

    heading = text_cell(sheet, str(title))
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet.append([text_cell(sheet, _("Made on %(date)s") % {"date": made})])
    header = []
    for column in columns:
        cell = text_cell(sheet, str(column.header))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    sheet.append(header)
    fills = iter(fills) if fills is not None else None
    for row in rows:
        fill = next(fills) if fills is not None else None
        if fill is None:
            sheet.append([_value(sheet, value) for value in row])
            continue
        cells = [text_cell(sheet, _plain(value)) for value in row]
        for cell in cells:
            cell.fill = fill
        sheet.append(cells)


def _value(sheet: Worksheet, value):
    """A plain value where it can be one: openpyxl then reuses one cell for the whole row. (A
    cell object per value is first tried as a value, fails, and costs a new cell: on 100,000
    rows that was about a quarter of the time of a register.) An empty text is an empty cell."""
    value = _plain(value)
    if value == "":
        return None
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return text_cell(sheet, value)
    return value


def _plain(value):
    """Values openpyxl writes as they are: dates stay dates, lazy strings become text."""
    if value is None or isinstance(value, int | float | datetime.date | datetime.datetime):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    if hasattr(value, "is_finite"):  # Decimal
        return float(value)
    return str(value)


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def workbook_response(workbook: Workbook, filename: str) -> FileResponse:
    """Save to a temporary file (not memory) and stream it to the browser."""
    # Not a context manager: FileResponse closes the file when the response is sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
