"""A public link token per grassroots union (the QR code on its notice board).

A callable default on AddField is evaluated once, which would give every existing row the same
token; so the column is added nullable, each row gets its own token, and only then does the
column become unique and required.
"""

from django.db import migrations, models

import unions.tokens

BATCH = 500


def fill_tokens(apps, schema_editor):
    GrassrootsUnion = apps.get_model("unions", "GrassrootsUnion")
    pending = []
    for union in GrassrootsUnion.objects.filter(public_token__isnull=True).only("pk").iterator():
        union.public_token = unions.tokens.new_public_token()
        pending.append(union)
        if len(pending) >= BATCH:
            GrassrootsUnion.objects.bulk_update(pending, ["public_token"])
            pending = []
    if pending:
        GrassrootsUnion.objects.bulk_update(pending, ["public_token"])


class Migration(migrations.Migration):

    dependencies = [
        ("unions", "0002_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="grassrootsunion",
            name="public_token",
            field=models.CharField(
                editable=False, max_length=32, null=True, verbose_name="public link token"
            ),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="grassrootsunion",
            name="public_token",
            field=models.CharField(
                default=unions.tokens.new_public_token,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="public link token",
            ),
        ),
    ]
