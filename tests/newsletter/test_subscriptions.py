"""Double opt-in: every state of a subscription, the same page whatever the state, the cooling period, the links
(confirm, unsubscribe with RFC 8058's one-click POST, language) and their forgeries, and forgetting addresses."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.addresses import DISPOSABLE, INVALID
from newsletter import subscriptions
from newsletter.models import Delivery, Subscriber
from tests.conftest import refused
from tests.newsletter.conftest import make_issue, make_subscriber

pytestmark = pytest.mark.django_db
Status = Subscriber.Status
SUBSCRIBE = "/uutiskirje/"


def post(client, url, data=None, **extra):
    """A POST whose e-mail (queued on commit) is sent, as it would be outside the test's transaction."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {}, **extra)


def subscribe(client, email="maija@example.fi", language="fi", **extra):
    return post(client, SUBSCRIBE, {"email": email, "language": language}, **extra)


def without_token(html):
    """The page without its CSRF token (the language switcher's, new on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def language_of(message):
    """The language an e-mail was rendered in (its HTML part's lang; the catalogues come after the merge)."""
    html = message.alternatives[0][0]
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def link(message, name):
    """The path of the first link to the URL `name` in an e-mail."""
    prefix = reverse(name, args=["KEY"]).replace("KEY/", "")
    line = next(line for line in message.body.splitlines() if prefix in line)
    return line[line.index(prefix) :].strip()


def test_a_new_address_is_pending_until_the_link_is_used(client):
    response = subscribe(client, " Maija@Example.FI ", "sv")

    assert response.status_code == 302 and response.url == reverse("newsletter-subscribed")
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status, subscriber.language) == ("maija@example.fi", Status.PENDING, "sv")
    assert [message.to for message in mail.outbox] == [["maija@example.fi"]]
    assert language_of(mail.outbox[0]) == "sv", "in the language chosen"
    confirm = link(mail.outbox[0], "newsletter-confirm")

    # Opening the link changes nothing (mail scanners open links); the button does.
    assert client.get(confirm).status_code == 200
    assert Subscriber.objects.get().status == Status.PENDING
    assert post(client, confirm).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.ACTIVE and subscriber.confirmed is not None
    # Confirming again changes nothing and says the subscription is on.
    assert "Tilaus on voimassa" in post(client, confirm).content.decode()


def test_the_same_page_and_no_new_email_within_the_cooling_period(client, settings):
    make_subscriber("aktiivi@example.fi")
    make_subscriber("odottaa@example.fi", Status.PENDING, confirmation_sent=timezone.now())
    make_subscriber("perunut@example.fi", Status.UNSUBSCRIBED, confirmation_sent=timezone.now())

    pages = set()
    for email in ("uusi@example.fi", "aktiivi@example.fi", "odottaa@example.fi", "perunut@example.fi"):
        response = subscribe(client, email)
        assert response.status_code == 302
        pages.add((response.url, without_token(client.get(response.url).content.decode())))
    assert len(pages) == 1, "every address gets the same answer"
    # The new address and the active one (told it already subscribes; it had no e-mail lately) got one each.
    assert sorted(message.to[0] for message in mail.outbox) == ["aktiivi@example.fi", "uusi@example.fi"]
    assert "jo" in mail.outbox[1].subject or "jo" in mail.outbox[0].subject

    mail.outbox.clear()
    for email in ("uusi@example.fi", "aktiivi@example.fi", "odottaa@example.fi", "perunut@example.fi"):
        subscribe(client, email)
    assert mail.outbox == [], "nothing within the cooling period"
    assert Subscriber.objects.get(email="perunut@example.fi").status == Status.UNSUBSCRIBED


def test_after_the_cooling_period_each_state_gets_its_email(client, finnish):
    long_ago = timezone.now() - timedelta(hours=2)
    pending = make_subscriber("odottaa@example.fi", Status.PENDING, confirmation_sent=long_ago)
    left = make_subscriber("perunut@example.fi", Status.UNSUBSCRIBED, confirmation_sent=long_ago)
    active = make_subscriber("aktiivi@example.fi", confirmation_sent=long_ago)

    subscribe(client, "odottaa@example.fi", "en")
    subscribe(client, "perunut@example.fi")
    subscribe(client, "aktiivi@example.fi", "sv")

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"odottaa@example.fi", "perunut@example.fi", "aktiivi@example.fi"}
    # A pending address gets the same link again, in the language now chosen.
    assert link(by_address["odottaa@example.fi"], "newsletter-confirm").endswith(f"/{pending.key}/")
    assert language_of(by_address["odottaa@example.fi"]) == "en"
    assert Subscriber.objects.get(pk=pending.pk).language == "en"
    # An unsubscribed address is pending again, with a new key: its old links no longer work.
    left_now = Subscriber.objects.get(pk=left.pk)
    assert left_now.status == Status.PENDING and left_now.key != left.key
    assert client.get(reverse("newsletter-unsubscribe", args=[left.key])).status_code == 400
    # An active address is told so, in its own language, and nothing about it changes.
    assert (
        Subscriber.objects.get(pk=active.pk).language == "fi"
        and Subscriber.objects.get(pk=active.pk).status == Status.ACTIVE
    )
    assert link(by_address["aktiivi@example.fi"], "newsletter-unsubscribe").endswith(f"/{active.key}/")
    assert language_of(by_address["aktiivi@example.fi"]) == "fi"


