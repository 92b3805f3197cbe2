"""BENCHMARKS.md from the workers' results: the machine, the data set, every figure, every
ratio, the targets of issue 7 with pass or miss, and the notes kept by hand in NOTES.md (the
fixes with their before and after, the decisions)."""

from pathlib import Path

NOTES = Path(__file__).with_name("NOTES.md")

PAGE_TARGET_MS = {
    "dashboard": 150,
    "cadre_home": 50,
    "cadre_home_changed": 50,
    "record_list": 50,
    "ledger": 50,
    "inbox": 50,
    "filing": 100,
}
FLOOR_RATIO = 3
REGISTER_TIME_RATIO = 1.3
REGISTER_PEAK_MB = 100
HOME_RPS = 300
# Issue 13: the cadre home under load while filings arrive (one POST per ten GETs).
MIXED_RPS = 150
# "Flat": a worker grows by no more than this over the soak (allocator noise, not a leak: a
# leak of even 1 kB a request would add tens of MB over its tens of thousands of requests).
SOAK_GROWTH_MB = 5


def _verdict(ok: bool | None) -> str:
    if ok is None:
        return "—"
    return "pass" if ok else "**MISS**"


def _n(value, digits=1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _ratio(a, b) -> float | None:
    if a is None or b in (None, 0):
        return None
    return a / b


def _databases(results: dict) -> list[str]:
    return [label for label in results if label != "quick scale"]


def targets(results: dict) -> list[tuple[str, dict[str, tuple[str, bool | None]]]]:
    """Each target of the issue, and per database the figure and whether it passes."""
    rows = []
    quick = {p["key"]: p for p in results.get("quick scale", {}).get("pages", [])}

    def per_db(figure):
        return {label: figure(results[label]) for label in _databases(results)}

    def page(result, key):
        return {p["key"]: p for p in result.get("pages", [])}.get(key, {})

    for key, limit in PAGE_TARGET_MS.items():

        def median(result, key=key, limit=limit):
            p = page(result, key)
            if "median" not in p:
                return ("TODO " + p.get("todo", "not measured"), None)
            return (f"{p['median']:.1f} ms", p["median"] <= limit)

        name = {
            "dashboard": "Compliance dashboard",
            "cadre_home": "Cadre home",
            "cadre_home_changed": "Cadre home right after a change (nothing cached)",
            "record_list": "Record list",
            "ledger": "Problem ledger",
            "inbox": "Department inbox",
            "filing": "Filing a record (POST)",
        }[key]
        rows.append((f"{name}: median ≤ {limit} ms", per_db(median)))

    def floor_ratio(result):
        p, floor = page(result, "dashboard"), result.get("floor", {})
        ratio = _ratio(p.get("median"), floor.get("median"))
        if ratio is None:
            return ("—", None)
        return (f"{ratio:.1f} ×", ratio <= FLOOR_RATIO)

    rows.append((f"Dashboard ≤ {FLOOR_RATIO} × its SQL floor", per_db(floor_ratio)))

    def constant(result):
        if not quick:
            return ("not compared (quick run)", None)
        changed = [
            p["key"]
            for p in result.get("pages", [])
            if p.get("queries") is not None
            and quick.get(p["key"], {}).get("queries") not in (None, p["queries"])
        ]
        if changed:
            return ("changes: " + ", ".join(changed), False)
        return ("same at 1/100 scale", True)

    rows.append(("Queries per page constant in cadres, records, problems", per_db(constant)))

    def exports(result):
        return result.get("exports", {})

    def register_time(result):
        e = exports(result)
        ratio = _ratio(
            e.get("register", {}).get("median"), e.get("register_floor", {}).get("median")
        )
        if ratio is None:
            return ("—", None)
        return (f"{ratio:.2f} ×", ratio <= REGISTER_TIME_RATIO)

    def register_memory(result):
        peak = exports(result).get("register", {}).get("peak_mb")
        if peak is None:
            return ("—", None)
        return (f"{peak:.1f} MB", peak <= REGISTER_PEAK_MB)

    def register_vs_import_export(result):
        e = exports(result)
        ours, theirs = e.get("register", {}).get("median"), e.get("register_import_export", {})
        theirs = theirs.get("median")
        if ours is None or theirs is None:
            return ("—", None)
        return (f"{ours:.1f} s vs {theirs:.1f} s", ours < theirs)

    rows.append(
        (f"Register export ≤ {REGISTER_TIME_RATIO} × the openpyxl floor", per_db(register_time))
    )
    rows.append((f"Register export peak memory ≤ {REGISTER_PEAK_MB} MB", per_db(register_memory)))
    rows.append(
        ("Register export faster than django-import-export", per_db(register_vs_import_export))
    )

    def load_errors(result):
        pages = result.get("load", {}).get("pages")
        if not pages:
            return (result.get("load", {}).get("todo", "not run"), None)
        extra = result.get("load_persistent", {}).get("pages", {})
        errors = sum(p["errors"] for p in [*pages.values(), *extra.values()])
        return (f"{errors} errors", errors == 0)

    def home_rps(result):
        home = result.get("load", {}).get("pages", {}).get("cadre_home")
        if not home:
            return ("not run", None)
        return (f"{home['rps']:.0f} req/s", home["rps"] >= HOME_RPS)

    def mixed(result):
        run = result.get("mixed")
        if not run or run.get("todo"):
            return ((run or {}).get("todo", "not run"), None)
        ok = run["rps"] >= MIXED_RPS and run["errors"] == 0 and run["filed"] > 0
        return (f"{run['rps']:.0f} req/s, {run['filed']} filings, {run['errors']} errors", ok)

    def soak(result):
        run = result.get("soak")
        if not run or run.get("todo"):
            return ("not run", None)
        growth = max(run["growth_mb"], default=0)
        flat = growth <= SOAK_GROWTH_MB and run["errors"] == 0
        return (f"{run['errors']} errors, worker memory +{growth} MB over {run['seconds']} s", flat)

    rows.append(("Under load: 0 errors", per_db(load_errors)))
    rows.append((f"Under load: cadre home ≥ {HOME_RPS} req/s (2 workers)", per_db(home_rps)))
    rows.append(
        (
            f"Under load while filings arrive (1 POST per 10 GETs): cadre home ≥ {MIXED_RPS} "
            "req/s (2 workers), 0 errors",
            per_db(mixed),
        )
    )
    rows.append(
        (
            f"Issue 8: 2 minutes of load, 0 errors, worker memory flat (≤ {SOAK_GROWTH_MB} MB)",
            per_db(soak),
        )
    )
    return rows


def render(results: dict, *, machine: dict, quick: bool) -> str:
    databases = _databases(results)
    lines = ["# Benchmarks at district scale", ""]
    if quick:
        lines += [
            "> **Quick run** (`--quick`): a tiny data set and a few repetitions, to prove the",
            "> harness works. These figures say nothing about performance.",
            "",
        ]
    lines += [
        f"Measured on {machine['date']} by `make bench` (`python manage.py bench`); "
        "rerun it the same way (see *How to run it* below). Each database gets its own bench "
        "database; the development database is never touched.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {machine.get('cpu')} |",
        f"| cores | {machine.get('cores')} |",
        f"| memory | {machine.get('memory_gb')} GB |",
        f"| system | {machine.get('platform')} |",
        f"| Python / Django | {machine.get('python')} / {machine.get('django')} |",
    ]
    for label in databases:
        lines.append(f"| {label} | {results[label].get('database')} |")
    for label in databases:
        start, end = results[label].get("load_average", [None, None])
        lines.append(
            f"| load average (1 min) at the start / end of the {label} run | {start} / {end} |"
        )
    lines += ["", "## Data set", ""]
    lines += ["| | " + " | ".join(databases) + " |", "|---|" + "---:|" * len(databases)]
    keys = list(results[databases[0]]["counts"]) if databases else []
    for key in keys:
        lines.append(
            f"| {key} | "
            + " | ".join(_n(results[db]["counts"].get(key)) for db in databases)
            + " |"
        )
    lines.append(
        "| built on (seconds to build) | "
        + " | ".join(
            f"{results[db]['marker']['built_on']} ({results[db]['marker']['build_seconds']} s)"
            for db in databases
        )
        + " |"
    )
    lines += [
        "",
        "Three years up to the day it was built; every filed sheet on its own date of its "
        "cadre, so every cadre has free dates to file on. Bulk inserts without history rows "
        "(see the notes).",
        "",
        "## Targets (issue 7)",
        "",
        "| target | " + " | ".join(databases) + " |",
        "|---|" + "---|" * len(databases),
    ]
    for name, figures in targets(results):
        cells = [f"{figures[db][0]} — {_verdict(figures[db][1])}" for db in databases]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    quick_pages = {p["key"]: p for p in results.get("quick scale", {}).get("pages", [])}
    for db in databases:
        result = results[db]
        lines += [
            "",
            f"## Pages — {result.get('database')}",
            "",
            "Django's full request cycle through `django.test.Client`, logged in with "
            f"`force_login`; {result['pages'][0].get('n', '?')} timed requests per page after 3 "
            "to warm up; queries counted on one more request.",
            "",
            "| page | as | median ms | p95 ms | min ms | worker CPU ms | queries "
            "| of which SQL ms | queries at 1/100 scale | target |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for p in result.get("pages", []):
            limit = PAGE_TARGET_MS.get(p["key"])
            if p.get("todo"):
                lines.append(f"| {p['key']} | {p['as']} | TODO: {p['todo']} | | | | | | | |")
                continue
            verdict = _verdict(p["median"] <= limit) if limit else ""
            lines.append(
                f"| {p['label']} `{p['url']}` | {p['as']} | {_n(p['median'])} | {_n(p['p95'])} "
                f"| {_n(p['min'])} | {_n(p.get('cpu_median'))} | {p['queries']} "
                f"| {_n(p['query_ms'])} "
                f"| {quick_pages.get(p['key'], {}).get('queries', '—')} "
                f"| ≤ {limit} ms: {verdict} |"
            )
        floor = result.get("floor")
        dashboard = {p["key"]: p for p in result.get("pages", [])}.get("dashboard", {})
        if floor:
            ratio = _ratio(dashboard.get("median"), floor["median"])
            lines += [
                "",
                "**The dashboard against its floor.** The same figures — per cadre: units "
                "assigned, units contacted in the quarter, days filed in the year, records filed "
                "in the quarter and on time, integrity exceptions, problems raised / transferred "
                "/ overdue / fed back; per street: units and units contacted; the quarterly "
                f"trend — by {floor['statements']} hand-written SQL statements (GROUP BY "
                "aggregates, no ORM), timed in the same run over the same connection.",
                "",
                "| | median ms | p95 ms |",
                "|---|---:|---:|",
                f"| SQL floor ({floor['cadres']} cadres) | {_n(floor['median'])} "
                f"| {_n(floor['p95'])} |",
                f"| the dashboard page | {_n(dashboard.get('median'))} "
                f"| {_n(dashboard.get('p95'))} |",
                f"| **ratio** | **{_n(ratio, 2)} ×** | |",
                "",
                "The floor's figures "
                + (
                    "are the dashboard's, cadre by cadre and street by street (checked)."
                    if floor["figures_match"]
                    else f"DIFFER from the dashboard's for cadres {floor['differing_cadres']}."
                ),
            ]
        lines += _exports_section(result)
        lines += _load_section(result)
    lines += [
        "",
        "## How to run it",
        "",
        "```sh",
        "make bench                                  # both databases when DATABASE_URL is "
        "PostgreSQL",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison make bench",
        'make bench BENCH_ARGS="--quick"             # seconds: proves the harness works',
        'make bench BENCH_ARGS="--build-only"        # just build the data sets',
        'make bench BENCH_ARGS="--rebuild"           # drop the bench databases, build again',
        'make bench BENCH_ARGS="--profile"           # + pyinstrument of each page in '
        "bench/profiles/",
        'make bench BENCH_ARGS="--render-only"       # this report again from bench/results.json',
        "```",
        "",
        "`make bench` installs the `bench` extra (django-import-export, pyinstrument) and wrk "
        "(Debian), then runs `python manage.py bench --out BENCHMARKS.md`. The SQLite data set "
        "lives in `bench/bench.sqlite3` (git-ignored), the PostgreSQL one in `<name>_bench` "
        "(created when missing); both are reused on the next run. It is not part of CI.",
    ]
    if NOTES.exists():
        lines += ["", NOTES.read_text().strip()]
    return "\n".join(lines) + "\n"


def _exports_section(result: dict) -> list[str]:
    exports = result.get("exports")
    if not exports:
        return []
    lines = [
        "",
        "**Exports.** Seconds (median of the timed runs) and the peak of Python memory during "
        "one more run under `tracemalloc`.",
        "",
        "| export | rows | median s | peak MB | file MB | time ÷ floor | memory ÷ floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    pairs = [
        ("register", "register_floor", "Record register (records.register)"),
        ("register_floor", "register_floor", "— floor: one SQL + openpyxl write-only, tuples"),
        ("register_import_export", "register_floor", "— django-import-export (tablib, xlsx)"),
        ("compliance_workbook", "compliance_workbook_floor", "Compliance workbook"),
        ("compliance_workbook_floor", "compliance_workbook_floor", "— floor: openpyxl, tuples"),
    ]
    for key, floor_key, label in pairs:
        e = exports.get(key)
        if e is None:
            continue
        if e.get("todo"):
            lines.append(f"| {label} | not run: {e['todo']} | | | | | |")
            continue
        floor = exports.get(floor_key, {})
        lines.append(
            f"| {label} | {_n(e.get('rows'))} | {_n(e['median'], 2)} | {_n(e['peak_mb'])} "
            f"| {_n(e['bytes'] / 2**20)} | {_n(_ratio(e['median'], floor.get('median')), 2)} × "
            f"| {_n(_ratio(e['peak_mb'], floor.get('peak_mb')), 2)} × |"
        )
    return lines


def _load_section(result: dict) -> list[str]:
    load = result.get("load")
    if not load:
        return []
    if load.get("todo"):
        return ["", f"**Load.** Not run: {load['todo']}."]
    lines = [
        "",
        f"**Load.** gunicorn ({load['workers']} sync workers, `--timeout {load['timeout']}`, "
        f"CONN_MAX_AGE={load['conn_max_age']}) on 127.0.0.1; wrk with {load['connections']} "
        f"connections for {load['seconds']} s per page, logged in by a session cookie; every "
        "response that is not a 200 is an error.",
        "",
        "| page | requests | req/s | p50 ms | p90 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = list(load["pages"].items())
    persistent = result.get("load_persistent", {})
    rows += [
        (f"{key}, CONN_MAX_AGE={persistent['conn_max_age']}", p)
        for key, p in persistent.get("pages", {}).items()
    ]
    for key, p in rows:
        lines.append(
            f"| {key} | {_n(p.get('requests'))} | {_n(p.get('rps'))} | {_n(p.get('p50_ms'))} "
            f"| {_n(p.get('p90_ms'))} | {_n(p.get('p99_ms'))} | {p['errors']} |"
        )
    mixed = result.get("mixed")
    if mixed and not mixed.get("todo"):
        lines += [
            "",
            f"**Mixed load (issue 13).** The same gunicorn, wrk for {mixed['seconds']} s: plain "
            f"cadres' homes in turn, and after every {mixed['filing_every'] - 1} homes one filing "
            "POST (a valid new sheet, as its cadre, with a CSRF token) that must answer with the "
            "redirect to the new sheet: "
            f"{_n(mixed.get('requests'))} requests, {_n(mixed.get('rps'))} req/s, "
            f"{mixed['homes']} homes, {mixed['filed']} filings, p50 {_n(mixed.get('p50_ms'))} ms, "
            f"p99 {_n(mixed.get('p99_ms'))} ms, **{mixed['errors']} errors**.",
        ]
    soak = result.get("soak")
    if soak and not soak.get("todo"):
        lines += [
            "",
            f"**Soak (issue 8).** The same gunicorn, wrk on `{soak['path']}` for "
            f"{soak['seconds']} s after 10 s of warming up: {_n(soak.get('requests'))} requests, "
            f"{_n(soak.get('rps'))} req/s, p99 {_n(soak.get('p99_ms'))} ms, "
            f"**{soak['errors']} errors**. Resident memory of each worker (MB):",
            "",
            "| seconds | " + " | ".join(f"worker {i + 1}" for i in range(soak["workers"])) + " |",
            "|---:|" + "---:|" * soak["workers"],
        ]
        for elapsed, *sizes in soak["samples"]:
            lines.append(f"| {elapsed} | " + " | ".join(_n(v) for v in sizes) + " |")
    return lines
