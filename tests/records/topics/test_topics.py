"""Research topics (调研课题): the organization department opens one, cadres tag their sheets
with it, its page gathers their needs, problems and outcomes for whoever may read them; its
brief prints on A4 and exports to Excel; a topic of another department cannot be guessed."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from records.models import Problem, ResearchTopic, VisitRecord
from tests.factories import (
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    ProblemFactory,
    ResearchTopicFactory,
    VisitRecordFactory,
)

# Every test reads the role groups: ordered with the database tests (before the transactional
# ones, whose flush empties the groups).
pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def topic(department, olivia):
    return ResearchTopicFactory(
        title="新就业形态劳动者休息保障",
        departments=[department],
        created_by=olivia.user,
    )


@pytest.fixture
def tagged(topic, alice, bob, department):
    """Two of alice's sheets and one of bob's tagged with the topic, one of alice's not."""
    union = GrassrootsUnionFactory(name="某快递公司工会")
    LiaisonAssignmentFactory(cadre=alice, union=union)
    first = VisitRecordFactory(
        cadre=alice,
        union=union,
        start_date=D(2026, 9, 2),
        topic=topic,
        needs_and_opinions='=HYPERLINK("http://x","骑手希望设置爱心驿站")',
    )
    second = VisitRecordFactory(
        cadre=alice,
        union=union,
        start_date=D(2026, 10, 9),
        topic=topic,
        needs_and_opinions="夜班后缺少休息场所",
    )
    bobs = VisitRecordFactory(
        cadre=bob,
        start_date=D(2026, 10, 10),
        topic=topic,
        needs_and_opinions="外卖骑手意外伤害保障",
    )
    VisitRecordFactory(
        cadre=alice, union=union, start_date=D(2026, 10, 11), needs_and_opinions="其他"
    )
    return {
        "first": first,
        "on_spot": ProblemFactory(record=first, category=Problem.Category.WELFARE),
        "transferred": ProblemFactory(
            record=second,
            resolution=Problem.Resolution.TRANSFER,
            status=Problem.Status.ANSWERED,
            department=department,
            answered_at=datetime.datetime(2026, 10, 20, tzinfo=datetime.UTC),
        ),
        "bobs": ProblemFactory(record=bobs),
    }


def test_the_organization_department_opens_a_topic(login, olivia, department, other_department):
    response = login(olivia).post(
        reverse("records:topic-list"),
        {
            "title": "职工之家建设调研",
            "question": "基层职工之家的使用情况如何？",
            "starts_on": "2026-12-01",
            "ends_on": "2027-03-31",
            "departments": [department.pk, other_department.pk],
        },
    )

    topic = ResearchTopic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:topic-detail", args=[topic.pk])
    assert set(topic.departments.all()) == {department, other_department}
    assert topic.created_by == olivia.user


