"""Every public page describes itself to search engines: its search description, else its summary or intro as
plain text (issue 14: network and workshop pages had none)."""

import re

import pytest

from networks.models import NetworkPage
from tests.factories import make_network, make_workshop

pytestmark = pytest.mark.django_db


def description(html):
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) == 1, found
    return found[0]


def test_a_network_and_a_workshop_are_described_by_their_summaries(client, site_tree):
    _home, index = site_tree
    network = make_network(index, "Lean-verkosto", summary="Lean-menetelmin <b>sujuvammat</b> prosessit kuntiin.")
    workshop = make_workshop(network, summary="<p>Arvovirtakuvaus ja <em>hukan</em> tunnistaminen.</p>")
    assert description(client.get(network.url).content.decode()) == "Lean-menetelmin sujuvammat prosessit kuntiin."
    assert description(client.get(workshop.url).content.decode()) == "Arvovirtakuvaus ja hukan tunnistaminen."


def test_a_search_description_wins_and_a_hostile_one_stays_text(client, site_tree):
    _home, index = site_tree
    network = make_network(index, summary="Tiivistelmä")
    NetworkPage.objects.filter(pk=network.pk).update(search_description='Kuvaus "><script>alert(1)</script>')
    # Tags are dropped, the rest escaped: nothing leaves the attribute.
    assert description(client.get(network.url).content.decode()) == "Kuvaus &quot;&gt;alert(1)"
