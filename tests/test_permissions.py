"""Who may do what is declared once per app (`<app>/permissions.py`) and checked by name: no
view or template decides it again from the user's roles, and every name checked is declared."""

import re
from pathlib import Path

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from liaison.context_processors import MENU
from unions.permissions import may

ROOT = Path(__file__).resolve().parent.parent
APPS = ("liaison", "records", "unions")


def views():
    return [path for app in APPS for path in (ROOT / app).rglob("views.py")]


def templates():
    return list((ROOT / "templates").rglob("*.html"))


def test_there_are_views_and_templates_to_read():
    assert len(views()) > 5 and len(templates()) > 20


@pytest.mark.parametrize("check", ["has_role(", "sees_everything(", "Role."])
def test_no_view_checks_a_role(check):
    offenders = [str(p.relative_to(ROOT)) for p in views() if check in p.read_text("utf-8")]
    assert offenders == [
        # The home page picks which home to show (the widest role held), not who may open it.
        *(["liaison/home/views.py"] if check == "Role." else []),
    ]


def test_no_template_reads_the_roles():
    offenders = [
        str(p.relative_to(ROOT)) for p in templates() if re.search(r"\broles\.", p.read_text())
    ]
    assert offenders == []


# A permission named in the code: may(user, "…"), require_permission("…"), {% may "…" %},
# may_take's f"records.{action}_problem" (FROM's steps), and the menu.
NAMED = re.compile(r"""(?:\bmay\(\s*[\w.]+,\s*|require_permission\(|\{% may )["']([\w.]+)["']""")


def named_permissions() -> set[str]:
    from records.problems.services import FROM

    names = {f"records.{action}_problem" for action in FROM}
    names |= set(MENU.values())
    for path in [p for app in APPS for p in (ROOT / app).rglob("*.py")] + templates():
        names |= set(NAMED.findall(path.read_text("utf-8")))
    return names


def test_every_permission_checked_is_declared():
    names = named_permissions()
    assert len(names) > 20, names
    assert sorted(name for name in names if not rules.perm_exists(name)) == []


def test_an_undeclared_permission_is_an_error_not_a_refusal():
    with pytest.raises(LookupError):
        may(AnonymousUser(), "records.fly_visitrecord")


def test_a_superuser_gets_only_what_the_rules_grant_an_administrator(world):
    # Django's User.has_perm says yes to any superuser before asking the rules: that is why
    # the code asks `may`. The administrator is no cadre and runs no desk.
    root = world.admin_user
    assert root.has_perm("records.add_visitrecord")
    assert not may(root, "records.add_visitrecord")
    assert not may(root, "unions.manage_liaisonassignment")
    assert may(root, "records.view_visitrecord", world.filed)


def test_the_rules_backend_answers_user_has_perm_for_everyone_else(world):
    assert world.carol.user.has_perm("records.accept_problem", world.problem)
    assert not world.bob.user.has_perm("records.accept_problem", world.problem)
