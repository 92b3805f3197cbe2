"""The demo seeder: builds a district federation's year of contact work through the services."""

import bisect
import datetime
import random

from django.utils import timezone

from liaison.demo.data import (
    Summary,
)
from liaison.demo.meetings import MeetingSteps
from liaison.demo.organization import OrganizationSteps
from liaison.demo.problems import ProblemSteps
from liaison.demo.records import RecordSteps
from records.calendar import WorkingCalendar
from records.terms.services import terms_backfill


class Seeder(OrganizationSteps, RecordSteps, ProblemSteps, MeetingSteps):
    def __init__(self, *, cadres: int, unions: int, years: int, seed: int, say):
        self.n_cadres, self.n_unions, self.seed, self.say = cadres, unions, seed, say
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.years = list(range(self.today.year - years + 1, self.today.year + 1))
        # Deadlines and closing steps may fall a little past today.
        self.calendar = WorkingCalendar(
            datetime.date(self.years[0], 1, 1), self.today + datetime.timedelta(days=120)
        )
        self._working = self.calendar.working_days()
        self._working_set = set(self._working)
        self.summary = Summary()

    def rng(self, *parts) -> random.Random:
        """One generator per step, so skipping a step does not change the others."""
        return random.Random(":".join(map(str, (self.seed, *parts))))

    # --- Calendar -----------------------------------------------------------------------------

    def working_days(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        return [day for day in self._working if start <= day <= end]

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The date `count` working days after `day` (not counting `day` itself)."""
        index = bisect.bisect_right(self._working, day) + count - 1
        if index < len(self._working):
            return self._working[index]
        return day + datetime.timedelta(days=count * 2)  # past the span: an estimate will do

    def on_or_before(self, day: datetime.date) -> datetime.date:
        while day not in self._working_set and day > self.calendar.start:
            day -= datetime.timedelta(days=1)
        return day

    def at(self, rng: random.Random, day: datetime.date, hours=(9, 17)) -> datetime.datetime:
        moment = datetime.datetime.combine(
            day, datetime.time(rng.randint(*hours), rng.randrange(0, 60, 5))
        )
        return timezone.make_aware(moment)

    def later(self, rng, after: datetime.datetime, working_days: int) -> datetime.datetime:
        day = timezone.localtime(after).date()
        if working_days:
            day = self.add_working_days(day, working_days)
        moment = self.at(rng, day)
        if moment <= after:
            moment = after + datetime.timedelta(minutes=rng.randint(20, 120))
        return moment

    # --- Steps --------------------------------------------------------------------------------

    def run(self) -> Summary:
        departments = self.seed_departments()
        cadres = self.seed_cadres(departments)
        self.seed_admin()
        unions = self.seed_unions()
        for year in self.years:
            self.seed_assignments(year, cadres, unions)
        for year in self.years:
            self.seed_records(year, cadres, unions)
        self.seed_meetings(cadres)
        # Sheets and problems were written in bulk (no save()): their words for the hot terms
        # and the search.
        terms_backfill()
        return self.summary
