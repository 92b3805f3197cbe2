"""Who may do what in the programme's pages: meetings, compliance, boards and opinions.
Declared here once, checked everywhere with `unions.permissions.may(user, perm, obj)`
(imported by `LiaisonConfig`)."""

import rules
from django.utils import timezone

from unions.assignments.selectors import assigned_union_ids
from unions.permissions import (
    has_cadre_profile,
    heads_a_department,
    is_admin,
    is_contact_cadre,
    is_department_head,
    is_discipline,
    is_organization,
    sees_everything,
)
from unions.roles import cadre_of, headed_department


@rules.predicate
def contacts_union_of_opinion(user, opinion) -> bool:
    """A current contact cadre, this year, of the union the opinion was left on."""
    cadre = cadre_of(user)
    if opinion is None or cadre is None:
        return False
    return opinion.union_id in assigned_union_ids(cadre, timezone.localdate().year)


# --- Quarterly meetings: the organization department runs them, department heads read them --
# (not `view_quarterlymeeting`: the cadres' group holds that model permission.)
rules.add_perm("liaison.list_quarterlymeeting", is_organization | is_department_head | is_admin)
rules.add_perm("liaison.add_quarterlymeeting", is_organization)
rules.add_perm("liaison.change_quarterlymeeting", is_organization)

# --- Compliance ----------------------------------------------------------------------------
# The dashboard and the assessment: every cadre their own row, a head their department, the
# organization department everything (liaison.compliance.selectors.compliance_scope says which).
rules.add_perm("liaison.view_compliance", sees_everything | heads_a_department | is_contact_cadre)
# Their workbooks: not a cadre's single row.
rules.add_perm("liaison.export_compliance", sees_everything | heads_a_department)
rules.add_perm("liaison.freeze_quarter", is_organization)
# The summary reported upward to the city federation.
rules.add_perm("liaison.report_upward", is_organization)

# --- Notice boards and workers' opinions ---------------------------------------------------
# The board index: every board, or a cadre's own contact units'.
rules.add_perm("liaison.view_board", sees_everything | is_contact_cadre)
# Every union's board, the street and district documents.
rules.add_perm("liaison.view_every_board", sees_everything)
# A new public link (the printed QR code stops working).
rules.add_perm("liaison.regenerate_board_token", is_organization)
rules.add_perm("liaison.take_up_opinion", is_contact_cadre & contacts_union_of_opinion)
# The answer the worker reads with the receipt: the union's contact cadres, and the
# organization department (for a union nobody contacts, or when a cadre is away).
rules.add_perm(
    "liaison.answer_opinion", (is_contact_cadre & contacts_union_of_opinion) | is_organization
)

# Accounts created without a password: the list of those to activate, their printed links, and
# sending the links (liaison/accounts/).
rules.add_perm("liaison.activate_accounts", is_organization | is_admin)

# --- The contact calendar (liaison/plan/) --------------------------------------------------


@rules.predicate
def is_cadre_itself(user, cadre) -> bool:
    own = cadre_of(user)
    return cadre is not None and own is not None and own.pk == cadre.pk


@rules.predicate
def heads_department_of_cadre(user, cadre) -> bool:
    department = headed_department(user)
    return cadre is not None and department is not None and cadre.department_id == department.pk


@rules.predicate
def heads_this_department(user, department) -> bool:
    headed = headed_department(user)
    return department is not None and headed is not None and headed.pk == department.pk


# A cadre their own month, a head their department's cadres, the organization department all.
rules.add_perm("liaison.view_plan", sees_everything | heads_a_department | is_contact_cadre)
rules.add_perm(
    "liaison.view_cadre_plan", sees_everything | heads_department_of_cadre | is_cadre_itself
)
rules.add_perm("liaison.view_department_plan", sees_everything | heads_this_department)
# The week across the federation.
rules.add_perm("liaison.view_federation_plan", sees_everything)
# The audit trail (liaison/audit/): every change, login and refused access. The organization
# department and discipline inspection (纪检), whose only permission this is.
rules.add_perm("liaison.view_audit", is_organization | is_discipline)
# 职工诉求分析: each user's own share (their sheets and units, a head their department's, the
# organization department everything: liaison.analysis.selectors), as the lists it links to.
rules.add_perm("liaison.view_analysis", is_organization | heads_a_department | has_cadre_profile)
# 本季一题: the quarterly meeting picks the quarter's topic.
rules.add_perm("liaison.pick_quarter_topic", is_organization)
