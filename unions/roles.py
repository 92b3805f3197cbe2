"""Who is who: the four roles of the system and the one function that tells them apart.

A role is a Django group (created by `unions/migrations/0002_roles.py`). A user can hold more
than one — a department head is also a cadre with contact units of their own.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    CADRE = "cadre"
    DEPARTMENT_HEAD = "department_head"
    ORGANIZATION = "organization"
    ADMIN = "admin"
    # 纪检: reads the audit trail (liaison/audit/) and nothing else.
    DISCIPLINE = "discipline"

    @property
    def group_name(self) -> str:
        return GROUP_NAMES[self]

    @property
    def label(self) -> str:
        return str(LABELS[self])


# The group names are data, in the source document's words.
GROUP_NAMES = {
    Role.CADRE: "机关干部",
    Role.DEPARTMENT_HEAD: "部室负责人",
    Role.ORGANIZATION: "组织人事部",
    Role.ADMIN: "系统管理员",
    Role.DISCIPLINE: "纪检",
}
LABELS = {
    Role.CADRE: _("Cadre"),
    Role.DEPARTMENT_HEAD: _("Department head"),
    Role.ORGANIZATION: _("Organization department"),
    Role.ADMIN: _("System administrator"),
    Role.DISCIPLINE: _("Discipline inspection"),
}
_BY_GROUP = {name: role for role, name in GROUP_NAMES.items()}
# Between the names of a user's groups as the login backend reads them (unions.backends): in no
# role's group name.
GROUP_SEPARATOR = "|"


def roles_of(user) -> frozenset[Role]:
    """The roles `user` holds. One query the first time, then cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_liaison_roles", None)
    if cached is None:
        # Read with the user by the login backend (unions.backends), else one query.
        joined = getattr(user, "liaison_group_names", None)
        if joined is not None:
            names = joined.split(GROUP_SEPARATOR) if joined else []
        else:
            names = user.groups.values_list("name", flat=True)
        cached = frozenset(_BY_GROUP[name] for name in names if name in _BY_GROUP)
        if user.is_superuser:
            cached |= {Role.ADMIN}
        user._liaison_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def primary_role(user) -> Role | None:
    """The role whose home page the user lands on: the widest view they hold."""
    held = roles_of(user)
    for role in (Role.ORGANIZATION, Role.DEPARTMENT_HEAD, Role.CADRE, Role.ADMIN):
        if role in held:
            return role
    return None


def cadre_of(user):
    """The user's `Cadre` profile with its department, or None. Cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_liaison_cadre"):
        from unions.models import Cadre

        if user._meta.model.cadre.is_cached(user):
            # Read with the user by the login backend (unions/backends.py): no query.
            user._liaison_cadre = getattr(user, "cadre", None)
        else:
            user._liaison_cadre = (
                Cadre.objects.select_related("department").filter(user=user).first()
            )
    return user._liaison_cadre


def headed_department(user):
    """The department this user heads, or None (a department head heads their own)."""
    if not has_role(user, Role.DEPARTMENT_HEAD):
        return None
    cadre = cadre_of(user)
    return cadre.department if cadre else None


def sees_everything(user) -> bool:
    """The organization department and administrators see every record of the federation."""
    return has_role(user, Role.ORGANIZATION, Role.ADMIN)


def grant_permissions(apps, app_label: str, grants: dict[Role, list[str]]) -> None:
    """For data migrations: give each role's group these permissions of `app_label`.

    Each app grants its own models' permissions in its own migration, so `unions` needs to
    know nothing of the apps above it. Permissions are normally created after `migrate`
    finishes; they are created here first so a fresh database gets its groups complete.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def all_permissions(apps, app_label: str) -> list[str]:
    """Every permission codename of `app_label`'s models (for the administrators' group)."""
    codenames = []
    for model in apps.get_app_config(app_label).get_models():
        opts = model._meta
        codenames += [f"{action}_{opts.model_name}" for action in opts.default_permissions]
    return codenames
