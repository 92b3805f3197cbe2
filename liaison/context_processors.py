from unions.permissions import is_admin, may

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


def menu(request):
    """What the navigation menu shows this user: one entry per page they may open.

    base.html caches the menu under `menu_key`, which names exactly what the menu depends on
    (the permissions granted and staff status), so two users with the same menu share it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": {}, "menu_key": ""}
    granted = {name: may(user, perm) for name, perm in MENU.items()}
    granted["admin_site"] = is_admin.test(user) or user.is_staff
    return {
        "menu": granted,
        "menu_key": "-".join(sorted(name for name, allowed in granted.items() if allowed)),
    }
