"""The demo seeder: builds a district federation's year of contact work through the services."""

import bisect
import datetime
import random
from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.utils import bulk_create_with_history

from liaison.demo.data import (
    ACTIONS,
    AGENCIES,
    AVOID_NAMES,
    BRANDS,
    COMMUNITIES,
    DEMO_PASSWORD,
    DEPARTMENT_SPECS,
    DEPARTMENTS,
    FEEDBACK_METHOD_WORDS,
    GIVEN_DOUBLE,
    GIVEN_SINGLE,
    HOSPITALS,
    INTEGRITY_EXCEPTIONS,
    LEADING_POSITIONS,
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
    SATISFACTION_WORDS,
    SECTION_TITLES,
    SELF_ACTIONS,
    STAFF_ROTATION,
    STAFF_TITLES,
    STATE_TRADES,
    STREET_NAMES,
    STREET_PLACES,
    SURNAMES,
    Position,
    ProblemPlan,
    Step,
    Summary,
    cn_date,
    credit_code,
    model_fields,
    stamps_as_given,
)
from liaison.models import QuarterlyMeeting
from records.calendar import WorkingCalendar, quarter_bounds
from records.models import ContactForm, Problem, ProblemEvent, VisitRecord
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment, Street
from unions.roles import GROUP_NAMES, Role


