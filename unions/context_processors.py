from unions.roles import cadre_of, roles_of


def roles(request):
    """The user's cadre profile, for the header ("name · department"). What the menu shows
    is decided by permissions (liaison.context_processors.menu), not here."""
    user = getattr(request, "user", None)
    held = roles_of(user) if user is not None else frozenset()
    return {"current_cadre": cadre_of(user) if held else None}
