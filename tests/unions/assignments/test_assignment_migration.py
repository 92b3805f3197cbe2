"""The contact point moved from the liaison app to unions by a state-only migration: its rows, its
history and the permissions granted on it come through untouched.

The migration runs in a scratch database of the same kind as the test run's (a file for SQLite,
a database of its own on PostgreSQL), in a process of its own: migrating the test database
backwards would leave its content types out of step with the other tests'."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]

SCENARIO = """
import json
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps

old = migrate([("unions", "0003_grassrootsunion_public_token"), ("liaison", "0007_datastamp")])
User = old.get_model("auth", "User")
Cadre = old.get_model("unions", "Cadre")
department = old.get_model("unions", "Department").objects.create(name="组织人事部")
cadre = Cadre.objects.create(
    user=User.objects.create(username="alice"), name="王芳", department=department,
    staff_number="XC9",
)
union = old.get_model("unions", "GrassrootsUnion").objects.create(
    name="某某工会", credit_code="91110102MA01A0002R", street="jinrong"
)
point = old.get_model("liaison", "LiaisonAssignment").objects.create(
    cadre=cadre, union=union, year=2026
)
content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
    app_label="liaison", model="liaisonassignment"
)
permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
    content_type=content_type, codename="view_liaisonassignment", defaults={"name": "view"}
)
old.get_model("auth", "Group").objects.create(name="readers").permissions.add(permission)

executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())

from django.contrib.auth.models import Group
from unions.models import LiaisonAssignment
granted = Group.objects.get(name="readers").permissions.get()
print(json.dumps({
    "point": point.pk,
    "rows": list(LiaisonAssignment.objects.values_list("pk", "cadre__name", "union__name", "year")),
    "granted": [granted.content_type.app_label, granted.codename],
}))
"""


@pytest.fixture
def scratch_database_url():
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(f"/tmp/liaison-migration-{uuid.uuid4().hex}.sqlite3")
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)
        return
    name = f"liaison_migration_{uuid.uuid4().hex[:12]}"
    server = {
        "host": database["HOST"] or "127.0.0.1",
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_move_keeps_rows_and_the_permissions_granted_on_them(scratch_database_url):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "DEBUG": "true",
        "DATABASE_URL": scratch_database_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", SCENARIO],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    moved = json.loads(result.stdout.strip().splitlines()[-1])

    assert moved["rows"] == [[moved["point"], "王芳", "某某工会", 2026]]
    assert moved["granted"] == ["unions", "view_liaisonassignment"]
