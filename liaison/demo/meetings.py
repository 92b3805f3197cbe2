"""The demo's quarterly meetings and their minutes."""

import datetime

from django.db.models import Count, Q, Sum

from liaison.demo.data import (
    ORGANIZATION,
)
from liaison.models import QuarterlyMeeting
from records.calendar import quarter_bounds
from records.models import Problem, VisitRecord
from unions.models import Cadre


class MeetingSteps:
    """Steps of `liaison.demo.seeder.Seeder` (a mixin: `self` is the seeder)."""

    # --- Quarterly meetings (季度例会) --------------------------------------------------------

    def seed_meetings(self, cadres: list[Cadre]) -> None:
        chair = cadres[0]
        attendees = [c for c in cadres if c.is_leader or c.department.name == ORGANIZATION]
        existing = set(
            QuarterlyMeeting.objects.filter(year__in=self.years).values_list("year", "quarter")
        )
        for year in self.years:
            for quarter in range(1, 5):
                quarter_end = quarter_bounds(year, quarter)[1]
                if quarter_end >= self.today or (year, quarter) in existing:
                    continue
                meeting = QuarterlyMeeting.objects.create(
                    year=year,
                    quarter=quarter,
                    date=self.on_or_before(datetime.date(year, quarter * 3, 25)),
                    other_attendees="街道总工会、基层工会代表3名",
                    minutes=self.minutes(year, quarter, quarter_end, chair),
                    created_by=self.org_user,
                )
                meeting.attendees.add(*attendees)
                self.summary.created["meetings"] += 1

    def minutes(self, year: int, quarter: int, last: datetime.date, chair: Cadre) -> str:
        first = quarter_bounds(year, quarter)[0]
        records = VisitRecord.objects.filter(
            start_date__range=(first, last), status=VisitRecord.Status.FILED
        ).aggregate(count=Count("pk"), days=Sum("days"))
        problems = Problem.objects.filter(record__start_date__range=(first, last)).aggregate(
            count=Count("pk"),
            on_spot=Count("pk", filter=Q(resolution=Problem.Resolution.ON_SPOT)),
            transfer=Count("pk", filter=Q(resolution=Problem.Resolution.TRANSFER)),
        )
        return (
            f"{year}年第{quarter}季度联系基层工作例会，{chair.name}同志主持。"
            f"会议通报了本季度机关干部联系基层情况：备案工作记录单{records['count']}份，"
            f"累计联系{records['days'] or 0}个工作日；基层反映问题{problems['count']}个，"
            f"其中现场解决{problems['on_spot']}个，移交相关部室办理{problems['transfer']}个。"
            "会议逐一研究了移交问题的办理情况，要求各部室在规定时限内答复并及时向基层反馈；"
            "对联系天数进度滞后的干部，由所在部室督促落实。"
        )
