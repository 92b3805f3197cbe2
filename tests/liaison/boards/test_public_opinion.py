"""A union's public page (the QR code on its notice board): anyone with the link, no login,
leaves a need or an opinion. Protected by the unguessable token, CSRF, a honeypot, length limits
and a per-address limit counted in the database.
"""

import datetime
import re

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from liaison import security
from liaison.boards import opinions
from liaison.models import Opinion
from records.models import ContactForm, Problem
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory, OpinionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(hospital):
    return reverse("boards:public", args=[hospital.public_token])


@pytest.fixture
def thanks_url(hospital):
    return reverse("boards:public-thanks", args=[hospital.public_token])


def opinion(**changes):
    data = {
        "text": "职工食堂晚上能不能多开一个窗口？排队太久了。",
        "category": Problem.Category.WELFARE,
        "name": "张师傅",
        "phone": "138 0000 0000",
    }
    return data | changes


# The page


def test_the_page_opens_without_logging_in(client, url, hospital):
    response = client.get(url)

    assert response.status_code == 200
    assert response.context["union"] == hospital
    content = response.content.decode()
    assert hospital.name in content
    for form in ContactForm:
        assert str(form.label) in content


def test_a_bad_token_is_not_found(client, hospital):
    assert client.get(reverse("boards:public", args=["not-the-token"])).status_code == 404
    assert client.post(reverse("boards:public", args=["x" * 22]), opinion()).status_code == 404
    assert client.get(reverse("boards:public-thanks", args=["nope"])).status_code == 404
    assert Opinion.objects.count() == 0


def test_the_database_id_does_not_open_the_page(client, hospital):
    assert client.get(f"/u/{hospital.pk}/").status_code == 404


def test_a_closed_unions_page_is_gone(client, url, hospital):
    hospital.active = False
    hospital.save()

    assert client.get(url).status_code == 404


def test_the_page_shows_nobodys_personal_data(client, url, hospital, alice):
    """The cadres' names and office phones are on the printed board only: a forwarded link gives
    away nothing but the union's name."""
    alice.phone = "010-66005678"
    alice.save()
    LiaisonAssignmentFactory(cadre=alice, union=hospital)
    hospital.chair = "刘主席"
    hospital.phone = "010-68889999"
    hospital.save()
    OpinionFactory(union=hospital, name="张师傅", phone="13800000000", text="旧留言")

    content = client.get(url).content.decode()

    for private in ["李爱丽", "010-66005678", "刘主席", "010-68889999", "张师傅", "13800000000"]:
        assert private not in content
    assert "旧留言" not in content


def test_the_page_is_plain_html_for_any_phone(client, url):
    response = client.get(url)
    content = response.content.decode()

    assert "<script" not in content
    assert 'name="viewport"' in content
    assert "noindex" in content
    assert "no-cache" in response["Cache-Control"]


# Leaving an opinion


