"""Organization workbooks for the tests, built with openpyxl: the template's headers and a
good set of rows to spoil."""

import io

from openpyxl import Workbook

from tests.factories import make_credit_code

HEADERS = {
    "部室": ["部室名称", "排序", "牵头部门", "一般干部联系单位数"],
    "机关干部": ["工号", "姓名", "所在部室", "职级", "职务", "办公电话", "在职", "企业微信账号"],
    "基层工会": [
        "统一社会信用代码",
        "基层工会名称",
        "类型",
        "所属街道",
        "地址",
        "工会主席",
        "联系电话",
        "会员人数",
        "在用",
    ],
    "联系点": ["工号", "干部姓名", "统一社会信用代码", "基层工会名称", "年度"],
}
CODES = [make_credit_code(900 + n) for n in range(8)]


def good_rows() -> dict[str, list[list]]:
    return {
        "部室": [["宣传教育部", 3, "否", 2], ["法律工作部", 4, "否", 3]],
        "机关干部": [
            ["XC1001", "周处长", "宣传教育部", "处级", "部长", "010-66001001", "是", "ZhouCZ"],
            ["XC1002", "吴科员", "法律工作部", "科员", "一级科员", "010-66001002", "是", ""],
        ],
        "基层工会": [
            [
                CODES[0],
                "新街口商场工会",
                "直属基层工会",
                "新街口街道",
                "新街口北大街1号",
                "李红",
                "",
                120,
                "是",
            ],
            [CODES[1], "金融街某银行工会", "非公企业", "金融街", "", "", "", 300, ""],
            [CODES[2], "德胜科技公司工会", "", "德胜街道", "", "", "", "", "是"],
        ],
        "联系点": [
            ["XC1001", "周处长", CODES[0], "新街口商场工会", 2026],
            ["XC1001", "周处长", CODES[1], "", ""],
            ["XC1002", "吴科员", CODES[2], "", 2026],
        ],
    }


def build(rows: dict[str, list[list]] | None = None, headers=None, drop=()) -> io.BytesIO:
    """A workbook with the given rows under the template's headers (or the given ones)."""
    rows = good_rows() if rows is None else rows
    headers = headers or HEADERS
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, header in headers.items():
        if name in drop:
            continue
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows.get(name, []):
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
