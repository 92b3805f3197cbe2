"""A topic's page: the tagged sheets' needs, the topic's problems and how they ended, counted
as the analysis counts them (records.counts), from what the viewer may read."""

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from records import counts
from records.counts import Cell, Quarter
from records.models import Problem, ResearchTopic, VisitRecord, topic_problems_q
from unions.permissions import may

S = Problem.Status
# A topic's progress (本季一题 on the agenda): its problems by where they stand.
PROGRESS = {
    "total": Q(),
    "open": Q(status__in=[S.RAISED, S.TRANSFERRED, S.ACCEPTED]),
    "answered": Q(status=S.ANSWERED),
    "fed_back": Q(status=S.FED_BACK),
    "closed": Q(status=S.CLOSED),
}


def get_topic_for_user(user, pk: int) -> ResearchTopic:
    """The topic, if `user` may open it (records.view_researchtopic); 404 else."""
    topic = get_object_or_404(
        ResearchTopic.objects.select_related("lead_department", "created_by"), pk=pk
    )
    if not may(user, "records.view_researchtopic", topic):
        raise Http404
    return topic


def topic_figures(user, topic: ResearchTopic, today) -> dict:
    """The topic's sheets, needs and problems as `user` may read them: counts (two GROUP BY
    queries), the needs' texts and the problems themselves (one query each)."""
    sheets = VisitRecord.objects.visible_to(user).filter(topic=topic)
    problems = Problem.objects.visible_to(user).filter(topic_problems_q(topic.pk))
    first = Quarter(2016, 1)
    last = Quarter.of(max(today, topic.ends_on))
    needs = counts.need_tally(sheets, first, last)
    tally = counts.problem_tally(problems, first, last)
    by_category = [
        {
            "label": label,
            "cell": Cell(
                tally.get(None, category=category),
                counts.problems_url(None, category=category, topic=topic.pk),
            ),
        }
        for category, label in counts.CATEGORIES.choices
    ]
    return {
        "needs": Cell(needs.get(None), counts.sheets_url(None, topic=topic.pk)),
        "problems": Cell(tally.get(None), counts.problems_url(None, topic=topic.pk)),
        "by_category": by_category,
        "outcomes": counts.problem_outcomes(tally, None, topic=topic.pk),
        "need_texts": list(
            counts.with_needs(sheets.filed())
            .select_related("union", "cadre")
            .order_by("start_date", "pk")
        ),
        "problem_list": list(
            problems.exclude(record__status=VisitRecord.Status.DRAFT)
            .select_related("record__union", "department")
            .order_by("status", "deadline", "pk")
        ),
    }


def topics_progress(topics) -> dict[int, dict[str, int]]:
    """Each topic's problems by where they stand, for the agenda: one GROUP BY query over every
    problem (no scope: the meeting sees all)."""
    rows = (
        Problem.objects.filter(
            Q(topic__in=topics) | Q(topic__isnull=True, record__topic__in=topics)
        )
        .exclude(record__status=VisitRecord.Status.DRAFT)
        .annotate(key=Coalesce("topic", "record__topic"))
        .order_by()
        .values("key")
        .annotate(**{name: Count("pk", filter=q) for name, q in PROGRESS.items()})
    )
    found = {row.pop("key"): row for row in rows}
    return {topic.pk: found.get(topic.pk, dict.fromkeys(PROGRESS, 0)) for topic in topics}
