"""Who may do what is declared once per app (`<app>/permissions.py`) and checked by name: no
view or template decides it again from the user's roles, and every name checked is declared."""

import re
from pathlib import Path

import pytest
import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.test import RequestFactory

from liaison import context_processors
from liaison.context_processors import MENU, menu
from unions.permissions import may
from unions.roles import GROUP_NAMES, Role

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


def _menu_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return menu(request)["menu"]


def _fresh(user):
    """The user as a new request loads it: nothing cached on the object."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.django_db
def test_the_menu_kept_per_process_is_the_one_the_rules_give(
    alice, carol, olivia, admin_user, monkeypatch
):
    """The menu is computed once per combination of what its permissions read
    (liaison.context_processors.menu_facts), and gives each user what asking every
    permission gives them."""
    monkeypatch.setattr(context_processors, "_MENUS", {})
    users = [alice.user, carol.user, olivia.user, admin_user]
    for user in users:
        menu = _menu_of(_fresh(user))
        asked = {name: may(user, perm) for name, perm in MENU.items()}
        assert {k: v for k, v in menu.items() if k != "admin_site"} == asked
    assert len(context_processors._MENUS) == len(users)


@pytest.mark.django_db
def test_a_role_granted_shows_in_the_next_pages_menu(alice, monkeypatch):
    from liaison import context_processors

    monkeypatch.setattr(context_processors, "_MENUS", {})
    assert not _menu_of(_fresh(alice.user))["view_ledger"]

    alice.user.groups.add(Group.objects.get_or_create(name=GROUP_NAMES[Role.ORGANIZATION])[0])

    assert _menu_of(_fresh(alice.user))["view_ledger"]
