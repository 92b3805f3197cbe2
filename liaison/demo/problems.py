"""The demo's problems: planned on the sheets, then taken through the loop so every status
shows."""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from liaison.demo.data import (
    FEEDBACK_METHOD_WORDS,
    PROBLEMS,
    SATISFACTION_WORDS,
    ProblemPlan,
    Step,
    cn_date,
    model_fields,
    stamps_as_given,
)
from records.models import Problem, ProblemEvent, VisitRecord
from unions.models import Cadre, Department


class ProblemSteps:
    """Steps of `liaison.demo.seeder.Seeder` (a mixin: `self` is the seeder)."""

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
