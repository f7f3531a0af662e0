"""Queries per page do not grow with the data: measured at one size and at ten times that size."""

import pytest

from tests.conftest import assert_queries, queries_for
from tests.factories import make_act, make_network, make_organisation, make_tori, make_workshop
from tests.news.news_site import make_article, make_news_index
from workshops.models import WorkshopPage

# Queries pinned at both data sizes (tests.conftest.assert_queries). The home page's key figures (home.figures) are
# four more than before issue 16: the networks by kind and the contacts with the members (one query less than
# networks, organisations and members apart), the organisations with sparring's (its own programme networks'
# view restrictions query), the workshop participants (two: PageQuerySet.public()'s and the count) and the
# sparring days with their headcounts. Issue 17 added the latest articles on the home page: three (the articles, their
# themes, the news index), and the newsletter's subscribers: one.
QUERIES = {"home": 31, "index": 20, "network": 23, "workshop": 19}


def grow(index, tori, network, networks, organisations_per_network, workshops_per_network, news=None):
    """Adds networks with organisations, workshops and published acts (some featured on the home page), and fills
    `network` to the same size (with as many acts as workshops: 2, then 20); as many articles as networks."""
    for _ in range(networks):
        if news is not None:
            make_article(news, networks=[network])
        organisations = [make_organisation() for _ in range(organisations_per_network)]
        other = make_network(index, organisations=organisations)
        for day in range(workshops_per_network):
            make_workshop(other, days_from_now=day * 7 - 14)
        make_act(tori, organisations[0], network=other, featured=True)
    organisations = [make_organisation() for _ in range(organisations_per_network)]
    network.organisations.add(*organisations)
    for day in range(workshops_per_network):
        make_workshop(network, days_from_now=day * 7 - 14)
        make_act(tori, organisations[day % len(organisations)], network=network, featured=day % 2 == 0)


@pytest.mark.parametrize("page", ["home", "index", "network", "workshop"])
def test_queries_stay_constant_when_data_grows_tenfold(client, site_tree, page):
    home, index = site_tree
    tori = make_tori(home)
    news = make_news_index(home)
    network = make_network(index)
    grow(index, tori, network, networks=2, organisations_per_network=2, workshops_per_network=2, news=news)
    workshop = WorkshopPage.objects.child_of(network).first()
    url = {"home": home.url, "index": index.url, "network": network.url, "workshop": workshop.url}[page]
    small = queries_for(client, url)

    grow(index, tori, network, networks=18, organisations_per_network=18, workshops_per_network=18, news=news)
    large = queries_for(client, url)

    assert_queries(QUERIES[page], small=small, large=large)
