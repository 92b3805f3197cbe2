"""What the quarterly meeting's agenda reads beside its problems: the quarter's figures from the
analysis (the categories that rose most), the topic of the quarter it picked and the progress
of those earlier meetings picked (本季一题)."""

import datetime

from django.db.models import Q

from liaison.analysis.selectors import analysis_figures
from liaison.models import QuarterlyMeeting
from records.counts import Quarter
from records.models import ResearchTopic
from records.topics.selectors import topics_progress

# Earlier topics of the quarter followed on an agenda.
FOLLOWED_TOPICS = 4


def agenda_figures(user, meeting: QuarterlyMeeting, today: datetime.date) -> dict:
    """The meeting quarter's figures as `user` may read them (liaison.analysis), and the
    topics of the quarter: its own and those of the meetings before it, with their problems
    by where they stand. Four queries, and one more for the progress when there are topics."""
    figures = analysis_figures(user, Quarter(meeting.year, meeting.quarter), today)
    earlier = Q(year__lt=meeting.year) | Q(year=meeting.year, quarter__lt=meeting.quarter)
    topics = list(
        ResearchTopic.objects.filter(earlier, kind=ResearchTopic.Kind.QUARTER)
        .select_related("lead_department")
        .order_by("-year", "-quarter", "-pk")[:FOLLOWED_TOPICS]
    )
    progress = topics_progress(topics) if topics else {}
    return {
        "summary": figures["summary"],
        "rising": figures["rising"],
        "followed": [(topic, progress[topic.pk]) for topic in topics],
        # 本季度职工关注热点: the hot-terms selector's rows, wired in where it is built (the
        # search feature); the agenda leaves the section out while there are none.
        "hot_terms": [],
    }
