"""`make bench --scale N`: the data set N times over in a bench database of its own, its
results beside the N=1 ones, and the report's side-by-side section. Nothing here builds more
than a few hundred rows: the scaled run itself is `make bench`'s, never the test suite's."""

import argparse
import io
from dataclasses import asdict, replace

import pytest
from django.core.management import call_command
from django.db.models import F

from liaison.bench import data, report
from liaison.management.commands import bench
from liaison.models import Opinion
from records.models import Notification, Problem, ProblemEvent, VisitRecord
from records.terms.segment import joined_terms
from unions.models import Cadre, GrassrootsUnion

# --- The data set N times over ---------------------------------------------------------------


def test_ten_times_the_district_is_ten_times_its_cadres_unions_sheets_and_problems():
    x10 = data.DISTRICT.times(10)

    assert x10.name == "district-x10"
    assert (x10.cadres, x10.unions, x10.records, x10.problems) == (3000, 30_000, 1_000_000, 200_000)
    assert (data.DISTRICT.opinions, x10.opinions) == (20_000, 200_000)
    assert (x10.years, x10.seed) == (data.DISTRICT.years, data.DISTRICT.seed)


def test_once_is_the_data_set_itself_and_nothing_less_is_a_scale():
    assert data.DISTRICT.times(1) is data.DISTRICT
    assert data.QUICK.times(2).name == "quick-x2"
    with pytest.raises(ValueError):
        data.DISTRICT.times(0)


def test_the_scale_option_takes_a_positive_whole_number():
    assert bench.positive_int("10") == 10
    for wrong in ("0", "-1", "1.5", "ten"):
        with pytest.raises(argparse.ArgumentTypeError):
            bench.positive_int(wrong)


def test_each_scale_has_its_own_bench_database_and_results(tmp_path):
    command = bench.Command()
    pg = {"NAME": "liaison", "USER": "postgres", "HOST": "127.0.0.1", "PORT": "5432"}

    assert command.sqlite_target(tmp_path, quick=False, scale=1)[1].endswith("/bench.sqlite3")
    assert command.sqlite_target(tmp_path, quick=False, scale=10)[1].endswith("/bench-x10.sqlite3")
    assert command.sqlite_target(tmp_path, quick=True, scale=1)[1].endswith("/bench-quick.sqlite3")
    assert bench.postgres_name(pg, quick=False, scale=1) == "liaison_bench"
    assert bench.postgres_name(pg, quick=False, scale=10) == "liaison_bench_x10"
    assert bench.postgres_name(pg, quick=True, scale=1) == "liaison_bench_quick"
    assert bench.results_name(quick=False, scale=1) == "results.json"
    assert bench.results_name(quick=False, scale=10) == "results-x10.json"
    assert bench.results_name(quick=True, scale=3) == "results-quick-x3.json"


def test_scaled_results_are_found_by_their_multiplier(tmp_path):
    for name in ("results.json", "results-x10.json", "results-x2.json", "results-quick-x3.json"):
        (tmp_path / name).write_text('{"results": {}, "machine": {}}')

    assert sorted(bench.scaled_results(tmp_path, quick=False)) == [2, 10]
    assert sorted(bench.scaled_results(tmp_path, quick=True)) == [3]


def test_render_only_without_any_results_says_what_to_run(tmp_path):
    with pytest.raises(Exception, match="run the bench first"):
        call_command(
            "bench", render_only=True, bench_dir=str(tmp_path), scale=10, stdout=io.StringIO()
        )


# --- A tiny build, streamed --------------------------------------------------------------------

TINY = data.Scale("tiny", cadres=16, unions=40, records=320, problems=40, opinions=150)


