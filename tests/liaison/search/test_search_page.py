"""/search/: one box over the sheets, problems and opinions the viewer may open, words matched,
the passage marked, each hit opening its object; the ledger's, the record list's and the
opinion list's `q` through the same function."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import Problem
from tests.factories import ProblemFactory, VisitRecordFactory

SEARCH = reverse("search:search")


def hits(response) -> dict[str, int]:
    return {kind: paginator.count for kind, _label, paginator in response.context["tabs"]}


def shown(response) -> set[str]:
    return {f"{response.context['kind']}-{hit['row'].pk}" for hit in response.context["hits"]}


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(SEARCH, {"q": "欠薪"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_alice_finds_her_sheets_her_problem_and_opinions_of_her_unit(login, texts, alice):
    response = login(alice).get(SEARCH, {"q": "欠薪"})
    assert hits(response) == {"sheets": 2, "problems": 1, "opinions": 0}
    assert shown(response) == {f"sheets-{texts.alice_now.pk}", f"sheets-{texts.alice_before.pk}"}
    response = login(alice).get(SEARCH, {"q": "夜班"})
    assert hits(response) == {"sheets": 1, "problems": 0, "opinions": 1}


def test_another_cadre_never_gets_a_hit_from_alices_texts(login, texts, bob):
    response = login(bob).get(SEARCH, {"q": "欠薪"})
    assert hits(response) == {"sheets": 0, "problems": 0, "opinions": 0}
    response = login(bob).get(SEARCH, {"q": "夜班"})
    assert hits(response) == {"sheets": 1, "problems": 0, "opinions": 0}
    assert shown(response) == {f"sheets-{texts.bob_now.pk}"}
    for kind in ("sheets", "problems", "opinions"):
        response = login(bob).get(SEARCH, {"q": "夜班 欠薪 食堂", "kind": kind})
        assert response.context["hits"] == []


def test_a_department_head_finds_only_their_departments_problems(login, texts, carol, dave):
    assert hits(login(carol).get(SEARCH, {"q": "欠薪"}))["problems"] == 1
    assert hits(login(dave).get(SEARCH, {"q": "欠薪"}))["problems"] == 0
    assert hits(login(dave).get(SEARCH, {"q": "欠薪"}))["sheets"] == 0


def test_the_organization_department_finds_everything(login, texts, olivia):
    assert hits(login(olivia).get(SEARCH, {"q": "夜班"})) == {
        "sheets": 2,
        "problems": 0,
        "opinions": 1,
    }


def test_each_hit_opens_its_object(login, texts, olivia):
    client = login(olivia)
    sheet = client.get(SEARCH, {"q": "夜班 欠薪", "kind": "sheets"}).context["hits"][0]
    assert sheet["url"] == reverse("records:record-detail", args=[texts.alice_now.pk])
    problem = client.get(SEARCH, {"q": "欠薪", "kind": "problems"}).context["hits"][0]
    assert problem["url"] == reverse("records:problem-detail", args=[texts.problem.pk])
    opinion = client.get(SEARCH, {"q": "食堂", "kind": "opinions"}).context["hits"][0]
    assert opinion["url"].endswith(f"#opinion-{texts.opinion_now.pk}")
    listed = client.get(opinion["url"].split("#")[0])
    assert [o.pk for o in listed.context["page"]] == [texts.opinion_now.pk]


def test_the_passage_is_marked_and_a_script_stays_text(login, alice, texts):
    VisitRecordFactory(cadre=alice, needs_and_opinions="<script>alert(1)</script>夜班补贴")
    response = login(alice).get(SEARCH, {"q": "补贴"})
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;夜班<mark>补贴</mark>" in html
    assert "<script>alert(1)" not in html


def test_a_quarter_narrows_the_hits_to_it(login, texts, alice):
    response = login(alice).get(SEARCH, {"q": "欠薪", "year": 2026, "quarter": 3})
    assert hits(response) == {"sheets": 1, "problems": 0, "opinions": 0}
    assert shown(response) == {f"sheets-{texts.alice_before.pk}"}


def test_a_hot_terms_link_lists_exactly_the_texts_it_counted(login, texts, olivia):
    client = login(olivia)
    page = client.get(SEARCH)
    top = page.context["hot"][0]
    assert (top.term, top.count) == ("夜班", 3)
    assert f'href="{top.url.replace("&", "&amp;")}"' in page.content.decode()
    assert sum(hits(client.get(top.url)).values()) == top.count


def test_a_query_without_words_says_so(login, alice, texts):
    response = login(alice).get(SEARCH, {"q": "的 2026"})
    assert response.context["words"] == []
    assert "没有可以搜索的词：" in response.content.decode()


def test_the_first_tab_with_hits_is_opened(login, alice, texts):
    assert login(alice).get(SEARCH, {"q": "严重"}).context["kind"] == "problems"


def test_the_menu_has_a_search_box(login, alice):
    html = login(alice).get(reverse("home")).content.decode()
    assert f'action="{SEARCH}"' in html and 'type="search" name="q"' in html


def test_a_search_costs_the_same_queries_for_1_hit_and_for_25(
    login, alice, texts, django_assert_num_queries
):
    client = login(alice)
    client.get(SEARCH, {"q": "补贴"})  # the session and the caches are warm from here on
    VisitRecordFactory(cadre=alice, union=texts.alice_now.union, needs_and_opinions="补贴")
    with CaptureQueriesContext(connection) as one:
        response = client.get(SEARCH, {"q": "补贴"})
    assert hits(response)["sheets"] == 1
    for _ in range(24):
        VisitRecordFactory(cadre=alice, union=texts.alice_now.union, needs_and_opinions="补贴")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(SEARCH, {"q": "补贴"})
    assert hits(response)["sheets"] == 25
    assert len(response.context["hits"]) == 20


# --- q on the lists ---------------------------------------------------------------------------


def test_the_record_list_takes_words(login, alice, texts):
    response = login(alice).get(reverse("records:record-list"), {"q": "社保"})
    assert [r.pk for r in response.context["page"]] == [texts.alice_before.pk]


def test_the_record_lists_words_never_widen_its_scope(login, bob, texts):
    response = login(bob).get(reverse("records:record-list"), {"q": "欠薪"})
    assert list(response.context["page"]) == []


@pytest.fixture
def transferred(texts, department):
    Problem.objects.filter(pk=texts.problem.pk).update(
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=department,
        deadline=datetime.date(2026, 12, 15),
    )
    other = ProblemFactory(
        record=texts.bob_now,
        description="食堂卫生差",
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=department,
        deadline=datetime.date(2026, 12, 20),
    )
    return texts.problem, other


def test_the_ledger_takes_words(login, olivia, transferred):
    problem, other = transferred
    client = login(olivia)
    response = client.get(reverse("records:ledger"), {"q": "欠薪"})
    assert [p.pk for p in response.context["page"].object_list] == [problem.pk]
    response = client.get(reverse("records:ledger"), {"q": "卫生"})
    assert [p.pk for p in response.context["page"].object_list] == [other.pk]
    response = client.get(reverse("records:ledger"), {"q": "卫"})  # not a word of it
    assert list(response.context["page"].object_list) == []
