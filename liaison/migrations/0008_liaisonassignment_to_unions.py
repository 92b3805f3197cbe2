"""The contact point (LiaisonAssignment) now belongs to the unions app (see its migration 0004):
removed from this app's state only, its tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0007_datastamp"),
        ("unions", "0004_liaisonassignment_from_liaison"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name="liaisonassignment", name="assigned_by"),
                migrations.RemoveField(model_name="liaisonassignment", name="cadre"),
                migrations.RemoveField(model_name="liaisonassignment", name="union"),
                migrations.DeleteModel(name="HistoricalLiaisonAssignment"),
                migrations.DeleteModel(name="LiaisonAssignment"),
            ],
        ),
    ]