@pytest.mark.django_db
def test_a_tiny_build_has_exactly_its_sheets_and_problems_each_table_in_the_order_written(
    monkeypatch,
):
    # Batches of 50: the streaming (sheets, problems, and the steps waiting in their heap) is
    # what is tested, many batches over.
    monkeypatch.setattr(data, "BATCH", 50)
    data.Builder(TINY.times(2), say=lambda _message: None).build()

    filed = VisitRecord.objects.filed()
    assert Cadre.objects.count() == 32
    assert GrassrootsUnion.objects.count() == 80
    assert filed.count() == 640
    assert Problem.objects.count() == 80
    # Problems are raised on sheets marked so; a few sheets carry two.
    assert filed.filter(area_problems=True).count() == 80 - 80 // 13
    assert set(Problem.objects.values_list("record__area_problems", flat=True)) == {True}
    # No cadre files two sheets on one date.
    assert filed.values("cadre", "start_date").distinct().count() == 640
    # Rows in the order they happened, as a real table fills.
    for model, moment in (
        (VisitRecord, "created_at"),
        (Problem, "created_at"),
        (ProblemEvent, "at"),
        (Notification, "created_at"),
        (Opinion, "created_at"),
    ):
        moments = list(model.objects.order_by("pk").values_list(moment, flat=True))
        assert moments == sorted(moments), model.__name__
    # Every transferred problem's timeline starts with its raising; nothing comes before it.
    assert not ProblemEvent.objects.filter(at__lt=F("problem__created_at"))
    assert (
        ProblemEvent.objects.filter(action="raise").count()
        == Problem.objects.filter(resolution=Problem.Resolution.TRANSFER).count()
    )


@pytest.mark.django_db
def test_a_tiny_build_has_its_workers_opinions_spread_taken_up_by_contact_cadres_with_terms():
    builder = data.Builder(TINY, say=lambda _message: None)
    builder.build()

    opinions = Opinion.objects.select_related("union")
    assert opinions.count() == 150
    assert data.counts()["workers' opinions"] == 150
    # Spread over the three years, the unions and the categories, in every state.
    assert {o.created_at.year for o in opinions} == set(builder.years)
    assert opinions.values("union").distinct().count() > 30
    assert opinions.values("category").distinct().count() >= 5
    assert set(opinions.values_list("status", flat=True)) == set(Opinion.Status.values)
    assert opinions.filter(problem__isnull=False).exists()
    # A linked problem is one raised on a sheet of the opinion's own union.
    for opinion in opinions.filter(problem__isnull=False).select_related("problem__record"):
        assert opinion.problem.record.union_id == opinion.union_id
    # Taken up by a contact cadre of the union that year.
    for opinion in opinions.exclude(status=Opinion.Status.NEW):
        assert opinion.union.assignments.filter(
            cadre__user=opinion.taken_up_by, year=opinion.created_at.year
        ).exists()
    # The hot terms and the search read `terms`, filled as a save would.
    for opinion in opinions:
        assert opinion.terms and opinion.terms == joined_terms(opinion.text)


@pytest.mark.django_db
def test_a_data_set_built_before_the_scale_changed_is_refused_until_rebuilt():
    data.Builder(TINY, say=lambda _message: None).build()
    older = replace(TINY, opinions=0)  # built before the bench added the workers' opinions
    data._write_marker({"scale": asdict(older), "built_on": "2026-11-24", "build_seconds": 1})

    with pytest.raises(RuntimeError, match="older 'tiny' data set"):
        data.ensure(TINY, may_build=True, say=lambda _message: None)
    data._write_marker({"scale": asdict(TINY), "built_on": "2026-11-24", "build_seconds": 1})
    assert data.ensure(TINY, may_build=False, say=lambda _message: None)["built_on"] == "2026-11-24"


# --- The report's side-by-side section -------------------------------------------------------


def _run(*, cadres, sheets, pages, floor=None, exports=None, load=None):
    counts = {"cadres": cadres, "unions": cadres * 10, "filed records": sheets, "problems": 99}
    result = {
        "counts": counts,
        "pages": [
            {
                **{"label": key, "url": "/", "as": "b0001", "p95": median, "min": median},
                **{"key": key, "median": median, "queries": queries, "query_ms": 1.0},
            }
            for key, median, queries in pages
        ],
    }
    if floor:
        result["floor"] = {"median": floor}
    if exports:
        result["exports"] = exports
    if load:
        result["load"] = load
    return result


