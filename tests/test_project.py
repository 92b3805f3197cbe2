"""The project as a whole: system checks, migrations complete, the layering of the apps."""

import ast
import re
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


@pytest.mark.django_db
def test_the_four_role_groups_exist_with_permissions():
    from django.contrib.auth.models import Group

    from unions.roles import GROUP_NAMES

    groups = {g.name: g for g in Group.objects.filter(name__in=GROUP_NAMES.values())}
    assert set(groups) == set(GROUP_NAMES.values())
    cadre = set(groups["机关干部"].permissions.values_list("codename", flat=True))
    assert {"add_visitrecord", "view_visitrecord", "add_problem"} <= cadre
    assert "delete_visitrecord" not in cadre
    organization = set(groups["组织人事部"].permissions.values_list("codename", flat=True))
    assert {"add_liaisonassignment", "change_visitrecord", "add_grassrootsunion"} <= organization


APPS = ("liaison", "records", "unions")
# A dotted path in a string: what import_string, include(), settings and mock.patch read.
DOTTED = re.compile(r"^(liaison|records|unions)(\.[A-Za-z_]\w*)+$")


def python_files(app: str):
    """The app's code; its migrations are history (their dependencies name other apps' files,
    not imports)."""
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def imported_modules(app: str) -> set[str]:
    """Every app that `app` reaches: import statements, and strings holding a dotted path."""
    modules = set()
    for path in python_files(app):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and DOTTED.match(node.value)
            ):
                modules.add(node.value.split(".")[0])
    return modules


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [("unions", {"records", "liaison"}), ("records", {"liaison"})],
)
def test_apps_import_only_downwards(app, forbidden):
    assert not imported_modules(app) & forbidden


def test_an_import_string_counts_as_an_import(tmp_path, monkeypatch):
    module = tmp_path / "records" / "sneaky.py"
    module.parent.mkdir()
    module.write_text('HOOK = "liaison.home.selectors.cadre_home"\n', encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    assert imported_modules("records") == {"liaison"}


def test_settings_point_records_at_nothing_above_it():
    # settings.py lives in liaison, so the layering test of records cannot see a setting that
    # names a liaison module for records to load; no records setting may.
    from django.conf import settings

    for name in dir(settings):
        if name.startswith("RECORDS_"):
            value = getattr(settings, name)
            assert not (isinstance(value, str) and value.startswith("liaison.")), name


def test_a_feature_is_a_folder_not_a_name_prefix():
    flat = sorted(
        path.name
        for app in APPS
        for pattern in ("*_views.py", "*_urls.py", "*_forms.py", "views_*.py")
        for path in (ROOT / app).glob(pattern)
    )
    assert flat == []


def test_no_sql_is_watched_to_invalidate_a_cache():
    watchers = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in python_files(app)
        if "execute_wrapper" in path.read_text(encoding="utf-8")
    ]
    assert watchers == []
