"""The record register (记录单备案登记表): every filed sheet of a period with all its fields, as
an Excel workbook. alice is a cadre of 宣传教育部, carol its head, bob a cadre of 法律工作部,
olivia the organization department. Today is Tuesday 2026-11-24."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from records.models import ContactForm, ExportJob, Problem, VisitRecord
from records.register.workbook import COLUMNS
from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    ProblemFactory,
    VisitRecordFactory,
)
from unions.models import Street

pytestmark = pytest.mark.django_db

PAGE = reverse("records:register")
EXPORT = reverse("records:register-export")


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def exported(client, params):
    """Ask for the register as the page does (POST), follow to the export's page, download it.
    (Tasks run at once in tests: the workbook is built before the redirect.)"""
    response = client.post(EXPORT, params)
    assert response.status_code == 302, response.content
    page = client.get(response.url)
    assert page.status_code == 200
    job = page.context["job"]
    assert job.status == ExportJob.Status.DONE, job.error
    return client.get(reverse("records:export-download", args=[job.pk]))


def workbook(response):
    assert response.status_code == 200
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def register_sheet(response):
    book = workbook(response)
    assert book.sheetnames == [zh("Record register")]
    return book.worksheets[0]


def data_rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]


def filed(cadre, on=datetime.date(2026, 11, 10), **fields):
    return VisitRecordFactory(
        cadre=cadre,
        start_date=on,
        filed_at=timezone.make_aware(datetime.datetime(on.year, on.month, on.day, 18, 30)),
        **fields,
    )


@pytest.fixture
def full_record(alice):
    """A sheet with every field filled in, two problems (one transferred)."""
    record = filed(
        alice,
        union=GrassrootsUnionFactory(
            name="北京西单商场工会", credit_code="91110102MA00000079", street=Street.JINRONGJIE
        ),
        end_date=datetime.date(2026, 11, 11),
        days=Decimal("1.5"),
        contact_form=ContactForm.FACE_TO_FACE,
        area_needs=True,
        area_policy=False,
        area_problems=True,
        area_self=False,
        questions_prepared="夜班职工的通勤问题",
        people_met="工会主席张某",
        workers_met=12,
        needs_and_opinions="希望增开班车",
        policies_publicised="职工互助保障",
        actions_on_spot="联系公交公司",
        transport_accepted=False,
        gifts_accepted=True,
        banquet_accepted=False,
        integrity_explanation="收到企业宣传册一本",
        outside_assignment=True,
    )
    ProblemFactory(record=record)
    ProblemFactory(
        record=record, resolution=Problem.Resolution.TRANSFER, status=Problem.Status.RAISED
    )
    return record


# --- Who may export -------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    for url in (PAGE, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["alice", "bob", "admin_user"])
def test_cadres_and_administrators_may_not_export_the_register(request, login, persona):
    client = login(request.getfixturevalue(persona))

    assert client.get(PAGE).status_code == 403
    assert client.post(EXPORT, {"year": 2026}).status_code == 403


def test_the_organization_department_chooses_any_department(login, olivia, department):
    response = login(olivia).get(PAGE)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["department"].required is False
    assert department in form.fields["department"].queryset
    assert response.context["form"]["year"].value() == 2026
    assert f'action="{EXPORT}"' in response.content.decode()


def test_a_department_head_exports_her_own_department_only(
    login, carol, alice, bob, department, other_department
):
    mine, _theirs = filed(alice), filed(bob)
    client = login(carol)
    form = client.get(PAGE).context["form"]
    assert list(form.fields["department"].queryset) == [department]
    assert form.fields["department"].empty_label is None  # no "all departments"

    for params in ({"department": department.pk}, {}):
        sheet = register_sheet(exported(client, {"year": 2026, **params}))
        assert [row[0] for row in data_rows(sheet)] == [mine.pk]
        assert "宣传教育部" in sheet["A1"].value


def test_a_department_head_may_not_export_another_department(login, carol, other_department):
    response = login(carol).post(EXPORT, {"year": 2026, "department": other_department.pk})

    assert response.status_code == 403


# --- The workbook ---------------------------------------------------------------------------


def test_the_register_is_a_titled_sheet_with_a_frozen_filtered_header(login, olivia, full_record):
    response = exported(login(olivia), {"year": 2026})

    assert 'filename="record-register-2026.xlsx"' in response["Content-Disposition"]
    sheet = register_sheet(response)
    with translation.override("zh-hans"):
        title = gettext("Register of filed work record sheets, %(period)s, %(department)s") % {
            "period": gettext("Year %(year)s") % {"year": 2026},
            "department": "全部部室",
        }
        header = [str(column.header) for column in COLUMNS]
    assert sheet["A1"].value == title
    assert sheet["A2"].value == "制表时间：2026-11-24 10:00"
    assert [cell.value for cell in sheet[3]] == header
    assert header[:5] == ["编号", "机关干部", "工号", "部室", "基层工会"]
    assert len(header) == 29
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:AC4"
    assert sheet.column_dimensions["A"].width == 7
    assert sheet.column_dimensions["E"].width == 28
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4


def test_each_row_carries_every_field_of_the_sheet(login, olivia, alice, full_record):
    sheet = register_sheet(exported(login(olivia), {"year": 2026}))

    (row,) = data_rows(sheet)
    assert dict(zip([cell.value for cell in sheet[3]], row, strict=True)) == {
        "编号": full_record.pk,
        "机关干部": "李爱丽",
        "工号": alice.staff_number,
        "部室": "宣传教育部",
        "基层工会": "北京西单商场工会",
        "统一社会信用代码": "91110102MA00000079",
        "街道": "金融街街道",
        "开始日期": datetime.datetime(2026, 11, 10),
        "结束日期": datetime.datetime(2026, 11, 11),
        "工作日数": 1.5,
        "联系形式": zh("Face-to-face talks with union cadres and workers"),
        "了解职工需求": "是",
        "开展政策调研": None,
        "协商解决问题": "是",
        "强化自身建设": None,
        "事先准备的问题": "夜班职工的通勤问题",
        "接触人员": "工会主席张某",
        "接触职工人数": 12,
        "职工需求和意见建议": "希望增开班车",
        "宣传的政策": "职工互助保障",
        "现场解决情况": "联系公交公司",
        "基层车辆接送": "未接受",
        "基层礼品馈赠": "接受",
        "基层宴请": "未接受",
        "情况说明": "收到企业宣传册一本",
        "非本人联系点": "是",
        "备案时间": datetime.datetime(2026, 11, 10, 18, 30),
        "反映的问题": 2,
        zh("Of them transferred"): 1,
    }


def test_only_filed_sheets_of_the_period_and_department_are_in_it(
    login, olivia, alice, bob, department
):
    in_q4 = filed(alice, datetime.date(2026, 10, 1))
    in_q3 = filed(alice, datetime.date(2026, 9, 30))
    of_bob = filed(bob, datetime.date(2026, 11, 2))
    filed(alice, datetime.date(2025, 12, 31))
    VisitRecordFactory(cadre=alice, status=VisitRecord.Status.DRAFT)
    VisitRecordFactory(cadre=alice, status=VisitRecord.Status.RETURNED)
    client = login(olivia)

    def ids(**params):
        return [row[0] for row in data_rows(register_sheet(exported(client, params)))]

    assert ids(year=2026) == [in_q3.pk, in_q4.pk, of_bob.pk]  # by the contact's date
    assert ids(year=2026, quarter=4) == [in_q4.pk, of_bob.pk]
    assert ids(year=2026, department=department.pk) == [in_q3.pk, in_q4.pk]
    assert ids(start="2026-09-30", end="2026-10-01") == [in_q3.pk, in_q4.pk]


def test_the_dates_win_over_the_year_and_name_the_file(login, olivia, alice):
    record = filed(alice, datetime.date(2025, 6, 1))

    response = exported(login(olivia), {"year": 2026, "start": "2025-06-01", "end": "2025-06-30"})

    assert 'filename="record-register-20250601-20250630.xlsx"' in response["Content-Disposition"]
    sheet = register_sheet(response)
    assert "2025-06-01 – 2025-06-30" in sheet["A1"].value
    assert [row[0] for row in data_rows(sheet)] == [record.pk]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-01-01"}, "Give both dates, or none and a year."),
        ({"start": "2026-03-01", "end": "2026-01-01"}, "The start date is after the end date."),
        ({}, "Choose a year, or give two dates."),
    ],
)
def test_a_period_that_is_not_one_is_explained_on_the_page(login, olivia, params, message):
    response = login(olivia).post(EXPORT, params)

    assert response.status_code == 400
    assert zh(message) in response.content.decode()


def test_an_empty_register_still_has_its_header(login, olivia):
    sheet = register_sheet(exported(login(olivia), {"year": 2026, "quarter": 1}))

    assert sheet.max_row == 3
    assert sheet["A3"].value == "编号"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_text_that_looks_like_a_formula_is_written_as_text(login, olivia, alice, start):
    text = f'{start}HYPERLINK("http://example.org","点我")'
    filed(alice, questions_prepared=text, people_met=text)

    sheet = register_sheet(exported(login(olivia), {"year": 2026}))

    for cell in (sheet["P4"], sheet["Q4"]):
        assert cell.value == text
        assert cell.data_type == "s"


# --- Query counts: flat in the number of records --------------------------------------------


def test_the_export_costs_the_same_queries_for_1_record_and_for_50(
    login, olivia, department, django_assert_num_queries
):
    client = login(olivia)

    def add(count):
        for n in range(count):
            # A cadre and a union of its own for every record, and a problem on each.
            record = filed(CadreFactory(department=department), datetime.date(2026, 11, 1 + n % 20))
            ProblemFactory(record=record)

    def export():
        return len(data_rows(register_sheet(exported(client, {"year": 2026}))))

    add(1)
    export()  # the session and the like, once
    with CaptureQueriesContext(connection) as one:
        assert export() == 1
    add(49)

    with django_assert_num_queries(len(one.captured_queries)):
        assert export() == 50


@pytest.mark.parametrize(
    ("persona", "shown"), [("olivia", True), ("carol", True), ("alice", False)]
)
def test_the_menu_offers_the_register_to_those_who_may_export_it(request, login, persona, shown):
    response = login(request.getfixturevalue(persona)).get(reverse("records:record-list"))

    assert (f'href="{PAGE}"' in response.content.decode()) is shown


def test_the_records_are_read_in_chunks_without_losing_or_repeating_one(
    login, olivia, alice, monkeypatch
):
    monkeypatch.setattr("records.register.workbook.CHUNK_SIZE", 2)
    # Five sheets, three on one day: a chunk ends in the middle of that day.
    days = [datetime.date(2026, 11, d) for d in (3, 3, 2, 3, 4)]
    records = [filed(alice, day) for day in days]
    expected = [r.pk for r in sorted(records, key=lambda r: (r.start_date, r.pk))]

    sheet = register_sheet(exported(login(olivia), {"year": 2026}))

    assert [row[0] for row in data_rows(sheet)] == expected
