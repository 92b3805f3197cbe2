"""Matching words, not substrings, on SQLite (the stored terms) and PostgreSQL (the generated
tsvector and its GIN index); the passage shown, escaped and marked."""

import pytest
from django.db import connection

from records.models import Problem, VisitRecord
from records.terms.search import highlight, matching, query_terms
from tests.factories import ProblemFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db


def found(query, model=VisitRecord):
    return set(matching(model.objects.all(), query).values_list("needs_and_opinions", flat=True))


def test_every_word_of_the_query_must_be_there():
    VisitRecordFactory(needs_and_opinions="外卖骑手夜班欠薪")
    VisitRecordFactory(needs_and_opinions="夜班太多")
    VisitRecordFactory(needs_and_opinions="食堂饭菜")
    assert found("夜班") == {"外卖骑手夜班欠薪", "夜班太多"}
    assert found("夜班欠薪") == {"外卖骑手夜班欠薪"}
    assert found("欠薪 夜班") == {"外卖骑手夜班欠薪"}
    assert found("夜班 食堂") == set()


def test_words_not_substrings():
    VisitRecordFactory(needs_and_opinions="外卖骑手夜班欠薪")
    assert found("外卖骑手") == {"外卖骑手夜班欠薪"}
    assert found("骑手") == set()  # inside the word 外卖骑手, not a word of the text
    assert found("班") == set()


def test_a_query_of_stop_words_or_numbers_only_matches_nothing():
    VisitRecordFactory(needs_and_opinions="希望解决的问题")
    assert query_terms("的 希望 2026") == []
    assert found("的") == set()


def test_latin_words_match_whatever_their_case():
    VisitRecordFactory(needs_and_opinions="外卖APP派单不合理")
    assert found("app") == found("App") == {"外卖APP派单不合理"}


def test_characters_of_a_query_language_are_only_text():
    VisitRecordFactory(needs_and_opinions="夜班欠薪")
    for query in ["夜班 & !欠薪", "夜班 | 食堂", "'夜班':*", '"夜班" OR 食堂', "夜班%", "夜班_"]:
        assert found(query) <= {"夜班欠薪"}


def test_problems_match_by_their_description():
    ProblemFactory(description="快递员加班费计算不清")
    assert matching(Problem.objects.all(), "加班费").count() == 1


def test_the_match_keeps_the_querysets_other_filters():
    VisitRecordFactory(needs_and_opinions="夜班", status=VisitRecord.Status.DRAFT)
    filed = VisitRecordFactory(needs_and_opinions="夜班")
    assert list(matching(VisitRecord.objects.filed(), "夜班")) == [filed]


def test_on_postgresql_a_generated_tsvector_column_with_a_gin_index(postgres_only):
    record = VisitRecordFactory(needs_and_opinions="夜班欠薪")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM records_visitrecord WHERE id = %s", [record.pk]
        )
        assert cursor.fetchone()[0] == "'夜班':1 '欠薪':2"
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexdef LIKE '%gin (search_vector)%' "
            "AND tablename IN ('records_visitrecord', 'records_problem', 'liaison_opinion')"
        )
        assert len(cursor.fetchall()) == 3


# --- The passage ----------------------------------------------------------------------------


def test_the_passage_marks_every_match_and_escapes_the_rest():
    text = "<script>alert('欠薪')</script> 夜班欠薪 & more"
    shown = highlight(text, ["欠薪", "夜班"])
    assert "<script>" not in shown
    assert shown == (
        "&lt;script&gt;alert(&#x27;<mark>欠薪</mark>&#x27;)&lt;/script&gt; "
        "<mark>夜班</mark><mark>欠薪</mark> &amp; more"
    )


def test_the_passage_is_cut_around_the_first_match():
    text = "前" * 100 + "夜班" + "后" * 100
    shown = highlight(text, ["夜班"], width=5)
    assert shown == "…前前前前前<mark>夜班</mark>后后后后后…"


def test_the_longer_word_is_marked_whole():
    assert highlight("新就业形态", ["就业", "新就业形态"]) == "<mark>新就业形态</mark>"


def test_a_match_is_marked_whatever_its_case():
    assert highlight("外卖APP", ["app"]) == "外卖<mark>APP</mark>"


def test_a_match_works_inside_another_query_too():
    record = VisitRecordFactory(needs_and_opinions="夜班欠薪")
    VisitRecordFactory(needs_and_opinions="食堂")
    inner = matching(VisitRecord.objects.all(), "欠薪")
    assert list(VisitRecord.objects.filter(pk__in=inner.values("pk"))) == [record]
    assert list(Problem.objects.filter(record__in=inner)) == []
