"""The Excel import of the organization (组织数据导入), as a whole: the template workbook, the
contact-point sheet (联系点), and the import that the upload page and `manage.py import_org`
both run.

Every row of every sheet is checked before anything is written, and every problem is reported
at once, by sheet, row and column. Only a file without a single problem is written, in one
transaction: departments, cadres and unions by the plan of `unions.org_import.sheets`, then
the contact points through `assignment_create`, so the rule of 4 units per leader lives in one
place.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from unions.assignments.services import assignment_create
from unions.history import ORG_IMPORT, acting_as
from unions.models import Cadre, GrassrootsUnion, LiaisonAssignment, may_hold
from unions.org_import.cells import decimal_digits, no_duplicate, required, whole_number
from unions.org_import.sheets import (
    EXAMPLE_CREDIT_CODE,
    EXAMPLE_STAFF_NUMBER,
    EXAMPLE_UNION,
    ORG_SHEETS,
    Counts,
    OrgPlan,
    plan_org,
)
from unions.org_import.template import add_template_sheet
from unions.org_import.workbook import (
    SHEET_CADRES,
    SHEET_UNIONS,
    Column,
    Issue,
    Row,
    SheetSpec,
    WorkbookRefused,
    read_workbook,
)

SHEET_POINTS = "联系点"
POINT_STAFF_NUMBER, POINT_CADRE, POINT_CREDIT_CODE, POINT_UNION, POINT_YEAR = (
    "工号",
    "干部姓名",
    "统一社会信用代码",
    "基层工会名称",
    "年度",
)
POINTS = SheetSpec(
    SHEET_POINTS,
    (
        Column(
            POINT_STAFF_NUMBER,
            gettext_lazy("Required: a cadre of the sheet 机关干部 or one already in the system."),
            EXAMPLE_STAFF_NUMBER,
            required=True,
            text=True,
        ),
        Column(POINT_CADRE, gettext_lazy("For your own checking; not imported."), "张伟（示例）"),
        Column(
            POINT_CREDIT_CODE,
            gettext_lazy(
                "Required: a union of the sheet 基层工会 or one already in the system. Keep this "
                "column as text."
            ),
            EXAMPLE_CREDIT_CODE,
            required=True,
            text=True,
        ),
        Column(POINT_UNION, gettext_lazy("For your own checking; not imported."), EXAMPLE_UNION),
        Column(
            POINT_YEAR,
            gettext_lazy(
                "Empty: the year chosen when importing. A division-level-or-above leader has "
                "at most 4 contact units a year."
            ),
        ),
    ),
)
SHEETS = (*ORG_SHEETS, POINTS)
YEAR_RANGE = (2016, 2100)  # as LiaisonAssignment.year allows


def template_workbook() -> bytes:
    """The workbook to fill in: one sheet each for departments, cadres, unions and contact
    points, with headers, a note row and an example row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in SHEETS:
        add_template_sheet(workbook, spec, settings.ORG_IMPORT_MAX_ROWS)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class NewPoint:
    row: Row
    staff_number: str
    credit_code: str
    year: int


@dataclass
class ImportResult:
    year: int
    dry_run: bool
    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)  # by sheet, when written

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def sheets(self) -> list[tuple[str, Counts]]:
        return [(spec.name, self.counts[spec.name]) for spec in SHEETS if spec.name in self.counts]


