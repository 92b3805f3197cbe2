"""One database's benchmark, in a worker process started by `manage.py bench` with the bench
database in DATABASE_URL and DEBUG off."""

import datetime
import platform
import sqlite3
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from liaison.bench import data, load, measure


def database_version() -> str:
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        major, minor = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{minor}"
    return f"SQLite {sqlite3.sqlite_version}"


def run_mixed(home: str, seconds: int, say) -> dict:
    """The cadre home under load while filings arrive (issue 13); the new sheets deleted after."""
    first_new = measure.last_record_pk()
    # Enough sheets for 1,000 requests a second, far beyond what two workers serve.
    sessions, filings = measure.mixed_filings(seconds * 1000 // load.FILING_EVERY + 10)
    detail = reverse("records:record-detail", args=[0]).replace("0", "%d+")
    try:
        return load.run_mixed(
            get_path=home,
            post_path=reverse("records:record-create"),
            filed_pattern=f"^{detail}$",
            sessions=sessions,
            filings=filings,
            seconds=seconds,
            say=say,
        )
    finally:
        measure.delete_records_after(first_new)


def run(
    *,
    scale: data.Scale,
    may_build: bool,
    build_only: bool = False,
    only_count: bool = False,
    repeat: int = 30,
    export_repeat: int = 3,
    load_seconds: int = 30,
    soak_seconds: int = 120,
    skip_exports: bool = False,
    skip_load: bool = False,
    profile_dir: Path | None = None,
    say=print,
) -> dict:
    assert not settings.DEBUG, "the bench measures with DEBUG off"
    say(f"{database_version()}: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    marker = data.ensure(scale, may_build=may_build, say=say)
    result = {
        "vendor": connection.vendor,
        "database": database_version(),
        "python": platform.python_version(),
        "marker": marker,
        "counts": data.counts(),
        "today": timezone.localdate().isoformat(),
    }
    if build_only:
        return result
    # DEBUG off: {% static %} needs the manifest of collected files (WhiteNoise's storage).
    call_command("collectstatic", interactive=False, verbosity=0)
    started = datetime.datetime.now()
    before = set(Session.objects.values_list("session_key", flat=True))
    try:
        result["pages"], cast = measure.measure_pages(
            repeat=repeat, profile_dir=profile_dir, only_count=only_count, say=say
        )
        if only_count:
            return result
        result["floor"] = measure.measure_floor(repeat=repeat, say=say)
        if not skip_exports:
            result["exports"] = measure.measure_exports(repeat=export_repeat, say=say)
        if not skip_load:
            cadre = measure.client_for(cast.cadres[0])
            org = measure.client_for(cast.org)
            cookie = settings.SESSION_COOKIE_NAME
            pages = {p["key"]: p for p in result["pages"]}
            targets = [
                ("cadre_home", pages["cadre_home"]["url"], cadre.cookies[cookie].value),
                ("record_list", pages["record_list"]["url"], org.cookies[cookie].value),
            ]
            if pages["dashboard"]["url"]:
                targets.append(("dashboard", pages["dashboard"]["url"], org.cookies[cookie].value))
            result["load"] = load.run_load(targets, seconds=load_seconds, say=say)
            if result["load"].get("pages") and not settings.DATABASES["default"]["CONN_MAX_AGE"]:
                # The same cadre home with persistent database connections (.env.example's
                # CONN_MAX_AGE), which spares every request a new connection.
                say("  with persistent database connections (CONN_MAX_AGE=60):")
                result["load_persistent"] = load.run_load(
                    targets[:1], seconds=load_seconds, env={"CONN_MAX_AGE": "60"}, say=say
                )
            if result["load"].get("pages"):
                result["mixed"] = run_mixed(pages["cadre_home"]["url"], load_seconds, say)
            if soak_seconds and result["load"].get("pages"):
                # Issue 8: two minutes of the load test, the workers' memory flat.
                result["soak"] = load.run_soak(targets[0], seconds=soak_seconds, say=say)
    finally:
        # The logins of this run only (force_login writes sessions to the database).
        Session.objects.exclude(session_key__in=before).delete()
    result["seconds"] = round((datetime.datetime.now() - started).total_seconds(), 1)
    return result
