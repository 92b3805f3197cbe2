"""Notifications beyond the bell: e-mail and WeChat Work (企业微信), as each user chose, with the
absolute link to the page to act on; failures tried again, never losing the in-app notice.
WeChat Work is a local fake of its API that checks what it is sent (tests/helpers.py)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from records.models import Notification
from records.notifications import channels
from records.notifications.services import notify
from tests.factories import UserFactory
from unions.models import UserPreference

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PUBLIC_BASE_URL = "https://liaison.example"


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """Notify as a service does, then run what is handed over once the transaction commits."""

    def _notify(*users, url="/records/5/edit/", message="您的记录单被退回：请补充走访对象"):
        with django_capture_on_commit_callbacks(execute=True):
            notify(users, None, Kind.RETURNED, message, url=url)
        return Notification.objects.filter(recipient__in=users)

    return _notify


def with_wecom(username, userid, **preferences):
    user = UserFactory(username=username, email=f"{username}@example.org")
    UserPreference.objects.create(user=user, wecom_userid=userid, **preferences)
    return user


# --- E-mail ----------------------------------------------------------------------------------


def test_an_email_carries_the_message_and_the_absolute_link(worker):
    user = UserFactory(username="zhang", email="zhang@example.org")

    worker(user)

    assert [m.to for m in mail.outbox] == [["zhang@example.org"]]
    assert mail.outbox[0].subject == "[联系基层、服务职工] 记录单被退回修改"
    assert mail.outbox[0].body == (
        "您的记录单被退回：请补充走访对象\n\n打开：https://liaison.example/records/5/edit/"
    )


def test_no_email_without_an_address_or_when_the_user_turned_it_off(worker):
    no_address = UserFactory(username="wang", email="")
    turned_off = UserFactory(username="li", email="li@example.org")
    UserPreference.objects.create(user=turned_off, notify_email=False)

    notices = worker(no_address, turned_off)

    assert mail.outbox == []
    assert notices.count() == 2  # the bell has them all the same


def test_a_failed_email_is_tried_again_and_the_notice_stays(worker, monkeypatch, settings):
    settings.NOTIFY_ATTEMPTS = 3
    user = UserFactory(username="zhao", email="zhao@example.org")
    tries = []

    def flaky(**kwargs):
        tries.append(kwargs["address"])
        if len(tries) < 3:
            raise ConnectionRefusedError("mail server down")
        mail.send_mail(kwargs["subject"], kwargs["body"], None, [kwargs["address"]])

    monkeypatch.setattr(channels, "email_send", flaky)

    notices = worker(user)

    assert tries == ["zhao@example.org"] * 3
    assert len(mail.outbox) == 1
    assert notices.count() == 1


def test_after_the_last_try_it_gives_up_and_the_notice_stays(worker, monkeypatch, settings):
    settings.NOTIFY_ATTEMPTS = 2
    user = UserFactory(username="qian", email="qian@example.org")
    tries = []

    def down(**kwargs):
        tries.append(1)
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(channels, "email_send", down)

    notices = worker(user)  # the failure is the task's, not the caller's

    assert len(tries) == 2
    assert notices.count() == 1


def test_on_a_worker_the_next_try_waits_longer_each_time(monkeypatch, settings):
    """A backend that can defer (the database one in production): the next try is enqueued
    with run_after, NOTIFY_RETRY_SECONDS then twice as long."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.NOTIFY_RETRY_SECONDS = 60
    user = UserFactory(username="sun", email="sun@example.org")
    notice = Notification.objects.create(recipient=user, kind=Kind.RETURNED, message="m")

    def down(**kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(channels, "email_send", down)

    assert channels.deliver.call(notice.pk, "email", 1) == "retrying"
    assert channels.deliver.call(notice.pk, "email", 2) == "retrying"

    queued = channels.deliver.get_backend().results
    assert [(r.args, r.task.run_after - timezone.now()) for r in queued] == [
        ([notice.pk, "email", 2], datetime.timedelta(seconds=60)),
        ([notice.pk, "email", 3], datetime.timedelta(seconds=120)),
    ]


# --- WeChat Work -----------------------------------------------------------------------------


def test_a_notice_reaches_wechat_work_with_its_link(worker, wecom):
    user = with_wecom("zhou", "ZhouXiaoming", notify_email=False)

    worker(user)

    assert [r["query"] for r in wecom.token_requests] == [
        {"corpid": [wecom.CORP_ID], "corpsecret": [wecom.SECRET]}
    ]
    assert wecom.delivered == [
        {
            "touser": "ZhouXiaoming",
            "msgtype": "text",
            "agentid": 1000002,
            "text": {
                "content": "您的记录单被退回：请补充走访对象\n\n"
                "打开：https://liaison.example/records/5/edit/"
            },
        }
    ]
    assert mail.outbox == []


def test_the_token_is_kept_until_it_expires(worker, wecom):
    first, second = with_wecom("wu", "wu"), with_wecom("zheng", "zheng")

    worker(first)
    worker(second)

    assert len(wecom.token_requests) == 1
    assert [body["touser"] for body in wecom.delivered] == ["wu", "zheng"]
    assert len(mail.outbox) == 2  # e-mail too: both channels are on by default


def test_an_expired_token_is_renewed_once_and_the_message_sent(worker, wecom):
    user = with_wecom("feng", "feng")
    worker(user)
    wecom.expire_tokens()

    worker(user)

    assert len(wecom.token_requests) == 2
    assert [r["answer"]["errcode"] for r in wecom.sends] == [0, 42001, 0]
    assert len(wecom.delivered) == 2


def test_a_failed_send_is_tried_again_and_the_notice_stays(worker, wecom):
    user = with_wecom("chen", "chen", notify_email=False)
    wecom.fail_sends(2)

    notices = worker(user)

    assert [r["answer"]["errcode"] for r in wecom.sends] == [-1, -1, 0]
    assert len(wecom.delivered) == 1
    assert notices.count() == 1


def test_an_unreachable_api_never_loses_the_notice(worker, settings):
    settings.WECOM_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_SECRET = "c", "1", "s"
    settings.NOTIFY_ATTEMPTS = 2
    user = with_wecom("han", "han", notify_email=False)

    notices = worker(user)

    assert notices.count() == 1


def test_wechat_work_only_when_configured_with_an_account_and_wanted(worker, wecom, settings):
    no_account = UserFactory(username="yang", email="")
    turned_off = with_wecom("he", "he", notify_wecom=False)

    worker(no_account, turned_off)
    assert wecom.requests == []

    settings.WECOM_SECRET = ""  # not configured
    worker(with_wecom("lv", "lv"))
    assert wecom.requests == []