class _Refused(Exception):
    """A service refused a row while writing (another person changed the data meanwhile)."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues


def org_import(file, *, user, year: int, dry_run: bool = False) -> ImportResult:
    """Check the whole workbook, then write it in one transaction — or, with `dry_run`, write it
    and roll back, so that a check finds exactly what a real import would."""
    result = ImportResult(year=year, dry_run=dry_run)
    try:
        rows, structure = read_workbook(file, SHEETS)
    except WorkbookRefused as refused:
        result.issues = [Issue(message=refused.message, code=refused.code)]
        return result
    if structure:
        # Without its sheets and columns the rows cannot be read: report the structure first.
        result.issues = structure
        return result
    plan, issues = plan_org(rows)
    points, already, point_issues = plan_points(rows[SHEET_POINTS], plan, year)
    result.issues = issues + point_issues
    if result.issues:
        return result
    try:
        # Every version the import saves, every role it gives, is the importing user's.
        with transaction.atomic(), acting_as(user, reason=ORG_IMPORT):
            result.counts = plan.apply(user)
            result.counts[SHEET_POINTS] = Counts(
                created=_create_points(points, plan, user), unchanged=already
            )
            if dry_run:
                transaction.set_rollback(True)
    except _Refused as refused:
        result.issues = refused.issues
        result.counts = {}
    return result


def plan_points(
    rows: list[Row], plan: OrgPlan, default_year: int
) -> tuple[list[NewPoint], int, list[Issue]]:
    """The contact points to create, how many of the sheet's rows exist already, and every
    problem of the sheet: unknown or inactive cadre or union, a bad year, a duplicate row, a
    leader beyond the limit (counting what the database holds already). Three queries."""
    plan.look_up_unions(row.get(POINT_CREDIT_CODE) for row in rows)
    existing_cadres = {c.pk for c in plan.cadres_after.values() if c.pk}
    # Only years a contact point may have: any other is refused below, and a huge one would
    # overflow the database's integer in this query.
    years = {default_year} | {
        year
        for row in rows
        if (year := decimal_digits(row.get(POINT_YEAR))) is not None
        and YEAR_RANGE[0] <= year <= YEAR_RANGE[1]
    }
    stored = set()
    held: dict[tuple[str, int], int] = defaultdict(int)
    number_of = {c.pk: key for key, c in plan.cadres_after.items() if c.pk}
    for cadre_id, union_id, year, ended_at in LiaisonAssignment.objects.filter(
        cadre_id__in=existing_cadres, year__in=years
    ).values_list("cadre_id", "union_id", "year", "ended_at"):
        stored.add((cadre_id, union_id, year))
        if ended_at is None:
            held[(number_of[cadre_id], year)] += 1

    points: list[NewPoint] = []
    already = 0
    seen: dict[str, int] = {}
    for row in rows:
        number = required(row, POINT_STAFF_NUMBER).upper()
        code = required(row, POINT_CREDIT_CODE).upper()
        year = whole_number(row, POINT_YEAR, maximum=9999) or default_year
        if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            row.error(
                POINT_YEAR,
                _("Enter a year from %(first)s to %(last)s.")
                % {"first": YEAR_RANGE[0], "last": YEAR_RANGE[1]},
                "year",
            )
        cadre = plan.cadre(number) if number else None
        union = plan.union(code) if code else None
        if cadre and union and cadre.pk and union.pk and (cadre.pk, union.pk, year) in stored:
            already += 1  # imported before: never twice
            continue
        if code in plan.refused_keys:
            continue  # the union's own row is reported; this row needs no second message
        if number and cadre is None:
            row.error(
                POINT_STAFF_NUMBER,
                _(
                    "No cadre with the staff number “%(number)s”: add them to the sheet "
                    "“%(sheet)s” or check the number."
                )
                % {"number": number, "sheet": SHEET_CADRES},
                "unknown-cadre",
            )
        elif cadre is not None and not cadre.active:
            row.error(
                POINT_STAFF_NUMBER,
                _("%(name)s is not an active cadre.") % {"name": cadre.name},
                "inactive-cadre",
            )
        if code and union is None:
            row.error(
                POINT_CREDIT_CODE,
                _(
                    "No grassroots union with the credit code “%(code)s”: add it to the sheet "
                    "“%(sheet)s” or check the code."
                )
                % {"code": code, "sheet": SHEET_UNIONS},
                "unknown-union",
            )
        elif union is not None and not union.active:
            row.error(
                POINT_CREDIT_CODE,
                _("%(name)s is not an active grassroots union.") % {"name": union.name},
                "inactive-union",
            )
        if row.issues or not no_duplicate(row, POINT_CREDIT_CODE, f"{number}|{code}|{year}", seen):
            continue
        if cadre.is_leader:
            held[(number, year)] += 1
            if not may_hold(is_leader=True, units=held[(number, year)]):
                row.error(
                    POINT_STAFF_NUMBER,
                    _(
                        "%(name)s is a division-level-or-above leader: at most %(limit)s contact "
                        "units in %(year)s, and this row would be number %(n)s."
                    )
                    % {
                        "name": cadre.name,
                        "limit": settings.LEADER_UNITS,
                        "year": year,
                        "n": held[(number, year)],
                    },
                    "leader-limit",
                )
                continue
        points.append(NewPoint(row, number, code, year))
    return points, already, [issue for row in rows for issue in row.issues]


def _create_points(points: list[NewPoint], plan: OrgPlan, user) -> int:
    cadres = Cadre.objects.in_bulk({plan.cadre(p.staff_number).pk for p in points})
    unions = GrassrootsUnion.objects.in_bulk({plan.union(p.credit_code).pk for p in points})
    issues = []
    for point in points:
        try:
            assignment_create(
                cadre=cadres[plan.cadre(point.staff_number).pk],
                union=unions[plan.union(point.credit_code).pk],
                year=point.year,
                user=user,
            )
        except ValidationError as error:
            point.row.error(POINT_STAFF_NUMBER, " ".join(error.messages), "refused")
            issues += point.row.issues
    if issues:
        raise _Refused(issues)
    return len(points)
