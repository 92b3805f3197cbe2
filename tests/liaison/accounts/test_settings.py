"""A user's own settings page: the name shown (the organization's data, read-only), e-mail,
mobile, WeChat Work account where allowed, and the channels of their notifications."""

import pytest
from django.urls import reverse

from unions.models import UserPreference

pytestmark = pytest.mark.django_db

URL = reverse("accounts:settings")


def post(client, **changes):
    data = {"email": "alice@example.org", "mobile": "13812345678", "notify_email": "on"}
    data.update(changes)
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


def test_the_page_shows_the_cadres_name_read_only_and_links_to_the_password(login, alice):
    page = login(alice).get(URL).content.decode()

    assert "李爱丽 · 宣传教育部" in page
    assert 'name="name"' not in page
    assert reverse("password_change") in page
    assert 'name="wecom_userid"' not in page  # not editable unless the setting says so


def test_saving_keeps_email_mobile_and_channels(login, alice):
    response = post(login(alice), notify_email=None)

    assert response.status_code == 302
    alice.user.refresh_from_db()
    preference = UserPreference.objects.get(user=alice.user)
    assert alice.user.email == "alice@example.org"
    assert (preference.mobile, preference.notify_email) == ("13812345678", False)
    assert preference.language == ""  # not chosen: Chinese


@pytest.mark.parametrize(
    "mobile", ["1381234567", "138123456789", "23812345678", "12812345678", "1381234567a"]
)
def test_a_mobile_that_is_not_a_mainland_number_is_refused_next_to_the_field(login, alice, mobile):
    response = post(login(alice), mobile=mobile)

    assert response.status_code == 400
    assert response.context["form"].errors["mobile"] == [
        "请输入中国大陆手机号码：以 1 开头的 11 位数字，例如 13812345678。"
    ]
    assert not UserPreference.objects.filter(user=alice.user).exists()


def test_a_mobile_is_taken_as_people_write_it(login, alice):
    post(login(alice), mobile="138 1234-5678")

    assert UserPreference.objects.get(user=alice.user).mobile == "13812345678"


def test_a_bad_email_is_refused_in_chinese(login, alice):
    response = post(login(alice), email="alice@")

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["输入一个有效的 Email 地址。"]
    alice.user.refresh_from_db()
    assert alice.user.email == ""


def test_the_wechat_work_account_is_kept_when_users_may_not_edit_it(login, alice):
    UserPreference.objects.create(user=alice.user, wecom_userid="LiAili")

    page = login(alice).get(URL).content.decode()
    post(login(alice), wecom_userid="someone-else")

    assert "LiAili" in page
    assert UserPreference.objects.get(user=alice.user).wecom_userid == "LiAili"


def test_users_set_their_wechat_work_account_where_allowed(login, alice, settings):
    settings.WECOM_USERID_EDITABLE = True

    post(login(alice), wecom_userid="LiAili")
    refused = post(login(alice), wecom_userid="李 爱丽")

    assert UserPreference.objects.get(user=alice.user).wecom_userid == "LiAili"
    assert "wecom_userid" in refused.context["form"].errors


def test_the_wechat_work_channel_is_offered_only_when_configured(login, alice, wecom):
    page = login(alice).get(URL).content.decode()
    post(login(alice), notify_wecom=None)

    assert 'name="notify_wecom"' in page
    assert UserPreference.objects.get(user=alice.user).notify_wecom is False


def test_the_language_choice_stays_as_it_was(login, alice):
    UserPreference.objects.create(user=alice.user, language="en")

    post(login(alice))

    assert UserPreference.objects.get(user=alice.user).language == "en"
