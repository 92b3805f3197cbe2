"""The workers' ratings of the answers they read with their receipts are counted in the annual
assessment's union figures, beside the grassroots' satisfaction the cadre records at feedback:
an opinion that became a problem counts where its problem counts (a filed sheet of the year),
one answered without becoming a problem counts in the year it was left."""

import datetime

import pytest
from django.urls import reverse

from liaison.boards import opinions
from liaison.compliance.assessment import union_assessment
from liaison.models import Opinion
from records.models import Problem, VisitRecord
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory, OpinionFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def hospital(alice):
    union = GrassrootsUnionFactory(name="北京市西城区某某医院工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return union


def rated(union, user, rating, *, left=datetime.date(2026, 11, 2), take_up=None):
    """An opinion answered and rated; taken up as a problem first when `take_up` says how its
    sheet ends ("filed" or "draft")."""
    opinion = OpinionFactory(union=union, created_at=at(left))
    if take_up:
        record = opinions.opinion_take_up(opinion=opinion, user=user)
        if take_up == "filed":
            record.status = VisitRecord.Status.FILED
            record.start_date = record.end_date = datetime.date(2026, 11, 3)
            record.save()
    opinions.opinion_answer(opinion=opinion, user=user, answer="已协调解决。")
    opinions.opinion_rate(opinion=opinion, rating=rating)
    opinion.refresh_from_db()
    return opinion


def figures(union, year=2026):
    row = union_assessment(year=year, today=TODAY).get(pk=union.pk)
    return (row.workers_satisfied, row.workers_basically_satisfied, row.workers_unsatisfied)


def test_each_rating_counts_once_in_its_column(alice, hospital):
    rated(hospital, alice.user, "satisfied", take_up="filed")
    rated(hospital, alice.user, "satisfied")
    rated(hospital, alice.user, "unsatisfied")
    OpinionFactory(union=hospital)  # not answered, not rated

    assert figures(hospital) == (2, 0, 1)


def test_the_rating_of_an_opinion_that_became_a_problem_counts_where_the_problem_counts(
    alice, hospital
):
    problem_opinion = rated(hospital, alice.user, "basically", take_up="filed")
    row = union_assessment(year=2026, today=TODAY).get(pk=hospital.pk)

    assert row.problems == 1  # the problem it became is one of the union's
    assert figures(hospital) == (0, 1, 0)
    # Its sheet still a draft: neither the problem nor the worker's rating counts yet.
    problem_opinion.problem.record.status = VisitRecord.Status.DRAFT
    problem_opinion.problem.record.save()
    assert figures(hospital) == (0, 0, 0)


def test_an_opinion_answered_without_a_problem_counts_in_the_year_it_was_left(alice, hospital):
    rated(hospital, alice.user, "satisfied", left=datetime.date(2025, 12, 30))

    assert figures(hospital) == (0, 0, 0)
    assert figures(hospital, year=2025) == (1, 0, 0)


def test_the_grassroots_satisfaction_is_not_changed_by_the_workers_rating(alice, hospital):
    opinion = rated(hospital, alice.user, "unsatisfied", take_up="filed")
    problem = opinion.problem
    problem.resolution = Problem.Resolution.TRANSFER
    problem.status = Problem.Status.FED_BACK
    problem.satisfaction = Problem.Satisfaction.SATISFIED
    problem.save()

    row = union_assessment(year=2026, today=TODAY).get(pk=hospital.pk)

    assert (row.satisfied, row.unsatisfied) == (1, 0)
    assert (row.workers_satisfied, row.workers_unsatisfied) == (0, 1)


def test_the_assessment_page_shows_the_workers_columns(login, olivia, alice, hospital):
    rated(hospital, alice.user, "unsatisfied")

    page = login(olivia).get(reverse("compliance:assessment"), {"year": 2026})

    content = page.content.decode()
    assert "职工评价：不满意" in content
    row = next(u for u in page.context["union_page"] if u.pk == hospital.pk)
    assert row.workers_unsatisfied == 1


def test_the_figures_cost_no_query_per_union(alice, hospital, django_assert_num_queries):
    rated(hospital, alice.user, "satisfied")
    for _ in range(5):
        GrassrootsUnionFactory()
    with django_assert_num_queries(1):
        rows = list(union_assessment(year=2026, today=TODAY))
    assert sum(row.workers_satisfied for row in rows) == 1
    assert Opinion.objects.count() == 1
