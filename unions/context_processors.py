from unions.roles import Role, cadre_of, roles_of


def roles(request):
    """Expose the user's roles to templates (the navigation shows each role its pages)."""
    user = getattr(request, "user", None)
    held = roles_of(user) if user is not None else frozenset()
    cadre = cadre_of(user) if held else None
    return {
        "roles": {role.value: role in held for role in Role},
        "current_cadre": cadre,
        # Everything the navigation menu depends on: base.html caches the menu under it.
        "nav_key": "-".join(
            [
                *sorted(role.value for role in held),
                "cadre" if cadre else "",
                "leader" if cadre and cadre.is_leader else "",
                "staff" if getattr(user, "is_staff", False) else "",
            ]
        ),
    }