class Seeder:
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
        return self.summary

    def seed_departments(self) -> dict[str, Department]:
        existing = {d.name: d for d in Department.objects.filter(name__in=DEPARTMENT_SPECS)}
        # Another database may already have its own lead department: ours then is not the lead.
        lead_taken = Department.objects.filter(is_lead=True).exclude(name=ORGANIZATION).exists()
        new = [
            Department(
                name=spec.name,
                order=order,
                is_lead=spec.name == ORGANIZATION and not lead_taken,
                units_per_cadre=spec.units_per_cadre,
            )
            for order, spec in enumerate(DEPARTMENTS, start=1)
            if spec.name not in existing
        ]
        Department.objects.bulk_create(new)
        self.summary.created["departments"] = len(new)
        return {**existing, **{d.name: d for d in new}}

    def positions(self) -> list[Position]:
        rng = self.rng("positions")
        positions = LEADING_POSITIONS[: self.n_cadres]
        for i in range(self.n_cadres - len(positions)):
            department = STAFF_ROTATION[i % len(STAFF_ROTATION)]
            if rng.random() < 0.55:
                positions.append(
                    Position(department, Cadre.Rank.SECTION, rng.choice(SECTION_TITLES))
                )
            else:
                positions.append(Position(department, Cadre.Rank.STAFF, rng.choice(STAFF_TITLES)))
        return positions

    def names(self, rng: random.Random, count: int) -> list[tuple[str, str]]:
        """`count` distinct (surname, given name) pairs."""
        weights = [1 / (1 + i / 8) for i in range(len(SURNAMES))]
        seen, names = set(AVOID_NAMES), []
        while len(names) < count:
            surname = rng.choices(SURNAMES, weights)[0]
            given = rng.choice(GIVEN_SINGLE) if rng.random() < 0.4 else rng.choice(GIVEN_DOUBLE)
            if surname + given not in seen:
                seen.add(surname + given)
                names.append((surname, given))
        return names

    @cached_property
    def demo_hash(self) -> str:
        # Hashed once for every demo login: the production hasher takes a good part of a second.
        return make_password(DEMO_PASSWORD)

    def seed_cadres(self, departments: dict[str, Department]) -> list[Cadre]:
        User = get_user_model()
        rng = self.rng("cadres")
        positions = self.positions()
        names = self.names(rng, len(positions))
        phones = rng.sample(range(10000), len(positions))
        rows = []
        for i, (position, (surname, given), phone) in enumerate(
            zip(positions, names, phones, strict=True), start=1
        ):
            username = position.demo or f"c{i:03d}"
            rows.append((i, position, surname, given, username, f"010-6601{phone:04d}"))

        usernames = [row[4] for row in rows]
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        new_users = [
            User(
                username=username,
                last_name=surname,
                first_name=given,
                # Only the demo logins can sign in; the other cadres are scenery.
                password=self.demo_hash if position.demo else make_password(None),
            )
            for _i, position, surname, given, username, _phone in rows
            if username not in users
        ]
        User.objects.bulk_create(new_users)
        new_usernames = {u.username for u in new_users}
        users.update({u.username: u for u in new_users})

        groups = self.groups()
        memberships = []
        for _i, position, _surname, _given, username, _phone in rows:
            held = [Role.CADRE]
            if position.chief:
                held.append(Role.DEPARTMENT_HEAD)
            if position.department == ORGANIZATION:
                held.append(Role.ORGANIZATION)
            memberships += [(users[username], groups[role]) for role in held]
        self.add_to_groups(memberships)

        staff_numbers = [f"XC{i:04d}" for i, *_ in rows]
        existing = set(
            Cadre.objects.filter(staff_number__in=staff_numbers).values_list(
                "staff_number", flat=True
            )
        )
        users_with_cadre = set(
            Cadre.objects.filter(user__in=users.values()).values_list("user_id", flat=True)
        )
        new_cadres = [
            Cadre(
                user=users[username],
                name=surname + given,
                staff_number=f"XC{i:04d}",
                department=departments[position.department],
                rank=position.rank,
                title=position.title,
                phone=phone,
            )
            for i, position, surname, given, username, phone in rows
            if f"XC{i:04d}" not in existing and users[username].pk not in users_with_cadre
        ]
        Cadre.objects.bulk_create(new_cadres)
        self.summary.created["cadres"] = len(new_cadres)

        by_number = {
            c.staff_number: c
            for c in Cadre.objects.filter(staff_number__in=staff_numbers).select_related(
                "department", "user"
            )
        }
        cadres = [by_number[number] for number in staff_numbers if number in by_number]
        position_of = dict(zip(staff_numbers, positions, strict=True))
        self.positions_by_cadre = {c.pk: position_of[c.staff_number] for c in cadres}
        self.cadres = cadres
        self.demo = {
            position.demo: cadre
            for cadre in cadres
            if (position := self.positions_by_cadre[cadre.pk]).demo
        }
        self.org_user = self.demo["org"].user if "org" in self.demo else None
        self.chief_user = {
            cadre.department_id: cadre.user
            for cadre in cadres
            if self.positions_by_cadre[cadre.pk].chief
        }
        for key, role in (
            ("cadre", "机关干部"),
            ("head", "机关干部 + 部室负责人"),
            ("org", "机关干部 + 组织人事部"),
        ):
            if key in self.demo:
                cadre = self.demo[key]
                note = (
                    f"{cadre.name}，{cadre.department.name}{cadre.title}，联系{cadre.unit_quota}家"
                )
                self.summary.logins.append((key, role, note, key not in new_usernames))
        return cadres

    def groups(self) -> dict[Role, Group]:
        # The groups are created by migrations; get_or_create keeps a hand-trimmed DB working.
        return {role: Group.objects.get_or_create(name=GROUP_NAMES[role])[0] for role in Role}

    def add_to_groups(self, memberships) -> None:
        Membership = get_user_model().groups.through
        Membership.objects.bulk_create(
            [Membership(user_id=user.pk, group_id=group.pk) for user, group in memberships],
            ignore_conflicts=True,
        )

    def seed_admin(self) -> None:
        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        existed = admin is not None
        if admin is None:
            admin = User.objects.create(
                username="admin",
                password=self.demo_hash,
                is_staff=True,
                is_superuser=True,
            )
        self.add_to_groups([(admin, self.groups()[Role.ADMIN])])
        self.summary.logins.append(("admin", "系统管理员", "超级用户，可进入 /admin/", existed))

    # --- Grassroots unions ------------------------------------------------------------------

    def union_specs(self) -> list[dict]:
        rng = self.rng("unions")
        streets = list(Street)
        rng.shuffle(streets)
        agencies, hospitals = list(AGENCIES), list(HOSPITALS)
        rng.shuffle(agencies)
        rng.shuffle(hospitals)
        names, codes, specs = set(), set(), []
        kinds = ["community", "agency", "health", "state", "private", "building"]
        weights = [20, 8, 8, 26, 32, 6]
        while len(specs) < self.n_unions:
            # The first fifteen cover every street once; the rest fall where they may.
            street = streets[len(specs)] if len(specs) < len(streets) else rng.choice(streets)
            sector = rng.choices(kinds, weights)[0]
            kind = GrassrootsUnion.Kind.DIRECT
            place = STREET_PLACES[street]
            if sector == "community":
                community = rng.choice(COMMUNITIES[street])
                name = f"西城区{STREET_NAMES[street]}街道{community}社区工会联合会"
                members = rng.randint(40, 400)
            elif sector == "agency" and agencies:
                unit, suffix = agencies.pop()
                name, members = unit + suffix, rng.randint(60, 450)
            elif sector == "health":
                unit = (
                    hospitals.pop()
                    if hospitals and rng.random() < 0.5
                    else f"北京市西城区{STREET_NAMES[street]}社区卫生服务中心"
                )
                name, members = unit + "工会", rng.randint(120, 1600)
            elif sector == "state":
                prefix = place if rng.random() < 0.6 else rng.choice(BRANDS)
                suffix = rng.choice(["有限责任公司", "集团有限公司", "有限公司"])
                name = f"北京{prefix}{rng.choice(STATE_TRADES)}{suffix}工会"
                members = rng.randint(80, 2500)
            elif sector == "building":
                name = f"{place}{rng.choice(['楼宇', '商圈'])}工会联合会"
                kind, members = GrassrootsUnion.Kind.OTHER, rng.randint(100, 1200)
            else:
                sector = "private"
                name = f"北京{rng.choice(BRANDS)}{rng.choice(PRIVATE_TRADES)}有限公司工会"
                kind, members = GrassrootsUnion.Kind.NON_PUBLIC, rng.randint(15, 600)
            if name in names and sector in ("state", "private"):
                # A longer trade name (字号) of two words, as real firms take when one is taken.
                name = name.replace("北京", "北京" + rng.choice(BRANDS), 1)
            code = credit_code(rng)
            if name in names or code in codes:
                continue
            names.add(name)
            codes.add(code)
            surname, given = self.names(rng, 1)[0]
            specs.append(
                {
                    "name": name,
                    "credit_code": code,
                    "kind": kind,
                    "street": street,
                    "address": f"北京市西城区{rng.choice(ROADS[street])}{rng.randint(1, 199)}号",
                    "chair": surname + given,
                    "phone": f"010-{rng.choice('68')}{rng.randint(0, 9999999):07d}",
                    "member_count": members,
                }
            )
        return specs

    def seed_unions(self) -> list[GrassrootsUnion]:
        specs = self.union_specs()
        codes = [spec["credit_code"] for spec in specs]
        existing = set(
            GrassrootsUnion.objects.filter(credit_code__in=codes).values_list(
                "credit_code", flat=True
            )
        )
        new = [GrassrootsUnion(**spec) for spec in specs if spec["credit_code"] not in existing]
        GrassrootsUnion.objects.bulk_create(new)
        self.summary.created["unions"] = len(new)
        by_code = GrassrootsUnion.objects.in_bulk(codes, field_name="credit_code")
        return [by_code[code] for code in codes]

    # --- Contact points (联系点) ------------------------------------------------------------

    def seed_assignments(self, year: int, cadres: list[Cadre], unions: list[GrassrootsUnion]):
        if LiaisonAssignment.objects.filter(year=year, cadre__in=cadres).exists():
            self.say(f"{year} 年的联系点已生成过，跳过。")
            return
        rng = self.rng("assignments")  # the same draw every year: contact points carry over
        pool = [union for union in unions if union.active]
        rng.shuffle(pool)
        pool = pool[2:]  # the first two are left uncovered: nobody has been assigned them yet
        first_day = self.working_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31))[0]
        assigned_at = min(self.at(rng, first_day, hours=(9, 11)), self.now)
        held: dict[int, list[GrassrootsUnion]] = {}
        cursor = 0
        for cadre in cadres:
            mine = []
            while len(mine) < cadre.unit_quota:
                union = pool[cursor % len(pool)]
                cursor += 1
                if union not in mine:
                    mine.append(union)
            held[cadre.pk] = mine
        objs = [
            LiaisonAssignment(
                cadre=cadre,
                union=union,
                year=year,
                assigned_by=self.org_user,
                assigned_at=assigned_at,
            )
            for cadre in cadres
            for union in held[cadre.pk]
        ]
        if year == self.today.year:
            objs += self.end_one_assignment(year, held, objs, pool)
        for obj in objs:
            obj._history_date = obj.assigned_at
            obj._history_user = self.org_user
        with stamps_as_given(*model_fields(LiaisonAssignment, "assigned_at")):
            bulk_create_with_history(objs, LiaisonAssignment)
        self.summary.created["assignments"] += len(objs)

    def end_one_assignment(self, year, held, objs, pool) -> list[LiaisonAssignment]:
        """End one contact point mid-year and give the cadre another union instead. Returns the
        replacement. A union only this cadre held has moved out of the district (and is no
        longer active); a shared one is left to its other contact cadre."""
        rng = self.rng("assignment-end", year)
        start = datetime.date(year, 1, 1)
        if (self.today - start).days < 45:
            return []
        ended_on = self.on_or_before(
            min(datetime.date(year, 6, 30), start + (self.today - start) / 2)
        )
        holders = Counter(union.pk for unions in held.values() for union in unions)
        # Not a leader (their four stay four), nor the demo cadre (whose two units the login
        # table promises); another demo login only when no one else is left (`--cadres 12`).
        candidates = [
            obj for obj in objs if not obj.cadre.is_leader and obj.cadre != self.demo.get("cadre")
        ]
        demo_pks = {cadre.pk for cadre in self.demo.values()}
        candidates = [obj for obj in candidates if obj.cadre.pk not in demo_pks] or candidates
        if not candidates:
            return []
        moved_out = [
            obj
            for obj in candidates
            if holders[obj.union.pk] == 1 and obj.union.kind == GrassrootsUnion.Kind.NON_PUBLIC
        ]
        ended = rng.choice(moved_out or candidates)
        ended.ended_at = ended_on
        if moved_out:
            ended.end_reason = "该企业迁出西城区，工会组织关系转出，联系关系终止。"
            GrassrootsUnion.objects.filter(pk=ended.union.pk).update(active=False)
            ended.union.active = False
        else:
            ended.end_reason = "因工作调整，该单位改由其他联系干部联系。"
        spare = [
            union
            for union in pool
            if union not in held[ended.cadre.pk] and union.pk != ended.union.pk
        ]
        replacement = min(spare, key=lambda union: (holders[union.pk], rng.random()))
        held[ended.cadre.pk].append(replacement)
        return [
            LiaisonAssignment(
                cadre=ended.cadre,
                union=replacement,
                year=year,
                assigned_by=self.org_user,
                assigned_at=self.later(rng, self.at(rng, ended_on), 1),
            )
        ]

    # --- Work record sheets (工作记录单) ----------------------------------------------------

    def seed_records(self, year: int, cadres: list[Cadre], unions: list[GrassrootsUnion]):
        if VisitRecord.objects.filter(cadre__in=cadres, start_date__year=year).exists():
            self.say(f"{year} 年的工作记录单已生成过（演示数据已存在），跳过。")
            return
        rng = self.rng("records", year)
        end = min(datetime.date(year, 12, 31), self.today)
        window = self.working_days(datetime.date(year, 1, 1), end)
        year_days = self.working_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        if not window:
            return
        share = len(window) / len(year_days)
        periods = defaultdict(list)
        for a in LiaisonAssignment.objects.filter(year=year, cadre__in=cadres).select_related(
            "union"
        ):
            first = a.starts_on
            periods[a.cadre_id].append((a.union, first, a.ended_at or datetime.date(year, 12, 31)))
        active_unions = [union for union in unions if union.active]

        records = []
        for cadre in cadres:
            records += self.plan_records(
                rng, cadre, window, share, periods[cadre.pk], active_unions
            )
        current = year == self.today.year
        self.decide_statuses(rng, records, current=current)
        plans = self.plan_problems(self.rng("problems", year), records, current=current)

        for record in records:
            record._history_date = record.updated_at
            record._history_user = record.cadre.user
        with stamps_as_given(*model_fields(VisitRecord, "created_at", "updated_at")):
            bulk_create_with_history(records, VisitRecord)
        self.summary.created["records"] += len(records)
        self.create_problems(plans)

    def plan_records(self, rng, cadre, window, share, periods, active_unions):
        # The year's target of 21 days: most cadres reach it, some run ahead, some lag.
        if cadre == self.demo.get("cadre"):
            target = 26.0
        elif cadre == self.demo.get("head"):
            target = 23.0
        elif cadre.is_leader:
            target = rng.triangular(13, 28, 22)
        else:
            target = rng.triangular(12, 32, 24)
        goal = Decimal(str(round(target * share * 2) / 2))
        taken: set[datetime.date] = set()
        visits: list[tuple[datetime.date, datetime.date, Decimal, str]] = []
        total, attempts = Decimal(0), 0
        while total < goal and attempts < 400:
            attempts += 1
            start = rng.choice(window)
            form = rng.choices(
                [ContactForm.ON_SITE, ContactForm.FACE_TO_FACE, ContactForm.DISCUSSION],
                [40, 40, 20],
            )[0]
            days = rng.choices(
                [Decimal("0.5"), Decimal("1"), Decimal("1.5"), Decimal("2")], [50, 42, 3, 5]
            )[0]
            if days > 1 and form != ContactForm.ON_SITE:
                days = Decimal("1")
            span = [start]
            if days > 1:
                span.append(self.add_working_days(start, 1))
            if span[-1] > window[-1] or taken.intersection(span):
                continue
            taken.update(span)
            visits.append((start, span[-1], days, form))
            total += days
        for _ in range(round(len(visits) * rng.uniform(0.15, 0.45))):
            free = [day for day in rng.sample(window, min(20, len(window))) if day not in taken]
            if free:
                taken.add(free[0])
                visits.append((free[0], free[0], Decimal("0"), ContactForm.REMOTE))
        visits.sort()

        mine = {union.pk for union, _first, _last in periods}
        others = [union for union in active_unions if union.pk not in mine]
        records = []
        for start, end, days, form in visits:
            assigned = [union for union, first, last in periods if first <= start <= last]
            if assigned and (rng.random() < 0.9 or not others):
                union = rng.choice(assigned)
            elif others:
                union = rng.choice(others)
            else:
                continue
            record = self.record(rng, cadre, union, start, end, days, form)
            record.outside_assignment = union.pk not in mine
            records.append(record)
        return records

    def record(self, rng, cadre, union, start, end, days, form) -> VisitRecord:
        sector = _sector(union.name)
        remote = form == ContactForm.REMOTE
        areas = {
            ContactForm.ON_SITE: ["area_needs", "area_problems", "area_policy", "area_self"],
            ContactForm.FACE_TO_FACE: ["area_needs", "area_policy", "area_problems"],
            ContactForm.DISCUSSION: ["area_self", "area_policy", "area_problems"],
            ContactForm.REMOTE: ["area_needs", "area_problems"],
        }[form]
        chosen = {areas[0]} | set(rng.sample(areas[1:], rng.randint(0, min(2, len(areas) - 1))))
        workers = {
            ContactForm.ON_SITE: (5, 30),
            ContactForm.FACE_TO_FACE: (3, 20),
            ContactForm.DISCUSSION: (0, 5),
            ContactForm.REMOTE: (0, 1),
        }[form]
        workers_met = rng.randint(*workers)
        chair_word = "主席" if "联合会" in union.name else "工会主席"
        if remote:
            people = f"{chair_word}{union.chair}（{rng.choice(['电话', '微信'])}）"
        elif form == ContactForm.DISCUSSION:
            people = f"{chair_word}{union.chair}、工会委员{rng.randint(2, 5)}名"
        elif sector == "community":
            people = f"{chair_word}{union.chair}、新就业形态劳动者{workers_met}名"
        elif sector == "health":
            people = f"院工会主席{union.chair}、护士长、一线医护人员{workers_met}名"
        else:
            people = f"{chair_word}{union.chair}、单位人力资源负责人、一线职工代表{workers_met}名"
        needs_pool = NEEDS["general"] + NEEDS.get(sector, []) * 2
        actions = rng.choice(REMOTE_ACTIONS) if remote else rng.choice(ACTIONS)
        if "area_self" in chosen and not remote:
            actions += rng.choice(SELF_ACTIONS)
        policies = (
            rng.choice(REMOTE_POLICIES)
            if remote
            else rng.choice(POLICIES).format(n=rng.randint(20, 120))
        )
        return VisitRecord(
            cadre=cadre,
            union=union,
            start_date=start,
            end_date=end,
            days=days,
            contact_form=form,
            **{
                name: name in chosen
                for name in ("area_needs", "area_policy", "area_problems", "area_self")
            },
            questions_prepared=""
            if remote
            else "\n".join(rng.sample(QUESTIONS, rng.randint(2, 3))),
            people_met=people,
            workers_met=workers_met,
            needs_and_opinions="".join(rng.sample(needs_pool, 1 if remote else 2)),
            policies_publicised=policies,
            actions_on_spot=actions,
            transport_accepted=False,
            gifts_accepted=False,
            banquet_accepted=False,
        )

    def decide_statuses(self, rng, records, *, current: bool) -> None:
        """Most sheets are filed a few days after the contact; the latest ones are still drafts;
        in the current year a couple were returned for revision."""
        for record in records:
            written = self.at(rng, record.end_date, hours=(16, 20))
            record.created_at = min(written, self.now)
            filed_on = record.end_date + datetime.timedelta(
                days=rng.choice([0, 1, 1, 2, 2, 3, 4, 6])
            )
            filed_at = self.at(
                rng, self.on_or_before(filed_on) if filed_on > record.end_date else filed_on
            )
            if filed_at <= record.created_at:
                filed_at = record.created_at + datetime.timedelta(minutes=rng.randint(5, 90))
            if filed_at <= self.now and rng.random() > 0.02:
                record.status, record.filed_at = VisitRecord.Status.FILED, filed_at
            else:
                record.status, record.filed_at = VisitRecord.Status.DRAFT, None
            record.updated_at = record.filed_at or record.created_at
        if not current:
            return

        demo = self.demo.get("cadre")
        demo_records = [r for r in records if r.cadre == demo]
        if demo_records:  # the demo cadre has a sheet half written
            latest = demo_records[-1]
            latest.status, latest.filed_at, latest.updated_at = (
                VisitRecord.Status.DRAFT,
                None,
                latest.created_at,
            )

        recent = [
            r
            for r in records
            if r.status == VisitRecord.Status.FILED
            and (self.today - r.end_date).days <= 60
            and r.contact_form != ContactForm.REMOTE
        ]
        returned = [r for r in recent if r.cadre == demo][-1:]
        others = [r for r in recent if r.cadre != demo]
        returned += rng.sample(others, min(1, len(others)))
        for reason, record in zip(RETURN_REASONS, returned, strict=False):
            returned_at = self.later(rng, record.filed_at, rng.randint(1, 2))
            if returned_at > self.now:
                returned_at = record.filed_at + (self.now - record.filed_at) / 2
            # As `records.services.record_return` does: filed_at stays, the status changes.
            record.status = VisitRecord.Status.RETURNED
            record.return_reason, record.updated_at = reason, returned_at

        # 廉洁自律: all declined, but for one or two sheets, each explained.
        candidates = [
            r
            for r in records
            if r.status == VisitRecord.Status.FILED
            and r.contact_form != ContactForm.REMOTE
            and r.cadre not in self.demo.values()
        ]
        count = 2 if len(records) >= 200 else 1
        for (field_name, explanation), record in zip(
            INTEGRITY_EXCEPTIONS, rng.sample(candidates, min(count, len(candidates))), strict=False
        ):
            setattr(record, field_name, True)
            record.integrity_explanation = explanation

    # --- Problems and their handling ----------------------------------------------------------

    def plan_problems(self, rng, records, *, current: bool) -> list[ProblemPlan]:
        departments = {d.name: d for d in Department.objects.all()}
        bureau = [c for c in self.cadres if c.rank == Cadre.Rank.BUREAU]
        demo = self.demo.get("cadre")
        plans = []
        for record in records:
            if record.status != VisitRecord.Status.FILED:
                continue
            chance = 0.45 if record.area_problems else 0.08
            if record.cadre == demo:
                chance = 0.6
            if rng.random() >= chance:
                continue
            for _ in range(1 if rng.random() < 0.9 else 2):
                template = rng.choice(PROBLEMS)
                record.area_problems = True
                if template.description not in record.needs_and_opinions:
                    record.needs_and_opinions = f"{template.description}{record.needs_and_opinions}"
                if rng.random() < 0.45:
                    plans.append(self.on_spot_plan(record, template))
                else:
                    department = departments[template.department]
                    plans.append(self.transfer_plan(rng, record, template, department, bureau))
        if current:
            self.cover_every_status(rng, plans)
        return plans

    def on_spot_plan(self, record, template) -> ProblemPlan:
        # As `records.services.record_save` files it: one event, straight to closed.
        step = Step(
            Problem.Status.CLOSED,
            record.filed_at,
            "solve_on_spot",
            record.cadre.user,
            template.on_spot,
        )
        return ProblemPlan(record=record, template=template, steps=[step])

    def transfer_plan(self, rng, record, template, department, bureau) -> ProblemPlan:
        cadre_user = record.cadre.user
        head = self.chief_user.get(department.pk) or self.org_user
        org = self.org_user
        raised = record.filed_at
        transferred = self.later(rng, raised, rng.randint(1, 3))
        deadline = self.add_working_days(timezone.localtime(transferred).date(), 10)
        accepted = self.later(rng, transferred, rng.randint(0, 2))
        answered = self.later(rng, accepted, rng.randint(2, 8) if rng.random() < 0.9 else 14)
        fed_back = self.later(rng, answered, rng.randint(1, 5))
        closed = self.later(rng, fed_back, rng.randint(1, 3))
        urgent = rng.random() < 0.06
        leader = rng.choice(bureau) if urgent and bureau else None
        method = rng.choice(list(Problem.FeedbackMethod))
        satisfaction = rng.choices(
            [Problem.Satisfaction.SATISFIED, Problem.Satisfaction.BASICALLY], [78, 22]
        )[0]
        transfer_note = f"移交{department.name}办理，请于{cn_date(deadline)}前答复"
        if leader is not None:
            transfer_note += f"，并报{leader.name}同志阅示"
        plan = ProblemPlan(
            record=record,
            template=template,
            department=department,
            leader=leader,
            deadline=deadline,
            urgent=urgent,
            answered_by=head,
            feedback_method=method,
            satisfaction=satisfaction,
            steps=[
                Step(Problem.Status.RAISED, raised, "raise", cadre_user),
                Step(
                    Problem.Status.TRANSFERRED, transferred, "transfer", org, transfer_note + "。"
                ),
                Step(Problem.Status.ACCEPTED, accepted, "accept", head, "已签收，抓紧办理。"),
                Step(Problem.Status.ANSWERED, answered, "answer", head, template.answer),
                Step(Problem.Status.FED_BACK, fed_back, "feedback", cadre_user),
                Step(Problem.Status.CLOSED, closed, "close", org, "经回访，问题已办结。"),
            ],
        )
        plan.reached = max(i for i, step in enumerate(plan.steps) if step.at <= self.now)
        if plan.status == Problem.Status.CLOSED and rng.random() < 0.06:
            plan.truncate_to(Problem.Status.FED_BACK)  # fed back, not yet closed
        return plan

    def cover_every_status(self, rng, plans: list[ProblemPlan]) -> None:
        """Make sure the demo shows every step: each status somewhere, a transferred and an
        accepted problem in the demo head's inbox, an answer waiting for the demo cadre's
        feedback, and one grassroots union that was not satisfied."""
        transfers = [p for p in plans if p.department is not None]
        used: set[int] = set()
        order = list(Problem.Status)

        def ensure(status, candidates):
            if any(p.status == status for p in candidates):
                return
            later = [
                p
                for p in candidates
                if id(p) not in used and order.index(p.status) > order.index(status)
            ]
            if later:  # the most recent one, so it is not long overdue
                plan = max(later, key=lambda p: p.steps[0].at)
                plan.truncate_to(status)
                used.add(id(plan))

        settled = [p for p in transfers if p.reached_at_least(Problem.Status.FED_BACK)]
        if settled:
            unhappy = rng.choice(settled)
            unhappy.truncate_to(Problem.Status.FED_BACK)
            unhappy.satisfaction = Problem.Satisfaction.UNSATISFIED
            used.add(id(unhappy))

        head = self.demo.get("head")
        if head is not None:
            inbox = [p for p in transfers if p.department.pk == head.department_id]
            ensure(Problem.Status.TRANSFERRED, inbox)
            ensure(Problem.Status.ACCEPTED, inbox)
        if "cadre" in self.demo:
            ensure(
                Problem.Status.ANSWERED,
                [p for p in transfers if p.record.cadre == self.demo["cadre"]],
            )
        for status in (
            Problem.Status.RAISED,
            Problem.Status.TRANSFERRED,
            Problem.Status.ACCEPTED,
            Problem.Status.ANSWERED,
            Problem.Status.FED_BACK,
        ):
            ensure(status, transfers)

    def create_problems(self, plans: list[ProblemPlan]) -> None:
        problems = []
        for plan in plans:
            reached = plan.reached
            step = plan.steps[reached]
            transferred = plan.department is not None and reached >= 1
            answered = transferred and reached >= 3
            fed_back = transferred and reached >= 4
            problem = Problem(
                record=plan.record,
                description=plan.template.description,
                category=plan.template.category,
                resolution=(
                    Problem.Resolution.TRANSFER
                    if plan.department is not None
                    else Problem.Resolution.ON_SPOT
                ),
                action_on_spot="" if plan.department else plan.template.on_spot,
                department=plan.department if transferred else None,
                leader=plan.leader if transferred else None,
                urgent=plan.urgent,
                deadline=plan.deadline if transferred else None,
                answer=plan.template.answer if answered else "",
                answered_at=plan.steps[3].at if answered else None,
                answered_by=plan.answered_by if answered else None,
                feedback_on=timezone.localtime(plan.steps[4].at).date() if fed_back else None,
                feedback_method=plan.feedback_method if fed_back else "",
                feedback_by=plan.record.cadre if fed_back else None,
                satisfaction=plan.satisfaction if fed_back else "",
                status=step.status,
                created_at=plan.steps[0].at,
                updated_at=step.at,
            )
            problem._history_date, problem._history_user = step.at, step.actor
            problems.append(problem)
        with stamps_as_given(*model_fields(Problem, "created_at", "updated_at")):
            bulk_create_with_history(problems, Problem)

        events = []
        for plan, problem in zip(plans, problems, strict=True):
            for i, step in enumerate(plan.steps[: plan.reached + 1]):
                note = step.note
                if step.action == "feedback":
                    note = (
                        f"以{FEEDBACK_METHOD_WORDS[plan.feedback_method]}方式向基层反馈答复，"
                        f"基层表示{SATISFACTION_WORDS[plan.satisfaction]}。"
                    )
                events.append(
                    ProblemEvent(
                        problem=problem,
                        actor=step.actor,
                        at=step.at,
                        action=step.action,
                        from_status=plan.steps[i - 1].status if i else "",
                        to_status=step.status,
                        note=note,
                    )
                )
        with stamps_as_given(*model_fields(ProblemEvent, "at")):
            ProblemEvent.objects.bulk_create(events)
        self.summary.created["problems"] += len(problems)
        self.summary.created["events"] += len(events)

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


def _sector(name: str) -> str:
    if "社区工会联合会" in name:
        return "community"
    if any(word in name for word in ("医院", "卫生", "保健", "疾病预防")):
        return "health"
    if "机关工会" in name or name.startswith("北京市西城区"):
        return "agency"
    if "楼宇" in name or "商圈" in name:
        return "building"
    return "enterprise"
