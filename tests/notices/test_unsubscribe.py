"""One-step unsubscribe (RFC 8058): every bulk e-mail carries the headers; GET shows and changes nothing; the
one-click POST changes only that topic; a forged, expired or someone else's token changes nothing and says so."""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.test import Client

from notices.delivery import notify
from notices.digest import send_digests
from notices.models import DEFAULT_DELIVERY, Delivery, Kind, Preference
from notices.preferences import preferences_of
from notices.unsubscribe import DIGEST, TOKEN_MAX_AGE, make_token
from tests.conftest import ROLES, client_for
from tests.notices.helpers import emails_to

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


def url_of(token):
    return f"/ilmoitukset/peru/{token}/"


def link_in(email):
    """The path of the List-Unsubscribe header, which the footer links to as well."""
    header = str(email.headers["List-Unsubscribe"]).strip()
    match = re.fullmatch(r"<https?://[^/]+(/ilmoitukset/peru/[^/]+/)>", header)
    assert match, header
    assert email.headers["List-Unsubscribe-Post"] == ONE_CLICK
    assert match.group(1) in email.text, "the same link in the footer"
    return match.group(1)


def one_click(path):
    """What a mail client sends: a POST with no cookies and no CSRF token."""
    return Client(enforce_csrf_checks=True).post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")


def tell(user, network, kind, capture):
    with capture(execute=True):
        notify(
            [user],
            kind,
            network=network,
            key=f"test:{kind}",
            template="discussion_message",
            payload={
                "author": "Fanni",
                "room": {"pk": 1, "title": "Yleinen"},
                "network": {"title": network.title, "slug": network.slug},
                "seq": 1,
                "url": "/",
                "excerpt": "Hei",
            },
        )


def test_the_one_click_post_sets_only_that_kind_to_never(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]
    tell(member, network, Kind.MENTION, django_capture_on_commit_callbacks)
    (email,) = emails_to(member)
    path = link_in(email)

    shown = Client().get(path)
    assert shown.status_code == 200
    assert "Maininnat" in shown.content.decode() and "<form" in shown.content.decode()
    assert preferences_of(member) == DEFAULT_DELIVERY, "a GET changes nothing"

    response = one_click(path)
    assert response.status_code == 200
    assert "et saa enää sähköpostia aiheesta ”Maininnat”" in response.content.decode()
    assert preferences_of(member) == {**DEFAULT_DELIVERY, Kind.MENTION: Delivery.NEVER}


def test_the_digest_s_link_stops_what_the_digest_gathers_not_what_comes_at_once(
    network_people, django_capture_on_commit_callbacks
):
    network, _other, people = network_people
    member = people["member"]
    Preference.objects.create(user=member, kind=Kind.TASKS, delivery=Delivery.DIGEST)
    tell(member, network, Kind.ROOM_MESSAGES, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    (digest,) = emails_to(member)
    path = link_in(digest)
    page = Client().get(path).content.decode()
    assert "Tehtävät ja määräajat" in page and "Heti tulevat ilmoitukset tulevat edelleen." in page

    assert one_click(path).status_code == 200
    assert preferences_of(member) == {
        **DEFAULT_DELIVERY,
        Kind.ROOM_MESSAGES: Delivery.NEVER,
        Kind.WORKSHOP_NEWS: Delivery.NEVER,
        Kind.TASKS: Delivery.NEVER,
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_token_changes_nothing_and_says_so(network_people, method):
    _network, _other, people = network_people
    member = people["member"]
    token = make_token(member.pk, Kind.MENTION)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other_person = make_token(people["contact"].pk, Kind.MENTION).split(":", 1)[0] + ":" + token.split(":", 1)[1]
    for bad in (forged, other_person, "roskaa", "e30:1abc:xyz"):
        response = getattr(Client(), method)(url_of(bad))
        assert response.status_code == 400
        assert "Linkki on virheellinen tai vanhentunut, joten asetuksiasi ei muutettu." in response.content.decode()
    assert not Preference.objects.exists()


def test_an_expired_token_changes_nothing(network_people):
    _network, _other, people = network_people
    member = people["member"]
    long_ago = time.time() - TOKEN_MAX_AGE.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        token = make_token(member.pk, DIGEST)
    response = one_click(url_of(token))
    assert response.status_code == 400
    assert "vanhentunut" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_deleted_account_s_token_changes_nothing(network_people):
    _network, _other, people = network_people
    member = people["member"]
    token = make_token(member.pk, Kind.MENTION)
    member.is_active = False
    member.save()
    assert one_click(url_of(token)).status_code == 400
    assert not Preference.objects.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_token_works_for_its_person_or_nobody_signed_in_never_for_another(client, network_people, role, method):
    _network, _other, people = network_people
    member = people["member"]
    response = getattr(client_for(client, people[role]), method)(url_of(make_token(member.pk, Kind.REPLY)))
    changed = Preference.objects.filter(user=member, kind=Kind.REPLY, delivery=Delivery.NEVER).exists()
    if role in ("anonymous", "member"):
        assert response.status_code == 200
        assert changed == (method == "post")
    else:
        assert response.status_code == 400
        assert "Tämä linkki on lähetetty toiselle henkilölle, joten asetuksia ei muutettu." in response.content.decode()
        assert not changed
    assert not Preference.objects.exclude(user=member).exists()


def test_other_methods_are_refused(network_people):
    _network, _other, people = network_people
    assert Client().put(url_of(make_token(people["member"].pk, Kind.REPLY))).status_code == 405
    assert not Preference.objects.exists()


def test_the_page_speaks_the_page_s_language(network_people, settings):
    _network, _other, people = network_people
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get(url_of("roskaa"))
    assert response.status_code == 400
    assert '<html lang="sv">' in response.content.decode()
