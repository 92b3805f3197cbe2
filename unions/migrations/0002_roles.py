"""The four roles, as groups, with their permissions on the organization's data."""

from django.db import migrations

from unions.roles import Role, all_permissions, grant_permissions


def create_roles(apps, schema_editor):
    grant_permissions(
        apps,
        "unions",
        {
            Role.ADMIN: all_permissions(apps, "unions"),
            Role.ORGANIZATION: [
                f"{action}_{model}"
                for action in ("add", "change", "view")
                for model in ("department", "cadre", "grassrootsunion")
            ],
            Role.DEPARTMENT_HEAD: ["view_department", "view_cadre", "view_grassrootsunion"],
            Role.CADRE: ["view_department", "view_grassrootsunion"],
        },
    )


def remove_roles(apps, schema_editor):
    from unions.roles import GROUP_NAMES

    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_NAMES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
