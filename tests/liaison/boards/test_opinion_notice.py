"""A worker's new opinion is announced to the union's contact cadres (the organization
department when nobody contacts the union this year), opening the opinion in the list."""

import pytest
from django.urls import reverse

from liaison.models import Opinion
from records.models import Notification
from tests.factories import CadreFactory, GrassrootsUnionFactory, LiaisonAssignmentFactory

pytestmark = pytest.mark.django_db


def leave_opinion(client, union, text="食堂晚上能不能多开一个窗口？"):
    return client.post(
        reverse("boards:public", args=[union.public_token]),
        {"text": text, "category": "welfare", "name": "", "phone": ""},
    )


def test_the_contact_cadres_are_told_and_the_notice_opens_the_opinion(client, login, alice, bob):
    union = GrassrootsUnionFactory(name="西城区某某商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    LiaisonAssignmentFactory(cadre=bob, union=union, year=2026)
    ended = LiaisonAssignmentFactory(cadre=CadreFactory(), union=union, year=2026)
    ended.ended_at, ended.end_reason = ended.starts_on, "调离"
    ended.save()
    LiaisonAssignmentFactory(cadre=CadreFactory(), union=union, year=2025)  # last year's

    assert leave_opinion(client, union).status_code == 302

    opinion = Opinion.objects.get()
    notices = Notification.objects.filter(kind=Notification.Kind.OPINION)
    assert {n.recipient for n in notices} == {alice.user, bob.user}
    notice = notices.get(recipient=alice.user)
    assert "西城区某某商场工会" in notice.message and "多开一个窗口" in notice.message
    assert notice.url == f"/opinions/#opinion-{opinion.pk}"
    page = login(alice).get(notice.url).content.decode()
    assert f'id="opinion-{opinion.pk}"' in page


def test_a_union_nobody_contacts_sends_it_to_the_organization_department(client, olivia):
    union = GrassrootsUnionFactory()

    leave_opinion(client, union)

    notice = Notification.objects.get(kind=Notification.Kind.OPINION)
    assert notice.recipient == olivia.user


def test_a_refused_opinion_tells_nobody(client, alice):
    union = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)

    assert leave_opinion(client, union, text="").status_code == 200

    assert not Notification.objects.exists()
