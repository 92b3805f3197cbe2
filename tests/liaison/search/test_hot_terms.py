"""Hot terms (热点): the words of the quarter's texts the viewer may open, counted once per text,
against the quarter before — checked against counts written by hand from the fixture."""

import datetime
import random

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from liaison.search.selectors import hot_terms_for
from records.models import VisitRecord
from records.terms.selectors import hot_terms
from tests.factories import (
    GrassrootsUnionFactory,
    OpinionFactory,
    ProblemFactory,
    VisitRecordFactory,
)

TODAY = datetime.date(2026, 11, 24)


def table(user, year=2026, quarter=4):
    return [
        (t.term, t.count, t.previous, t.rise)
        for t in hot_terms_for(user, year=year, quarter=quarter, today=TODAY)
    ]


def test_the_organization_department_counts_every_text_of_the_quarter(texts, olivia):
    # Q4: 夜班 on alice's and bob's sheets and an opinion; 欠薪 on alice's sheet and its
    # problem; the midnight opinion is in Q4 by Beijing's clock. Q3: 欠薪 and 社保 once.
    assert table(olivia.user) == [
        ("夜班", 3, 0, 3),
        ("欠薪", 2, 1, 1),
        ("严重", 1, 0, 1),
        ("加班费", 1, 0, 1),
        ("食堂", 1, 0, 1),
        ("社保", 1, 1, 0),
    ]


def test_a_cadre_counts_their_own_sheets_and_their_units_opinions_only(texts, alice, bob):
    assert table(alice.user) == [
        ("夜班", 2, 0, 2),
        ("欠薪", 2, 1, 1),
        ("严重", 1, 0, 1),
        ("食堂", 1, 0, 1),
        ("社保", 1, 1, 0),
    ]
    # bob's sheet is not alice's: no 加班费 for her, and nothing of hers for him.
    assert table(bob.user) == [("加班费", 1, 0, 1), ("夜班", 1, 0, 1)]


def test_a_department_head_counts_their_departments_sheets_and_problems(texts, carol, dave):
    assert table(carol.user) == [("欠薪", 2, 1, 1), ("严重", 1, 0, 1), ("夜班", 1, 0, 1)]
    assert table(dave.user) == [("加班费", 1, 0, 1), ("夜班", 1, 0, 1)]


def test_another_cadres_draft_is_not_counted_for_their_department_head(texts, alice, carol):
    VisitRecord.objects.filter(pk=texts.alice_now.pk).update(status=VisitRecord.Status.DRAFT)
    assert "夜班" not in [term for term, *_counts in table(carol.user)]
    assert {t: c for t, c, _p, _r in table(alice.user)}["夜班"] == 2


def test_a_text_counts_once_however_often_it_repeats_a_word(texts, olivia):
    texts.bob_now.needs_and_opinions = "夜班夜班夜班"
    texts.bob_now.save()
    assert table(olivia.user)[0] == ("夜班", 3, 0, 3)


def test_the_limit_and_an_empty_quarter(texts, olivia):
    assert [
        t.term for t in hot_terms_for(olivia.user, year=2026, quarter=4, limit=2, today=TODAY)
    ] == ["夜班", "欠薪"]
    assert table(olivia.user, year=2025, quarter=2) == []


def test_each_term_opens_the_search_for_it_in_that_quarter(texts, olivia):
    top = hot_terms_for(olivia.user, year=2026, quarter=4, today=TODAY)[0]
    assert top.url == reverse("search:search") + "?q=%E5%A4%9C%E7%8F%AD&year=2026&quarter=4"


def test_hot_terms_read_the_stored_terms_and_segment_nothing(texts, olivia, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("segmented at read time")

    monkeypatch.setattr("records.terms.segment.tokenizer", refuse)
    assert hot_terms([VisitRecord.objects.all()], year=2026, quarter=4)[0].term == "夜班"


def test_three_queries_whatever_the_number_of_texts(texts, olivia, django_assert_num_queries):
    olivia.user._liaison_roles = None  # roles read before, as the page's first query does
    hot_terms_for(olivia.user, year=2026, quarter=4, today=TODAY)
    with django_assert_num_queries(3):
        hot_terms_for(olivia.user, year=2026, quarter=4, today=TODAY)
    for _ in range(5):
        texts.bob_now.pk = None
        texts.bob_now.save()
    with django_assert_num_queries(3):
        assert table(olivia.user)[0] == ("夜班", 8, 0, 8)


def test_the_quarter_before_the_first_is_the_last_of_the_year_before(texts, alice, olivia):
    VisitRecordFactory(cadre=alice, start_date=datetime.date(2027, 1, 5), needs_and_opinions="夜班")
    assert table(olivia.user, year=2027, quarter=1) == [("夜班", 1, 3, -2)]


def test_the_counts_agree_with_a_hand_written_sql_count(alice, bob, olivia):
    """Random texts of the two quarters over the three kinds, counted again by SQL written by
    hand: the texts (a filed sheet, any problem, any opinion) of the quarter whose words hold
    the term."""
    rng = random.Random(16)
    vocabulary = ["夜班", "欠薪", "社保", "食堂", "通勤", "加班费", "职工之家", "外卖骑手"]
    union = GrassrootsUnionFactory()
    for day in (datetime.date(2026, 8, 3), datetime.date(2026, 10, 12), datetime.date(2026, 11, 5)):
        for _ in range(6):
            sheet = VisitRecordFactory(
                cadre=rng.choice([alice, bob]),
                union=union,
                start_date=day,
                status=rng.choice(list(VisitRecord.Status.values)),
                needs_and_opinions="，".join(rng.sample(vocabulary, 3)),
            )
            ProblemFactory(record=sheet, description="、".join(rng.sample(vocabulary, 2)))
            OpinionFactory(
                union=union,
                text="".join(rng.sample(vocabulary, 2)),
                created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
            )
    sql = """
        SELECT COUNT(*) FROM records_visitrecord
         WHERE status <> 'draft' AND start_date >= %(start)s AND start_date < %(end)s
           AND (' ' || terms || ' ') LIKE %(word)s
        UNION ALL
        SELECT COUNT(*) FROM records_problem p JOIN records_visitrecord r ON r.id = p.record_id
         WHERE r.start_date >= %(start)s AND r.start_date < %(end)s
           AND (' ' || p.terms || ' ') LIKE %(word)s
        UNION ALL
        SELECT COUNT(*) FROM liaison_opinion
         WHERE created_at >= %(start_at)s AND created_at < %(end_at)s
           AND (' ' || terms || ' ') LIKE %(word)s
    """

    def by_hand(word, start, end):
        at = [
            timezone.make_aware(datetime.datetime.combine(d, datetime.time.min))
            for d in (start, end)
        ]
        params = {"start": start, "end": end, "start_at": at[0], "end_at": at[1]}
        with connection.cursor() as cursor:
            cursor.execute(sql, {**params, "word": f"% {word} %"})
            return sum(row[0] for row in cursor.fetchall())

    hot = hot_terms_for(olivia.user, year=2026, quarter=4, limit=100, today=TODAY)
    assert sorted(t.term for t in hot) == sorted(vocabulary)
    for term in hot:
        now = by_hand(term.term, datetime.date(2026, 10, 1), datetime.date(2027, 1, 1))
        then = by_hand(term.term, datetime.date(2026, 7, 1), datetime.date(2026, 10, 1))
        assert (term.count, term.previous) == (now, then), term.term
