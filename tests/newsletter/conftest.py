"""Builders for the newsletter's tests: subscribers in each state, pages to put in an issue, and issues."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from events.models import EventIndexPage, EventPage
from news.models import ArticleIndexPage, ArticlePage
from newsletter.models import NewsletterIssue, Subscriber
from tests.factories import make_act, make_organisation, make_tori

LANGUAGES = ("fi", "sv", "en")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate limits live in the cache, which outlives a test."""
    cache.clear()


def make_subscriber(email, status=Subscriber.Status.ACTIVE, language="fi", **fields):
    return Subscriber.objects.create(email=email, status=status, language=language, **fields)


def make_subscribers(count, start=0, status=Subscriber.Status.ACTIVE):
    """`count` active subscribers, their languages in turn fi, sv, en."""
    return Subscriber.objects.bulk_create(
        Subscriber(email=f"tilaaja{n}@example.org", language=LANGUAGES[n % 3], status=status)
        for n in range(start, start + count)
    )


def make_article(index, title="Verkostot kokoontuvat taas", **fields):
    values = {"author": "Outi Ohjelmatoimisto", "lead": "Kevään verkostot aloittavat.", **fields}
    return index.add_child(instance=ArticlePage(title=title, slug=f"artikkeli-{ArticlePage.objects.count()}", **values))


def make_event(index, title="Alueellinen verkostopäivä Oulussa", **fields):
    start = timezone.now() + timedelta(days=30)
    values = {
        "start": start,
        "end": start + timedelta(hours=6),
        "place": "Oulun kaupungintalo",
        "city": "Oulu",
        "audience": "Kuntien esihenkilöille",
        "lead": "Päivä verkostojen tuloksista.",
        **fields,
    }
    return index.add_child(instance=EventPage(title=title, slug=f"tapahtuma-{EventPage.objects.count()}", **values))


@pytest.fixture
def pages(site_tree):
    """An article, an act and an event, live under their indexes."""
    home, _index = site_tree
    news_index = home.add_child(instance=ArticleIndexPage(title="Ajankohtaista", slug="ajankohtaista"))
    event_index = home.add_child(instance=EventIndexPage(title="Tapahtumat", slug="tapahtumat"))
    tori = make_tori(home)
    return {
        "article": make_article(news_index),
        "act": make_act(tori, make_organisation("Sipoo"), title="Laskutus kahdeksassa päivässä"),
        "event": make_event(event_index),
    }


def make_issue(pages=None, subject="Uutiskirje 1/2027", **fields):
    body = [{"type": kind, "value": page.pk} for kind, page in (pages or {}).items()]
    body.append(
        {"type": "text", "value": {"heading": "Kesätauko", "text": "Toimisto on kiinni heinäkuun.", "language": ""}}
    )
    values = {"intro": "Hyvää alkanutta vuotta!", "body": body, **fields}
    return NewsletterIssue.objects.create(subject=subject, **values)


@pytest.fixture
def issue(pages):
    return make_issue(pages)
