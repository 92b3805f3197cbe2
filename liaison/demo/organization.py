"""The demo federation's organization: departments, cadres and their logins, the
administrator, grassroots unions and the contact points of each year."""

import datetime
import random
from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils.functional import cached_property
from simple_history.utils import bulk_create_with_history

from liaison.demo.data import (
    AGENCIES,
    AVOID_NAMES,
    BRANDS,
    COMMUNITIES,
    DEMO_PASSWORD,
    DEPARTMENT_SPECS,
    DEPARTMENTS,
    GIVEN_DOUBLE,
    GIVEN_SINGLE,
    HOSPITALS,
    LEADING_POSITIONS,
    ORGANIZATION,
    PRIVATE_TRADES,
    ROADS,
    SECTION_TITLES,
    STAFF_ROTATION,
    STAFF_TITLES,
    STATE_TRADES,
    STREET_NAMES,
    STREET_PLACES,
    SURNAMES,
    Position,
    credit_code,
    model_fields,
    stamps_as_given,
)
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment, Street
from unions.roles import GROUP_NAMES, Role


class OrganizationSteps:
    """Steps of `liaison.demo.seeder.Seeder` (a mixin: `self` is the seeder)."""

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
        bulk_create_with_history(new, Department)
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
        bulk_create_with_history(new_cadres, Cadre)
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
        bulk_create_with_history(new, GrassrootsUnion)
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
            ended.union.active = False
            ended.union.save(update_fields=["active"])  # a version in its history
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