def test_an_opinion_is_stored_for_the_union(client, url, thanks_url, hospital):
    response = client.post(url, opinion(), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 302
    assert response.url == thanks_url
    stored = Opinion.objects.get()
    assert stored.union == hospital
    assert stored.text == "职工食堂晚上能不能多开一个窗口？排队太久了。"
    assert stored.category == Problem.Category.WELFARE
    assert (stored.name, stored.phone) == ("张师傅", "138 0000 0000")
    assert stored.status == Opinion.Status.NEW
    assert stored.problem is None
    assert client.get(thanks_url).status_code == 200


def test_name_and_phone_are_optional(client, url):
    response = client.post(url, opinion(name="", phone=""))

    assert response.status_code == 302
    assert Opinion.objects.get().name == ""


def test_the_address_is_kept_only_as_a_keyed_hash(client, url):
    client.post(url, opinion(), REMOTE_ADDR="203.0.113.7")

    stored = Opinion.objects.get()
    assert "203.0.113.7" not in stored.address_hash
    assert len(stored.address_hash) == 64
    assert stored.address_hash == opinions.address_hash("203.0.113.7")
    assert stored.address_hash != opinions.address_hash("203.0.113.8")


def test_the_address_hash_depends_on_the_secret_key(settings):
    first = opinions.address_hash("203.0.113.7")
    settings.SECRET_KEY = "another-secret"
    assert opinions.address_hash("203.0.113.7") != first


def test_an_ipv6_phone_is_one_sender_across_its_64_prefix():
    assert opinions.address_hash("2001:db8:1:2::a") == opinions.address_hash("2001:db8:1:2::b")
    assert opinions.address_hash("2001:db8:1:2::a") != opinions.address_hash("2001:db8:1:3::a")
    assert opinions.address_hash("::ffff:203.0.113.7") == opinions.address_hash("203.0.113.7")


# The honeypot


def test_a_bot_filling_the_honeypot_is_thanked_and_dropped(client, url, thanks_url):
    response = client.post(url, opinion(website="http://spam.example"))

    assert response.status_code == 302
    assert response.url == thanks_url
    assert Opinion.objects.count() == 0


def test_the_honeypot_is_in_the_form_but_out_of_sight(client, url):
    content = client.get(url).content.decode()

    assert 'name="website"' in content
    assert 'class="hp" aria-hidden="true"' in content
    assert 'tabindex="-1"' in content


def test_the_honeypot_is_hidden_by_the_stylesheet_not_an_inline_style(client, url):
    content = client.get(url).content.decode()

    assert "css/public.css" in content
    assert "style=" not in content and "<style" not in content
    with open("static/css/public.css", encoding="utf-8") as css:
        rule = re.search(r"^\.hp \{([^}]*)\}", css.read(), re.M)
    assert "left: -10000px" in rule.group(1)


def test_what_a_worker_typed_comes_back_escaped_with_the_errors(client, url):
    response = client.post(url, opinion(text='<script>alert("x")</script>', phone="call me"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_the_organization_department_reads_a_script_as_text(client, url, login, olivia):
    client.post(url, opinion(text="<img src=x onerror=alert(1)>", name="<b>张</b>"))

    content = login(olivia).get(reverse("boards:opinion-list")).content.decode()
    assert "<img src=x" not in content and "<b>张" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content


# Length limits


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "字" * 1001),
        ("text", "   "),
        ("name", "名" * 51),
        ("phone", "1" * 31),
        ("phone", "call me maybe"),
        ("category", "gossip"),
    ],
)
def test_a_value_out_of_bounds_is_refused_and_nothing_is_stored(client, url, field, value):
    response = client.post(url, opinion(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Opinion.objects.count() == 0


def test_the_longest_allowed_values_are_stored(client, url):
    response = client.post(url, opinion(text="字" * 1000, name="名" * 50, phone="1" * 30))

    assert response.status_code == 302
    assert len(Opinion.objects.get().text) == 1000


def test_the_limits_are_in_the_page_too(client, url):
    content = client.get(url).content.decode()

    assert 'maxlength="1000"' in content
    assert 'maxlength="50"' in content
    assert 'maxlength="30"' in content


def test_the_model_refuses_a_text_over_the_limit(hospital):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        opinions.opinion_submit(
            union=hospital, text="字" * 1001, category="other", address_hash="a" * 64
        )
    assert "text" in refused.value.message_dict


# The rate limit


def test_the_sixth_opinion_within_the_hour_is_refused(client, url, settings):
    assert settings.OPINION_RATE_LIMIT == 5
    for n in range(5):
        assert client.post(url, opinion(text=f"第{n}条")).status_code == 302

    response = client.post(url, opinion(text="第六条"))

    assert response.status_code == 429
    assert response.context["rate_limited"] is True
    # What the worker wrote is still in the form.
    assert "第六条" in response.content.decode()
    assert Opinion.objects.count() == 5


def test_an_hour_later_the_address_may_write_again(client, url):
    for n in range(5):
        client.post(url, opinion(text=f"第{n}条"))

    with time_machine.travel(datetime.timedelta(minutes=61)):
        response = client.post(url, opinion(text="一小时后"))

    assert response.status_code == 302
    assert Opinion.objects.count() == 6


def test_the_limit_is_per_address(client, url):
    for n in range(5):
        client.post(url, opinion(text=f"第{n}条"), REMOTE_ADDR="203.0.113.7")

    assert client.post(url, opinion(), REMOTE_ADDR="203.0.113.8").status_code == 302
    assert client.post(url, opinion(), REMOTE_ADDR="203.0.113.7").status_code == 429


def test_the_limit_counts_an_address_across_unions(client, url):
    for n in range(5):
        client.post(url, opinion(text=f"第{n}条"))
    other = GrassrootsUnionFactory()

    response = client.post(reverse("boards:public", args=[other.public_token]), opinion())

    assert response.status_code == 429


def test_the_limit_holds_across_app_processes(url):
    """Nothing is counted in a process: opinions stored by one process count in another."""
    OpinionFactory.create_batch(5, address_hash=opinions.address_hash("203.0.113.7"))

    response = Client().post(url, opinion(), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429


def test_the_limit_is_a_setting(client, url, settings):
    settings.OPINION_RATE_LIMIT = 1
    client.post(url, opinion())

    assert client.post(url, opinion()).status_code == 429


def test_a_forged_forwarded_header_does_not_escape_the_limit(client, url, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        client.post(url, opinion(), REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    response = client.post(
        url, opinion(), REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.99"
    )

    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_client_is_read_from_the_forwarded_header(client, url, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for _ in range(5):
        client.post(url, opinion(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")

    other_client = client.post(
        url, opinion(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    # What the client wrote into the header itself (the first entry) does not help it.
    same_client = client.post(
        url, opinion(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1"
    )

    assert other_client.status_code == 302
    assert same_client.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.1"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        # Fewer entries than proxies: the request did not come through them all.
        (2, "198.51.100.1", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert security.client_address(request) == expected


# CSRF


def test_a_post_without_the_csrf_token_is_refused(url):
    client = Client(enforce_csrf_checks=True)

    response = client.post(url, opinion())

    assert response.status_code == 403
    assert Opinion.objects.count() == 0


def test_a_post_from_the_page_with_its_csrf_token_is_stored(url):
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    token = page.context["csrf_token"]

    response = client.post(url, opinion(csrfmiddlewaretoken=str(token)))

    assert response.status_code == 302
    assert Opinion.objects.count() == 1


def test_only_get_and_post(client, url):
    assert client.put(url).status_code == 405
    assert client.post(reverse("boards:public-thanks", args=["x"])).status_code == 405
