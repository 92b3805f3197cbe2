"""The demo's work record sheets: planned per cadre and quarter, then filed, returned or left
as drafts."""

import datetime
from collections import defaultdict
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from liaison.demo.data import (
    ACTIONS,
    INTEGRITY_EXCEPTIONS,
    NEEDS,
    POLICIES,
    QUESTIONS,
    REMOTE_ACTIONS,
    REMOTE_POLICIES,
    RETURN_REASONS,
    SELF_ACTIONS,
    model_fields,
    stamps_as_given,
)
from records.models import ContactForm, VisitRecord
from unions.models import Cadre, GrassrootsUnion, LiaisonAssignment


class RecordSteps:
    """Steps of `liaison.demo.seeder.Seeder` (a mixin: `self` is the seeder)."""

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
        sector = sector_of(union.name)
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


def sector_of(name: str) -> str:
    if "社区工会联合会" in name:
        return "community"
    if any(word in name for word in ("医院", "卫生", "保健", "疾病预防")):
        return "health"
    if "机关工会" in name or name.startswith("北京市西城区"):
        return "agency"
    if "楼宇" in name or "商圈" in name:
        return "building"
    return "enterprise"
