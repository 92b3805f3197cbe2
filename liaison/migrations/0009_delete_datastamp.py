"""The data stamp of the removed SQL-watching page cache (docs/decisions/0001-cadre-home-cache.md)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0008_liaisonassignment_to_unions"),
    ]

    operations = [
        migrations.DeleteModel(name="DataStamp"),
    ]
