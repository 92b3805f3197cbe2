"""Filing (备案) a work record sheet through the page: each rule, one change from a valid sheet.

Today is Tuesday 2026-11-24; the default sheet is an on-site visit on Monday 2026-11-23.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from records.models import Attachment, Problem, ProblemEvent, VisitRecord
from records.sheets.services import zero_days_reason
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory, VisitRecordFactory
from tests.helpers import TEXTS, form_values, sheet, solved_on_the_spot, to_transfer

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(20)


def zh(message: str) -> str:
    """The message as the zh-hans page shows it (its msgid while it is not translated yet)."""
    with translation.override("zh-hans"):
        return gettext(message)


def errors(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.status_code
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


def problem_errors(response, index: int) -> dict[str, list[str]]:
    return dict(response.context["formset"].forms[index].errors)


def error_summary(response) -> str:
    match = re.search(r'<div[^>]*id="error-summary".*?</div>', response.content.decode(), re.S)
    assert match, "the error summary at the top of the page"
    return match.group(0)


@pytest.fixture
def other_union(db):
    """A union alice was not assigned: she found it with the search box."""
    return GrassrootsUnionFactory(name="西城区某某医院工会")


def create(client, data):
    return client.post(reverse("records:record-create"), data)


def the_record(alice) -> VisitRecord:
    return VisitRecord.objects.get(cadre=alice)


# Filing a sheet


def test_a_complete_sheet_is_filed(as_alice, alice, unit):
    response = create(as_alice, sheet(unit))

    record = the_record(alice)
    assert response.status_code == 302
    assert response.url == reverse("records:record-detail", args=[record.pk])
    assert record.status == VisitRecord.Status.FILED
    assert record.filed_at == timezone.now()
    assert record.union == unit
    assert record.start_date == record.end_date == datetime.date(2026, 11, 23)
    assert record.days == Decimal("1")
    assert record.area_needs and record.area_problems and not record.area_policy
    assert record.questions_prepared == TEXTS["questions_prepared"]
    assert record.workers_met == 12
    assert record.has_integrity_exception is False


def test_a_draft_needs_only_a_union(as_alice, alice, unit):
    problems_management_form = {
        name: value for name, value in sheet(unit).items() if name.startswith("problems-")
    }
    data = {"union": str(unit.pk), "action": "draft", **problems_management_form}

    response = create(as_alice, data)

    assert response.status_code == 302
    record = the_record(alice)
    assert record.status == VisitRecord.Status.DRAFT
    assert record.filed_at is None
    assert record.start_date is None
    assert record.transport_accepted is None


def test_a_draft_keeps_what_was_typed(as_alice, alice, unit):
    create(as_alice, sheet(unit, action="draft", days="1.5", start_date="2026-11-20"))

    record = the_record(alice)
    assert record.status == VisitRecord.Status.DRAFT
    assert record.days == Decimal("1.5")
    assert record.people_met == TEXTS["people_met"]


@pytest.mark.parametrize("contact_form", ["on_site", "face_to_face", "discussion"])
def test_a_visit_a_talk_or_a_discussion_needs_the_questions_prepared(as_alice, unit, contact_form):
    response = create(as_alice, sheet(unit, contact_form=contact_form, questions_prepared="  "))

    assert errors(response) == {
        "questions_prepared": [
            zh("Prepare before you go: write the questions you took to the grassroots.")
        ]
    }
    assert not VisitRecord.objects.exists()


def test_a_phone_contact_needs_no_questions_prepared(as_alice, alice, unit):
    response = create(as_alice, sheet(unit, contact_form="remote", questions_prepared=""))

    assert response.status_code == 302
    assert the_record(alice).status == VisitRecord.Status.FILED


@pytest.mark.parametrize("question", ["transport_accepted", "gifts_accepted", "banquet_accepted"])
def test_each_integrity_question_must_be_answered(as_alice, unit, question):
    response = create(as_alice, sheet(unit, **{question: None}))

    assert errors(response) == {question: [zh("Please answer.")]}


@pytest.mark.parametrize("question", ["transport_accepted", "gifts_accepted", "banquet_accepted"])
def test_anything_accepted_must_be_explained(as_alice, unit, question):
    response = create(as_alice, sheet(unit, **{question: "True"}))

    assert errors(response) == {
        "integrity_explanation": [zh("Explain every exception to the integrity rules.")]
    }


def test_an_explained_exception_is_filed_and_marked(as_alice, alice, unit):
    response = create(
        as_alice,
        sheet(
            unit, transport_accepted="True", integrity_explanation="暴雨无车，企业派车送至地铁站"
        ),
    )

    assert response.status_code == 302
    record = the_record(alice)
    assert record.status == VisitRecord.Status.FILED
    assert record.has_integrity_exception is True
    assert record in VisitRecord.objects.integrity_exceptions()


def test_working_days_go_in_half_day_steps(as_alice, unit):
    response = create(as_alice, sheet(unit, days="0.3"))

    assert errors(response) == {"days": ["工作日以半天为单位计算（0.5、1、1.5……）。"]}


def test_a_visit_on_a_working_day_cannot_count_0_days(as_alice, unit):
    response = create(as_alice, sheet(unit, days="0"))

    assert errors(response) == {
        "days": [zh("Only a phone or WeChat contact, or one on rest days, can count 0 days.")]
    }


def test_a_phone_contact_can_count_0_days(as_alice, alice, unit):
    response = create(as_alice, sheet(unit, days="0", contact_form="remote"))

    assert response.status_code == 302
    record = the_record(alice)
    assert record.days == 0
    detail = as_alice.get(reverse("records:record-detail", args=[record.pk]))
    assert zh("A phone or WeChat contact: 0 working days counted.") in detail.content.decode()


def test_a_visit_on_saturday_cannot_count_a_day(as_alice, unit):
    response = create(as_alice, sheet(unit, start_date="2026-11-21", end_date="2026-11-21"))

    message = zh(
        "%(start)s to %(end)s has no working days: a contact on rest days is filed with 0 days."
    ) % {"start": datetime.date(2026, 11, 21), "end": datetime.date(2026, 11, 21)}
    assert errors(response) == {"days": [message]}


def test_a_visit_on_saturday_is_filed_with_0_days_and_says_why(as_alice, alice, unit):
    response = create(
        as_alice, sheet(unit, start_date="2026-11-21", end_date="2026-11-21", days="0")
    )

    assert response.status_code == 302
    record = the_record(alice)
    assert record.status == VisitRecord.Status.FILED
    with translation.override("zh-hans"):
        reason = zero_days_reason(record)
    assert reason == zh("A contact on rest days: 0 working days counted.")
    detail = as_alice.get(reverse("records:record-detail", args=[record.pk]))
    assert reason in detail.content.decode()


def test_the_national_day_holiday_leaves_2_working_days_in_a_9_day_span(as_alice, alice, unit):
    national_day = {"start_date": "2026-09-30", "end_date": "2026-10-08"}

    refused = create(as_alice, sheet(unit, days="3", **national_day))

    message = zh("%(start)s to %(end)s has only %(n)s working days; %(days)s days cannot fit.")
    assert errors(refused) == {
        "days": [
            message
            % {
                "start": datetime.date(2026, 9, 30),
                "end": datetime.date(2026, 10, 8),
                "n": 2,
                "days": "3",
            }
        ]
    }
    assert create(as_alice, sheet(unit, days="2", **national_day)).status_code == 302
    assert the_record(alice).days == Decimal("2")


def test_a_one_day_contact_gives_its_start_date_only(as_alice, alice, unit):
    response = create(as_alice, sheet(unit, end_date=""))

    assert response.status_code == 302
    record = the_record(alice)
    assert record.start_date == record.end_date == datetime.date(2026, 11, 23)


def test_a_one_day_contact_checks_its_days_against_its_one_date(as_alice, unit):
    response = create(as_alice, sheet(unit, end_date="", days="2"))

    assert errors(response) == {
        "days": [
            zh("%(start)s to %(end)s has only %(n)s working days; %(days)s days cannot fit.")
            % {"start": "2026-11-23", "end": "2026-11-23", "n": 1, "days": "2"}
        ]
    }


def test_the_end_date_cannot_be_before_the_start_date(as_alice, unit):
    response = create(as_alice, sheet(unit, start_date="2026-11-23", end_date="2026-11-20"))

    assert errors(response) == {"end_date": [zh("The end date cannot be before the start date.")]}


def test_a_draft_cannot_end_before_it_starts_either(as_alice, unit):
    response = create(
        as_alice, sheet(unit, start_date="2026-11-23", end_date="2026-11-20", action="draft")
    )

    assert errors(response) == {"end_date": [zh("The end date cannot be before the start date.")]}


def test_a_contact_tomorrow_cannot_be_filed_yet(as_alice, unit):
    response = create(as_alice, sheet(unit, start_date="2026-11-25", end_date="2026-11-25"))

    assert errors(response) == {
        "end_date": [zh("A contact in the future cannot be filed yet; save it as a draft.")]
    }


def test_a_contact_tomorrow_can_be_prepared_as_a_draft(as_alice, alice, unit):
    response = create(
        as_alice, sheet(unit, start_date="2026-11-25", end_date="2026-11-25", action="draft")
    )

    assert response.status_code == 302
    record = the_record(alice)
    assert record.status == VisitRecord.Status.DRAFT
    assert record.start_date == datetime.date(2026, 11, 25)


def test_a_date_counts_at_most_1_day_across_sheets(as_alice, alice, unit):
    monday = datetime.date(2026, 11, 23)
    VisitRecordFactory(cadre=alice, start_date=monday, days=Decimal("1"))

    response = create(as_alice, sheet(unit, days="0.5"))

    message = zh("On %(date)s you have already filed other contacts; one day counts at most 1 day.")
    assert errors(response) == {"days": [message % {"date": monday}]}
    assert VisitRecord.objects.filter(cadre=alice).count() == 1


def test_two_half_day_sheets_fill_one_date(as_alice, alice, unit):
    VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 11, 23), days=Decimal("0.5"))

    response = create(as_alice, sheet(unit, days="0.5"))

    assert response.status_code == 302
    assert VisitRecord.objects.filter(cadre=alice).filed().count() == 2


def test_a_draft_on_the_same_date_does_not_take_up_the_day(as_alice, alice, unit):
    VisitRecordFactory(
        cadre=alice,
        start_date=datetime.date(2026, 11, 23),
        days=Decimal("1"),
        status=VisitRecord.Status.DRAFT,
    )

    assert create(as_alice, sheet(unit, days="1")).status_code == 302


def test_another_cadres_day_does_not_count_against_alice(as_alice, bob, unit):
    VisitRecordFactory(cadre=bob, start_date=datetime.date(2026, 11, 23), days=Decimal("1"))

    assert create(as_alice, sheet(unit, days="1")).status_code == 302


# Problems raised on the sheet


def test_a_problem_solved_on_the_spot_says_what_was_done(as_alice, unit):
    response = create(as_alice, sheet(unit, problems=[solved_on_the_spot(action_on_spot="")]))

    assert response.status_code == 400
    assert problem_errors(response, 0) == {"action_on_spot": [zh("Say what was done on the spot.")]}
    assert not Problem.objects.exists()


def test_a_problem_to_transfer_names_a_department(as_alice, unit):
    response = create(as_alice, sheet(unit, problems=[to_transfer(None)]))

    assert response.status_code == 400
    assert problem_errors(response, 0) == {
        "department": [zh("Choose the department the problem goes to.")]
    }


def test_filing_closes_problems_solved_on_the_spot_and_transfers_the_others(
    as_alice, alice, unit, other_department
):
    response = create(
        as_alice, sheet(unit, problems=[solved_on_the_spot(), to_transfer(other_department)])
    )

    assert response.status_code == 302
    solved = Problem.objects.get(resolution=Problem.Resolution.ON_SPOT)
    transfer = Problem.objects.get(resolution=Problem.Resolution.TRANSFER)
    assert solved.status == Problem.Status.CLOSED
    assert transfer.status == Problem.Status.TRANSFERRED
    assert transfer.department == other_department
    # 15 working days after Tuesday 2026-11-24.
    assert transfer.deadline == datetime.date(2026, 12, 15)
    assert solved.record == transfer.record == the_record(alice)
    assert list(solved.events.values_list("action", "to_status", "actor")) == [
        ("solve_on_spot", Problem.Status.CLOSED, alice.user.pk)
    ]
    assert list(transfer.events.values_list("action", "to_status", "actor")) == [
        ("raise", Problem.Status.RAISED, alice.user.pk),
        ("transfer", Problem.Status.TRANSFERRED, alice.user.pk),
    ]


def test_a_draft_keeps_its_problems_raised_without_a_timeline(as_alice, unit):
    create(as_alice, sheet(unit, problems=[solved_on_the_spot()], action="draft"))

    problem = Problem.objects.get()
    assert problem.status == Problem.Status.RAISED
    assert not ProblemEvent.objects.exists()


# The union: assigned or not


def test_a_sheet_for_an_assigned_unit_is_not_marked(as_alice, alice, unit):
    create(as_alice, sheet(unit))

    assert the_record(alice).outside_assignment is False


def test_a_sheet_for_a_union_not_assigned_to_alice_is_marked(as_alice, alice, other_union):
    response = create(as_alice, sheet(other_union))

    assert response.status_code == 302
    record = the_record(alice)
    assert record.outside_assignment is True
    detail = as_alice.get(reverse("records:record-detail", args=[record.pk]))
    assert zh("not an assigned unit") in detail.content.decode()


def test_a_unit_assigned_in_another_year_does_not_count(as_alice, alice, other_union):
    LiaisonAssignmentFactory(cadre=alice, union=other_union, year=2025)

    create(as_alice, sheet(other_union))

    assert the_record(alice).outside_assignment is True


# Filed, returned, filed again


def test_a_filed_sheet_is_read_only(as_alice, alice, unit):
    create(as_alice, sheet(unit))
    record = the_record(alice)
    edit = reverse("records:record-edit", args=[record.pk])
    detail = reverse("records:record-detail", args=[record.pk])

    assert as_alice.get(edit).url == detail
    response = as_alice.post(edit, sheet(unit, people_met="改过的人员", days="0.5"))

    assert response.status_code == 302
    assert response.url == detail
    record.refresh_from_db()
    assert record.people_met == TEXTS["people_met"]
    assert record.days == Decimal("1")
    assert record.status == VisitRecord.Status.FILED


def test_a_returned_sheet_is_revised_and_filed_again(as_alice, login, alice, olivia, unit):
    create(as_alice, sheet(unit, people_met=""))
    record = the_record(alice)
    detail = reverse("records:record-detail", args=[record.pk])
    give_back = reverse("records:record-return", args=[record.pk])

    organization = login(olivia)
    refused = organization.post(give_back, {"reason": "   "})
    assert refused.status_code == 400
    assert refused.context["return_form"].errors == {"reason": ["这个字段是必填项。"]}
    assert "这个字段是必填项。" in refused.content.decode()
    record.refresh_from_db()
    assert record.status == VisitRecord.Status.FILED

    assert organization.post(give_back, {"reason": "请补填接触人员"}).url == detail
    record.refresh_from_db()
    assert record.status == VisitRecord.Status.RETURNED

    cadre = login(alice)
    assert "请补填接触人员" in cadre.get(detail).content.decode()
    edit = reverse("records:record-edit", args=[record.pk])
    form = cadre.get(edit)
    assert form.status_code == 200
    assert "请补填接触人员" in form.content.decode()
    assert cadre.post(edit, sheet(unit, people_met="工会主席张明")).url == detail
    record.refresh_from_db()
    assert record.status == VisitRecord.Status.FILED
    assert record.people_met == "工会主席张明"


def test_only_a_filed_sheet_can_be_returned(login, alice, olivia, unit):
    # Already returned (a second click, or a colleague was quicker).
    draft = VisitRecordFactory(cadre=alice, union=unit, status=VisitRecord.Status.RETURNED)
    client = login(olivia)
    give_back = reverse("records:record-return", args=[draft.pk])

    assert (
        give_back
        not in client.get(reverse("records:record-detail", args=[draft.pk])).content.decode()
    )
    response = client.post(give_back, {"reason": "退回"})

    assert response.status_code == 400
    assert zh("Only a filed record sheet can be returned.") in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VisitRecord.Status.RETURNED


def test_a_second_return_says_the_sheet_is_already_back_with_its_cadre(login, alice, olivia, unit):
    filed = VisitRecordFactory(cadre=alice, union=unit)
    client = login(olivia)
    give_back = reverse("records:record-return", args=[filed.pk])
    client.post(give_back, {"reason": "请补填接触人员"})

    again = client.post(give_back, {"reason": "重复提交"})

    assert again.status_code == 400
    assert zh("Only a filed record sheet can be returned.") in again.content.decode()
    filed.refresh_from_db()
    assert filed.status == VisitRecord.Status.RETURNED
    assert filed.return_reason == "请补填接触人员"


def history_rows(response) -> list[str]:
    html = response.content.decode()
    history = re.search(r'data-testid="history">(.*?)</ul>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", row) for row in re.findall(r"<li[^>]*>(.*?)</li>", history, re.S)]


def test_the_history_says_who_changed_which_fields(as_alice, login, alice, olivia, unit):
    create(as_alice, sheet(unit, action="draft", days="0.5", people_met=""))
    record = the_record(alice)
    edit = reverse("records:record-edit", args=[record.pk])
    as_alice.post(edit, sheet(unit, days="1"))
    login(olivia).post(reverse("records:record-return", args=[record.pk]), {"reason": "补充"})

    rows = history_rows(login(alice).get(reverse("records:record-detail", args=[record.pk])))

    # Newest first: olivia's return, alice's filing, alice's draft.
    assert len(rows) == 3
    returned, filed, drafted = rows
    assert "欧丽娅" in returned
    assert "状态" in returned and "退回原因" in returned
    assert "李爱丽" in filed
    for field in ("工作日数", "接触人员", "状态", "备案时间"):
        assert field in filed
    assert "退回原因" not in filed
    assert "李爱丽" in drafted


# A refused sheet keeps everything typed


def test_a_refused_sheet_keeps_everything_typed(as_alice, alice, other_union, other_department):
    data = sheet(
        other_union,
        problems=[solved_on_the_spot(), to_transfer(other_department)],
        content_areas=["needs", "policy"],
        gifts_accepted="True",
        integrity_explanation="企业赠送纪念品已退回",
        banquet_accepted=None,
    )

    response = create(as_alice, data)

    assert errors(response) == {"banquet_accepted": [zh("Please answer.")]}
    values = form_values(response)
    for name in (
        *TEXTS,
        "union",
        "start_date",
        "end_date",
        "days",
        "contact_form",
        "workers_met",
        "transport_accepted",
        "gifts_accepted",
        "integrity_explanation",
    ):
        assert values[name] == [data[name]], name
    assert values["content_areas"] == ["needs", "policy"]
    assert "banquet_accepted" not in values
    for index, row in enumerate([solved_on_the_spot(), to_transfer(other_department)]):
        for name, value in row.items():
            assert values[f"problems-{index}-{name}"] == [value], (index, name)
    assert not VisitRecord.objects.exists()


def test_the_errors_are_summed_up_at_the_top_in_chinese(as_alice, unit):
    response = create(
        as_alice,
        sheet(unit, days="0.3", problems=[solved_on_the_spot(description="")]),
    )

    assert response.status_code == 400
    summary = error_summary(response)
    assert "工作日数：工作日以半天为单位计算（0.5、1、1.5……）。" in summary
    assert "这个字段是必填项。" in summary
    assert problem_errors(response, 0) == {"description": ["这个字段是必填项。"]}
    # The field itself carries its error too.
    assert 'id="id_days_error"' in response.content.decode()


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_error_on_a_refused_sheet_is_in_chinese(as_alice, unit):
    data = sheet(
        unit,
        contact_form="discussion",
        questions_prepared="",
        days="0",
        content_areas=None,
        gifts_accepted="True",
        banquet_accepted=None,
        problems=[solved_on_the_spot(action_on_spot=""), to_transfer(None)],
    )

    response = create(as_alice, data)

    assert set(errors(response)) == {
        "questions_prepared",
        "days",
        "content_areas",
        "integrity_explanation",
        "banquet_accepted",
    }
    summary = error_summary(response)
    heading = re.search(r"<strong>(.*?)</strong>", summary).group(1)
    assert CJK.search(heading), heading
    items = [re.sub(r"\s+", " ", item) for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]
    assert len(items) == 7
    for item in items:
        label, message = item.split("：", 1)
        assert CJK.search(label), item
        assert CJK.search(message), item


def test_a_filing_rule_is_listed_at_the_top(as_alice, unit):
    response = create(as_alice, sheet(unit, contact_form="discussion", questions_prepared=""))

    summary = error_summary(response)
    assert "事先准备的问题" in summary
    assert zh("Prepare before you go: write the questions you took to the grassroots.") in summary


# Attachments chosen on the sheet


def png(name="走访照片.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def pending_ids(response) -> str:
    return form_values(response)["attach-pending"][0]


def test_a_file_chosen_on_a_refused_sheet_is_kept_and_joins_it_when_filed(as_alice, alice, unit):
    refused = create(as_alice, sheet(unit, banquet_accepted=None, **{"attach-files": png()}))

    assert refused.status_code == 400
    kept = Attachment.objects.get()
    assert kept.record is None
    assert kept.uploaded_by == alice.user
    assert kept.content_type == "image/png"
    assert kept.original_name in refused.content.decode()
    assert pending_ids(refused) == str(kept.pk)

    filed = create(as_alice, sheet(unit, **{"attach-pending": pending_ids(refused)}))

    assert filed.status_code == 302
    kept.refresh_from_db()
    assert kept.record == the_record(alice)
    assert kept.file.read() == PNG


def test_a_kept_file_survives_a_second_refusal(as_alice, alice, unit):
    first = create(as_alice, sheet(unit, days="0.3", **{"attach-files": png()}))
    kept = Attachment.objects.get()

    second = create(
        as_alice,
        sheet(
            unit, days="0.3", **{"attach-pending": pending_ids(first), "attach-files": png("b.png")}
        ),
    )

    assert second.status_code == 400
    assert Attachment.objects.filter(record=None).count() == 2
    assert set(pending_ids(second).split(",")) == {
        str(pk) for pk in Attachment.objects.values_list("pk", flat=True)
    }
    assert kept.original_name in second.content.decode()


def test_a_kept_file_survives_a_refused_second_file(as_alice, alice, unit):
    first = create(as_alice, sheet(unit, days="0.3", **{"attach-files": png()}))
    kept = Attachment.objects.get()

    second = create(
        as_alice,
        sheet(
            unit,
            **{
                "attach-pending": pending_ids(first),
                "attach-files": SimpleUploadedFile("notes.jpg", b"just some text"),
            },
        ),
    )

    assert second.status_code == 400
    assert pending_ids(second) == str(kept.pk)
    assert kept.original_name in second.content.decode()


def test_a_text_file_named_like_a_photo_is_refused(as_alice, unit):
    fake = SimpleUploadedFile("photo.jpg", b"this is not a photo", content_type="image/jpeg")

    response = create(as_alice, sheet(unit, **{"attach-files": fake}))

    assert response.status_code == 400
    message = zh("%(name)s is not an image or a PDF.") % {"name": "photo.jpg"}
    assert CJK.search(message)
    assert response.context["uploads"].errors == {"files": [message]}
    assert message in error_summary(response)
    assert not Attachment.objects.exists()
    assert not VisitRecord.objects.exists()


def test_a_file_over_the_size_limit_is_refused(as_alice, settings, unit):
    settings.RECORDS_ATTACHMENT_MAX_BYTES = 100
    big = png("big.png", PNG + bytes(200))

    response = create(as_alice, sheet(unit, **{"attach-files": big}))

    assert response.status_code == 400
    [message] = response.context["uploads"].errors["files"]
    assert "big.png" in message
    assert CJK.search(message)
    assert "big.png" in error_summary(response)
    assert not Attachment.objects.exists()


def test_a_pdf_and_a_photo_are_attached_to_a_filed_sheet(as_alice, alice, unit):
    pdf = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 sign-in", content_type="application/pdf")

    response = create(as_alice, sheet(unit, **{"attach-files": [pdf, png()]}))

    assert response.status_code == 302
    record = the_record(alice)
    assert sorted(record.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]


def test_someone_elses_pending_file_cannot_be_claimed(as_alice, login, alice, bob, unit):
    bobs = login(bob).post(
        reverse("records:record-create"),
        sheet(unit, banquet_accepted=None, **{"attach-files": png()}),
    )
    bobs_file = Attachment.objects.get()
    assert bobs.status_code == 400

    login(alice).post(
        reverse("records:record-create"), sheet(unit, **{"attach-pending": str(bobs_file.pk)})
    )

    bobs_file.refresh_from_db()
    assert bobs_file.record is None
    assert the_record(alice).attachments.count() == 0


def test_a_returned_sheet_saved_as_a_draft_keeps_its_solved_problems_solved(alice, olivia):
    from records.sheets.services import record_return, record_save
    from tests.factories import ProblemFactory, VisitRecordFactory

    record = VisitRecordFactory(cadre=alice)
    solved = ProblemFactory(
        record=record, resolution="on_spot", status="closed", action_on_spot="当场解答"
    )
    record_return(record=record, user=olivia.user, reason="补充接触人员")
    record.refresh_from_db()
    record_save(record=record, user=alice.user, problems=[solved], file=False)
    solved.refresh_from_db()
    assert solved.status == Problem.Status.CLOSED


def test_a_failure_while_filing_leaves_nothing_half_written(alice, other_department, monkeypatch):
    """record_save is one transaction: when the transfer of a problem fails, the sheet, its
    problems and their timeline are not saved either."""
    from records.models import ProblemEvent, VisitRecord
    from records.sheets import services
    from tests.factories import GrassrootsUnionFactory, VisitRecordFactory

    def broken_transfer(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "problem_transfer", broken_transfer)
    record = VisitRecordFactory.build(
        cadre=alice, union=GrassrootsUnionFactory(), status=VisitRecord.Status.DRAFT
    )
    problem = Problem(description="夜班通勤", resolution="transfer", department=other_department)
    with pytest.raises(RuntimeError):
        services.record_save(record=record, user=alice.user, problems=[problem], file=True)
    assert not VisitRecord.objects.exists()
    assert not Problem.objects.exists()
    assert not ProblemEvent.objects.exists()
