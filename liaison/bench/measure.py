"""What the benchmark measures, inside a worker process (Django already set up on the bench
database, DEBUG off): pages through the test client, the dashboard's SQL floor, the exports.

Every page goes through Django's full request cycle — middleware, sessions, URL resolution, the
view, the template — with `django.test.Client` logged in by `force_login` as the role that
uses the page. Timed requests run without query capture; one more request of each page runs
inside `CaptureQueriesContext` for its number of queries and their time.
"""

import datetime
import logging
import math
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from records.calendar import WorkingCalendar, quarter_bounds, quarter_of
from records.models import Problem, VisitRecord
from unions.models import Cadre, Department
from unions.roles import Role

# --- Statistics ----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or
    below it (with 30 samples, the 95th percentile is the 29th)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(times_ms: list[float]) -> dict:
    return {
        "n": len(times_ms),
        "median": round(statistics.median(times_ms), 2),
        "p95": round(percentile(times_ms, 0.95), 2),
        "min": round(min(times_ms), 2),
        "max": round(max(times_ms), 2),
    }


class SqlClock(logging.Handler):
    """Wall time spent in the database driver, summed from the `duration` Django puts on each
    `django.db.backends` debug record while queries are captured: the captured times themselves
    are rounded to the millisecond."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seconds = 0.0

    def emit(self, record):
        self.seconds += getattr(record, "duration", 0.0)


@contextmanager
def counted_queries():
    """Yields (CaptureQueriesContext, SqlClock) for one request."""
    clock = SqlClock()
    logger = logging.getLogger("django.db.backends")
    level, propagate = logger.level, logger.propagate
    logger.addHandler(clock)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # the records are for the clock, not for the site's log
    try:
        with CaptureQueriesContext(connection) as captured:
            yield captured, clock
    finally:
        logger.removeHandler(clock)
        logger.setLevel(level)
        logger.propagate = propagate


def timed(
    call: Callable[[], object],
    repeat: int,
    cpu: list | None = None,
    before: Callable[[], object] | None = None,
) -> list[float]:
    """Wall-clock milliseconds of each call; with `cpu`, this process's CPU milliseconds too
    (what a page costs a worker, whatever else the machine is doing; SQLite's work is in it,
    PostgreSQL's is in the server's processes). `before` runs ahead of each call, untimed."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return times


# --- Who uses each page ----------------------------------------------------------------------


def _with_roles(*roles: Role):
    cadres = Cadre.objects.active().select_related("user", "department")
    for role in roles:
        cadres = cadres.filter(user__groups__name=role.group_name)
    return cadres


@dataclass
class Cast:
    """The users the pages are measured as."""

    org: Cadre  # the organization department (not a department head)
    cadres: list[Cadre]  # plain cadres (only the cadre role), each with contact units
    head: Cadre  # the head of the department with the longest inbox

    @classmethod
    def pick(cls, count: int = 10) -> "Cast":
        year = timezone.localdate().year
        heads = _with_roles(Role.DEPARTMENT_HEAD)
        org = (
            _with_roles(Role.ORGANIZATION)
            .exclude(pk__in=heads.values("pk"))
            .order_by("staff_number")
            .first()
        )
        plain = (
            Cadre.objects.active()
            .select_related("user", "department")
            .annotate(
                roles=Count("user__groups", distinct=True),
                units=Count("assignments", filter=Q(assignments__year=year), distinct=True),
            )
            .filter(roles=1, units__gt=0, rank__in=[Cadre.Rank.SECTION, Cadre.Rank.STAFF])
            .order_by("staff_number")
        )
        # Spread over the office: every third plain cadre, not the first ten of one department.
        cadres = list(plain)[::3][:count] or list(plain)[:count]
        busiest = (
            Department.objects.annotate(
                waiting=Count(
                    "problems",
                    filter=Q(
                        problems__status__in=[
                            Problem.Status.TRANSFERRED,
                            Problem.Status.ACCEPTED,
                        ]
                    ),
                )
            )
            .order_by("-waiting", "order")
            .first()
        )
        head = heads.filter(department=busiest).order_by("staff_number").first()
        return cls(org=org, cadres=cadres, head=head)


def client_for(cadre: Cadre) -> Client:
    client = Client()
    client.force_login(cadre.user)
    return client


