"""The database connection's options as the settings read them from the environment, and on
PostgreSQL the statements a connection runs again and again prepared, each run planned for its
own values (liaison/settings.py)."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from unions.models import Department

PRINT_OPTIONS = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def options(**environment) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARE_THRESHOLD"}
    env.update(DJANGO_SETTINGS_MODULE="liaison.settings", **environment)
    out = subprocess.run(
        [sys.executable, "-c", PRINT_OPTIONS], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.splitlines()[-1])


POSTGRES = "postgres://postgres@127.0.0.1:5432/liaison"


PLANNED_EACH_RUN = "-c plan_cache_mode=force_custom_plan"


def test_postgresql_binds_on_the_server_and_prepares_after_five_runs():
    assert options(DATABASE_URL=POSTGRES) == {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "options": PLANNED_EACH_RUN,
    }


def test_the_threshold_is_set_or_turned_off_for_a_pooler():
    assert options(DATABASE_URL=POSTGRES, DATABASE_PREPARE_THRESHOLD="2")["prepare_threshold"] == 2
    assert options(DATABASE_URL=POSTGRES, DATABASE_PREPARE_THRESHOLD="off") == {
        "server_side_binding": True,
        "prepare_threshold": None,
        "options": PLANNED_EACH_RUN,
    }


def test_sqlite_gets_none_of_it():
    got = options(DATABASE_URL="sqlite:////tmp/liaison-options.sqlite3")
    assert "prepare_threshold" not in got and "server_side_binding" not in got


@pytest.mark.django_db
def test_a_query_run_again_and_again_is_prepared(postgres_only):
    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%unions_department%"],
            )
            return cursor.fetchone()[0]

    assert (
        connection.connection.prepare_threshold
        == connection.settings_dict["OPTIONS"]["prepare_threshold"]
    )
    before = prepared()
    for n in range(7):
        assert list(Department.objects.filter(pk=n)) == []

    assert prepared() == before + 1


@pytest.mark.django_db
def test_a_prepared_statement_is_planned_for_each_runs_values(postgres_only):
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"
