"""The error pages with DEBUG off (as in production): Chinese, in the site's layout, and the
public /u/ pages in the public layout without the staff menu."""

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from liaison.errors import views

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