# --- Pages -----------------------------------------------------------------------------------


@dataclass
class PageResult:
    key: str
    label: str
    url: str
    as_who: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    queries: int | None = None
    query_ms: float | None = None
    status: int | None = None
    todo: str = ""

    def as_dict(self) -> dict:
        data = {
            "key": self.key,
            "label": self.label,
            "url": self.url,
            "as": self.as_who,
            "queries": self.queries,
            "query_ms": self.query_ms,
            "status": self.status,
            "todo": self.todo,
        }
        if self.times:
            data.update(summary(self.times))
            data["cpu_median"] = round(statistics.median(self.cpu), 2)
        return data


def _reverse(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


@contextmanager
def _profiled(path: Path | None):
    if path is None:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))


def measure_get(
    result: PageResult,
    clients: list[Client],
    *,
    repeat: int,
    warmup: int = 3,
    profile: Path | None = None,
    before: Callable[[], object] | None = None,
) -> PageResult:
    """GET the page `repeat` times, the clients taking turns; then once more counting queries.
    `before` runs ahead of every request, untimed."""
    turn = iter(range(10**9))

    def get():
        response = clients[next(turn) % len(clients)].get(result.url)
        if response.status_code != 200:
            raise RuntimeError(f"{result.url} answered {response.status_code} for {result.as_who}")
        return response

    before = before or (lambda: None)
    for _ in range(warmup):
        before()
        get()
    result.times = timed(get, repeat, result.cpu, before)
    before()
    with counted_queries() as (captured, clock):
        result.status = get().status_code
    result.queries = len(captured.captured_queries)
    result.query_ms = round(clock.seconds * 1000, 2)
    before()
    with _profiled(profile):
        get()
    return result


def free_dates(cadre: Cadre, today: datetime.date) -> list[datetime.date]:
    """Working days of this year up to today on which `cadre` has filed nothing (most recent
    first): a sheet of half a day filed on one of them passes the 1-day-per-date rule."""
    start = datetime.date(today.year, 1, 1)
    taken = set(
        VisitRecord.objects.filter(cadre=cadre, start_date__gte=start).values_list(
            "start_date", flat=True
        )
    )
    days = WorkingCalendar(start, today).working_days()
    return [day for day in reversed(days) if day not in taken]


def filing_payload(union_id: int, day: datetime.date) -> dict:
    """A complete work record sheet, filed (备案): on-site, half a day, integrity declined."""
    return {
        "union": str(union_id),
        "start_date": day.isoformat(),
        "end_date": day.isoformat(),
        "days": "0.5",
        "contact_form": "on_site",
        "content_areas": ["needs", "policy"],
        "questions_prepared": "今年以来职工队伍有哪些变化？一线职工最关心的问题是什么？",
        "people_met": "工会主席、一线职工代表8名",
        "workers_met": "8",
        "needs_and_opinions": "一线职工希望增加技能培训机会。",
        "policies_publicised": "宣讲了职工互助保障计划。",
        "actions_on_spot": "现场解答了职工提出的政策问题。",
        "transport_accepted": "False",
        "gifts_accepted": "False",
        "banquet_accepted": "False",
        "integrity_explanation": "",
        "problems-TOTAL_FORMS": "0",
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "1000",
        "attach-pending": "",
        "action": "file",
    }


def measure_filing(
    result: PageResult, cast: Cast, *, repeat: int, profile: Path | None = None
) -> PageResult:
    """POST a new sheet to records:record-create, each time another cadre or another date with
    room left, and expect the redirect (302) to the filed sheet. The sheets are deleted after."""
    from unions.assignments.selectors import assigned_union_ids

    today = timezone.localdate()
    slots = []  # (client, cadre, union, date), cadres taking turns
    plans = []
    for cadre in cast.cadres:
        units = sorted(assigned_union_ids(cadre, today.year))
        if units:
            plans.append((client_for(cadre), cadre, units, free_dates(cadre, today)))
    needed = repeat + 5
    depth = 0
    while len(slots) < needed and any(depth < len(dates) for *_x, dates in plans):
        for client, cadre, units, dates in plans:
            if depth < len(dates):
                slots.append((client, cadre, units[depth % len(units)], dates[depth]))
        depth += 1
    if len(slots) < needed:
        raise RuntimeError("not enough free dates to file on")
    first_new = last_record_pk()
    slots = iter(slots)

    def post():
        client, cadre, union, day = next(slots)
        response = client.post(result.url, filing_payload(union, day))
        if response.status_code != 302:
            raise RuntimeError(
                f"filing as {cadre.user.username} on {day} answered {response.status_code}"
            )
        return response

    try:
        for _ in range(3):
            post()
        result.times = timed(post, repeat, result.cpu)
        with counted_queries() as (captured, clock):
            result.status = post().status_code
        result.queries = len(captured.captured_queries)
        result.query_ms = round(clock.seconds * 1000, 2)
        with _profiled(profile):
            post()
    finally:
        delete_records_after(first_new)
    return result


