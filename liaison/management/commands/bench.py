"""`python manage.py bench` (`make bench`): the district-scale benchmark, written to
BENCHMARKS.md. See liaison/bench/ for what it measures and how.

The command is an orchestrator: for each database it starts a worker — this same command with
`--worker` — in a subprocess whose environment points Django at the bench database
(DATABASE_URL) with production's settings (DEBUG off, `liaison.bench.settings`). Settings are
read from the environment once, at start-up, so a subprocess is the one clean way to run the
same project against another database; it also keeps the development database untouched and
lets gunicorn, started by the worker, inherit exactly the same configuration.
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from liaison.bench import data, report

DATABASES = ("sqlite", "postgresql")


def positive_int(value: str) -> int:
    """`--scale`'s argument: a whole number, 1 or more."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a positive whole number, not {value!r}")
    return int(value)


def _suffix(*, quick: bool, scale: int, sep: str) -> str:
    """How a bench database or results file of this data set is told apart: nothing for the
    district, "quick" and/or "x10" otherwise (joined by `sep`)."""
    return "".join([sep + "quick"] * quick + [f"{sep}x{scale}"] * (scale > 1))


def postgres_name(configured: dict, *, quick: bool, scale: int) -> str:
    """The PostgreSQL bench database: `<name>_bench`, `<name>_bench_x10`, `<name>_bench_quick`."""
    return f"{configured['NAME']}_bench" + _suffix(quick=quick, scale=scale, sep="_")


def results_name(*, quick: bool, scale: int) -> str:
    """Where a run's results are kept in the bench folder: results.json for the district,
    results-x10.json beside it for `--scale 10` (results-quick*.json for `--quick`)."""
    return "results" + _suffix(quick=quick, scale=scale, sep="-") + ".json"


def scaled_results(bench_dir: Path, *, quick: bool) -> dict[int, dict]:
    """The kept results of every scaled run (N > 1) in the bench folder, by N."""
    pattern = re.compile(r"results" + ("-quick" if quick else "") + r"-x(\d+)\.json")
    found = {}
    for path in bench_dir.glob("results*-x*.json"):
        if match := pattern.fullmatch(path.name):
            found[int(match.group(1))] = json.loads(path.read_text())
    return found


