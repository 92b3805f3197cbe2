"""What each role may do with record sheets, problems and the calendar."""

from django.db import migrations

from unions.roles import Role, all_permissions, grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "records",
        {
            Role.ADMIN: all_permissions(apps, "records"),
            Role.ORGANIZATION: [
                "view_visitrecord", "change_visitrecord",
                "view_problem", "change_problem", "view_problemevent",
                "view_calendarday", "view_historicalvisitrecord", "view_historicalproblem",
            ],
            Role.DEPARTMENT_HEAD: [
                "view_visitrecord", "view_problem", "change_problem", "view_problemevent",
            ],
            Role.CADRE: [
                "add_visitrecord", "change_visitrecord", "view_visitrecord",
                "add_problem", "view_problem", "view_problemevent",
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        ("unions", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