def last_record_pk() -> int:
    return VisitRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def delete_records_after(first_new: int) -> None:
    """Leave the data set as it was, so that a rerun measures the same thing."""
    new = VisitRecord.objects.filter(pk__gt=first_new)
    VisitRecord.history.filter(id__in=list(new.values_list("pk", flat=True))).delete()
    new.delete()


def mixed_filings(count: int) -> tuple[list[str], list[tuple[str, str, str]]]:
    """For the mixed load: the session keys of plain cadres (whose homes are opened), and up to
    `count` valid new sheets to file as them — (session key, CSRF token, form body), each on a
    working day the cadre has not filed on yet, the cadres taking turns."""
    from unions.assignments.selectors import assigned_union_ids

    today = timezone.localdate()
    sessions, plans = [], []
    for cadre in Cast.pick(count=40).cadres:
        session = client_for(cadre).cookies[settings.SESSION_COOKIE_NAME].value
        sessions.append(session)
        units = sorted(assigned_union_ids(cadre, today.year))
        plans.append((session, get_random_string(32), units, free_dates(cadre, today)))
    filings = []
    for depth in range(max((len(dates) for *_x, dates in plans), default=0)):
        for session, token, units, dates in plans:
            if depth < len(dates) and len(filings) < count:
                payload = {
                    **filing_payload(units[depth % len(units)], dates[depth]),
                    "csrfmiddlewaretoken": token,
                }
                filings.append((session, token, urlencode(payload, doseq=True)))
    return sessions, filings


PAGES = [
    ("dashboard", "Compliance dashboard, current quarter (organization dept.)"),
    ("cadre_home", "Cadre's home (我的联系点)"),
    # The same page with every cache emptied before each request (untimed), as the first
    # request after a change sees it.
    ("cadre_home_changed", "Cadre's home right after a change (nothing cached)"),
    ("record_list", "Record list, first page (organization dept.)"),
    ("ledger", "Problem ledger, first page (organization dept.)"),
    ("filing", "Filing a record sheet (POST, cadre)"),
    ("inbox", "Department inbox (department head)"),
    ("search", "Search for two words (organization dept.)"),
    ("hot_terms", "Search page without words: the quarter's hot terms (organization dept.)"),
    # Issue 16: this quarter's needs, problems and workers' opinions by category, street and
    # quarter — every union's for the organization department, a cadre's contact units' own.
    ("analysis", "Workers' demands analysis, this quarter (organization dept.)"),
    ("analysis_cadre", "Workers' demands analysis, this quarter (cadre)"),
]
# Two words of the data set's needs (liaison.demo.data.NEEDS), in many sheets of every quarter.
SEARCH_WORDS = "技能培训 晋升"


def _clear_caches():
    for cache in caches.all():
        cache.clear()


