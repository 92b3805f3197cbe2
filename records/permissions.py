"""Who may do what with record sheets, problems and the registers: declared here once,
checked everywhere with `unions.permissions.may(user, perm, obj)` (imported by `RecordsConfig`).

List pages scope their rows with the querysets (`VisitRecord.objects.visible_to(user)`,
`Problem.objects.visible_to(user)`); these predicates answer the same for one object, and a
test keeps the two in step.
"""

import rules

from records.models import Problem, VisitRecord
from unions.permissions import (
    has_cadre_profile,
    heads_a_department,
    is_admin,
    is_contact_cadre,
    is_department_head,
    is_leader,
    is_organization,
    sees_everything,
)
from unions.roles import cadre_of, headed_department

# --- Record sheets -------------------------------------------------------------------------


@rules.predicate
def is_record_owner(user, record: VisitRecord | None) -> bool:
    cadre = cadre_of(user)
    return record is not None and cadre is not None and record.cadre_id == cadre.pk


@rules.predicate
def is_submitted(user, record: VisitRecord | None) -> bool:
    """Filed or returned: someone else's draft is unfinished work nobody else reads."""
    return record is not None and record.status != VisitRecord.Status.DRAFT


@rules.predicate
def is_department_head_of_record(user, record: VisitRecord | None) -> bool:
    department = headed_department(user)
    return (
        record is not None
        and department is not None
        and record.cadre.department_id == department.pk
    )


@rules.predicate
def is_editable(user, record: VisitRecord | None) -> bool:
    return record is not None and record.is_editable


rules.add_perm("records.add_visitrecord", is_contact_cadre)
rules.add_perm(
    "records.view_visitrecord",
    is_record_owner | is_submitted & (sees_everything | is_department_head_of_record),
)
# Only its cadre edits a sheet, while it is a draft or returned.
rules.add_perm("records.change_visitrecord", is_record_owner & is_editable)
rules.add_perm("records.return_visitrecord", is_organization)
# The list shows others' sheets (it is "Work record sheets", not "My records").
rules.add_perm("records.view_others_visitrecord", is_department_head | is_organization | is_admin)

# --- Registers (the department's and the federation's ledger of sheets) ----------------------

rules.add_perm("records.view_register", is_organization | heads_a_department)
rules.add_perm("records.export_register", is_organization | heads_a_department)
# Any department's register, not only the one the user heads.
rules.add_perm("records.view_federation_register", is_organization)

# --- Problems ------------------------------------------------------------------------------


@rules.predicate
def is_problem_raiser(user, problem: Problem | None) -> bool:
    """The cadre whose sheet raised it."""
    return problem is not None and problem.record.cadre.user_id == user.pk


@rules.predicate
def is_problem_leader(user, problem: Problem | None) -> bool:
    """The leader it was sent to by name."""
    cadre = cadre_of(user)
    return problem is not None and cadre is not None and problem.leader_id == cadre.pk


@rules.predicate
def is_department_head_of_problem(user, problem: Problem | None) -> bool:
    """The head of the department it is transferred to."""
    department = headed_department(user)
    return problem is not None and department is not None and problem.department_id == department.pk


@rules.predicate
def is_department_head_of_raiser(user, problem: Problem | None) -> bool:
    """The head of the department of the cadre who raised it."""
    department = headed_department(user)
    return (
        problem is not None
        and department is not None
        and problem.record.cadre.department_id == department.pk
    )


@rules.predicate
def raised_by_own_cadre_profile(user, problem: Problem | None) -> bool:
    cadre = cadre_of(user)
    return problem is not None and cadre is not None and problem.record.cadre_id == cadre.pk


# Who answers it: the head of the department it is with, or the leader it was sent to.
is_answerer_of_problem = is_department_head_of_problem | is_problem_leader

rules.add_perm(
    "records.view_problem",
    sees_everything
    | raised_by_own_cadre_profile
    | is_problem_leader
    | is_department_head_of_raiser
    | is_department_head_of_problem,
)
# The steps of the loop (records.problems.services: FROM says from which status).
rules.add_perm("records.transfer_problem", is_problem_raiser | is_organization)
rules.add_perm("records.accept_problem", is_answerer_of_problem)
rules.add_perm("records.answer_problem", is_answerer_of_problem)
rules.add_perm("records.hand_back_problem", is_answerer_of_problem)
rules.add_perm("records.feedback_problem", is_problem_raiser)
rules.add_perm("records.urge_problem", is_organization)
rules.add_perm("records.retransfer_problem", is_organization)
rules.add_perm("records.set_deadline_problem", is_organization)
rules.add_perm("records.close_problem", is_organization)
# The pages of the loop: the problems one raised, the inbox of those to answer, the ledger.
rules.add_perm("records.view_own_problem", has_cadre_profile)
rules.add_perm("records.view_problem_inbox", is_department_head | is_leader)
# The federation's ledger in the menu: the organization department's. The same page lists each
# user's own share of the problems (Problem.objects.visible_to), the lists behind the figures
# of the analysis and of a topic.
rules.add_perm("records.view_ledger", is_organization)

# --- The working-day calendar: a year's holidays (records/holidays/) -------------------------
# The organization department enters the State Council's notice; administrators keep the
# calendar too (the admin's calendar days go through the same service).
rules.add_perm("records.set_calendar", is_organization | is_admin)
rules.add_perm("records.list_problems", is_organization | heads_a_department | has_cadre_profile)
# Steps on many problems at once from the ledger (urge, deadline, move): the organization
# department's, which follows the programme's problems across departments.
rules.add_perm("records.act_on_many_problems", is_organization)

# --- Research topics (调研课题) ---------------------------------------------------------------


@rules.predicate
def topic_involves_department(user, topic) -> bool:
    """The topic names the user's department (involved or lead), or names none (everyone's).
    Reads the topic's departments (a query)."""
    cadre = cadre_of(user)
    if topic is None or cadre is None:
        return False
    if topic.lead_department_id == cadre.department_id:
        return True
    involved = {department.pk for department in topic.departments.all()}
    return not involved or cadre.department_id in involved


rules.add_perm("records.add_researchtopic", is_organization)
rules.add_perm("records.list_researchtopic", is_organization | has_cadre_profile)
rules.add_perm("records.view_researchtopic", sees_everything | topic_involves_department)
