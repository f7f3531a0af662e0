"""axe in real Chromium finds no serious or critical violation on the newsletter's pages: subscribing (empty and
with errors), the thanks page, the confirmation link, the subscription page (active and unsubscribed, a forged link),
the archive and an issue's web version in Finnish and in Swedish."""

import pytest
from django.urls import reverse

from newsletter.models import NewsletterIssue, Subscriber
from tests.browser.test_accessibility import scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_newsletter_pages_pass_axe(live_server, demo_site, page):
    issue = NewsletterIssue.objects.get(status=NewsletterIssue.Status.SENT)
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).first()
    pending = Subscriber.objects.get(status=Subscriber.Status.PENDING)
    left = Subscriber.objects.get(status=Subscriber.Status.UNSUBSCRIBED)
    failures = {}
    paths = {
        "subscribe": reverse("newsletter-subscribe"),
        "thanks": reverse("newsletter-subscribed"),
        "confirm": reverse("newsletter-confirm", args=[pending.key]),
        "confirm, forged": reverse("newsletter-confirm", args=["vaarennetty"]),
        "subscription": reverse("newsletter-unsubscribe", args=[active.key]),
        "subscription, cancelled": reverse("newsletter-unsubscribe", args=[left.key]),
        "archive": reverse("newsletter-archive"),
        "issue": reverse("newsletter-issue", args=[issue.pk]),
        "issue in Swedish": reverse("newsletter-issue", args=[issue.pk]) + "?kieli=sv",
    }
    for name, path in paths.items():
        page.goto(live_server.url + path)
        scan(page, failures, name)

    page.goto(live_server.url + reverse("newsletter-subscribe"))
    page.get_by_label("Sähköpostiosoite").fill("maija@mailinator.com")
    page.get_by_role("button", name="Tilaa").click()
    page.wait_for_load_state()
    assert "Tilausta ei tehty" in page.content()
    scan(page, failures, "subscribe with errors")

    page.get_by_label("Sähköpostiosoite").fill("maija@example.org")
    page.get_by_role("button", name="Tilaa").click()
    page.wait_for_load_state()
    assert "Tarkista sähköpostisi" in page.content()

    page.goto(live_server.url + reverse("newsletter-confirm", args=[pending.key]))
    page.get_by_role("button", name="Vahvista tilaus").click()
    page.wait_for_load_state()
    assert "Tilaus on voimassa" in page.content()
    scan(page, failures, "confirmed")

    page.goto(live_server.url + reverse("newsletter-unsubscribe", args=[active.key]))
    page.get_by_role("button", name="Peru uutiskirjeen tilaus").click()
    page.wait_for_load_state()
    assert "Tilaus on peruttu" in page.content()
    scan(page, failures, "unsubscribed")

    assert not failures, failures
