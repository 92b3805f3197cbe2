"""The workbook conventions of `records.excel`: whatever text goes into a workbook (sheet name,
title, header, cell, with a row fill or without) stays text, never a formula."""

from io import BytesIO

from openpyxl import load_workbook
from openpyxl.styles import PatternFill

from records import excel

COLUMNS = [excel.Column("plain")]
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-1-1", "@SUM(A1)"]


def saved(workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue()))


def formulas(book) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_no_text_anywhere_in_a_sheet_becomes_a_formula():
    workbook = excel.new_workbook()
    for index, text in enumerate(HOSTILE):
        excel.add_sheet(
            workbook,
            name=text,
            title=text,
            columns=[excel.Column(text), excel.Column("plain")],
            rows=[[text, 1], [text, None]],
            row_count=2,
            fills=[None, PatternFill("solid", fgColor="D9D9D9")] if index % 2 else None,
        )

    book = saved(workbook)

    assert formulas(book) == []
    for sheet in book.worksheets:
        text = sheet["A1"].value
        assert text in HOSTILE
        assert [sheet["A3"].value, sheet["A4"].value, sheet["A5"].value] == [text] * 3


def test_sheet_names_are_made_valid_and_distinct():
    workbook = excel.new_workbook()
    for name in ["工会/财务:部[1]", "x" * 40, "X" * 40]:
        excel.add_sheet(workbook, name=name, title="t", columns=COLUMNS, rows=[], row_count=0)

    assert saved(workbook).sheetnames == ["工会_财务_部_1_", "x" * 31, "X" * 27 + " (2)"]