def test_a_topic_that_ends_before_it_starts_is_refused_on_the_end_and_keeps_the_text(login, olivia):
    response = login(olivia).post(
        reverse("records:topic-list"),
        {
            "title": "夜班职工调研",
            "question": "夜班补贴",
            "starts_on": "2026-12-01",
            "ends_on": "2026-11-01",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == ["结束日期不能早于开始日期。"]
    assert "夜班职工调研" in response.text
    assert not ResearchTopic.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_a_cadre_cannot_open_a_topic(request, login, persona):
    response = login(request.getfixturevalue(persona)).post(
        reverse("records:topic-list"),
        {"title": "x", "question": "y", "starts_on": "2026-12-01", "ends_on": "2026-12-31"},
    )

    assert response.status_code == 403


def test_a_cadre_tags_a_sheet_with_an_open_topic_on_the_record_form(login, alice, topic):
    union = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=alice, union=union)
    client = login(alice)
    page = client.get(reverse("records:record-create"))
    assert topic.title in page.text

    response = client.post(
        reverse("records:record-create"),
        {
            "union": union.pk,
            "topic": topic.pk,
            "action": "draft",
            "problems-TOTAL_FORMS": 0,
            "problems-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    assert VisitRecord.objects.get(cadre=alice).topic == topic


def test_a_topic_of_another_department_is_not_offered_nor_taken(login, bob, topic):
    union = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=bob, union=union)
    client = login(bob)
    assert "topic" not in client.get(reverse("records:record-create")).context["form"].fields

    client.post(
        reverse("records:record-create"),
        {
            "union": union.pk,
            "topic": topic.pk,
            "action": "draft",
            "problems-TOTAL_FORMS": 0,
            "problems-INITIAL_FORMS": 0,
        },
    )

    assert VisitRecord.objects.get(cadre=bob).topic is None


def figures(response):
    f = response.context["figures"]
    return f["needs"].value, f["problems"].value, [p.pk for p in f["problem_list"]]


def test_the_topic_page_gathers_the_tagged_sheets_for_the_organization_department(
    login, olivia, topic, tagged
):
    response = login(olivia).get(reverse("records:topic-detail", args=[topic.pk]))

    assert response.status_code == 200
    needs, problems, listed = figures(response)
    assert (needs, problems) == (3, 3)
    assert set(listed) == {tagged["on_spot"].pk, tagged["transferred"].pk, tagged["bobs"].pk}
    total = response.context["figures"]["outcomes"][-1]["cells"]
    assert (total["on_spot"].value, total["transferred"].value, total["answered"].value) == (
        2,
        1,
        1,
    )
    assert "夜班后缺少休息场所" in response.text


def test_a_cadre_sees_only_their_own_share_of_a_topic(login, alice, topic, tagged):
    response = login(alice).get(reverse("records:topic-detail", args=[topic.pk]))

    needs, problems, listed = figures(response)
    assert (needs, problems) == (2, 2)
    assert tagged["bobs"].pk not in listed
    assert "外卖骑手意外伤害保障" not in response.text


def test_every_number_of_a_topic_opens_a_list_of_as_many(login, alice, topic, tagged):
    client = login(alice)
    f = client.get(reverse("records:topic-detail", args=[topic.pk])).context["figures"]
    cells = [f["needs"], f["problems"], *f["outcomes"][-1]["cells"].values()]
    cells += [row["cell"] for row in f["by_category"]]
    for cell in cells:
        assert client.get(cell.url).context["page"].paginator.count == cell.value, cell.url


@pytest.mark.parametrize(
    "name", ["records:topic-detail", "records:topic-print", "records:topic-export"]
)
@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 200), ("carol", 200), ("olivia", 200), ("bob", 404)]
)
def test_who_opens_a_topic(request, login, topic, name, persona, status):
    response = login(request.getfixturevalue(persona)).get(reverse(name, args=[topic.pk]))

    assert response.status_code == status


def test_guessing_the_id_of_a_topic_that_does_not_exist_is_a_404(login, alice, topic):
    response = login(alice).get(reverse("records:topic-detail", args=[topic.pk + 100]))

    assert response.status_code == 404


def test_a_topic_open_to_every_department_opens_to_bob(login, bob):
    topic = ResearchTopicFactory()

    assert login(bob).get(reverse("records:topic-detail", args=[topic.pk])).status_code == 200


def test_the_list_shows_each_cadre_the_topics_they_may_open(login, bob, topic):
    everyone = ResearchTopicFactory(title="全区职工之家调研")

    response = login(bob).get(reverse("records:topic-list"))

    assert list(response.context["topics"]) == [everyone]


def test_an_anonymous_visitor_goes_to_the_login(client, topic):
    response = client.get(reverse("records:topic-detail", args=[topic.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_brief_prints_with_its_landmarks(login, olivia, topic, tagged):
    response = login(olivia).get(reverse("records:topic-print", args=[topic.pk]))

    assert response.status_code == 200
    text = response.text
    assert "<main" in text and "<header>" in text and "<nav" in text
    assert "调研简报：新就业形态劳动者休息保障" in text
    assert "topic_print.css" in text


def test_the_workbook_of_a_topic(login, olivia, topic, tagged):
    response = login(olivia).get(reverse("records:topic-export", args=[topic.pk]))

    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["课题", "办理结果", "职工需求", "课题问题"]
    needs = book["职工需求"]
    assert needs.freeze_panes == "A4"
    assert [c.value for c in needs[3]] == [
        "日期",
        "基层工会",
        "街道",
        "机关干部",
        "职工需求和意见建议",
    ]
    texts = [row[4].value for row in needs.iter_rows(min_row=4)]
    # A text that starts like a formula stays text.
    assert texts[0] == '=HYPERLINK("http://x","骑手希望设置爱心驿站")'
    assert needs["E4"].data_type == "s"
    assert book["课题问题"].max_row == 3 + 3


def test_the_topic_page_costs_the_same_queries_for_1_and_10_sheets(
    login, olivia, topic, alice, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(olivia)
    url = reverse("records:topic-detail", args=[topic.pk])
    ProblemFactory(record=VisitRecordFactory(cadre=alice, topic=topic, needs_and_opinions="a"))
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(9):
        ProblemFactory(record=VisitRecordFactory(cadre=alice, topic=topic, needs_and_opinions="b"))
    with django_assert_num_queries(len(one)):
        client.get(url)
