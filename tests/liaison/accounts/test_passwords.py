"""Django's password change and reset, wired at /accounts/… in Chinese in the site's layout;
the reset e-mail in Chinese with an absolute link."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Hongqi-2026-xicheng"


def test_a_user_changes_their_password(login, alice):
    client = login(alice)

    page = client.get(reverse("password_change")).content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert "修改密码" in page
    assert response["Location"] == reverse("password_change_done")
    assert "您的密码已修改" in client.get(response["Location"]).content.decode()
    alice.user.refresh_from_db()
    assert alice.user.check_password(NEW)


def test_a_wrong_old_password_is_refused(login, alice):
    response = login(alice).post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 200
    assert "你的旧密码不正确" in response.content.decode()


def test_the_reset_email_is_in_chinese_with_an_absolute_link_that_works(alice, settings):
    settings.PUBLIC_BASE_URL = "https://liaison.example"
    alice.user.email = "alice@example.org"
    alice.user.save()
    client = Client()

    page = client.get(reverse("password_reset")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})

    assert "忘记密码" in page
    assert response["Location"] == reverse("password_reset_done")
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "联系基层、服务职工：设置新密码"
    assert "有人（希望是您本人）申请为账号 alice 设置新密码" in message.body
    link = re.search(r"https://liaison\.example(/accounts/reset/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert 'name="new_password1"' in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("password_reset_complete")
    alice.user.refresh_from_db()
    assert alice.user.check_password(NEW)
    # Used once: the link no longer works.
    assert "此链接无效" in Client().get(link, follow=True).content.decode()


def test_an_account_never_activated_gets_no_reset_email(db):
    user = get_user_model()(username="xc0099", email="new@example.org")
    user.set_unusable_password()
    user.save()

    Client().post(reverse("password_reset"), {"email": "new@example.org"})

    assert mail.outbox == []


def test_the_login_page_links_to_the_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
