"""The audit trail (/audit/): every change, role, login and refused access, as the
organization department and discipline inspection (纪检) read it, and its workbook."""

import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from liaison.models import AuditEvent
from records.models import VisitRecord
from tests.factories import PASSWORD, GrassrootsUnionFactory, UserFactory
from tests.org_workbooks import build
from unions.history import acting_as
from unions.models import Cadre, RoleChange
from unions.org_import.points import org_import
from unions.roles import Role

pytestmark = pytest.mark.django_db

AUDIT = reverse("audit:audit")
EXPORT = reverse("audit:export")


@pytest.fixture
def dora(db):
    """Discipline inspection (纪检): the audit trail and nothing else."""
    return UserFactory(username="dora", roles=[Role.DISCIPLINE])


def promote(cadre, by):
    with acting_as(by):
        cadre.rank = Cadre.Rank.DIVISION
        cadre.title = "副部长"
        cadre.save()


# --- Who may read it ---------------------------------------------------------------------


def test_the_organization_department_reads_the_trail(login, olivia):
    response = login(olivia).get(AUDIT)
    assert response.status_code == 200
    assert "审计日志" in response.content.decode()


def test_discipline_inspection_reads_the_trail_and_lands_on_it(login, dora):
    client = login(dora)
    assert client.get(AUDIT).status_code == 200
    assert client.get(EXPORT).status_code == 200
    assert client.get(reverse("home")).url == AUDIT


@pytest.mark.parametrize(
    "url",
    [
        "records:register",
        "records:ledger",
        "compliance:dashboard",
        "meetings:list",
        "assignments:desk-current",
        "admin:index",
    ],
)
def test_discipline_inspection_is_refused_everywhere_else(login, dora, url):
    response = login(dora).get(reverse(url))
    assert response.status_code in (302, 403)
    if response.status_code == 302:  # the admin sends non-staff to its own login
        assert "/admin/login/" in response.url