def measure_pages(
    *, repeat: int, profile_dir: Path | None = None, only_count: bool = False, say=print
) -> tuple[list[dict], Cast]:
    cast = Cast.pick()
    org = [client_for(cast.org)]
    cadres = [client_for(c) for c in cast.cadres]
    head = [client_for(cast.head)]
    if only_count:
        repeat = 1
    urls = {
        "dashboard": _reverse("compliance:dashboard"),
        "cadre_home": reverse("home"),
        "cadre_home_changed": reverse("home"),
        "record_list": reverse("records:record-list"),
        "ledger": reverse("records:ledger"),
        "filing": reverse("records:record-create"),
        "inbox": reverse("records:inbox"),
        "search": f"{reverse('search:search')}?{urlencode({'q': SEARCH_WORDS})}",
        "hot_terms": reverse("search:search"),
        "analysis": _reverse("analysis:page"),
        "analysis_cadre": _reverse("analysis:page"),
    }
    who = {
        "dashboard": (org, cast.org.user.username),
        "cadre_home": (cadres, f"{len(cadres)} cadres in turn"),
        "cadre_home_changed": (cadres, f"{len(cadres)} cadres in turn"),
        "record_list": (org, cast.org.user.username),
        "ledger": (org, cast.org.user.username),
        "inbox": (head, cast.head.user.username),
        "search": (org, cast.org.user.username),
        "hot_terms": (org, cast.org.user.username),
        "analysis": (org, cast.org.user.username),
        "analysis_cadre": (cadres, f"{len(cadres)} cadres in turn"),
    }
    results = []
    for key, label in PAGES:
        url = urls[key]
        profile = profile_dir / f"{connection.vendor}-{key}.txt" if profile_dir else None
        if key == "filing":
            result = PageResult(key, label, url, f"{len(cast.cadres)} cadres in turn")
            measure_filing(result, cast, repeat=repeat, profile=profile)
        elif url is None:
            missing = "analysis:page" if key.startswith("analysis") else "compliance:dashboard"
            result = PageResult(key, label, "", who[key][1], todo=f"URL {missing} missing")
        else:
            clients, as_who = who[key]
            result = PageResult(key, label, url, as_who)
            before = _clear_caches if key == "cadre_home_changed" else None
            measure_get(result, clients, repeat=repeat, profile=profile, before=before)
        say(
            f"  {key:12} median {statistics.median(result.times):7.1f} ms, {result.queries} queries"
            if result.times
            else f"  {key:12} TODO {result.todo}"
        )
        results.append(result.as_dict())
    return results, cast


