"""Two people (or one person on two devices) editing the same record sheet or problem: the
first save wins, the second is refused with a message saying who saved and when — never a
silent overwrite — and everything the second person typed is still on the page. Submitting
it again from there (having seen the message) is taken.

Today is Tuesday 2026-11-24 10:00 (tests/conftest.py).
"""

import datetime
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from records.models import Problem, ProblemEvent, VisitRecord
from records.problems import services as loop
from records.sheets import services
from records.versions import EditConflict
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory, ProblemFactory
from tests.factories import VisitRecordFactory as RecordFactory
from tests.helpers import form_values

pytestmark = pytest.mark.django_db

SAVED_BY_ALICE_AT = ("李爱丽", "2026-11-24 10:00")


def device(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


@pytest.fixture
def draft(alice):
    union = GrassrootsUnionFactory(name="西城区某某商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return RecordFactory(
        cadre=alice,
        union=union,
        status=VisitRecord.Status.DRAFT,
        start_date=datetime.date(2026, 11, 23),
        people_met="工会主席张明",
        needs_and_opinions="希望增加夜班班车",
    )


# The record sheet


def test_the_sheet_carries_the_version_it_shows(alice, draft):
    page = device(alice.user).get(reverse("records:record-edit", args=[draft.pk]))

    assert form_values(page)["version"] == ["1"]


def test_a_sheet_saved_on_another_device_meanwhile_is_not_overwritten(alice, draft):
    edit = reverse("records:record-edit", args=[draft.pk])
    phone, desktop = device(alice.user), device(alice.user)
    on_phone = form_values(phone.get(edit))
    on_desktop = form_values(desktop.get(edit))

    on_phone["people_met"] = ["工会主席张明、职工代表三人"]
    assert phone.post(edit, {**on_phone, "action": "draft"}).status_code == 302

    on_desktop["needs_and_opinions"] = ["希望增加夜班班车，并延长食堂供餐"]
    on_desktop["workers_met"] = ["15"]
    refused = desktop.post(edit, {**on_desktop, "action": "draft"})

    assert refused.status_code == 409
    message = page_errors(refused)
    assert all(part in message for part in SAVED_BY_ALICE_AT)
    assert message in refused.content.decode()  # at the top of the page, not only in context
    # Nothing of the desktop's was written: the phone's save stands.
    draft.refresh_from_db()
    assert draft.people_met == "工会主席张明、职工代表三人"
    assert draft.needs_and_opinions == "希望增加夜班班车"
    assert (draft.workers_met, draft.version) == (8, 2)
    # Everything typed on the desktop is on the page again, as typed.
    shown = form_values(refused)
    for name, values in on_desktop.items():
        if name not in ("version", "csrfmiddlewaretoken"):
            assert shown.get(name) == values, name
    assert shown["version"] == ["2"]

    # Having read the message, saving the page again is a deliberate choice: it is taken.
    again = desktop.post(edit, {**shown, "action": "draft"})

    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.needs_and_opinions == "希望增加夜班班车，并延长食堂供餐"
    assert (draft.workers_met, draft.version) == (15, 3)


def test_the_service_refuses_a_stale_version_and_writes_nothing(alice, draft):
    history = draft.history.count()
    draft.people_met = "过时页面上的内容"

    with pytest.raises(EditConflict):
        services.record_save(record=draft, user=alice.user, version=0)

    stored = VisitRecord.objects.get(pk=draft.pk)
    assert (stored.people_met, stored.version) == ("工会主席张明", 1)
    assert draft.history.count() == history


def test_every_save_through_the_service_raises_the_version(alice, draft):
    services.record_save(record=draft, user=alice.user, version=1)
    services.record_save(record=draft, user=alice.user)  # no page: from what is stored

    draft.refresh_from_db()
    assert draft.version == 3


# A problem


@pytest.fixture
def transferred(alice, department):
    return ProblemFactory(
        record__cadre=alice,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=department,
        deadline=datetime.date(2026, 12, 1),
    )


def test_an_answer_written_while_the_deadline_changed_is_refused_and_kept(
    carol, olivia, transferred
):
    detail = reverse("records:problem-detail", args=[transferred.pk])
    head = device(carol.user)
    on_page = form_values(head.get(detail))
    assert on_page["answer-version"] == ["1"]

    # The organization department moves the deadline while carol writes.
    organization = device(olivia.user)
    moved = organization.post(
        reverse("records:problem-set-deadline", args=[transferred.pk]),
        {"set_deadline-deadline": "2026-12-15", "set_deadline-note": "例会决定延期"},
    )
    assert moved.status_code == 302

    answer = "已协调公交公司加开夜班班车两班，自12月1日起运行。"
    refused = head.post(
        reverse("records:problem-answer", args=[transferred.pk]),
        {"answer-answer": answer, "answer-version": on_page["answer-version"][0]},
    )

    assert refused.status_code == 409
    transferred.refresh_from_db()
    assert (transferred.status, transferred.answer) == (Problem.Status.TRANSFERRED, "")
    assert transferred.deadline == datetime.date(2026, 12, 15)
    assert not ProblemEvent.objects.filter(problem=transferred, action="answer").exists()
    shown = form_values(refused)
    assert shown["answer-answer"] == [answer]
    assert shown["answer-version"] == ["2"]
    content = refused.content.decode()
    assert "欧丽娅" in content and "2026-11-24 10:00" in content

    again = head.post(
        reverse("records:problem-answer", args=[transferred.pk]),
        {"answer-answer": shown["answer-answer"][0], "answer-version": "2"},
    )

    assert again.status_code == 302
    transferred.refresh_from_db()
    assert (transferred.status, transferred.answer, transferred.version) == (
        Problem.Status.ANSWERED,
        answer,
        3,
    )


def test_two_urges_from_the_same_page_make_one(olivia, transferred):
    urge = reverse("records:problem-urge", args=[transferred.pk])
    first, second = device(olivia.user), device(olivia.user)
    seen = form_values(first.get(reverse("records:problem-detail", args=[transferred.pk])))

    assert (
        first.post(urge, {"urge-note": "请尽快", "urge-version": seen["urge-version"]}).status_code
        == 302
    )
    assert (
        second.post(urge, {"urge-note": "请尽快", "urge-version": seen["urge-version"]}).status_code
        == 409
    )

    assert ProblemEvent.objects.filter(problem=transferred, action="urge").count() == 1


def test_a_step_from_a_stale_page_is_refused_by_the_service(carol, transferred):
    with pytest.raises(EditConflict):
        loop.problem_accept(problem=transferred, user=carol.user, version=7)

    transferred.refresh_from_db()
    assert (transferred.status, transferred.version) == (Problem.Status.TRANSFERRED, 1)


# At the same moment, on PostgreSQL (each thread its own connection, as two requests)


def at_once(*calls):
    """Run each call in its own thread, all released together; "done" or the refusal."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            call()
            outcomes[index] = "done"
        except EditConflict as refused:
            outcomes[index] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def slow_claim(monkeypatch):
    """The first to claim the version holds its transaction open a moment longer."""
    claim = services.claim_version

    def slowly(*args, **kwargs):
        claim(*args, **kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(services, "claim_version", slowly)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_of_the_same_sheet_at_once_keep_one(postgres_only, alice, draft, slow_claim):
    def save(text):
        def call():
            record = VisitRecord.objects.get(pk=draft.pk)
            record.people_met = text
            user = get_user_model().objects.get(pk=alice.user.pk)
            services.record_save(record=record, user=user, version=1)

        return call

    outcomes = at_once(save("手机上的内容"), save("电脑上的内容"))

    assert outcomes.count("done") == 1
    winner = outcomes.index("done")
    assert isinstance(outcomes[1 - winner], EditConflict)
    draft.refresh_from_db()
    assert draft.people_met == ["手机上的内容", "电脑上的内容"][winner]
    assert draft.version == 2
    assert draft.history.count() == 2  # created, and the one save


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_urges_at_once_from_the_same_page_make_one(postgres_only, olivia, transferred):
    def urge():
        user = get_user_model().objects.get(pk=olivia.user.pk)
        seen = Problem.objects.get(pk=transferred.pk)
        loop.problem_urge(problem=seen, user=user, note="请尽快", version=1)

    outcomes = at_once(urge, urge)

    assert sorted(map(str, outcomes)).count("done") == 1
    assert ProblemEvent.objects.filter(problem=transferred, action="urge").count() == 1
    transferred.refresh_from_db()
    assert transferred.version == 2


def test_a_change_made_in_the_admin_meanwhile_is_not_overwritten(alice, admin_user, draft):
    edit = reverse("records:record-edit", args=[draft.pk])
    cadre = device(alice.user)
    on_page = form_values(cadre.get(edit))
    admin = device(admin_user)
    change = reverse("admin:records_visitrecord_change", args=[draft.pk])
    in_admin = form_values(admin.get(change))
    in_admin["people_met"] = ["管理员更正的人员"]
    assert admin.post(change, {**in_admin, "_save": "1"}).status_code == 302

    refused = cadre.post(edit, {**on_page, "action": "draft"})

    assert refused.status_code == 409
    assert "root" in page_errors(refused)
    draft.refresh_from_db()
    assert (draft.people_met, draft.version) == ("管理员更正的人员", 2)
