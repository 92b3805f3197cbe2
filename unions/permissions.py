"""Who may do what in `unions`, and the predicates every app composes its permissions from.

Each app declares its permissions once, in its own `permissions.py` (imported by its
`AppConfig.ready()`), as `rules` predicates over the roles of `unions.roles` and the objects'
relations. Everything checks them by name — views, services, templates, the admin:

    may(request.user, "records.return_visitrecord", record)

`may` asks the declared rules and nothing else. Django's `User.has_perm` would first say yes
to any superuser, and this system's administrators are deliberately not cadres: they may not
fill in a sheet, take a step in the problem loop or run the assignment desk (the permission
matrix's "admin" column). `user.has_perm` gives the same answers for everyone else (the rules
backend is installed), and is what the Django admin asks.
"""

from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from unions.roles import Role, cadre_of, has_role, headed_department

# --- Who the user is -------------------------------------------------------------------------


@rules.predicate
def is_cadre(user) -> bool:
    """Holds the cadre role (机关干部)."""
    return has_role(user, Role.CADRE)


@rules.predicate
def has_cadre_profile(user) -> bool:
    """Has a `Cadre` profile (the organization department's staff have one too)."""
    return cadre_of(user) is not None


# A cadre who contacts unions: the role and a profile to file under.
is_contact_cadre = is_cadre & has_cadre_profile


@rules.predicate
def is_leader(user) -> bool:
    """A division-level-or-above leader (处级及以上): problems may be sent to them by name."""
    cadre = cadre_of(user)
    return cadre is not None and cadre.is_leader


@rules.predicate
def is_department_head(user) -> bool:
    """Holds the department head role (部室负责人)."""
    return has_role(user, Role.DEPARTMENT_HEAD)


@rules.predicate
def heads_a_department(user) -> bool:
    """Holds the role and has a department to head (a cadre profile with a department)."""
    return headed_department(user) is not None


@rules.predicate
def is_organization(user) -> bool:
    """The organization department (组织人事部), the programme's lead."""
    return has_role(user, Role.ORGANIZATION)


@rules.predicate
def is_admin(user) -> bool:
    """A system administrator: the group, or a Django superuser."""
    return has_role(user, Role.ADMIN)


@rules.predicate
def is_discipline(user) -> bool:
    """Discipline inspection (纪检): reads the audit trail, nothing else."""
    return has_role(user, Role.DISCIPLINE)


# The organization department and administrators see every record of the federation.
sees_everything = is_organization | is_admin


def may(user, perm: str, obj=None) -> bool:
    """Whether `user` may `perm` (on `obj`), by the declared rules alone (see the module's
    docstring for why not `user.has_perm`). An undeclared name is a mistake, not a refusal."""
    if not rules.perm_exists(perm):
        raise LookupError(f"No permission {perm!r} is declared.")
    return rules.has_perm(perm, user, obj)


# --- unions' own permissions: the contact points (assignment desk) and the org-data import ---

# The desk's pages (its figures, coverage, the import): not `view_liaisonassignment`, the
# model permission the cadres' group holds for reading their own contact points.
rules.add_perm("unions.manage_liaisonassignment", is_organization)
rules.add_perm("unions.add_liaisonassignment", is_organization)
rules.add_perm("unions.change_liaisonassignment", is_organization)
rules.add_perm("unions.import_organization", is_organization)


def require_permission(perm: str):
    """A view decorator: log in first (anonymous visitors are sent to the login page), then
    `perm` (others get 403). For a permission on an object, the view fetches it and asks
    `may(user, perm, obj)` itself."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not may(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
