"""The worker's receipt: after leaving an opinion on the union's public page the worker is shown
a short code and a link once; with it they read the opinion's status and the answer written
for them, and rate it. A wrong code is the same 404 as an unknown one; misses are limited per
address.

The hospital's opinion below has the receipt 7KQ2-M9XD-4HVA-3RTC; alice contacts the hospital.
"""

import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.boards import opinions, receipts
from liaison.boards.board import union_token_regenerate
from liaison.models import Opinion
from records.models import Problem
from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory
from tests.helpers import RECEIPT

pytestmark = pytest.mark.django_db

CODE = RECEIPT
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
GROUPED = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def receipt_url(union, code=CODE):
    return reverse("boards:receipt", args=[union.public_token, code])


def rate_url(union, code=CODE):
    return reverse("boards:receipt-rate", args=[union.public_token, code])


def leave(client, union, follow=False, **changes):
    data = {"text": "夜班的职工能不能有个休息室？", "category": "welfare", "name": "", "phone": ""}
    url = reverse("boards:public", args=[union.public_token])
    return client.post(url, data | changes, follow=follow)


def answered(opinion, user, text="已与单位协商，下月起二楼会议室夜间开放作休息室。"):
    return opinions.opinion_answer(opinion=opinion, user=user, answer=text)


# The receipt is handed over once


def test_leaving_an_opinion_shows_the_receipt_code_and_link_once(client, hospital):
    response = leave(client, hospital, follow=True)

    code = response.context["code"]
    assert GROUPED.match(code)
    page = response.content.decode()
    assert code in page
    link = f"http://testserver{receipt_url(hospital, code)}"
    assert f'href="{link}"' in page
    assert "截屏或打印" in page  # the hint to keep it
    assert client.get(link).status_code == 200

    again = client.get(reverse("boards:public-thanks", args=[hospital.public_token]))
    assert again.status_code == 200
    assert again.context["code"] is None
    assert code not in again.content.decode()


