"""The blank organization workbook offered for download: each sheet's header, notes and example."""

import logging

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from unions.org_import.workbook import SheetSpec

logger = logging.getLogger(__name__)


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