# --- The dashboard's floor: the same figures by hand-written SQL -----------------------------


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def floor_queries(*, year: int, quarter: int, today: datetime.date) -> list[tuple[str, list]]:
    """The compliance dashboard's figures (liaison.compliance: live_compliance,
    live_street_coverage, quarterly_trend) as three hand-written statements, each one pass of
    GROUP BY aggregates — what a person would write against these tables."""
    from unions.models import GrassrootsUnion, LiaisonAssignment

    start, end = quarter_bounds(year, quarter)
    as_of = min(end, today)
    timely = settings.COMPLIANCE_TIMELY_DAYS
    records, problems = _t(VisitRecord), _t(Problem)
    points, cadres, departments = _t(LiaisonAssignment), _t(Cadre), _t(Department)
    unions = _t(GrassrootsUnion)
    if connection.vendor == "postgresql":
        filed_on = f"(filed_at AT TIME ZONE '{settings.TIME_ZONE}')::date"
        due = f"end_date + {int(timely)}"
        quarter_of = "EXTRACT(QUARTER FROM start_date)"
    else:  # SQLite keeps UTC text; Asia/Shanghai is UTC+8 all year
        offset = timezone.localtime().utcoffset().total_seconds() / 3600
        filed_on = f"date(filed_at, '{offset:+.0f} hours')"
        due = f"date(end_date, '+{int(timely)} days')"
        quarter_of = "((CAST(strftime('%%m', start_date) AS integer) + 2) / 3)"

    def d(day: datetime.date):
        return day if connection.vendor == "postgresql" else day.isoformat()

    cadre_sql = f"""
        WITH q AS (
            SELECT id, cadre_id, union_id, end_date, filed_at,
                   transport_accepted, gifts_accepted, banquet_accepted
            FROM {records}
            WHERE status = 'filed' AND start_date BETWEEN %s AND %s
        ),
        rec AS (
            SELECT cadre_id, COUNT(*) AS n,
                   SUM(CASE WHEN filed_at IS NOT NULL AND {filed_on} <= {due}
                       THEN 1 ELSE 0 END) AS timely,
                   SUM(CASE WHEN transport_accepted OR gifts_accepted OR banquet_accepted
                       THEN 1 ELSE 0 END) AS integrity
            FROM q GROUP BY cadre_id
        ),
        yr AS (
            SELECT cadre_id, SUM(days) AS days FROM {records}
            WHERE status = 'filed' AND start_date BETWEEN %s AND %s
            GROUP BY cadre_id
        ),
        pts AS (
            SELECT cadre_id, union_id FROM {points}
            WHERE year = %s AND (ended_at IS NULL OR ended_at > %s)
        ),
        assigned AS (SELECT cadre_id, COUNT(*) AS n FROM pts GROUP BY cadre_id),
        contacted AS (
            SELECT pts.cadre_id, COUNT(*) AS n FROM pts
            WHERE EXISTS (SELECT 1 FROM q
                          WHERE q.cadre_id = pts.cadre_id AND q.union_id = pts.union_id)
            GROUP BY pts.cadre_id
        ),
        prob AS (
            SELECT q.cadre_id, COUNT(*) AS raised,
                   SUM(CASE WHEN p.resolution = 'transfer' THEN 1 ELSE 0 END) AS transferred,
                   SUM(CASE WHEN p.status IN ('transferred', 'accepted') AND p.deadline < %s
                       THEN 1 ELSE 0 END) AS overdue,
                   SUM(CASE WHEN p.feedback_on IS NOT NULL THEN 1 ELSE 0 END) AS fed_back
            FROM {problems} p JOIN q ON q.id = p.record_id
            GROUP BY q.cadre_id
        )
        SELECT c.id, c.name, d.name, c.rank,
               COALESCE(assigned.n, 0), COALESCE(contacted.n, 0), COALESCE(yr.days, 0),
               COALESCE(rec.n, 0), COALESCE(rec.timely, 0), COALESCE(rec.integrity, 0),
               COALESCE(prob.raised, 0), COALESCE(prob.transferred, 0),
               COALESCE(prob.overdue, 0), COALESCE(prob.fed_back, 0)
        FROM {cadres} c
        JOIN {departments} d ON d.id = c.department_id
        LEFT JOIN assigned ON assigned.cadre_id = c.id
        LEFT JOIN contacted ON contacted.cadre_id = c.id
        LEFT JOIN yr ON yr.cadre_id = c.id
        LEFT JOIN rec ON rec.cadre_id = c.id
        LEFT JOIN prob ON prob.cadre_id = c.id
        WHERE c.active OR rec.n IS NOT NULL
        ORDER BY d."order", d.name, c.rank, c.name, c.id
    """
    cadre_params = [
        d(start),
        d(end),
        d(datetime.date(year, 1, 1)),
        d(as_of),
        year,
        d(as_of),
        d(today),
    ]
    street_sql = f"""
        SELECT u.street, COUNT(*),
               SUM(CASE WHEN EXISTS (SELECT 1 FROM {records} r
                                     WHERE r.union_id = u.id AND r.status = 'filed'
                                       AND r.start_date BETWEEN %s AND %s)
                   THEN 1 ELSE 0 END)
        FROM {unions} u WHERE u.active GROUP BY u.street
    """
    trend_sql = f"""
        SELECT {quarter_of} AS quarter, SUM(days) FROM {records}
        WHERE status = 'filed' AND start_date BETWEEN %s AND %s
        GROUP BY {quarter_of}
    """
    return [
        (cadre_sql, cadre_params),
        (street_sql, [d(start), d(end)]),
        (trend_sql, [d(datetime.date(year, 1, 1)), d(datetime.date(year, 12, 31))]),
    ]


def run_floor(statements) -> list[list[tuple]]:
    results = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
    return results


def measure_floor(*, repeat: int, say=print) -> dict:
    """Time the floor, and check that it gives the figures the dashboard shows."""
    from liaison.compliance import selectors as compliance

    today = timezone.localdate()
    year, quarter = today.year, quarter_of(today)
    statements = floor_queries(year=year, quarter=quarter, today=today)
    for _ in range(2):
        run_floor(statements)
    times = timed(lambda: run_floor(statements), repeat)
    cadre_rows, street_rows, _trend = run_floor(statements)
    page_rows = compliance.live_compliance(year=year, quarter=quarter, today=today)
    mine = {
        row[0]: (row[4], row[5], Decimal(row[6]).quantize(Decimal("0.1")), *row[7:14])
        for row in cadre_rows
    }
    theirs = {
        r.cadre_id: (
            r.units_assigned,
            r.units_contacted_quarter,
            r.days_filed_year.quantize(Decimal("0.1")),
            r.records_filed_quarter,
            r.records_timely_quarter,
            r.integrity_exceptions,
            r.problems_raised,
            r.problems_transferred,
            r.problems_overdue,
            r.problems_fed_back,
        )
        for r in page_rows
    }
    differing = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
    streets = {
        s.street: (s.units, s.contacted)
        for s in compliance.live_street_coverage(year=year, quarter=quarter, today=today)
    }
    streets_match = streets == {row[0]: (row[1], row[2]) for row in street_rows}
    result = {
        **summary(times),
        "statements": len(statements),
        "cadres": len(mine),
        "figures_match": not differing and streets_match,
        "differing_cadres": differing[:10],
    }
    say(
        f"  SQL floor    median {result['median']:7.1f} ms "
        f"({'figures match' if result['figures_match'] else 'FIGURES DIFFER'})"
    )
    return result


