"""The news feeds, RSS 2.0 and Atom, parsed back: the newest published articles by their date, never a draft or an
unpublished article, hostile text escaped by the feed generator; the moment an article counts as published."""

from datetime import date, datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.feeds import FEED_ITEMS
from news.feeds import published_moment
from news.models import ArticlePage
from tests.news.news_site import build_news_site, make_article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def news_site(site_tree):
    return build_news_site(site_tree)


def rss_items(client, index):
    response = client.get(index.url + "syote/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")  # noqa: S314 - our own feed
    return channel, channel.findall("item")


def test_rss_lists_the_published_articles_newest_first(client, news_site):
    index, story = news_site["index"], news_site["story"]
    channel, items = rss_items(client, index)
    assert channel.findtext("title") == "Ajankohtaista – KunTeko-ohjelman uutiset, blogit ja tarinat"
    assert channel.findtext("link") == "http://testserver" + index.url
    assert [item.findtext("title") for item in items] == [
        "Sparrausta voi hakea ensi vuodelle",
        "Lean ei ole säästökuuri",
        "Laskut kulkevat nyt 29 tunnissa",
    ]
    last = items[2]
    assert last.findtext("link") == "http://testserver" + story.url
    assert last.findtext("guid") == story.get_full_url()  # the site's own address, whatever host was asked
    assert last.findtext("description") == story.lead
    assert {category.text for category in last.findall("category")} == {"Tarina", "Lean"}
    assert last.findtext("pubDate").startswith(story.date.strftime("%a, %d %b %Y"))


def test_atom_lists_the_same_articles_with_their_authors(client, news_site):
    response = client.get(news_site["index"].url + "syote/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Sparrausta voi hakea ensi vuodelle",
        "Lean ei ole säästökuuri",
        "Laskut kulkevat nyt 29 tunnissa",
    ]
    assert entries[1].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Leena Lean"
    assert all(entry.findtext(f"{ATOM}updated") for entry in entries)
    assert feed.findtext(f"{ATOM}subtitle").startswith("KunTeko-ohjelman uutisia")


def test_unpublished_articles_never_appear(client, news_site):
    news_site["blog"].unpublish()
    for route in ("syote/rss/", "syote/atom/"):
        body = client.get(news_site["index"].url + route).content.decode()
        assert "Luonnos uutisesta" not in body
        assert "Lean ei ole säästökuuri" not in body
        assert "Laskut kulkevat nyt 29 tunnissa" in body


def test_hostile_text_is_escaped_and_parses(client, news_site):
    make_article(
        news_site["index"],
        "<script>alert(1)</script> & ]]>",
        lead="<img src=x onerror=alert(1)>",
        author="</name><name>Hyökkääjä",
    )
    response = client.get(news_site["index"].url + "syote/rss/")
    assert b"<script>" not in response.content
    first = ElementTree.fromstring(response.content).find("channel").find("item")  # noqa: S314 - our own feed
    assert first.findtext("title") == "<script>alert(1)</script> & ]]>"
    assert first.findtext("description") == "<img src=x onerror=alert(1)>"
    atom = ElementTree.fromstring(client.get(news_site["index"].url + "syote/atom/").content)  # noqa: S314
    assert atom.find(f"{ATOM}entry").find(f"{ATOM}author").findtext(f"{ATOM}name") == "</name><name>Hyökkääjä"


def test_the_feed_holds_the_newest_articles_only(client, news_site):
    for day in range(FEED_ITEMS):
        make_article(news_site["index"], f"Uutinen {day}", days_ago=20 + day)
    _channel, items = rss_items(client, news_site["index"])
    assert len(items) == FEED_ITEMS
    assert items[0].findtext("title") == "Sparrausta voi hakea ensi vuodelle"


def test_feeds_only_answer_their_routes(client, news_site):
    assert client.get(news_site["index"].url + "syote/").status_code == 404
    assert client.get(news_site["index"].url + "syote/json/").status_code == 404


def test_an_article_counts_as_published_on_its_date():
    article = ArticlePage(date=date(2026, 3, 10))
    morning = datetime(2026, 3, 10, 9, 30, tzinfo=HELSINKI)
    article.first_published_at = morning
    assert published_moment(article) == morning  # published on its date: at that time
    article.first_published_at = morning + timedelta(days=3)
    assert published_moment(article) == datetime(2026, 3, 10, tzinfo=HELSINKI)  # dated back: at midnight
    article.first_published_at = None
    assert timezone.localtime(published_moment(article)).date() == date(2026, 3, 10)