class Command(BaseCommand):
    help = (
        "District-scale benchmark (300 cadres, 3,000 unions, 100,000 filed records, 20,000 "
        "problems, 20,000 workers' opinions) in its own databases: bench/bench.sqlite3, and "
        "<name>_bench on PostgreSQL when DATABASE_URL points there (--scale N: N times the "
        "data set, in bench-xN.sqlite3 and <name>_bench_xN). Builds the data set once "
        "(minutes), reuses it after; measures the pages, the dashboard's SQL floor, the "
        "exports and a load test under gunicorn + wrk; writes BENCHMARKS.md. Never touches "
        "the configured database itself."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--db",
            choices=[*DATABASES, "all"],
            default="all",
            help="which databases (default: SQLite, and PostgreSQL when DATABASE_URL is one)",
        )
        parser.add_argument(
            "--quick",
            action="store_true",
            help="a tiny data set and few repetitions: proves the harness works (seconds)",
        )
        parser.add_argument(
            "--scale",
            type=positive_int,
            default=1,
            metavar="N",
            help="N times the data set (cadres, unions, sheets, problems; the same years) in "
            "bench databases of its own, its results kept beside those of N=1 and compared "
            "with them in the report (default 1)",
        )
        parser.add_argument(
            "--build-only", action="store_true", help="build (or check) the data sets, then stop"
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="never build: stop if a data set is missing (it is reused when present anyway)",
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="drop the bench databases and build again"
        )
        parser.add_argument("--out", default="BENCHMARKS.md", help="the report (BENCHMARKS.md)")
        parser.add_argument(
            "--bench-dir",
            default=str(Path(settings.BASE_DIR) / "bench"),
            help="where the SQLite databases, static files and profiles go (git-ignored bench/)",
        )
        parser.add_argument("--repeat", type=int, help="requests per page (default 30; quick 3)")
        parser.add_argument(
            "--export-repeat", type=int, help="timed runs per export (default 3; quick 1)"
        )
        parser.add_argument(
            "--load-seconds", type=int, help="wrk's duration per page (default 30; quick 2)"
        )
        parser.add_argument(
            "--soak-seconds",
            type=int,
            help="the cadre home under load this long, worker memory sampled (default 120; "
            "quick 15; 0: skip)",
        )
        parser.add_argument(
            "--wait-quiet",
            type=int,
            default=0,
            metavar="SECONDS",
            help="before each database, wait up to this long for the machine to be idle "
            "(1-minute load average below 0.5): other work skews every figure",
        )
        parser.add_argument(
            "--render-only",
            action="store_true",
            help="measure nothing: write the report again from the last run's results "
            "(bench/results.json), e.g. after editing liaison/bench/NOTES.md",
        )
        parser.add_argument("--skip-exports", action="store_true")
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument(
            "--profile",
            action="store_true",
            help="also profile one request of each page with pyinstrument (bench/profiles/)",
        )
        # Internal: one database's measurements, in the subprocess the orchestrator starts.
        parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--only-count", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--result-file", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        quick = options["quick"]
        options["repeat"] = options["repeat"] or (3 if quick else 30)
        options["export_repeat"] = options["export_repeat"] or (1 if quick else 3)
        options["load_seconds"] = options["load_seconds"] or (2 if quick else 30)
        if options["soak_seconds"] is None:
            options["soak_seconds"] = 15 if quick else 120
        if options["worker"]:
            return self.worker(options)
        return self.orchestrate(options)

    # --- The worker ----------------------------------------------------------------------------

    def worker(self, options):
        from liaison.bench import worker

        profile_dir = Path(options["bench_dir"]) / "profiles" if options["profile"] else None
        result = worker.run(
            scale=(data.QUICK if options["quick"] else data.DISTRICT).times(options["scale"]),
            may_build=not options["reuse"],
            build_only=options["build_only"],
            only_count=options["only_count"],
            repeat=options["repeat"],
            export_repeat=options["export_repeat"],
            load_seconds=options["load_seconds"],
            soak_seconds=options["soak_seconds"],
            skip_exports=options["skip_exports"],
            skip_load=options["skip_load"],
            profile_dir=profile_dir,
            say=self.stdout.write,
        )
        Path(options["result_file"]).write_text(json.dumps(result, default=str, indent=1))

    # --- The orchestrator ----------------------------------------------------------------------

    def orchestrate(self, options):
        bench_dir = Path(options["bench_dir"]).resolve()
        bench_dir.mkdir(parents=True, exist_ok=True)
        quick, scale = options["quick"], options["scale"]
        saved = bench_dir / results_name(quick=quick, scale=scale)
        if options["render_only"]:
            if not saved.is_file() and not scaled_results(bench_dir, quick=quick):
                raise CommandError(f"No results to render: {saved} (run the bench first)")
            self.write_report(options, bench_dir)
            return
        targets = self.targets(options["db"], quick=quick, scale=scale, bench_dir=bench_dir)
        secret = secrets.token_urlsafe(50)
        results = {}
        for label, url, reset in targets:
            if options["rebuild"]:
                reset()
            self.stdout.write(self.style.MIGRATE_HEADING(f"\n== {label}"))
            before = self.wait_quiet(options["wait_quiet"])
            results[label] = self.run_worker(url, options, bench_dir, secret)
            results[label]["load_average"] = [before, round(os.getloadavg()[0], 2)]
        if not options["quick"] and not options["build_only"]:
            # The same pages on a data set a hundred times smaller: queries must not change.
            self.stdout.write(self.style.MIGRATE_HEADING("\n== query counts at quick scale"))
            small = self.sqlite_target(bench_dir, quick=True, scale=1)
            if options["rebuild"]:
                small[2]()
            results["quick scale"] = self.run_worker(
                # Seconds to build: always allowed, whatever --reuse says.
                small[1],
                {**options, "quick": True, "scale": 1, "only_count": True, "reuse": False},
                bench_dir,
                secret,
            )
        if options["build_only"]:
            return
        kept = {"results": results, "machine": machine(), "scale": scale}
        saved.write_text(json.dumps(kept, default=str))
        self.write_report(options, bench_dir)

    def write_report(self, options, bench_dir: Path):
        """The report from the kept results: the N=1 run in full, each scaled run (`--scale`)
        beside it. Without an N=1 run yet, the scaled run given fills the full sections."""
        quick = options["quick"]
        base = bench_dir / results_name(quick=quick, scale=1)
        scaled = scaled_results(bench_dir, quick=quick)
        if base.is_file():
            kept, shown = json.loads(base.read_text()), 1
        else:
            shown = options["scale"] if options["scale"] in scaled else min(scaled)
            kept = scaled[shown]
        out = Path(options["out"])
        out.write_text(
            report.render(
                kept["results"], machine=kept["machine"], quick=quick, scale=shown, scaled=scaled
            )
        )
        self.stdout.write(self.style.SUCCESS(f"\nWrote {out}"))

    def wait_quiet(self, seconds: int) -> float:
        """The 1-minute load average once it is below 0.5, or when `seconds` have passed."""
        deadline = time.monotonic() + seconds
        load = os.getloadavg()[0]
        while load >= 0.5 and time.monotonic() < deadline:
            self.stdout.write(f"  waiting for an idle machine (load average {load:.2f})")
            time.sleep(15)
            load = os.getloadavg()[0]
        return round(load, 2)

    def run_worker(self, url: str, options: dict, bench_dir: Path, secret: str) -> dict:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_file = handle.name
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench",
            "--worker",
            "--result-file",
            result_file,
            "--bench-dir",
            str(bench_dir),
            "--repeat",
            str(options["repeat"]),
            "--export-repeat",
            str(options["export_repeat"]),
            "--load-seconds",
            str(options["load_seconds"]),
            "--soak-seconds",
            str(options["soak_seconds"]),
        ]
        if options["scale"] > 1:
            command += ["--scale", str(options["scale"])]
        for flag in (
            "quick",
            "build_only",
            "reuse",
            "skip_exports",
            "skip_load",
            "profile",
            "only_count",
        ):
            if options.get(flag):
                command.append("--" + flag.replace("_", "-"))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "liaison.bench.settings",
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": secret,
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            # Plain HTTP on 127.0.0.1 (the test client and wrk), as on an intranet.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "BENCH_STATIC_ROOT": str(bench_dir / "static"),
            "MEDIA_ROOT": str(bench_dir / "media"),
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
        }
        try:
            completed = subprocess.run(command, env=env, cwd=settings.BASE_DIR)
            if completed.returncode:
                raise CommandError(f"the bench worker failed ({completed.returncode})")
            return json.loads(Path(result_file).read_text())
        finally:
            Path(result_file).unlink(missing_ok=True)

    # --- The bench databases --------------------------------------------------------------

    def targets(self, which: str, *, quick: bool, scale: int, bench_dir: Path) -> list:
        """(label, DATABASE_URL, reset) for each bench database."""
        configured = settings.DATABASES["default"]
        is_postgres = configured["ENGINE"] == "django.db.backends.postgresql"
        if which == "postgresql" and not is_postgres:
            raise CommandError("--db postgresql needs DATABASE_URL to point at PostgreSQL.")
        targets = []
        if which in ("sqlite", "all"):
            targets.append(self.sqlite_target(bench_dir, quick=quick, scale=scale))
        if which in ("postgresql", "all") and is_postgres:
            targets.append(self.postgres_target(configured, quick=quick, scale=scale))
        return targets

    def sqlite_target(self, bench_dir: Path, *, quick: bool, scale: int):
        path = bench_dir / ("bench" + _suffix(quick=quick, scale=scale, sep="-") + ".sqlite3")

        def reset():
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return ("SQLite", f"sqlite:///{path}", reset)

    def postgres_target(self, configured: dict, *, quick: bool, scale: int):
        import psycopg
        from psycopg import sql

        name = postgres_name(configured, quick=quick, scale=scale)
        params = {
            "dbname": "postgres",
            "user": configured.get("USER") or None,
            "password": configured.get("PASSWORD") or None,
            "host": configured.get("HOST") or None,
            "port": configured.get("PORT") or None,
        }

        def admin(statement):
            with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as c:
                exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                return statement(c, exists.fetchone() is not None)

        def create(c, exists):
            if not exists:
                c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

        def reset():
            admin(
                lambda c, exists: c.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            )
            admin(create)

        admin(create)
        user = quote(configured.get("USER") or "", safe="")
        password = quote(str(configured.get("PASSWORD") or ""), safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = quote(configured.get("HOST") or "", safe="")
        port = f":{configured['PORT']}" if configured.get("PORT") else ""
        return ("PostgreSQL", f"postgres://{credentials}{host}{port}/{name}", reset)


def machine() -> dict:
    """The machine the figures were measured on."""
    info = {
        "date": datetime.date.today().isoformat(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        info["cpu"] = platform.processor() or "unknown"
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(
            next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal"))
        )
        info["memory_gb"] = round(kb / 2**20, 1)
    except (OSError, StopIteration):
        info["memory_gb"] = None
    return info
