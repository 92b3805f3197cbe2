"""The first three sheets of the organization workbook — departments (部室), cadres (机关干部) and
grassroots unions (基层工会): their columns, and the plan that `plan_org` makes of their rows."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unions.models import Cadre, Department, GrassrootsUnion, Street, UserPreference
from unions.org_import.cells import (
    choice,
    clean_fields,
    credit_code,
    no_duplicate,
    required,
    set_changed,
    whole_number,
    yes_no,
    zh_labels,
)
from unions.org_import.workbook import (
    NO,
    SHEET_CADRES,
    SHEET_DEPARTMENTS,
    SHEET_UNIONS,
    YES,
    Column,
    Issue,
    Row,
    SheetSpec,
)
from unions.roles import Role
from unions.validators import credit_code_complete, validate_wecom_userid

# --- The three sheets ---------------------------------------------------------------------

DEPARTMENT_NAME, DEPARTMENT_ORDER, DEPARTMENT_LEAD, DEPARTMENT_UNITS = (
    "部室名称",
    "排序",
    "牵头部门",
    "一般干部联系单位数",
)
STAFF_NUMBER, CADRE_NAME, CADRE_DEPARTMENT, RANK, TITLE, PHONE, CADRE_ACTIVE, WECOM = (
    "工号",
    "姓名",
    "所在部室",
    "职级",
    "职务",
    "办公电话",
    "在职",
    "企业微信账号",
)
CREDIT_CODE, UNION_NAME, KIND, STREET, ADDRESS, CHAIR, UNION_PHONE, MEMBERS, UNION_ACTIVE = (
    "统一社会信用代码",
    "基层工会名称",
    "类型",
    "所属街道",
    "地址",
    "工会主席",
    "联系电话",
    "会员人数",
    "在用",
)

logger = logging.getLogger(__name__)


EXAMPLE_DEPARTMENT = "办公室（示例）"
EXAMPLE_STAFF_NUMBER = "XC0001"
EXAMPLE_CREDIT_CODE = credit_code_complete("91110102MA01A000")
EXAMPLE_UNION = "北京某某科技有限公司工会（示例）"

DEPARTMENTS = SheetSpec(
    SHEET_DEPARTMENTS,
    (
        Column(
            DEPARTMENT_NAME,
            gettext_lazy("Required. The key: a name already there is updated, not added."),
            EXAMPLE_DEPARTMENT,
            required=True,
        ),
        Column(
            DEPARTMENT_ORDER,
            gettext_lazy("Order in lists: a whole number. Empty: unchanged (0 for a new one)."),
            1,
        ),
        Column(
            DEPARTMENT_LEAD,
            gettext_lazy("是 only for the Organization & Personnel Department (one at most)."),
            NO,
            choices=(YES, NO),
        ),
        Column(
            DEPARTMENT_UNITS,
            gettext_lazy(
                "How many contact units each cadre below division level holds (leaders hold 4). "
                "Empty: unchanged (1 for a new one)."
            ),
            2,
        ),
    ),
)
CADRES = SheetSpec(
    SHEET_CADRES,
    (
        Column(
            STAFF_NUMBER,
            gettext_lazy(
                "Required. The key: a staff number already there is updated. The login name is "
                "the staff number in lower case."
            ),
            EXAMPLE_STAFF_NUMBER,
            required=True,
            text=True,
        ),
        Column(CADRE_NAME, gettext_lazy("Required."), "张伟（示例）", required=True),
        Column(
            CADRE_DEPARTMENT,
            gettext_lazy("Required: a department of the sheet 部室 or one already in the system."),
            EXAMPLE_DEPARTMENT,
            required=True,
        ),
        Column(
            RANK,
            gettext_lazy("Required: 局级 or 处级 is a division-level-or-above leader (4 units)."),
            "处级",
            required=True,
            choices=("局级", "处级", "科级", "科员"),
        ),
        Column(TITLE, gettext_lazy("For example 部长, 副主任, 一级主任科员."), "主任"),
        Column(PHONE, gettext_lazy("Shown on the notice board."), "010-66001234", text=True),
        Column(
            CADRE_ACTIVE,
            gettext_lazy("是 or 否. Empty: unchanged (是 for a new cadre)."),
            YES,
            choices=(YES, NO),
        ),
        Column(
            WECOM,
            gettext_lazy(
                "Optional: the cadre's account (userid) in WeChat Work, for notifications and "
                "the activation link. Empty: unchanged."
            ),
            "ZhangWei",
            text=True,
        ),
    ),
)
UNIONS = SheetSpec(
    SHEET_UNIONS,
    (
        Column(
            CREDIT_CODE,
            gettext_lazy(
                "Required: 18 characters (GB 32100-2015). The key: a code already there is "
                "updated, not added. Keep this column as text."
            ),
            EXAMPLE_CREDIT_CODE,
            required=True,
            text=True,
        ),
        Column(UNION_NAME, gettext_lazy("Required."), EXAMPLE_UNION, required=True),
        Column(
            KIND,
            gettext_lazy("直属基层工会, 非公企业 or 其他. Empty: 直属基层工会 for a new union."),
            "直属基层工会",
            choices=lambda: zh_labels(GrassrootsUnion.Kind.choices),
        ),
        Column(
            STREET,
            gettext_lazy("Required: one of the 15 streets of Xicheng, e.g. 新街口街道."),
            "新街口街道",
            required=True,
            choices=lambda: zh_labels(Street.choices),
        ),
        Column(ADDRESS, gettext_lazy("Optional."), "西城区新街口北大街1号"),
        Column(CHAIR, gettext_lazy("Optional."), "李红"),
        Column(UNION_PHONE, gettext_lazy("Optional."), "010-66005678", text=True),
        Column(
            MEMBERS,
            gettext_lazy("Number of union members: a whole number. Empty: unchanged (0 for new)."),
            120,
        ),
        Column(
            UNION_ACTIVE,
            gettext_lazy("是 or 否. Empty: unchanged (是 for a new union)."),
            YES,
            choices=(YES, NO),
        ),
    ),
)
ORG_SHEETS = (DEPARTMENTS, CADRES, UNIONS)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class CadreAfter:
    """What a cadre will be once the plan is written (for the contact-point sheet's checks)."""

    staff_number: str
    name: str
    active: bool
    is_leader: bool
    pk: int | None  # None: created by this import


@dataclass
class UnionAfter:
    credit_code: str
    name: str
    active: bool
    pk: int | None


@dataclass
class OrgPlan:
    """Departments, cadres and unions to create or update, all checked."""

    departments: list[tuple[Department, bool]] = field(default_factory=list)  # (obj, changed)
    cadres: list[tuple[Cadre, bool, str]] = field(default_factory=list)  # (obj, changed, dept)
    unions: list[tuple[GrassrootsUnion, bool]] = field(default_factory=list)
    cadres_after: dict[str, CadreAfter] = field(default_factory=dict)  # by upper staff number
    # WeChat Work accounts to set, by upper staff number (kept in the login's UserPreference).
    wecom_userids: dict[str, str] = field(default_factory=dict)
    unions_after: dict[str, UnionAfter] = field(default_factory=dict)  # by credit code
    # Keys of rows that are reported already: a reference to them is not reported again.
    refused_keys: set[str] = field(default_factory=set)

    def apply(self, user=None) -> dict[str, Counts]:
        """Write the plan (inside the caller's transaction). Returns what happened per sheet."""
        counts = {name: Counts() for name in (SHEET_DEPARTMENTS, SHEET_CADRES, SHEET_UNIONS)}
        # A department losing the lead is saved before the one gaining it (one lead at most).
        departments = sorted(self.departments, key=lambda item: item[0].is_lead)
        by_name = {d.name: d for d in Department.objects.all()}
        for department, changed in departments:
            _save(department, changed, counts[SHEET_DEPARTMENTS])
            by_name[department.name] = department
        cadre_group = Group.objects.get(name=Role.CADRE.group_name)
        User = get_user_model()
        for cadre, changed, department_name in self.cadres:
            department = by_name[department_name]
            if cadre.department_id != department.pk:
                cadre.department = department
                changed = True
            if cadre.pk is None:
                login = User(username=cadre.staff_number.lower())
                login.set_unusable_password()
                login.full_clean(exclude=["password"])
                login.save()
                login.groups.add(cadre_group)
                cadre.user = login
            _save(cadre, changed, counts[SHEET_CADRES])
            userid = self.wecom_userids.get(cadre.staff_number.upper())
            if userid:
                UserPreference.objects.update_or_create(
                    user_id=cadre.user_id, defaults={"wecom_userid": userid}
                )
        for union, changed in self.unions:
            _save(union, changed, counts[SHEET_UNIONS])
        # The contact-point sheet finds what was just created by these keys.
        for cadre, _changed, _department in self.cadres:
            self.cadres_after[cadre.staff_number.upper()].pk = cadre.pk
        for union, _changed in self.unions:
            self.unions_after[union.credit_code].pk = union.pk
        return counts

    def cadre(self, staff_number: str) -> CadreAfter | None:
        return self.cadres_after.get(staff_number.upper())

    def union(self, code: str) -> UnionAfter | None:
        return self.unions_after.get(code.upper())

    def look_up_unions(self, codes: Iterable[str]) -> None:
        """Know these unions too (those in the database but not in the union sheet). One
        query."""
        missing = {code.upper() for code in codes} - set(self.unions_after)
        for union in GrassrootsUnion.objects.filter(credit_code__in=missing):
            self.unions_after[union.credit_code] = UnionAfter(
                union.credit_code, union.name, union.active, union.pk
            )


def _save(instance: Model, changed: bool, counts: Counts) -> None:
    if instance.pk is None:
        instance.full_clean()
        instance.save()
        counts.created += 1
    elif changed:
        instance.full_clean()
        instance.save()
        counts.updated += 1
    else:
        counts.unchanged += 1


def plan_org(rows: dict[str, list[Row]]) -> tuple[OrgPlan, list[Issue]]:
    """Check every row of the three sheets against each other and the database; nothing is
    written. A few queries, whatever the number of rows."""
    plan = OrgPlan()
    issues: list[Issue] = []
    department_names = _plan_departments(plan, rows.get(SHEET_DEPARTMENTS, []))
    _plan_cadres(plan, rows.get(SHEET_CADRES, []), department_names)
    _plan_unions(plan, rows.get(SHEET_UNIONS, []))
    for name in (SHEET_DEPARTMENTS, SHEET_CADRES, SHEET_UNIONS):
        for row in rows.get(name, []):
            issues += row.issues
    return plan, issues


def _plan_departments(plan: OrgPlan, rows: list[Row]) -> set[str]:
    existing = {d.name: d for d in Department.objects.all()}
    seen: dict[str, int] = {}
    lead_rows: list[tuple[Row, str]] = []
    leads_after = {name for name, d in existing.items() if d.is_lead}
    for row in rows:
        name = required(row, DEPARTMENT_NAME)
        values = {}
        order = whole_number(row, DEPARTMENT_ORDER)
        if order is not None:
            values["order"] = order
        lead = yes_no(row, DEPARTMENT_LEAD)
        if lead is not None:
            values["is_lead"] = lead
        units = whole_number(row, DEPARTMENT_UNITS, maximum=100)
        if units is not None:
            values["units_per_cadre"] = units
        if not no_duplicate(row, DEPARTMENT_NAME, name, seen) or not name:
            continue
        department = existing.get(name) or Department(name=name)
        changed = set_changed(department, values)
        clean_fields(
            row,
            department,
            {
                "name": DEPARTMENT_NAME,
                "order": DEPARTMENT_ORDER,
                "units_per_cadre": DEPARTMENT_UNITS,
            },
        )
        if lead is True:
            leads_after.add(name)
            lead_rows.append((row, name))
        elif lead is False:
            leads_after.discard(name)
        plan.departments.append((department, changed))
    if len(leads_after) > 1:
        for row, name in lead_rows:
            others = "、".join(sorted(leads_after - {name}))
            row.error(
                DEPARTMENT_LEAD,
                _("Only one department can lead the programme; %(others)s already does.")
                % {"others": others},
                "lead",
            )
    return set(existing) | set(seen)


def _plan_cadres(plan: OrgPlan, rows: list[Row], department_names: set[str]) -> None:
    existing = {c.staff_number.upper(): c for c in Cadre.objects.select_related("department")}
    for key, cadre in existing.items():
        plan.cadres_after[key] = CadreAfter(
            cadre.staff_number, cadre.name, cadre.active, cadre.is_leader, cadre.pk
        )
    usernames = {row.get(STAFF_NUMBER).lower() for row in rows}
    taken = set(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    wecom_userids = dict(
        UserPreference.objects.filter(user__cadre__in=existing.values()).values_list(
            "user_id", "wecom_userid"
        )
    )
    seen: dict[str, int] = {}
    for row in rows:
        number = required(row, STAFF_NUMBER).upper()
        name = required(row, CADRE_NAME)
        department_name = required(row, CADRE_DEPARTMENT)
        if department_name and department_name not in department_names:
            row.error(
                CADRE_DEPARTMENT,
                _(
                    "No department named “%(name)s”: add it to the sheet “%(sheet)s” "
                    "or check the name."
                )
                % {"name": department_name, "sheet": SHEET_DEPARTMENTS},
                "unknown-department",
            )
        rank = required(row, RANK) and choice(row, RANK, Cadre.Rank.choices)
        active = yes_no(row, CADRE_ACTIVE)
        if not no_duplicate(row, STAFF_NUMBER, number, seen) or not number:
            continue
        cadre = existing.get(number)
        if cadre is None:
            cadre = Cadre(staff_number=number, department=None)
            try:
                get_user_model().username_validator(number.lower())
            except ValidationError as error:
                row.error(STAFF_NUMBER, " ".join(error.messages), "invalid")
            if number.lower() in taken:
                row.error(
                    STAFF_NUMBER,
                    _(
                        "The login name “%(username)s” (the staff number in lower case) "
                        "already belongs to another account."
                    )
                    % {"username": number.lower()},
                    "username-taken",
                )
        values = {"name": name}
        if rank:
            values["rank"] = rank
        for header, field_name in ((TITLE, "title"), (PHONE, "phone")):
            if row.has(header):
                values[field_name] = row.get(header)
        if active is not None:
            values["active"] = active
        elif cadre.pk is None:
            values["active"] = True
        changed = set_changed(cadre, values)
        clean_fields(
            row,
            cadre,
            {
                "staff_number": STAFF_NUMBER,
                "name": CADRE_NAME,
                "rank": RANK,
                "title": TITLE,
                "phone": PHONE,
            },
        )
        if cadre.pk is not None and cadre.department.name != department_name:
            changed = True
        if userid := row.get(WECOM):
            try:
                validate_wecom_userid(userid)
            except ValidationError as error:
                row.error(WECOM, " ".join(error.messages), "invalid")
            else:
                plan.wecom_userids[number] = userid
                changed = changed or wecom_userids.get(cadre.user_id) != userid
        plan.cadres.append((cadre, changed, department_name))
        plan.cadres_after[number] = CadreAfter(
            number, cadre.name, cadre.active, cadre.is_leader, cadre.pk
        )


def _plan_unions(plan: OrgPlan, rows: list[Row]) -> None:
    codes = {row.get(CREDIT_CODE).upper() for row in rows}
    existing = {u.credit_code: u for u in GrassrootsUnion.objects.filter(credit_code__in=codes)}
    seen: dict[str, int] = {}
    for row in rows:
        code = credit_code(row, CREDIT_CODE)
        if not code:
            plan.refused_keys.add(row.get(CREDIT_CODE).upper())
        name = required(row, UNION_NAME)
        street = required(row, STREET) and choice(row, STREET, Street.choices)
        kind = choice(row, KIND, GrassrootsUnion.Kind.choices)
        members = whole_number(row, MEMBERS, maximum=10_000_000)
        active = yes_no(row, UNION_ACTIVE)
        if not no_duplicate(row, CREDIT_CODE, code, seen) or not code:
            continue
        union = existing.get(code) or GrassrootsUnion(credit_code=code)
        values = {"name": name}
        if street:
            values["street"] = street
        for header, field_name, default in (
            (KIND, "kind", GrassrootsUnion.Kind.DIRECT),
            (MEMBERS, "member_count", 0),
            (UNION_ACTIVE, "active", True),
        ):
            value = {KIND: kind, MEMBERS: members, UNION_ACTIVE: active}[header]
            if value is not None:
                values[field_name] = value
            elif union.pk is None:
                values[field_name] = default
        for header, field_name in ((ADDRESS, "address"), (CHAIR, "chair"), (UNION_PHONE, "phone")):
            if row.has(header):
                values[field_name] = row.get(header)
        changed = set_changed(union, values)
        clean_fields(
            row,
            union,
            {
                "credit_code": CREDIT_CODE,
                "name": UNION_NAME,
                "street": STREET,
                "kind": KIND,
                "address": ADDRESS,
                "chair": CHAIR,
                "phone": UNION_PHONE,
                "member_count": MEMBERS,
            },
        )
        plan.unions.append((union, changed))
        plan.unions_after[code] = UnionAfter(code, union.name, union.active, union.pk)
