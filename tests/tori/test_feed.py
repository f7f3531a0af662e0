"""The Tori's RSS 2.0 and Atom feeds, parsed back: the newest published acts, never a draft or an unpublished act,
hostile text escaped by the feed generator."""

from xml.etree import ElementTree

import pytest

from tests.factories import make_act
from tests.tori.public_site import build_tori_site, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def tori_site(site_tree):
    return build_tori_site(site_tree)


ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss_lists_the_published_acts_newest_first(client, tori_site):
    tori = tori_site["tori"]
    response = client.get(tori.url + "syote/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")  # noqa: S314 - our own feed
    assert channel.findtext("link") == "http://testserver" + tori.url
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Päiväkodin aamut rauhoittuivat",
        "Ostolaskujen käsittely nopeutui",
    ]
    daycare = items[0]
    assert daycare.findtext("link") == "http://testserver" + tori_site["daycare"].url
    assert daycare.findtext("description") == tori_site["daycare"].summary
    assert daycare.findtext("pubDate")
    assert {category.text for category in daycare.findall("category")} == {"Varhaiskasvatus", "LATU"}
    assert tori_site["daycare"].contact_email not in response.content.decode()


def test_atom_lists_the_same_acts(client, tori_site):
    response = client.get(tori_site["tori"].url + "syote/atom/")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Päiväkodin aamut rauhoittuivat",
        "Ostolaskujen käsittely nopeutui",
    ]
    assert entries[1].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Sipoon kunta"
    assert entries[1].findtext(f"{ATOM}updated")


def test_unpublished_acts_never_appear(client, tori_site):
    tori_site["invoices"].unpublish()
    for route in ("syote/rss/", "syote/atom/"):
        body = client.get(tori_site["tori"].url + route).content.decode()
        assert "Luonnos laskuista" not in body
        assert "Ostolaskujen käsittely nopeutui" not in body
        assert "Päiväkodin aamut rauhoittuivat" in body


def test_hostile_text_is_escaped_and_parses(client, tori_site):
    make_act(
        tori_site["tori"],
        tori_site["sipoo"],
        title="<script>alert(1)</script> & ]]>",
        summary="<img src=x onerror=alert(1)>",
        first_published_at=published(0),
    )
    response = client.get(tori_site["tori"].url + "syote/rss/")
    assert b"<script>" not in response.content
    first = ElementTree.fromstring(response.content).find("channel").find("item")  # noqa: S314 - our own feed
    assert first.findtext("title") == "<script>alert(1)</script> & ]]>"
    assert first.findtext("description") == "<img src=x onerror=alert(1)>"


def test_feeds_only_answer_their_routes(client, tori_site):
    assert client.get(tori_site["tori"].url + "syote/").status_code == 404
    assert client.get(tori_site["tori"].url + "syote/json/").status_code == 404