@pytest.mark.parametrize(
    ("address", "message"),
    [("maija", INVALID), ("maija@localhost", INVALID), ("maija@mailinator.com", DISPOSABLE), ("", None)],
)
def test_bad_addresses_are_refused_with_a_clear_message(client, address, message):
    response = subscribe(client, address)

    assert response.status_code == 200
    assert "Tilausta ei tehty" in response.content.decode()
    if message:
        assert str(message) in response.content.decode()
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_an_unknown_language_is_refused(client):
    response = subscribe(client, language="de")
    assert response.status_code == 200 and not Subscriber.objects.exists()


def test_subscriptions_per_ip_address_are_limited(client, settings):
    settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT = (2, 3600)
    subscribe(client, "a@example.fi", REMOTE_ADDR="192.0.2.1")
    subscribe(client, "b@example.fi", REMOTE_ADDR="192.0.2.1")
    response = subscribe(client, "c@example.fi", REMOTE_ADDR="192.0.2.1")

    assert response.status_code == 429
    assert "Liian monta tilausta" in response.content.decode()
    assert not Subscriber.objects.filter(email="c@example.fi").exists()
    assert subscribe(client, "c@example.fi", REMOTE_ADDR="192.0.2.2").status_code == 302


def test_an_expired_confirmation_link_is_refused(client, settings):
    sent = timezone.now() - timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS + 1)
    subscriber = make_subscriber("vanha@example.fi", Status.PENDING, confirmation_sent=sent)
    url = reverse("newsletter-confirm", args=[subscriber.key])

    for response in (client.get(url), post(client, url)):
        assert response.status_code == 400
        assert "vanhentunut" in response.content.decode()
    assert Subscriber.objects.get().status == Status.PENDING


def test_a_cancelled_subscription_cannot_be_confirmed(finnish):
    subscriber = make_subscriber("perunut@example.fi", Status.UNSUBSCRIBED)
    refused("unsubscribed", subscriptions.confirm, subscriber.key)
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


@pytest.mark.parametrize("name", ["newsletter-confirm", "newsletter-unsubscribe"])
def test_a_forged_key_changes_nothing(client, name):
    subscriber = make_subscriber("maija@example.fi", Status.PENDING)
    forged = subscriber.key[:-2] + "xx"
    url = reverse(name, args=[forged])

    for response in (client.get(url), post(client, url)):
        assert response.status_code == 400
        assert "Linkki on virheellinen" in response.content.decode()
    assert Subscriber.objects.get().status == Status.PENDING
    response = post(client, reverse("newsletter-language", args=[forged]), {"language": "en"})
    assert response.status_code == 400 and Subscriber.objects.get().language == "fi"


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(finnish):
    from django.test import Client

    subscriber = make_subscriber("maija@example.fi")
    client = Client(enforce_csrf_checks=True)
    url = reverse("newsletter-unsubscribe", args=[subscriber.key])

    page = client.get(url)
    assert page.status_code == 200 and Subscriber.objects.get().status == Status.ACTIVE
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED and subscriber.unsubscribed is not None
    assert client.post(url).status_code == 200, "again: nothing more to do"
    assert "jo peruttu" in client.get(url).content.decode()


def test_the_language_is_changed_on_the_subscription_page(client):
    subscriber = make_subscriber("maija@example.fi")
    response = post(client, reverse("newsletter-language", args=[subscriber.key]), {"language": "sv"})
    assert response.status_code == 302
    assert Subscriber.objects.get().language == "sv"
    response = post(client, reverse("newsletter-language", args=[subscriber.key]), {"language": "de"})
    assert response.status_code == 400 and Subscriber.objects.get().language == "sv"


def test_hostile_input_is_inert(client):
    response = subscribe(client, '<script>alert(1)</script>@example.fi"><img src=x>')
    content = response.content.decode()
    assert "<script>alert(1)" not in content and "<img src=x>" not in content
    assert not Subscriber.objects.exists()


def test_stale_addresses_are_forgotten_and_the_counts_stay(settings, pages):
    now = timezone.now()
    old_pending = make_subscriber("a@example.fi", Status.PENDING, confirmation_sent=now - timedelta(days=8))
    make_subscriber("b@example.fi", Status.PENDING, confirmation_sent=now - timedelta(days=1))
    gone = make_subscriber("c@example.fi", Status.UNSUBSCRIBED, unsubscribed=now - timedelta(days=31))
    make_subscriber("d@example.fi", Status.UNSUBSCRIBED, unsubscribed=now - timedelta(days=3))
    make_subscriber("e@example.fi")
    issue = make_issue(pages)
    Delivery.objects.create(issue=issue, subscriber=gone, state=Delivery.State.SENT)

    forgotten = subscriptions.forget_stale(now)

    assert (forgotten.pending, forgotten.unsubscribed) == (1, 1)
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"b@example.fi", "d@example.fi", "e@example.fi"}
    assert not Subscriber.objects.filter(pk=old_pending.pk).exists()
    assert Delivery.objects.get().subscriber is None, "the issue keeps its count"
