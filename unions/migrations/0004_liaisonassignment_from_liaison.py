"""The contact point (LiaisonAssignment) moves here from the liaison app, state only: its tables
keep their names (liaison_liaisonassignment and its history), and its content types move with it
so the permissions granted on it stay granted."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


CONTENT_TYPES = ("liaisonassignment", "historicalliaisonassignment")


def move_content_types(apps, schema_editor, source="liaison", target="unions"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in CONTENT_TYPES:
        # A type created for the target in the meantime (by a post_migrate signal) has no rows
        # pointing at it worth keeping over the source's, whose permissions groups hold.
        if ContentType.objects.filter(app_label=source, model=model).exists():
            ContentType.objects.filter(app_label=target, model=model).delete()
        ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="unions", target="liaison")


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0003_grassrootsunion_public_token"),
        ("liaison", "0007_datastamp"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalLiaisonAssignment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2016), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                        ('assigned_at', models.DateTimeField(blank=True, editable=False, verbose_name='assigned at')),
                        ('ended_at', models.DateField(blank=True, null=True, verbose_name='ended on')),
                        ('end_reason', models.CharField(blank=True, max_length=200, verbose_name='reason for ending')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('assigned_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assigned by')),
                        ('cadre', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='unions.cadre', verbose_name='cadre')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('union', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='unions.grassrootsunion', verbose_name='grassroots union')),
                    ],
                    options={
                        'verbose_name': 'historical contact point',
                        'verbose_name_plural': 'historical contact points',
                        'db_table': 'liaison_historicalliaisonassignment',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='LiaisonAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2016), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                        ('assigned_at', models.DateTimeField(auto_now_add=True, verbose_name='assigned at')),
                        ('ended_at', models.DateField(blank=True, null=True, verbose_name='ended on')),
                        ('end_reason', models.CharField(blank=True, max_length=200, verbose_name='reason for ending')),
                        ('assigned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assigned by')),
                        ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='unions.cadre', verbose_name='cadre')),
                        ('union', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='unions.grassrootsunion', verbose_name='grassroots union')),
                    ],
                    options={
                        'verbose_name': 'contact point',
                        'verbose_name_plural': 'contact points',
                        'db_table': 'liaison_liaisonassignment',
                        'ordering': ['-year', 'cadre__name', 'union__name'],
                        'indexes': [models.Index(fields=['year', 'union'], name='liaison_lia_year_dd2eea_idx')],
                        'constraints': [models.UniqueConstraint(fields=('cadre', 'union', 'year'), name='one_assignment_per_cadre_union_year'), models.CheckConstraint(condition=models.Q(('year__gte', 2016), ('year__lte', 2100)), name='assignment_year_in_range'), models.CheckConstraint(condition=models.Q(('ended_at__isnull', True), models.Q(('end_reason', ''), _negated=True), _connector='OR'), name='ended_assignment_has_reason')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
