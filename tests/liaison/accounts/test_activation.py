"""Accounts created without a password (the org import, an administrator): a one-time link per
person, valid ACTIVATION_DAYS, printed on a card with a QR code or sent by e-mail and WeChat
Work; the person sets their own password on the first visit and is logged in."""

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from liaison.accounts import services
from tests.factories import CadreFactory, DepartmentFactory, UserFactory
from unions.models import UserPreference

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hongqi-2026-xicheng"


@pytest.fixture
def newcomer(db):
    """A cadre as the org import makes one: a login without a password, never used."""
    user = get_user_model()(username="xc0042", email="")
    user.set_unusable_password()
    user.save()
    return CadreFactory(
        user=user, name="赵新", staff_number="XC0042", department=DepartmentFactory(name="办公室")
    )


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_a_valid_link_sets_the_password_and_logs_in(client, newcomer):
    link = services.activation_path(newcomer.user)

    page = client.get(link)
    assert page.status_code == 200
    assert "赵新" in page.content.decode() and "xc0042" in page.content.decode()

    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    newcomer.user.refresh_from_db()
    assert newcomer.user.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).wsgi_request.user == newcomer.user


def test_a_used_link_says_so_in_chinese(client, newcomer):
    link = services.activation_path(newcomer.user)
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client = Client()  # another visit, not logged in

    page = client.get(link).content.decode()
    again = client.post(link, {"new_password1": "Another-2026-pw", "new_password2": "x"})

    assert "此链接已经使用过" in page
    assert 'data-status="used"' in again.content.decode()
    newcomer.user.refresh_from_db()
    assert newcomer.user.check_password(NEW_PASSWORD)


def test_an_expired_link_says_so_in_chinese(client, newcomer, settings):
    settings.ACTIVATION_DAYS = 14
    link = services.activation_path(newcomer.user)

    with time_machine.travel("2026-12-08 09:00 +0800"):  # 14 days later: still valid
        assert 'name="new_password1"' in client.get(link).content.decode()
    with time_machine.travel("2026-12-08 11:00 +0800"):  # past 14 × 24 hours
        page = client.get(link).content.decode()
        refused = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert "此链接已过期" in page
    assert 'data-status="expired"' in refused.content.decode()
    newcomer.user.refresh_from_db()
    assert not newcomer.user.has_usable_password()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda uid, token: (uid, token[:-1] + ("0" if token[-1] != "0" else "1")),
        lambda uid, token: (uid, token[:10]),  # cut short when copied
        lambda uid, token: ("MTIzNDU2", token),  # another account's id
        lambda uid, token: ("!!!", token),
    ],
)
def test_a_tampered_link_is_not_valid(client, newcomer, tamper):
    uid, token = services.activation_path(newcomer.user).strip("/").split("/")[-2:]
    uid, token = tamper(uid, token)

    page = client.get(reverse("accounts:activate", args=[uid, token]))

    assert 'data-status="invalid"' in page.content.decode()
    assert "此链接无效" in page.content.decode()


def test_a_link_never_sets_the_password_of_an_account_that_has_one(client, alice):
    """An account with a password is not one to activate: any link for it is refused."""
    token_link = services.activation_path(alice.user)  # made now, signed over her password
    alice.user.set_password("Changed-2026-pw")
    alice.user.save()

    assert 'data-status="used"' in client.get(token_link).content.decode()


def test_a_weak_password_is_refused_next_to_the_field(client, newcomer):
    link = services.activation_path(newcomer.user)

    response = client.post(link, {"new_password1": "123456", "new_password2": "123456"})

    assert response.status_code == 400
    assert "这个密码太常见了" in response.content.decode()
    newcomer.user.refresh_from_db()
    assert not newcomer.user.has_usable_password()


# --- The organization department's list, sheet and sending ----------------------------------


def test_the_list_shows_only_accounts_never_activated(login, olivia, newcomer, alice):
    staff = get_user_model()(username="helper", is_staff=True)
    staff.set_unusable_password()
    staff.save()

    page = login(olivia).get(reverse("accounts:activation-list")).content.decode()

    assert f'data-account="{newcomer.user.pk}"' in page
    assert f'data-account="{alice.user.pk}"' not in page  # has a password
    assert f'data-account="{staff.pk}"' not in page  # administrators set their own


def test_the_printable_sheet_has_a_card_with_link_and_qr_code(login, olivia, newcomer, settings):
    settings.PUBLIC_BASE_URL = "https://liaison.example"

    page = login(olivia).get(reverse("accounts:activation-sheet")).content.decode()

    card = re.search(r'<section class="card" data-account="\d+">.*?</section>', page, re.S)
    assert card, "one card"
    card = card.group(0)
    assert "赵新" in card and "办公室" in card and "xc0042" in card
    assert '<svg class="qr"' in card or 'class="qr"' in card
    link = re.search(
        r'<div class="link">(https://liaison\.example/accounts/activate/[^<]+)</div>', card
    )
    assert link, card
    # Opened by the person (not logged in: logging in would spend the link).
    assert 'name="new_password1"' in Client().get(path_of(link.group(1))).content.decode()


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_only_the_organization_department_and_administrators_print_or_send(
    login, who, request, newcomer
):
    client = login(request.getfixturevalue(who))

    assert client.get(reverse("accounts:activation-sheet")).status_code == 403
    assert client.post(reverse("accounts:activation-send")).status_code == 403
    assert mail.outbox == []


def test_the_links_are_sent_by_email_to_those_with_an_address(
    login, olivia, newcomer, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_BASE_URL = "https://liaison.example"
    newcomer.user.email = "zhaoxin@example.org"
    newcomer.user.save()
    no_address = get_user_model()(username="xc0043")
    no_address.set_unusable_password()
    no_address.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(olivia).post(reverse("accounts:activation-send"))

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["zhaoxin@example.org"]]
    body = mail.outbox[0].body
    assert "赵新" in body and "xc0042" in body
    link = re.search(r"https://liaison\.example(/accounts/activate/\S+/)", body).group(1)
    said = login(olivia).get(reverse("accounts:activation-list")).content.decode()
    assert "正在向 1 人发送激活链接。另有 1 人既无电子邮箱也无企业微信账号" in said
    mail.outbox.clear()
    # The link in the e-mail works.
    assert services.link_status(newcomer.user, link.strip("/").split("/")[-1]) == "valid"


def test_the_links_are_sent_by_wechat_work_too(
    login, olivia, newcomer, wecom, settings, django_capture_on_commit_callbacks
):
    UserPreference.objects.create(user=newcomer.user, wecom_userid="ZhaoXin")

    with django_capture_on_commit_callbacks(execute=True):
        login(olivia).post(reverse("accounts:activation-send"))

    assert [body["touser"] for body in wecom.delivered] == ["ZhaoXin"]
    assert "/accounts/activate/" in wecom.delivered[0]["text"]["content"]


def test_an_account_activated_meanwhile_is_not_sent_a_link(newcomer):
    from liaison.accounts.tasks import send_activation

    newcomer.user.email = "zhaoxin@example.org"
    newcomer.user.set_password(NEW_PASSWORD)
    newcomer.user.save()

    assert send_activation.call(newcomer.user.pk, "email") == "nothing to send"
    assert mail.outbox == []


def test_an_administrator_sees_the_list_too(login, admin_user, newcomer):
    assert login(admin_user).get(reverse("accounts:activation-list")).status_code == 200


def test_a_user_made_in_the_admin_without_password_is_listed(login, olivia):
    user = UserFactory(username="walkin")
    user.set_unusable_password()
    user.save()

    assert [u.username for u in services.accounts_to_activate()] == ["walkin"]
