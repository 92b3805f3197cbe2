from unions.roles import Role, cadre_of, roles_of


def roles(request):
    """Expose the user's roles to templates (the navigation shows each role its pages)."""
    user = getattr(request, "user", None)
    held = roles_of(user) if user is not None else frozenset()
    return {
        "roles": {role.value: role in held for role in Role},
        "current_cadre": cadre_of(user) if held else None,
    }
