"""The project as a whole: system checks, migrations complete, the layering of the apps."""

import ast
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


def imported_modules(app: str) -> set[str]:
    modules = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
    return modules


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [("unions", {"records", "liaison"}), ("records", {"liaison"})],
)
def test_apps_import_only_downwards(app, forbidden):
    assert not imported_modules(app) & forbidden
