"""The record register (记录单备案登记表): every filed work record sheet of a period, one row
each with all its fields, as the organization department keeps it in Excel.

The sheet is written in openpyxl's write-only mode from the records read in chunks of a few
thousand (`_in_chunks`): a district's 100,000 sheets go out in fifty short queries, and memory
does not grow with them."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from records import excel, exports
from records.calendar import quarter_bounds
from records.models import (
    CONTENT_AREA_FIELDS,
    INTEGRITY_CHOICES,
    INTEGRITY_FIELDS,
    ContactForm,
    ExportJob,
    Problem,
    VisitRecord,
)
from records.sheets.selectors import filtered_records
from unions.models import Cadre, Department, GrassrootsUnion, Street

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    label: str

    @classmethod
    def of_year(cls, year: int, quarter: int | None = None) -> "Period":
        if quarter is None:
            label = _("Year %(year)s") % {"year": year}
            return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), label)
        label = _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}
        return cls(*quarter_bounds(year, quarter), label)

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> "Period":
        return cls(start, end, f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")


def _count(problems: QuerySet) -> Subquery:
    # One subquery per count keeps the row one record (a JOIN + GROUP BY would group by every
    # text column of the sheet) and costs no query of its own.
    counted = problems.filter(record=OuterRef("pk")).order_by().values("record")
    return Coalesce(
        Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def register_records(
    *, period: Period, department: Department | None = None, with_counts: bool = True
) -> QuerySet:
    """The filed sheets whose contact began in `period` (of `department`'s cadres), oldest
    first, each with `problem_count` and `transferred_count` (unless `with_counts` is off: the
    register's own workbook counts them per chunk of rows instead)."""
    records = (
        VisitRecord.objects.filed()
        .filter(start_date__range=(period.start, period.end))
        .select_related("cadre__department", "union")
        .order_by("start_date", "pk")
    )
    if with_counts:
        records = records.annotate(
            problem_count=_count(Problem.objects.all()),
            transferred_count=_count(
                Problem.objects.filter(resolution=Problem.Resolution.TRANSFER)
            ),
        )
    if department is not None:
        records = records.filter(cadre__department=department)
    return records


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


COLUMNS = [
    excel.Column(gettext_lazy("No."), 7),
    excel.Column(gettext_lazy("Cadre"), 10),
    excel.Column(_label(Cadre, "staff_number"), 10),
    excel.Column(gettext_lazy("Department"), 14),
    excel.Column(gettext_lazy("Grassroots union"), 28),
    excel.Column(_label(GrassrootsUnion, "credit_code"), 21),
    excel.Column(gettext_lazy("Street"), 10),
    excel.Column(_label(VisitRecord, "start_date"), 11),
    excel.Column(_label(VisitRecord, "end_date"), 11),
    excel.Column(_label(VisitRecord, "days"), 8),
    excel.Column(_label(VisitRecord, "contact_form"), 18),
    *(excel.Column(_label(VisitRecord, field), 10) for field in CONTENT_AREA_FIELDS.values()),
    excel.Column(_label(VisitRecord, "questions_prepared"), 36),
    excel.Column(_label(VisitRecord, "people_met"), 24),
    excel.Column(_label(VisitRecord, "workers_met"), 8),
    excel.Column(_label(VisitRecord, "needs_and_opinions"), 40),
    excel.Column(_label(VisitRecord, "policies_publicised"), 30),
    excel.Column(_label(VisitRecord, "actions_on_spot"), 30),
    *(excel.Column(_label(VisitRecord, field), 9) for field in INTEGRITY_FIELDS),
    excel.Column(_label(VisitRecord, "integrity_explanation"), 24),
    excel.Column(_label(VisitRecord, "outside_assignment"), 9),
    excel.Column(_label(VisitRecord, "filed_at"), 16),
    excel.Column(gettext_lazy("Problems raised"), 8),
    excel.Column(gettext_lazy("Of them transferred"), 8),
]


# The register's columns as they are read: tuples, not model instances (four of them a row,
# cadre, department and union included, were most of the export's own time).
FIELDS = [
    "pk",
    "cadre__name",
    "cadre__staff_number",
    "cadre__department__name",
    "union__name",
    "union__credit_code",
    "union__street",
    "start_date",
    "end_date",
    "days",
    "contact_form",
    *CONTENT_AREA_FIELDS.values(),
    "questions_prepared",
    "people_met",
    "workers_met",
    "needs_and_opinions",
    "policies_publicised",
    "actions_on_spot",
    *INTEGRITY_FIELDS,
    "integrity_explanation",
    "outside_assignment",
    "filed_at",
]
PK, START = FIELDS.index("pk"), FIELDS.index("start_date")


def _in_chunks(records: QuerySet) -> Iterator[list[tuple]]:
    """The records' FIELDS (ordered by start date, then id) in chunks of CHUNK_SIZE, each chunk
    its own short query that continues after the last row of the one before (keyset
    pagination).

    Not one query read through for the whole export: on SQLite a read held open that long
    cannot be followed by a write on the same connection once anyone else has written (the
    export's own progress, after a single session was saved meanwhile: "database is locked"),
    and on any database it holds a snapshot for the whole export."""
    rows = records.values_list(*FIELDS)
    after = Q()
    while True:
        chunk = list(rows.filter(after)[:CHUNK_SIZE])
        if chunk:
            yield chunk
        if len(chunk) < CHUNK_SIZE:
            return
        last = chunk[-1]
        after = Q(start_date__gt=last[START]) | Q(start_date=last[START], pk__gt=last[PK])


def _problem_counts(record_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{record id: (problems raised, of them transferred)} for a chunk of records: one query."""
    counted = (
        Problem.objects.filter(record_id__in=record_ids)
        .order_by()
        .values("record")
        .annotate(
            n=Count("pk"),
            transferred=Count("pk", filter=Q(resolution=Problem.Resolution.TRANSFER)),
        )
        .values_list("record", "n", "transferred")
    )
    return {record: (n, transferred) for record, n, transferred in counted}


def _rows(records: QuerySet) -> Iterator[list]:
    """One list per record, in the order of COLUMNS. Two queries per chunk of CHUNK_SIZE
    records: the records' fields, and their problems counted."""
    # Labels are looked up once per export, not once per cell.
    yes = _("Yes")
    streets = {value: str(label) for value, label in Street.choices}
    forms = {value: str(label) for value, label in ContactForm.choices} | {"": ""}
    answers = {value: str(label) for value, label in INTEGRITY_CHOICES} | {None: ""}
    areas = len(CONTENT_AREA_FIELDS)
    integrity = len(INTEGRITY_FIELDS)
    none = (0, 0)
    for chunk in _in_chunks(records):
        counts = _problem_counts([row[PK] for row in chunk])
        for row in chunk:
            (pk, cadre, staff, department, union, code, street, start, end, days, form) = row[:11]
            rest = row[11:]
            area_flags, rest = rest[:areas], rest[areas:]
            texts, rest = rest[:6], rest[6:]
            answered, (explanation, outside, filed_at) = rest[:integrity], rest[integrity:]
            yield [
                pk,
                cadre,
                staff,
                department,
                union,
                code,
                streets.get(street, street),
                start,
                end,
                days,
                forms.get(form, form),
                *(yes if flag else "" for flag in area_flags),
                *texts,
                *(answers[answer] for answer in answered),
                explanation,
                yes if outside else "",
                filed_at,
                *counts.get(pk, none),
            ]


def register_workbook(
    *, period: Period, department: Department | None = None, progress=None
) -> Workbook:
    """The register as a write-only workbook of one sheet. Two queries: a count (for the
    filter's range) and the records themselves, however many there are. `progress(done,
    total=None)` hears of the rows written (an export's page shows it)."""
    title = _("Register of filed work record sheets, %(period)s, %(department)s") % {
        "period": period.label,
        "department": department.name if department else _("All departments"),
    }
    records = register_records(period=period, department=department, with_counts=False)
    return records_workbook(records, title=title, progress=progress)


def records_workbook(records: QuerySet, *, title: str, progress=None) -> Workbook:
    """`records` (with dates) in the register's columns, oldest first, as a workbook."""
    records = records.exclude(start_date=None).order_by("start_date", "pk")
    row_count = records.count()
    rows = _rows(records)
    if progress is not None:
        progress(0, row_count)
        rows = exports.counting(rows, progress)
    workbook = excel.new_workbook()
    excel.add_sheet(
        workbook,
        name=_("Record register"),
        title=title,
        columns=COLUMNS,
        rows=rows,
        row_count=row_count,
    )
    return workbook


@exports.builder(ExportJob.Kind.REGISTER)
def build_register(job: ExportJob, progress) -> Workbook:
    """An export job's register: the period and department chosen on the register's page."""
    params = job.params
    if "filters" in params:  # the record list as filtered (records.sheets), in its user's scope
        data = QueryDict(mutable=True)
        for name, values in params["filters"].items():
            data.setlist(name, values)
        _form, records = filtered_records(job.requested_by, data)
        return records_workbook(records, title=params["label"], progress=progress)
    period = Period(
        datetime.date.fromisoformat(params["start"]),
        datetime.date.fromisoformat(params["end"]),
        params["label"],
    )
    department = Department.objects.filter(pk=params["department"]).first()
    if params["department"] and department is None:
        raise ValueError(f"department {params['department']} is gone")
    return register_workbook(period=period, department=department, progress=progress)