def test_the_code_is_never_stored_in_clear(client, hospital):
    leave(client, hospital, name="张师傅", phone="13800000000")
    thanks = client.get(reverse("boards:public-thanks", args=[hospital.public_token]))
    code = thanks.context["code"]
    opinion = Opinion.objects.get()

    assert opinion.receipt_hash == receipts.receipt_hash(code)
    assert len(opinion.receipt_hash) == 64
    # No column of any table holds the code, grouped or not (the session table included).
    plain = code.replace("-", "")
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (the test's own tables)
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert code not in text and plain not in text, table


def test_a_code_has_80_random_bits_in_16_characters_of_crockford_base32(monkeypatch):
    drawn = []
    choice = receipts.secrets.choice

    def spy(alphabet):
        drawn.append(alphabet)
        return choice(alphabet)

    monkeypatch.setattr(receipts.secrets, "choice", spy)
    code = receipts.receipt_code()

    assert GROUPED.match(code)
    assert len(drawn) == 16 and set(drawn) == {receipts.ALPHABET}
    assert len(set(receipts.ALPHABET)) == 32  # 5 bits a character: 80 bits ≥ 64
    codes = {receipts.receipt_code() for _ in range(2000)}
    assert len(codes) == 2000
    # Every character of the alphabet turns up at every position (no fixed part).
    for position in range(19):
        if position % 5 != 4:
            assert {c[position] for c in codes} == set(receipts.ALPHABET)


def test_the_code_reads_however_it_is_typed(client, hospital, canteen):
    for typed in ["7kq2m9xd4hva3rtc", "7KQ2 M9XD 4HVA 3RTC", "7KQ2-M9XD-4HVA-3RTC"]:
        response = client.get(receipt_url(hospital, typed))
        assert response.status_code in (200, 302), typed
        if response.status_code == 302:
            assert response["Location"] == receipt_url(hospital)
    # O for 0, I and L for 1 (Crockford).
    assert receipts.normalized("o1il-") == "0111"


def test_the_worker_types_the_code_on_the_union_page(client, hospital, canteen):
    find = reverse("boards:receipt-find", args=[hospital.public_token])
    assert (
        find in client.get(reverse("boards:public", args=[hospital.public_token])).content.decode()
    )

    response = client.get(find, {"code": "7kq2 m9xd 4hva 3rtc"})
    assert response["Location"] == receipt_url(hospital)

    wrong = client.get(find, {"code": "7KQ2-M9XD"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    assert 'value="7KQ2-M9XD"' in wrong.content.decode()  # what was typed stays


# What the worker sees


def test_the_receipt_shows_the_status_and_the_workers_own_text_and_no_name_or_phone(
    client, hospital, canteen
):
    response = client.get(receipt_url(hospital))

    assert response.status_code == 200
    page = response.content.decode()
    assert "职工食堂晚上能不能多开一个窗口？" in page
    assert response.context["status_label"] == "已收到"
    assert "张师傅" not in page and "13800000000" not in page
    assert 'name="rating"' not in page  # nothing to rate yet


def test_the_worker_reads_the_answer_without_anyones_name_and_rates_it(
    client, hospital, canteen, alice
):
    LiaisonAssignmentFactory(cadre=alice, union=hospital, year=2026)
    answered(canteen, alice.user)

    page = client.get(receipt_url(hospital)).content.decode()
    assert "二楼会议室夜间开放" in page
    assert "已答复" in page
    assert alice.name not in page and alice.user.username not in page
    assert 'name="rating"' in page

    response = client.post(rate_url(hospital), {"rating": "basically"})

    assert response.status_code == 302
    canteen.refresh_from_db()
    assert canteen.status == Opinion.Status.CLOSED
    assert canteen.rating == Problem.Satisfaction.BASICALLY
    page = client.get(receipt_url(hospital)).content.decode()
    assert "已办结" in page and "基本满意" in page
    assert 'name="rating"' not in page


def test_the_rating_is_given_once(client, hospital, canteen, alice):
    LiaisonAssignmentFactory(cadre=alice, union=hospital, year=2026)
    answered(canteen, alice.user)
    client.post(rate_url(hospital), {"rating": "satisfied"})

    response = client.post(rate_url(hospital), {"rating": "unsatisfied"})

    assert response.status_code == 409
    canteen.refresh_from_db()
    assert canteen.rating == Problem.Satisfaction.SATISFIED


def test_nothing_can_be_rated_before_the_answer(client, hospital, canteen):
    response = client.post(rate_url(hospital), {"rating": "satisfied"})

    assert response.status_code == 409
    canteen.refresh_from_db()
    assert canteen.rating == "" and canteen.status == Opinion.Status.NEW


def test_an_empty_rating_is_an_error_next_to_the_choices(client, hospital, canteen, alice):
    LiaisonAssignmentFactory(cadre=alice, union=hospital, year=2026)
    answered(canteen, alice.user)

    response = client.post(rate_url(hospital), {})

    assert response.status_code == 400
    assert response.context["form"].errors["rating"]


def test_taken_up_is_what_the_worker_reads_once_a_cadre_takes_it_up(
    client, hospital, canteen, alice
):
    LiaisonAssignmentFactory(cadre=alice, union=hospital, year=2026)
    opinions.opinion_take_up(opinion=canteen, user=alice.user)

    response = client.get(receipt_url(hospital))

    assert response.context["status_label"] == "已受理"
    assert alice.name not in response.content.decode()


def test_a_receipt_from_before_the_board_got_a_new_link_still_opens(
    client, hospital, canteen, olivia
):
    old = receipt_url(hospital)
    union_token_regenerate(union=hospital, user=olivia.user)
    hospital.refresh_from_db()

    response = client.get(old)

    assert response.status_code == 302
    assert response["Location"] == receipt_url(hospital)


# A wrong code: the same 404 as an unknown one, and the limit


def test_a_wrong_code_is_the_same_chinese_404_as_an_unknown_one(client, hospital, canteen):
    answers = {}
    for name, code in {
        "one character off": "7KQ2-M9XD-4HVA-3RTD",
        "unknown": receipts.receipt_code(),
        "malformed": "hello",
        "too short": "7KQ2",
    }.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(receipt_url(hospital, code))
        sql = [q["sql"] for q in queries.captured_queries if "liaison_opinion" in q["sql"]]
        answers[name] = (
            response.status_code,
            [t.name for t in response.templates],
            # The page itself; the language switch's own CSRF token differs on every page.
            CSRF.sub("", response.content.decode().replace(code, "")),
            len(sql),
        )
    assert len(set(map(str, answers.values()))) == 1, answers
    status, templates, content, lookups = answers["unknown"]
    assert status == 404
    assert templates[0] == "errors/public.html"
    assert "回执码" in content
    assert lookups == 1  # looked up, whatever the code looks like


def test_a_right_code_under_another_unions_link_opens_its_own_page(client, hospital, canteen):
    other = GrassrootsUnionFactory()

    response = client.get(receipt_url(other))

    assert response["Location"] == receipt_url(hospital)


def test_misses_are_limited_per_address_and_then_even_a_right_code_is_refused(
    settings, hospital, canteen
):
    settings.RECEIPT_RATE_LIMIT = 3
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    worker = Client(REMOTE_ADDR="198.51.100.7")

    for _ in range(3):
        assert guesser.get(receipt_url(hospital, receipts.receipt_code())).status_code == 404
    refused = guesser.get(receipt_url(hospital))
    also = guesser.post(rate_url(hospital), {"rating": "satisfied"})

    assert refused.status_code == 429 and also.status_code == 429
    assert refused["Retry-After"] == str(settings.OPINION_RATE_WINDOW)
    assert "回执码" in refused.content.decode()
    assert worker.get(receipt_url(hospital)).status_code == 200  # another address
    with time_machine.travel("2026-11-24 11:01 +0800"):
        assert guesser.get(receipt_url(hospital)).status_code == 200  # the window has passed


def test_a_right_code_is_not_counted_as_a_miss(settings, client, hospital, canteen):
    settings.RECEIPT_RATE_LIMIT = 2

    for _ in range(5):
        assert client.get(receipt_url(hospital)).status_code == 200
