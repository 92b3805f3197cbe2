"""The benchmark's data set: a district's three years of contact work, built with bulk inserts.

It reuses the vocabulary of `seed_demo` (departments, names, what a sheet says, the problems
and their answers) but not its rules engine: `seed_demo` writes a demo that is right in every
detail, one `bulk_create_with_history` at a time; this writes a district's volume in a few
minutes with plain `bulk_create`. So there are **no history rows** (django-simple-history's
tables stay empty): no page measured reads them, and the record sheet's own page, which does,
is not measured. Timestamps (`created_at`, `filed_at`, a timeline's steps) are set as they
would have happened, with seed_demo's `stamps_as_given`.

What is built is recorded in one row of the table `bench_dataset` (the marker); a database with
the marker of the same scale is reused, anything else is refused until `--rebuild`.
"""

import bisect
import datetime
import functools
import hashlib
import heapq
import itertools
import json
import random
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from liaison.demo.data import (
    ACTIONS,
    BRANDS,
    DEPARTMENTS,
    GIVEN_DOUBLE,
    GIVEN_SINGLE,
    INTEGRITY_EXCEPTIONS,
    NEEDS,
    ORGANIZATION,
    POLICIES,
    PRIVATE_TRADES,
    PROBLEMS,
    QUESTIONS,
    REMOTE_ACTIONS,
    REMOTE_POLICIES,
    RETURN_REASONS,
    ROADS,
    SECTION_TITLES,
    STAFF_ROTATION,
    STAFF_TITLES,
    STATE_TRADES,
    STREET_PLACES,
    SURNAMES,
    credit_code,
    model_fields,
    stamps_as_given,
)
from liaison.models import Opinion
from records.calendar import WorkingCalendar
from records.models import ContactForm, Notification, Problem, ProblemEvent, VisitRecord
from records.terms.segment import joined_terms
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment, Street
from unions.roles import GROUP_NAMES, Role

MARKER_TABLE = "bench_dataset"
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    name: str
    cadres: int
    unions: int
    records: int  # filed record sheets over `years`
    problems: int
    opinions: int = 0  # workers' opinions left on their unions' public pages (issue 16)
    years: int = 3
    seed: int = 7

    def times(self, n: int) -> "Scale":
        """This data set `n` times over (`--scale N`): `n` times the cadres, unions, filed
        sheets and problems over the same years, so each cadre's own share stays the same;
        named e.g. "district-x10" (its marker and bench database are its own)."""
        if n < 1:
            raise ValueError(f"a scale is a positive whole number, not {n}")
        if n == 1:
            return self
        return replace(
            self,
            name=f"{self.name}-x{n}",
            cadres=self.cadres * n,
            unions=self.unions * n,
            records=self.records * n,
            problems=self.problems * n,
            opinions=self.opinions * n,
        )


DISTRICT = Scale(
    "district", cadres=300, unions=3000, records=100_000, problems=20_000, opinions=20_000
)
QUICK = Scale("quick", cadres=30, unions=120, records=1_500, problems=300, opinions=300)


# --- The marker ------------------------------------------------------------------------------


