"""What each role may do with contact points and quarterly meetings."""

from django.db import migrations

from unions.roles import Role, all_permissions, grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "liaison",
        {
            Role.ADMIN: all_permissions(apps, "liaison"),
            Role.ORGANIZATION: [
                f"{action}_{model}"
                for action in ("add", "change", "delete", "view")
                for model in ("liaisonassignment", "quarterlymeeting")
            ] + ["view_historicalliaisonassignment"],
            Role.DEPARTMENT_HEAD: ["view_liaisonassignment", "view_quarterlymeeting"],
            Role.CADRE: ["view_liaisonassignment", "view_quarterlymeeting"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0001_initial"),
        ("unions", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