def test_discipline_inspection_sees_no_record_in_the_list_open_to_every_login(login, world, dora):
    # The record list answers every logged-in user with what their role lets them see: nothing.
    assert VisitRecord.objects.exists()
    page = login(dora).get(reverse("records:record-list")).context["page"]
    assert page.paginator.count == 0
    assert login(dora).get(reverse("boards:opinion-list")).status_code == 403


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_cadres_and_department_heads_are_refused(login, world, who):
    client = login(getattr(world, who))
    assert client.get(AUDIT).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    for url in (AUDIT, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- What it shows -------------------------------------------------------------------------


def test_a_change_shows_who_when_and_the_fields_before_and_after_in_chinese(login, olivia, alice):
    promote(alice, olivia.user)
    page = login(olivia).get(AUDIT, {"kind": "unions.cadre", "object": alice.pk})
    html = page.content.decode()
    entry = page.context["entries"][0]
    assert entry.actor == "欧丽娅（olivia）"
    assert entry.kind_label == "机关干部"
    assert entry.object_label == "李爱丽"
    assert entry.action == "已修改"
    changes = {c.label: (c.before, c.after) for c in entry.changes}
    assert changes == {"职级": ("科员", "处级"), "职务": ("科员", "副部长")}
    # Beijing time (the clock stands at 10:00 in Beijing, 02:00 UTC).
    assert "2026-11-24 10:00:00" in html
    assert "<del>科员</del> → 处级" in html


def test_the_filters_are_in_the_url_and_narrow_the_trail(login, olivia, alice, bob):
    promote(alice, olivia.user)
    promote(bob, bob.user)
    client = login(olivia)
    mine = client.get(AUDIT, {"person": olivia.user.pk, "kind": "unions.cadre"})
    assert [e.object_label for e in mine.context["entries"]] == ["李爱丽"]
    later = client.get(AUDIT, {"start": "2026-11-25", "kind": "unions.cadre"})
    assert later.context["entries"] == []
    today = client.get(AUDIT, {"start": "2026-11-24", "end": "2026-11-24", "kind": "unions.cadre"})
    assert {e.object_label for e in today.context["entries"]} >= {"李爱丽", "王博"}
    # A link keeps its filters from page to page.
    assert "kind=unions.cadre" in today.context["query"]


def test_a_wrong_filter_is_said_next_to_its_field_and_filters_nothing(login, olivia):
    response = login(olivia).get(
        AUDIT, {"kind": "nothing", "start": "2026-11-25", "end": "2026-11-01"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "kind" in form.errors and "end" in form.errors


def test_an_import_is_attributed_to_the_importing_user(login, olivia):
    result = org_import(build(), user=olivia.user, year=2026)
    assert result.ok
    client = login(olivia)
    cadres = client.get(AUDIT, {"kind": "unions.cadre"}).context["entries"]
    imported = {e.object_label: e for e in cadres}
    assert imported["周处长"].actor == "欧丽娅（olivia）"
    assert imported["周处长"].reason == "组织数据导入"
    assert imported["周处长"].action == "新建"
    unions = client.get(AUDIT, {"kind": "grassrootsunion"})  # not a kind: all kinds
    assert unions.status_code == 200
    union = client.get(AUDIT, {"kind": "unions.grassrootsunion"}).context["entries"]
    assert {e.actor for e in union} == {"欧丽娅（olivia）"}
    roles = client.get(AUDIT, {"kind": "unions.rolechange"}).context["entries"]
    given = [e for e in roles if e.object_label == "xc1001"]
    assert given and given[0].actor == "欧丽娅（olivia）"
    assert given[0].changes[0].after == "机关干部"


def test_roles_given_and_taken_are_in_the_trail_by_whom(olivia, admin_user, alice):
    group = Group.objects.get(name=Role.DEPARTMENT_HEAD.group_name)
    with acting_as(admin_user):
        alice.user.groups.add(group)
        group.user_set.remove(alice.user)
        alice.user.groups.clear()
    changes = RoleChange.objects.filter(changed_by=admin_user).order_by("id")
    assert list(changes.values_list("action", "group", "username")) == [
        ("given", "部室负责人", "alice"),
        ("taken", "部室负责人", "alice"),
        ("taken", "机关干部", "alice"),
    ]


def test_logins_failed_logins_and_refusals_are_in_the_trail(client, login, olivia, alice):
    client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert client.get(AUDIT).status_code == 403
    kinds = list(AuditEvent.objects.order_by("id").values_list("kind", "username"))
    assert kinds == [("login_failed", "alice"), ("login", "alice"), ("refused", "alice")]
    entries = login(olivia).get(AUDIT, {"kind": "liaison.auditevent"}).context["entries"]
    by_action = {e.action: e for e in entries}
    assert set(by_action) >= {"登录成功", "登录失败", "访问被拒绝"}
    refused = {c.label: c.after for c in by_action["访问被拒绝"].changes}
    assert refused["地址"] == f"GET {AUDIT}"
    assert refused["状态"] == "403"


def test_a_guessed_id_is_a_refusal_in_the_trail(login, alice, bob):
    record_url = reverse("records:record-detail", args=[999_999])
    assert login(alice).get(record_url).status_code == 404
    assert AuditEvent.objects.filter(kind="refused", status=404, path=record_url).exists()


def test_a_page_costs_the_same_queries_for_one_entry_or_many(
    login, olivia, alice, bob, django_assert_num_queries
):
    client = login(olivia)
    with acting_as(olivia.user):
        GrassrootsUnionFactory(name="工会")
    promote(alice, olivia.user)
    client.get(AUDIT)  # warm: the menu's cache
    with CaptureQueriesContext(connection) as one:
        client.get(AUDIT)
    for n in range(8):
        with acting_as(bob.user):
            GrassrootsUnionFactory(name=f"工会{n}")
            bob.title = f"职务{n}"
            bob.save()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(AUDIT)
    assert len(response.context["entries"]) > 20


# --- The workbook --------------------------------------------------------------------------


def test_the_workbook_has_every_change_and_keeps_formulas_as_text(login, olivia):
    with acting_as(olivia.user):
        union = GrassrootsUnionFactory(name='=HYPERLINK("http://evil.example","点我")')
    response = login(olivia).get(EXPORT, {"kind": "unions.grassrootsunion"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "审计日志"
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["时间", "操作人", "对象类型"]
    rows = [list(row) for row in sheet.iter_rows(min_row=4)]
    name_rows = [r for r in rows if r[6].value == "名称"]
    assert name_rows, "the union's name change is a row"
    cell = name_rows[0][8]
    assert cell.value == '=HYPERLINK("http://evil.example","点我")'
    assert cell.data_type == "s"
    assert name_rows[0][0].value.strftime("%Y-%m-%d %H:%M") == "2026-11-24 10:00"
    assert name_rows[0][1].value == "欧丽娅（olivia）"
    assert name_rows[0][3].value == union.pk


# --- The admin's history -------------------------------------------------------------------


def test_the_admin_history_shows_labels_and_beijing_time(client, admin_user, olivia, alice):
    promote(alice, olivia.user)
    client.force_login(admin_user)
    html = client.get(reverse("admin:unions_cadre_history", args=[alice.pk])).content.decode()
    assert "处级" in html and "division" not in html
    assert "职级" in html
    assert "10:00" in html and "02:00" not in html


def test_a_role_given_in_the_admin_is_in_the_trail_by_the_administrator(client, admin_user, alice):
    client.force_login(admin_user)
    head = Group.objects.get(name=Role.DEPARTMENT_HEAD.group_name)
    cadre = Group.objects.get(name=Role.CADRE.group_name)
    response = client.post(
        reverse("admin:auth_user_change", args=[alice.user.pk]),
        {
            "username": "alice",
            "is_active": "on",
            "groups": [cadre.pk, head.pk],
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    change = RoleChange.objects.get(username="alice", group="部室负责人")
    assert (change.action, change.changed_by) == ("given", admin_user)