def read_marker() -> dict | None:
    with connection.cursor() as cursor:
        if MARKER_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(f"SELECT spec FROM {MARKER_TABLE}")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _write_marker(spec: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (spec TEXT NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (spec) VALUES (%s)", [json.dumps(spec)])


def ensure(scale: Scale, *, may_build: bool, say=print) -> dict:
    """The data set of `scale` in the current database: reused when its marker says so, built
    when the database is empty (and `may_build`). Returns the marker."""
    marker = read_marker()
    if marker is not None:
        if marker["scale"]["name"] != scale.name:
            raise RuntimeError(
                f"The bench database holds the {marker['scale']['name']!r} data set, not "
                f"{scale.name!r}: run with --rebuild."
            )
        if marker["scale"] != asdict(scale):
            # Built before the data set changed (e.g. without the workers' opinions).
            raise RuntimeError(
                f"The bench database holds an older {scale.name!r} data set "
                f"({marker['scale']}, now {asdict(scale)}): run with --rebuild."
            )
        say(f"Reusing the {scale.name} data set built on {marker['built_on']}.")
        return marker
    if VisitRecord.objects.exists() or Cadre.objects.exists():
        raise RuntimeError(
            "The bench database has data but no marker (an interrupted build?): run with --rebuild."
        )
    if not may_build:
        raise RuntimeError("No bench data set yet (--reuse given): run without --reuse first.")
    started = time.perf_counter()
    with transaction.atomic():
        Builder(scale, say=say).build()
        marker = {
            "scale": asdict(scale),
            "built_on": timezone.localdate().isoformat(),
            "build_seconds": round(time.perf_counter() - started, 1),
        }
        _write_marker(marker)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load (inserts trigger it since PostgreSQL 13):
        # planner statistics, and the visibility map that lets a count read an index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    say(f"Built the {scale.name} data set in {marker['build_seconds']} s.")
    return marker


@functools.cache
def segmented(text: str) -> str:
    """The stored terms of a text (bulk_create does not call save(), which fills them); the
    texts come from a few dozen templates, so each is segmented once."""
    return joined_terms(text)


OPINION_TEXTS = [
    *((text, None) for texts in NEEDS.values() for text in texts),
    *((template.description, template.category) for template in PROBLEMS),
]
OPINION_ANSWER = "工会已了解你反映的情况，已转有关部室办理，结果将通过回执告知。"


# --- The builder -----------------------------------------------------------------------------


class Builder:
    def __init__(self, scale: Scale, say=print):
        self.scale = scale
        self.say = say
        self.rng = random.Random(scale.seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.years = list(range(self.today.year - scale.years + 1, self.today.year + 1))
        first = datetime.date(self.years[0], 1, 1)
        # Deadlines and later steps may fall a little past today.
        calendar = WorkingCalendar(first, self.today + datetime.timedelta(days=120))
        self.working = calendar.working_days()
        self.past_working = [day for day in self.working if day <= self.today]

    # --- time helpers ---

    def at(self, day: datetime.date, hours=(9, 17)) -> datetime.datetime:
        moment = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(*hours), self.rng.randrange(0, 60, 5))
        )
        return timezone.make_aware(moment)

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        index = bisect.bisect_right(self.working, day) + count - 1
        if index < len(self.working):
            return self.working[index]
        return day + datetime.timedelta(days=count * 2)

    def later(self, after: datetime.datetime, working_days: int) -> datetime.datetime:
        day = timezone.localtime(after).date()
        if working_days:
            day = self.add_working_days(day, working_days)
        moment = self.at(day)
        if moment <= after:
            moment = after + datetime.timedelta(minutes=self.rng.randint(20, 120))
        return moment

    # --- steps ---

    def build(self) -> None:
        timer = time.perf_counter()
        departments = self.departments()
        cadres = self.cadres(departments)
        unions = self.unions()
        self.say(f"  organization: {time.perf_counter() - timer:.1f} s")
        timer = time.perf_counter()
        held = {year: self.assignments(year, cadres, unions) for year in self.years}
        written = self.records(cadres, unions, held)
        self.say(f"  {written:,} record sheets: {time.perf_counter() - timer:.1f} s")
        timer = time.perf_counter()
        self.problems(departments, cadres)
        self.say(f"  problems and their timelines: {time.perf_counter() - timer:.1f} s")
        timer = time.perf_counter()
        self.opinions(cadres, unions, held)
        self.say(
            f"  {self.scale.opinions:,} workers' opinions: {time.perf_counter() - timer:.1f} s"
        )

    def departments(self) -> dict[str, Department]:
        objs = [
            Department(
                name=spec.name,
                order=order,
                is_lead=spec.name == ORGANIZATION,
                units_per_cadre=spec.units_per_cadre,
            )
            for order, spec in enumerate(DEPARTMENTS, start=1)
        ]
        Department.objects.bulk_create(objs)
        return {d.name: d for d in Department.objects.all()}

    def positions(self) -> list[tuple[str, str, str, bool]]:
        """(department, rank, title, heads the department) for every cadre: the federation's
        leaders, a head and a deputy per department, then staff (about one in ten a
        division-level leader, as in a district federation's office)."""
        rng = self.rng
        positions = [(DEPARTMENTS[0].name, Cadre.Rank.BUREAU, "常务副主席", False)]
        positions += [(DEPARTMENTS[0].name, Cadre.Rank.BUREAU, "副主席", False)] * 3
        for spec in DEPARTMENTS:
            positions.append((spec.name, Cadre.Rank.DIVISION, spec.chief, True))
            positions.append((spec.name, Cadre.Rank.DIVISION, spec.deputy, False))
        positions = positions[: self.scale.cadres]
        i = 0
        while len(positions) < self.scale.cadres:
            department = STAFF_ROTATION[i % len(STAFF_ROTATION)]
            i += 1
            roll = rng.random()
            if roll < 0.08:
                positions.append((department, Cadre.Rank.DIVISION, "一级调研员", False))
            elif roll < 0.6:
                positions.append(
                    (department, Cadre.Rank.SECTION, rng.choice(SECTION_TITLES), False)
                )
            else:
                positions.append((department, Cadre.Rank.STAFF, rng.choice(STAFF_TITLES), False))
        return positions

    def cadres(self, departments: dict[str, Department]) -> list[Cadre]:
        User = get_user_model()
        rng = self.rng
        positions = self.positions()
        seen, names = set(), []
        # Beyond half of the names there are, a scaled office has namesakes, as real ones do.
        distinct = len(SURNAMES) * (len(GIVEN_SINGLE) + len(GIVEN_DOUBLE)) // 2
        while len(names) < len(positions):
            given = rng.choice(GIVEN_SINGLE) if rng.random() < 0.4 else rng.choice(GIVEN_DOUBLE)
            name = (rng.choice(SURNAMES), given)
            if name not in seen or len(seen) >= distinct:
                seen.add(name)
                names.append(name)
        unusable = make_password(None)  # the bench logs in with force_login: no passwords
        users = [
            User(username=f"b{i:04d}", last_name=surname, first_name=given, password=unusable)
            for i, (surname, given) in enumerate(names, start=1)
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        users = list(User.objects.filter(username__startswith="b").order_by("username"))
        groups = {role: Group.objects.get_or_create(name=GROUP_NAMES[role])[0] for role in Role}
        Membership = User.groups.through
        memberships = []
        cadres = []
        for i, (user, (department, rank, title, chief), (surname, given)) in enumerate(
            zip(users, positions, names, strict=True), start=1
        ):
            held = [Role.CADRE]
            if chief:
                held.append(Role.DEPARTMENT_HEAD)
            if department == ORGANIZATION:
                held.append(Role.ORGANIZATION)
            memberships += [Membership(user_id=user.pk, group_id=groups[r].pk) for r in held]
            cadres.append(
                Cadre(
                    user=user,
                    name=surname + given,
                    staff_number=f"XC{i:04d}",
                    department=departments[department],
                    rank=rank,
                    title=title,
                    phone=f"010-6601{rng.randrange(10000):04d}",
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        Cadre.objects.bulk_create(cadres, batch_size=BATCH)
        return list(Cadre.objects.select_related("department", "user").order_by("staff_number"))

    def unions(self) -> list[GrassrootsUnion]:
        rng = self.rng
        streets = list(Street)
        codes: set[str] = set()
        objs = []
        while len(objs) < self.scale.unions:
            street = rng.choice(streets)
            code = credit_code(rng)
            if code in codes:
                continue
            codes.add(code)
            if rng.random() < 0.5:
                name = f"北京{rng.choice(BRANDS)}{rng.choice(PRIVATE_TRADES)}有限公司工会"
                kind = GrassrootsUnion.Kind.NON_PUBLIC
            else:
                place = STREET_PLACES[street]
                name = f"北京{place}{rng.choice(STATE_TRADES)}有限责任公司工会"
                kind = GrassrootsUnion.Kind.DIRECT
            surname, given = rng.choice(SURNAMES), rng.choice(GIVEN_DOUBLE)
            objs.append(
                GrassrootsUnion(
                    name=name,
                    credit_code=code,
                    kind=kind,
                    street=street,
                    address=f"北京市西城区{rng.choice(ROADS[street])}{rng.randint(1, 199)}号",
                    chair=surname + given,
                    phone=f"010-{rng.choice('68')}{rng.randint(0, 9999999):07d}",
                    member_count=rng.randint(15, 2500),
                )
            )
        GrassrootsUnion.objects.bulk_create(objs, batch_size=BATCH)
        return list(GrassrootsUnion.objects.order_by("pk"))

    def assignments(self, year, cadres, unions) -> dict[int, list[GrassrootsUnion]]:
        """The year's contact points: 4 per leader, the department's number for the others."""
        pool = list(unions)
        random.Random(f"{self.scale.seed}:assign:{year}").shuffle(pool)
        first_day = next(day for day in self.working if day.year == year)
        held, objs, cursor = {}, [], 0
        for cadre in cadres:
            mine = []
            while len(mine) < cadre.unit_quota:
                union = pool[cursor % len(pool)]
                cursor += 1
                if union not in mine:
                    mine.append(union)
            held[cadre.pk] = mine
            assigned_at = min(self.at(first_day, hours=(9, 11)), self.now)
            objs += [
                LiaisonAssignment(cadre=cadre, union=u, year=year, assigned_at=assigned_at)
                for u in mine
            ]
        with stamps_as_given(*model_fields(LiaisonAssignment, "assigned_at")):
            LiaisonAssignment.objects.bulk_create(objs, batch_size=BATCH)
        return held

    def records(self, cadres, unions, held) -> int:
        """`scale.records` filed sheets spread over the cadres (some busier than others) and
        the working days of the years up to today, one date each, never two on one date of a
        cadre, so every cadre keeps free dates to file on; and a few drafts and returned
        sheets this year. Returns the number of sheets written.

        Streamed, so that memory stays flat at any scale: the sheets are made day by day and
        inserted BATCH at a time, in the order they were written, as the table fills in real
        life (rows of one cadre spread over the table, not side by side: PostgreSQL's planner
        reads that order). Only what the problems need of the sheets they are raised on is
        kept (`self.problem_records`: date filed, id, cadre, union)."""
        rng = self.rng
        weights = [rng.triangular(0.5, 1.5, 1.0) for _ in cadres]
        total = sum(weights)
        counts = [int(self.scale.records * w / total) for w in weights]
        for i in range(self.scale.records - sum(counts)):
            counts[i % len(counts)] += 1
        counts = [min(count, len(self.past_working) * 2 // 3) for count in counts]
        this_year = [d for d in self.past_working if d.year == self.today.year][-30:]
        extras = defaultdict(list)  # day -> [(cadre's index, status)]: this year's few others
        for i in range(len(cadres)):
            for _ in range(rng.randint(0, 2)):
                extras[rng.choice(this_year)].append((i, VisitRecord.Status.DRAFT))
            if rng.random() < 0.1:
                extras[rng.choice(this_year)].append((i, VisitRecord.Status.RETURNED))
        # Problems are raised on a fifth of the filed sheets, chosen as they are made
        # (selection sampling: each with the odds of the places left over the sheets left, so
        # exactly `wanted` of them, any set as likely as any other); a few get a second problem.
        filed_total = sum(counts)
        twice = self.scale.problems // 13
        wanted = self.scale.problems - twice
        chosen = []  # (filed_at, record id, cadre's index, union), once inserted
        left = list(counts)  # sheets each cadre still has to file
        pending = []  # (record, cadre's index, chosen), not inserted yet
        written = 0

        def insert():
            nonlocal written
            with stamps_as_given(*model_fields(VisitRecord, "created_at", "updated_at")):
                VisitRecord.objects.bulk_create([r for r, _i, _c in pending], batch_size=BATCH)
            chosen.extend((r.filed_at, r.pk, i, r.union) for r, i, c in pending if c)
            written += len(pending)
            pending.clear()

        days_left = len(self.past_working)
        for day in self.past_working:
            todays = []
            for i, cadre in enumerate(cadres):
                # Each cadre's days: a uniform choice of `counts[i]` of the working days,
                # made one day at a time.
                if left[i] and rng.random() * days_left < left[i]:
                    left[i] -= 1
                    record = self.record(cadre, day, held, unions, filed=True)
                    pick = rng.random() * filed_total < wanted
                    record.area_problems = pick
                    wanted -= pick
                    filed_total -= 1
                    todays.append((record, i, pick))
            days_left -= 1
            for i, status in extras.pop(day, []):
                if status == VisitRecord.Status.DRAFT:
                    record = self.record(cadres[i], day, held, unions, filed=False)
                    if rng.random() < 0.3:
                        record.start_date = record.end_date = None
                else:
                    record = self.record(cadres[i], day, held, unions, filed=True)
                    record.status = VisitRecord.Status.RETURNED
                    record.return_reason = rng.choice(RETURN_REASONS)
                todays.append((record, i, False))
            todays.sort(key=lambda entry: entry[0].created_at)
            pending += todays
            if len(pending) >= BATCH:
                insert()
        insert()
        self.problem_records = sorted(
            chosen + rng.sample(chosen, twice), key=lambda c: (c[0], c[1])
        )
        return written

    def record(self, cadre, day, held, unions, *, filed: bool) -> VisitRecord:
        rng = self.rng
        mine = held[day.year][cadre.pk]
        if rng.random() < 0.9:
            union, outside = rng.choice(mine), False
        else:
            union = rng.choice(unions)
            outside = union not in mine
        form = rng.choices(
            [
                ContactForm.ON_SITE,
                ContactForm.FACE_TO_FACE,
                ContactForm.DISCUSSION,
                ContactForm.REMOTE,
            ],
            [18, 16, 6, 60],
        )[0]
        remote = form == ContactForm.REMOTE
        days = Decimal(0) if remote else rng.choices([Decimal("0.5"), Decimal(1)], [85, 15])[0]
        record = VisitRecord(
            cadre=cadre,
            union=union,
            start_date=day,
            end_date=day,
            days=days,
            contact_form=form,
            area_needs=True,
            area_policy=rng.random() < 0.5,
            area_problems=False,
            area_self=rng.random() < 0.3,
            questions_prepared="" if remote else "\n".join(rng.sample(QUESTIONS, 2)),
            people_met=f"工会主席{union.chair}、一线职工代表{rng.randint(2, 20)}名",
            workers_met=rng.randint(0, 30),
            needs_and_opinions="".join(rng.sample(NEEDS["general"], 1 if remote else 2)),
            policies_publicised=(
                rng.choice(REMOTE_POLICIES)
                if remote
                else rng.choice(POLICIES).format(n=rng.randint(20, 120))
            ),
            actions_on_spot=rng.choice(REMOTE_ACTIONS if remote else ACTIONS),
            transport_accepted=False,
            gifts_accepted=False,
            banquet_accepted=False,
            outside_assignment=outside,
            status=VisitRecord.Status.FILED if filed else VisitRecord.Status.DRAFT,
        )
        record.terms = segmented(record.needs_and_opinions)
        record.created_at = min(self.at(day, hours=(16, 20)), self.now)
        if filed:
            delay = rng.choice([0, 0, 1, 1, 1, 2, 2, 3, 4, 6, 9, 14])
            filed_at = self.at(day + datetime.timedelta(days=delay), hours=(17, 21))
            if filed_at > self.now:
                filed_at = record.created_at + (self.now - record.created_at) / 2
            record.filed_at = max(filed_at, record.created_at)
            if not remote and rng.random() < 0.003:
                name, explanation = rng.choice(INTEGRITY_EXCEPTIONS)
                setattr(record, name, True)
                record.integrity_explanation = explanation
        record.updated_at = record.filed_at or record.created_at
        return record

    def problems(self, departments, cadres) -> None:
        """A problem on each sheet of `self.problem_records` (in the order they were raised),
        with its timeline and notifications. Streamed like the sheets: problems inserted BATCH
        at a time; their steps and notifications, which happen later, wait in a heap by date
        and are inserted once no problem still to come can have an earlier one (each step comes
        after its problem was raised, and the problems come in the order they were raised)."""
        rng = self.rng
        bureau = [c for c in cadres if c.rank == Cadre.Rank.BUREAU]
        chief = {c.department_id: c.user for c in cadres if c.title in ("部长", "主任")}
        org_user = next(c.user for c in cadres if c.department.name == ORGANIZATION)
        S = Problem.Status
        batch = []  # (problem, its steps, its notifications), not inserted yet
        steps_due, notes_due = [], []  # heaps of (moment, n, row), not inserted yet
        order = itertools.count()

        def insert(until=None):
            """The batch of problems; then the steps and notifications dated before `until`
            (all of them when None)."""
            with stamps_as_given(*model_fields(Problem, "created_at", "updated_at")):
                Problem.objects.bulk_create([p for p, _s, _n in batch], batch_size=BATCH)
            for problem, steps, notes in batch:
                previous = ""
                for status, moment, action, actor, note in steps:
                    event = ProblemEvent(
                        problem=problem,
                        actor=actor,
                        at=moment,
                        action=action,
                        from_status=previous,
                        to_status=status,
                        note=note,
                    )
                    heapq.heappush(steps_due, (moment, next(order), event))
                    previous = status
                for note in notes:
                    heapq.heappush(notes_due, (note.created_at, next(order), note))
            batch.clear()

            def due(heap):
                rows = []
                while heap and (until is None or heap[0][0] < until):
                    rows.append(heapq.heappop(heap)[2])
                return rows

            with stamps_as_given(*model_fields(ProblemEvent, "at")):
                ProblemEvent.objects.bulk_create(due(steps_due), batch_size=BATCH)
            Notification.objects.bulk_create(due(notes_due), batch_size=BATCH)

        for raised, record_id, index, union in self.problem_records:
            if len(batch) >= BATCH:
                insert(until=raised)
            template = rng.choice(PROBLEMS)
            cadre = cadres[index]
            cadre_user = cadre.user
            notes = []
            if rng.random() < 0.45:
                problem = Problem(
                    record_id=record_id,
                    description=template.description,
                    terms=segmented(template.description),
                    category=template.category,
                    resolution=Problem.Resolution.ON_SPOT,
                    action_on_spot=template.on_spot,
                    status=S.CLOSED,
                    created_at=raised,
                    updated_at=raised,
                )
                steps = [(S.CLOSED, raised, "solve_on_spot", cadre_user, template.on_spot)]
                batch.append((problem, steps, notes))
                continue
            department = departments[template.department]
            head = chief.get(department.pk) or org_user
            transferred = self.later(raised, rng.randint(1, 3))
            deadline = self.add_working_days(timezone.localtime(transferred).date(), 15)
            accepted = self.later(transferred, rng.randint(0, 2))
            answered = self.later(accepted, rng.randint(2, 8) if rng.random() < 0.9 else 20)
            fed_back = self.later(answered, rng.randint(1, 5))
            closed = self.later(fed_back, rng.randint(1, 3))
            steps = [
                (S.RAISED, raised, "raise", cadre_user, ""),
                (S.TRANSFERRED, transferred, "transfer", org_user, f"移交{department.name}办理。"),
                (S.ACCEPTED, accepted, "accept", head, "已签收，抓紧办理。"),
                (S.ANSWERED, answered, "answer", head, template.answer),
                (S.FED_BACK, fed_back, "feedback", cadre_user, "电话向基层反馈，基层表示满意。"),
                (S.CLOSED, closed, "close", org_user, "经回访，问题已办结。"),
            ]
            reached = max(i for i, step in enumerate(steps) if step[1] <= self.now)
            if reached >= 2 and rng.random() < 0.04:
                reached = rng.choice([1, 2])  # stuck with the department: overdue by now
            steps = steps[: reached + 1]
            status, last = steps[-1][0], steps[-1][1]
            urgent = rng.random() < 0.06
            problem = Problem(
                record_id=record_id,
                description=template.description,
                terms=segmented(template.description),
                category=template.category,
                resolution=Problem.Resolution.TRANSFER,
                department=department if reached >= 1 else None,
                leader=rng.choice(bureau) if urgent and bureau and reached >= 1 else None,
                urgent=urgent,
                deadline=deadline if reached >= 1 else None,
                answer=template.answer if reached >= 3 else "",
                answered_at=answered if reached >= 3 else None,
                answered_by=head if reached >= 3 else None,
                feedback_on=timezone.localtime(fed_back).date() if reached >= 4 else None,
                feedback_method=Problem.FeedbackMethod.PHONE if reached >= 4 else "",
                feedback_by=cadre if reached >= 4 else None,
                satisfaction=Problem.Satisfaction.SATISFIED if reached >= 4 else "",
                status=status,
                created_at=raised,
                updated_at=last,
            )
            batch.append((problem, steps, notes))
            if reached >= 1:
                notes.append(
                    Notification(
                        recipient=head,
                        problem=problem,
                        kind=Notification.Kind.TRANSFERRED,
                        message=f"{union.name}反映的问题已移交你部室，请于{deadline}前答复。",
                        created_at=transferred,
                        read_at=accepted if reached >= 2 else None,
                    )
                )
            if reached >= 3:
                notes.append(
                    Notification(
                        recipient=cadre_user,
                        problem=problem,
                        kind=Notification.Kind.ANSWERED,
                        message=f"{department.name}已答复{union.name}反映的问题，请向基层反馈。",
                        created_at=answered,
                        read_at=fed_back if reached >= 4 else None,
                    )
                )
        insert()

    def opinions(self, cadres, unions, held) -> None:
        """`scale.opinions` workers' opinions left on their unions' public pages, spread over the
        unions and the days of the years up to now, inserted in the order they were left: about
        two in five still new, the rest taken up by a contact cadre of the union (some linked to a
        problem raised on that union's sheets), answered, closed (a few rated). Their `terms` are
        filled as the sheets' are; no receipts (receipt_hash NULL, as for opinions left before
        receipts existed)."""
        rng = self.rng
        S = Opinion.Status
        users = {cadre.pk: cadre.user for cadre in cadres}
        contacts = defaultdict(list)  # (year, union id) -> its contact cadres' users
        for year, points in held.items():
            for cadre_pk, mine in points.items():
                for union in mine:
                    contacts[year, union.pk].append(users[cadre_pk])
        problems = defaultdict(list)  # union id -> its problems' ids
        for pk, union_id in Problem.objects.values_list("pk", "record__union_id"):
            problems[union_id].append(pk)
        categories = list(Problem.Category)
        days = [
            self.today - datetime.timedelta(days=n)
            for n in range((self.today - datetime.date(self.years[0], 1, 1)).days + 1)
        ]
        opinions = []
        for i in range(self.scale.opinions):
            union = rng.choice(unions)
            text, category = rng.choice(OPINION_TEXTS)
            left = min(self.at(rng.choice(days), hours=(7, 22)), self.now)
            opinion = Opinion(
                union=union,
                text=text,
                terms=segmented(text),
                category=category or rng.choice(categories),
                created_at=left,
                address_hash=hashlib.sha256(f"bench:{i % 5000}".encode()).hexdigest(),
            )
            if rng.random() < 0.2:
                opinion.name = rng.choice(SURNAMES) + rng.choice(GIVEN_DOUBLE)
                opinion.phone = f"13{rng.randint(0, 999_999_999):09d}"
            roll = rng.random()
            takers = contacts.get((left.year, union.pk))
            if roll >= 0.4 and takers:
                taken = self.later(left, rng.randint(0, 3))
                if taken <= self.now:
                    opinion.status = S.TAKEN_UP
                    opinion.taken_up_by = rng.choice(takers)
                    opinion.taken_up_at = taken
                    if problems[union.pk] and rng.random() < 0.3:
                        opinion.problem_id = rng.choice(problems[union.pk])
                    answered = self.later(taken, rng.randint(1, 10))
                    if roll >= 0.6 and answered <= self.now:
                        opinion.status = S.ANSWERED
                        opinion.answer = OPINION_ANSWER
                        opinion.answered_at = answered
                        opinion.answered_by = opinion.taken_up_by
                        closed = self.later(answered, rng.randint(1, 5))
                        if roll >= 0.85 and closed <= self.now:
                            opinion.status = S.CLOSED
                            if rng.random() < 0.5:
                                opinion.rating = rng.choice(list(Problem.Satisfaction))
                                opinion.rated_at = closed
            opinions.append(opinion)
        opinions.sort(key=lambda o: o.created_at)
        Opinion.objects.bulk_create(opinions, batch_size=BATCH)


def counts() -> dict[str, int]:
    """What the data set holds, as the report states it."""
    return {
        "cadres": Cadre.objects.count(),
        "unions": GrassrootsUnion.objects.count(),
        "assignments": LiaisonAssignment.objects.count(),
        "filed records": VisitRecord.objects.filed().count(),
        "all records": VisitRecord.objects.count(),
        "problems": Problem.objects.count(),
        "problem events": ProblemEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "workers' opinions": Opinion.objects.count(),
    }