N1 = {
    "PostgreSQL": _run(
        cadres=300,
        sheets=100_000,
        pages=[("dashboard", 120.0, 14), ("record_list", 40.0, 7), ("ledger", 30.0, 8)],
        floor=50.0,
        exports={"register": {"median": 30.0}},
    )
}
N10 = {
    "PostgreSQL": _run(
        cadres=3000,
        sheets=1_000_000,
        # The record list keeps its queries and its time; the ledger grows and gains a query.
        pages=[("dashboard", 900.0, 14), ("record_list", 44.0, 7), ("ledger", 150.0, 9)],
        floor=400.0,
        load={"todo": "wrk is not installed"},
    )
}


def _section(base, scaled):
    return "\n".join(report.scale_section(base, scaled))


def test_the_scale_section_puts_each_page_at_n1_and_n10_side_by_side():
    text = _section(N1, {10: {"results": N10, "machine": {"date": "2026-11-24"}}})

    assert "## Scale: N=1 and N=10 side by side" in text
    assert "| cadres | 300 | 3,000 |" in text
    assert "| filed records | 100,000 | 1,000,000 |" in text
    assert (
        "| Record list | PostgreSQL | a page of 20 sheets | 40.0 | 44.0 | 1.1 × | 7 | 7 "
        "| ≤ 50 ms: pass | flat |"
    ) in text
    assert (
        "| Compliance dashboard | PostgreSQL | every cadre: N × the rows | 120.0 | 900.0 | 7.5 × "
        "| 14 | 14 | ≤ 150 ms: **MISS** | grows with what it shows |"
    ) in text
    assert "the page ÷ its floor: 2.4 × at N=1, 2.2 × at N=10" in text
    # Which parts were measured at N=10.
    assert "exports not measured (`--skip-exports`)" in text
    assert "load not measured (wrk is not installed)" in text


def test_a_page_whose_queries_or_time_grow_with_the_data_is_flagged_as_a_defect():
    text = _section(N1, {10: {"results": N10, "machine": {}}})

    assert "| 8 | **9: DEFECT** | ≤ 50 ms: **MISS** | **grows with the data: DEFECT** |" in text
    assert "- Problem ledger on PostgreSQL: 8 queries at N=1, 9 at N=10" in text
    assert "- Problem ledger on PostgreSQL: 5.0 × the time at N=10" in text
    # A miss or a growth is explained, a page within its target is not.
    assert "**Why, and what was done:**" in text
    assert "- Problem ledger: " in text and "- Compliance dashboard: " in text
    assert "- Record list: " not in text


def test_without_a_scaled_run_the_section_says_so_and_how_to_make_one():
    text = _section(N1, {})

    assert "## Scale: N=1 and N=10 side by side" in text
    assert "**No scaled run yet.**" in text
    assert 'make bench BENCH_ARGS="--scale 10 --db postgresql"' in text


def test_the_report_carries_the_section_after_the_targets():
    machine = {"date": "2026-11-24"}
    marker = {"built_on": "2026-11-24", "build_seconds": 45.0}
    # Pages only (the full sections of the floor and the exports want all their figures).
    n1 = {
        db: {"counts": r["counts"], "pages": r["pages"], "marker": marker} for db, r in N1.items()
    }
    scaled = {10: {"results": N10, "machine": machine}}

    text = report.render(n1, machine=machine, quick=False, scaled=scaled)

    assert text.index("## Targets (issue 7)") < text.index("## Scale: N=1 and N=10 side by side")
    assert "No run at N=1 kept yet" not in text


def test_issue_16s_targets_are_judged_on_postgresql_only():
    """ "≤ 300 ms median on PostgreSQL": on SQLite the analysis is shown without a verdict."""
    both = {
        "SQLite": {
            **_run(cadres=300, sheets=1, pages=[("analysis", 800.0, 10)]),
            "vendor": "sqlite",
        },
        "PostgreSQL": {
            **_run(cadres=300, sheets=1, pages=[("analysis", 320.0, 10)]),
            "vendor": "postgresql",
        },
    }

    rows = dict(report.targets(both))

    analysis = rows["Workers' demands analysis: median ≤ 300 ms (issue 16, on PostgreSQL)"]
    assert analysis == {
        "SQLite": ("800.0 ms (no target here)", None),
        "PostgreSQL": ("320.0 ms", False),
    }
    assert report.page_limit("analysis", both["SQLite"]) is None
    assert report.page_limit("dashboard", both["SQLite"]) == 150
