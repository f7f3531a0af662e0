import pytest

from networks.models import NetworkPage, Organisation
from tests.factories import make_network, make_organisation, make_theme


@pytest.fixture
def networks(site_tree):
    _home, index = site_tree
    lean, latu = make_theme("Lean"), make_theme("LATU")
    keva = make_organisation("Keva", kind=Organisation.Kind.PARTNER)
    return index, {
        "lean": make_network(
            index, "Lean-verkosto", kind=NetworkPage.Kind.LEARNING, theme=lean, status=NetworkPage.Status.OPEN
        ),
        "latu": make_network(
            index, "LATU-verkosto", kind=NetworkPage.Kind.LEARNING, theme=latu, status=NetworkPage.Status.RUNNING
        ),
        "keva": make_network(
            index,
            "Esimiestyö muutoksessa",
            kind=NetworkPage.Kind.LEARNING,
            partner=keva,
            status=NetworkPage.Status.ENDED,
        ),
        "rikastajat": make_network(
            index, "Työn rikastajat", kind=NetworkPage.Kind.DEVELOPMENT, status=NetworkPage.Status.RUNNING
        ),
        # The third kind: an internal developers' training (services).
        "kemi": make_network(
            index, "Kemin sisäiset kehittäjät", kind=NetworkPage.Kind.TRAINING, status=NetworkPage.Status.ENDED
        ),
    }


def listed_titles(response):
    return {network.title for network in response.context["networks"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"lean", "latu", "keva", "rikastajat", "kemi"}),
        ({"kind": "kehittamis"}, {"rikastajat"}),
        ({"kind": "oppimis"}, {"lean", "latu", "keva"}),
        ({"kind": "koulutus"}, {"kemi"}),
        ({"status": "kaynnissa"}, {"latu", "rikastajat"}),
        ({"status": "haku", "kind": "oppimis"}, {"lean"}),
        ({"status": "paattynyt", "kind": "koulutus"}, {"kemi"}),
    ],
)
def test_filters(client, networks, query, expected):
    index, pages = networks
    response = client.get(index.url, query)
    assert response.status_code == 200
    assert listed_titles(response) == {pages[key].title for key in expected}


def test_filter_by_theme_slug_and_partner(client, networks):
    index, pages = networks
    assert listed_titles(client.get(index.url, {"theme": pages["lean"].theme.slug})) == {"Lean-verkosto"}
    partner = pages["keva"].partner
    assert listed_titles(client.get(index.url, {"partner": partner.pk})) == {"Esimiestyö muutoksessa"}


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "tuntematon"},
        {"theme": "ei-ole"},
        {"status": "'; DROP TABLE x; --"},
        {"partner": "abc"},
        {"partner": "999999"},
        {"page": "x"},
        {"page": "9999"},
    ],
)
def test_unknown_filter_values_are_ignored(client, networks, query):
    index, pages = networks
    response = client.get(index.url, query)
    assert response.status_code == 200
    assert listed_titles(response) == {page.title for page in pages.values()}


def test_an_unknown_value_does_not_cancel_a_valid_filter(client, networks):
    index, _pages = networks
    response = client.get(index.url, {"kind": "kehittamis", "status": "bogus"})
    assert listed_titles(response) == {"Työn rikastajat"}


def test_works_without_javascript_the_filter_form_is_a_plain_get_form(client, networks):
    index, _pages = networks
    content = client.get(index.url).content.decode()
    assert 'method="get"' in content.lower()
    assert 'name="kind"' in content and 'name="theme"' in content
    assert 'name="status"' in content and 'name="partner"' in content


def test_drafts_and_private_networks_are_not_listed(client, networks):
    index, pages = networks
    pages["lean"].unpublish()
    response = client.get(index.url)
    assert "Lean-verkosto" not in listed_titles(response)


def test_pagination_keeps_the_filters(client, site_tree):
    _home, index = site_tree
    for _ in range(index.networks_per_page + 2):
        make_network(index, kind=NetworkPage.Kind.DEVELOPMENT)
    make_network(index, kind=NetworkPage.Kind.LEARNING)
    response = client.get(index.url, {"kind": "kehittamis"})
    assert response.context["networks"].paginator.count == index.networks_per_page + 2
    assert "kind=kehittamis&amp;page=2" in response.content.decode()
    second = client.get(index.url, {"kind": "kehittamis", "page": 2})
    assert len(second.context["networks"]) == 2
