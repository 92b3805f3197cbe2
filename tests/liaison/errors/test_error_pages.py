"""The error pages with DEBUG off (as in production): Chinese, in the site's layout, and the
public /u/ pages in the public layout without the staff menu."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from liaison.errors import views
from tests.factories import GrassrootsUnionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_an_unknown_page_is_the_chinese_404_in_the_site_layout(login, alice):
    response = login(alice).get("/no-such-page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "页面不存在" in content
    assert 'data-testid="error-404"' in content
    assert "liaison-navbar" in content  # the site's layout, with its menu
    assert "Not Found" not in content


def test_an_expired_qr_link_is_the_chinese_404_in_the_public_layout():
    response = Client().get("/u/no-such-token/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "此链接已失效" in content
    assert "liaison-navbar" not in content
    assert "css/public.css" in content
    assert "Not Found" not in content


def test_a_page_a_cadre_may_not_open_is_the_chinese_403(login, alice):
    response = login(alice).get(reverse("assignments:desk-current"))

    assert response.status_code == 403
    content = response.content.decode()
    assert "您无权打开此页面" in content
    assert 'data-testid="error-403"' in content
    assert "Forbidden" not in content


def test_a_refused_csrf_token_is_the_chinese_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    content = response.content.decode()
    assert "表单已过期" in content
    assert "CSRF" not in content


def test_a_bad_host_is_the_chinese_400():
    response = Client().get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()


def test_the_500_page_is_chinese_and_needs_no_database(django_assert_num_queries):
    handler = get_resolver().resolve_error_handler(500)
    assert handler is views.server_error

    with django_assert_num_queries(0):
        response = handler(RequestFactory().get("/"))

    assert response.status_code == 500
    content = response.content.decode()
    assert "系统出错了" in content
    assert "Server Error" not in content


# --- 429: too many requests ---------------------------------------------------------------------


def test_a_locked_out_login_is_the_chinese_429_in_the_site_layout(alice):
    client = Client()
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert response.status_code == 429
    content = response.content.decode()
    assert 'data-testid="error-429"' in content
    assert "请求过于频繁" in content
    assert "登录已锁定 15 分钟" in content
    assert "liaison-navbar" in content
    assert response["Retry-After"] == str(15 * 60)


def test_too_many_opinions_is_the_chinese_429_in_the_public_layout(settings):
    settings.OPINION_RATE_LIMIT = 1
    union = GrassrootsUnionFactory()
    url = reverse("boards:public", args=[union.public_token])
    client = Client()
    client.post(url, {"text": "食堂饭菜价格偏高", "category": "other"})

    response = client.post(url, {"text": "再说一次", "category": "other"})

    assert response.status_code == 429
    content = response.content.decode()
    assert "提交的留言过多，请稍后再试" in content
    assert "css/public.css" in content
    assert "liaison-navbar" not in content
    assert "再说一次" in content  # what the worker wrote is still there


# --- 503: the database went away during the request --------------------------------------------

FAILING = "tests.liaison.errors.failing_urls"


@pytest.fixture
def failing_client():
    """A client that receives the error page instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.urls(FAILING)
@pytest.mark.parametrize("url", ["/failing/operational/", "/failing/interface/"])
def test_a_lost_database_is_the_chinese_503_with_retry_after(failing_client, url):
    response = failing_client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert 'data-testid="error-503"' in content
    assert "系统暂时无法处理请求，请稍后再试" in content
    assert "liaison-navbar" in content
    assert "Service Unavailable" not in content


@pytest.mark.urls(FAILING)
def test_a_lost_database_on_a_qr_page_is_the_503_in_the_public_layout(failing_client):
    response = failing_client.get("/u/some-token/failing/")

    assert response.status_code == 503
    content = response.content.decode()
    assert "系统暂时无法处理请求" in content
    assert "css/public.css" in content
    assert "liaison-navbar" not in content


@pytest.mark.urls(FAILING)
def test_a_bug_is_still_the_500_not_the_503(failing_client):
    response = failing_client.get("/failing/bug/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "系统出错了" in response.content.decode()


def test_a_lost_database_while_the_session_is_read_is_the_503_too(login, alice, monkeypatch):
    # Not a view: the session middleware's read, where a restart usually shows first.
    client = login(alice)
    client.raise_request_exception = False

    def restarting(self):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(SessionStore, "load", restarting)

    response = client.get(reverse("home"))

    assert response.status_code == 503
    assert "系统暂时无法处理请求" in response.content.decode()