# --- Exports -------------------------------------------------------------------------------


def _run_export(build: Callable[[str], object], repeat: int) -> dict:
    """Time `build(path)` `repeat` times, then once more under tracemalloc for its peak."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.xlsx")
        times = timed(lambda: build(path), repeat)
        size = os.path.getsize(path)
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            build(path)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return {**summary([t / 1000 for t in times]), "peak_mb": round(peak / 2**20, 1), "bytes": size}


def register_period():
    from records.register.workbook import Period

    today = timezone.localdate()
    first = VisitRecord.objects.filed().order_by("start_date").values_list("start_date", flat=True)
    return Period.between(first.first() or today, today)


def _register_floor(path: str) -> None:
    """The floor: the register's rows and columns fetched as plain tuples by one SQL statement
    (codes turned into the same labels by dictionary lookups), written by openpyxl in write-only
    mode with `append` — no per-cell work of our own."""
    from openpyxl import Workbook

    from records.models import ContactForm
    from unions.models import GrassrootsUnion, Street

    period = register_period()
    records, problems = _t(VisitRecord), _t(Problem)
    sql = f"""
        SELECT r.id, c.name, c.staff_number, d.name, u.name, u.credit_code, u.street,
               r.start_date, r.end_date, r.days, r.contact_form,
               r.area_needs, r.area_policy, r.area_problems, r.area_self,
               r.questions_prepared, r.people_met, r.workers_met, r.needs_and_opinions,
               r.policies_publicised, r.actions_on_spot, r.transport_accepted,
               r.gifts_accepted, r.banquet_accepted, r.integrity_explanation,
               r.outside_assignment, r.filed_at,
               COALESCE(p.n, 0), COALESCE(p.transferred, 0)
        FROM {records} r
        JOIN {_t(Cadre)} c ON c.id = r.cadre_id
        JOIN {_t(Department)} d ON d.id = c.department_id
        JOIN {_t(GrassrootsUnion)} u ON u.id = r.union_id
        LEFT JOIN (SELECT record_id, COUNT(*) AS n,
                          SUM(CASE WHEN resolution = 'transfer' THEN 1 ELSE 0 END) AS transferred
                   FROM {problems} GROUP BY record_id) p ON p.record_id = r.id
        WHERE r.status = 'filed' AND r.start_date BETWEEN %s AND %s
        ORDER BY r.start_date, r.id
    """
    streets = {k: str(v) for k, v in Street.choices}
    forms = {k: str(v) for k, v in ContactForm.choices}
    integrity = {False: "拒绝", True: "接受", None: ""}
    yes = {True: "是", False: ""}  # SQLite answers 1 and 0: the same keys
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("register")
    sheet.append(["header"] * 29)
    params = [period.start, period.end]
    if connection.vendor != "postgresql":
        params = [p.isoformat() for p in params]
    tz = timezone.get_current_timezone()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            for row in rows:
                row = list(row)
                row[6] = streets.get(row[6], row[6])
                row[9] = float(row[9])
                row[10] = forms.get(row[10], row[10])
                for i in (11, 12, 13, 14, 25):
                    row[i] = yes[row[i]]
                for i in (21, 22, 23):
                    row[i] = integrity[row[i] if row[i] is None else bool(row[i])]
                filed_at = row[26]
                if isinstance(filed_at, datetime.datetime):
                    if filed_at.tzinfo is None:
                        filed_at = filed_at.replace(tzinfo=datetime.UTC)
                    row[26] = filed_at.astimezone(tz).replace(tzinfo=None)
                sheet.append(row)
    workbook.save(path)


def _register_import_export(path: str) -> None:
    """What a Django team would reach for: a django-import-export ModelResource over the same
    queryset (the register's, with its joins and problem counts), exported to xlsx by tablib."""
    from import_export import fields, resources

    from records.register.workbook import FIELDS as REGISTER_FIELDS
    from records.register.workbook import register_records

    class RegisterResource(resources.ModelResource):
        problem_count = fields.Field(attribute="problem_count", column_name="problems")
        transferred_count = fields.Field(attribute="transferred_count", column_name="transferred")

        class Meta:
            model = VisitRecord
            # The register's own columns (records.register.FIELDS), its primary key as "id".
            fields = ("id", *REGISTER_FIELDS[1:], "problem_count", "transferred_count")

    dataset = RegisterResource().export(queryset=register_records(period=register_period()))
    with open(path, "wb") as handle:
        handle.write(dataset.export("xlsx"))


def _register_app(path: str) -> None:
    from records.register.workbook import register_workbook

    register_workbook(period=register_period()).save(path)


def measure_exports(*, repeat: int, say=print) -> dict:
    """The record register, its floor and django-import-export, and the compliance workbook:
    time (seconds) and peak Python memory (tracemalloc)."""
    results: dict[str, dict] = {}
    rows = VisitRecord.objects.filed().count()
    try:
        import records.register  # noqa: F401
    except ImportError:
        results["register"] = {"todo": "records.register.register_workbook is missing"}
    else:
        for key, build, times in (
            ("register", _register_app, repeat),
            ("register_floor", _register_floor, repeat),
            ("register_import_export", _register_import_export, 1),
        ):
            if key == "register_import_export":
                try:
                    import import_export  # noqa: F401
                except ImportError:
                    results[key] = {"todo": "django-import-export not installed (.[bench])"}
                    continue
            results[key] = {**_run_export(build, times), "rows": rows}
            say(
                f"  {key:24} median {results[key]['median']:6.2f} s, "
                f"peak {results[key]['peak_mb']:6.1f} MB"
            )
    results.update(measure_compliance_workbook(repeat=repeat, say=say))
    return results


def measure_compliance_workbook(*, repeat: int, say=print) -> dict:
    """The quarterly compliance report as its export view builds it (the quarter's rows, then
    liaison.workbooks.compliance_workbook, saved), next to the floor: the same figures from the
    SQL floor as plain tuples, a summary sheet and a sheet per department, openpyxl write-only."""
    try:
        from liaison.compliance.workbooks import compliance_workbook
    except ImportError:
        return {"compliance_workbook": {"todo": "liaison.workbooks.compliance_workbook missing"}}
    from openpyxl import Workbook

    from liaison.compliance import selectors as compliance

    today = timezone.localdate()
    year, quarter = today.year, quarter_of(today)
    as_of = min(quarter_bounds(year, quarter)[1], today)

    def app(path):
        rows = compliance.compliance_for_quarter(year=year, quarter=quarter, today=today)
        workbook = compliance_workbook(rows, year=year, quarter=quarter, as_of=as_of, frozen=False)
        workbook.save(path)

    statements = floor_queries(year=year, quarter=quarter, today=today)

    def floor(path):
        cadre_rows = run_floor(statements[:1])[0]
        workbook = Workbook(write_only=True)
        summary_sheet = workbook.create_sheet("summary")
        by_department: dict[str, list] = {}
        for row in cadre_rows:
            by_department.setdefault(row[2], []).append(row)
        for name, rows in by_department.items():
            summary_sheet.append(
                [name, len(rows), *(sum(r[i] for r in rows) for i in range(4, 14))]
            )
        for name, rows in by_department.items():
            sheet = workbook.create_sheet(name[:31])
            for row in rows:
                sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        workbook.save(path)

    results = {}
    for key, build in (("compliance_workbook", app), ("compliance_workbook_floor", floor)):
        results[key] = {**_run_export(build, repeat), "rows": Cadre.objects.count()}
        say(f"  {key:24} median {results[key]['median']:6.2f} s, peak {results[key]['peak_mb']} MB")
    return results
