from unions.permissions import is_admin, may
from unions.roles import cadre_of, headed_department, roles_of

# The menu's entries: the name a template reads (`menu.add_visitrecord`) → the permission of
# the page it links to, as declared in the apps' permissions.py.
MENU = {
    "add_visitrecord": "records.add_visitrecord",
    "view_others_visitrecord": "records.view_others_visitrecord",
    "view_register": "records.view_register",
    "view_own_problem": "records.view_own_problem",
    "view_problem_inbox": "records.view_problem_inbox",
    "view_ledger": "records.view_ledger",
    "manage_liaisonassignment": "unions.manage_liaisonassignment",
    "view_board": "liaison.view_board",
    "list_quarterlymeeting": "liaison.list_quarterlymeeting",
    "view_compliance": "liaison.view_compliance",
    "report_upward": "liaison.report_upward",
    "activate_accounts": "liaison.activate_accounts",
    "view_plan": "liaison.view_plan",
    "set_calendar": "records.set_calendar",
    "view_audit": "liaison.view_audit",
    "view_analysis": "liaison.view_analysis",
    "list_researchtopic": "records.list_researchtopic",
}


# The menus computed so far, by what a menu permission can depend on (menu_facts): a few
# distinct combinations in all, each asked of the rules once per process instead of seventeen
# predicates on every page (BENCHMARKS.md: ~5 % of a cached home under load).
_MENUS: dict[tuple, dict[str, bool]] = {}


def menu_facts(user) -> tuple:
    """Everything about `user` that the menu's permissions (asked without an object) read: the
    roles (an inactive user has none), the cadre profile and whether it is a leader's, the
    department headed, staff status. The roles are read on every request, so a role granted
    or taken away shows in the next page's menu."""
    cadre = cadre_of(user)
    return (
        roles_of(user),
        user.is_staff,
        cadre is not None,
        cadre is not None and cadre.is_leader,
        headed_department(user) is not None,
    )


def menu(request):
    """What the navigation menu shows this user: one entry per page they may open.

    base.html caches the menu under `menu_key`, which names exactly what the menu depends on
    (the permissions granted and staff status), so two users with the same menu share it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": {}, "menu_key": ""}
    facts = menu_facts(user)
    granted = _MENUS.get(facts)
    if granted is None:
        granted = {name: may(user, perm) for name, perm in MENU.items()}
        granted["admin_site"] = is_admin.test(user) or user.is_staff
        _MENUS[facts] = granted
    return {
        "menu": granted,
        "menu_key": "-".join(sorted(name for name, allowed in granted.items() if allowed)),
    }
