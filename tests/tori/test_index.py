"""The Tori index: the published acts as cards, each filter, junk ignored, the search with and without filters,
pagination carrying the valid filters, the empty result, unpublished acts nowhere (index, search, feed, sitemap),
and the same queries at 20 and 200 acts."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.conftest import assert_queries, queries_for
from tests.factories import make_act, make_organisation, make_user
from tests.tori.public_site import build_tori_site, published
from tori.filters import ActFilterForm, search_terms
from tori.models import ActPage, Interest, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def tori_site(site_tree):
    return build_tori_site(site_tree)


INDEX_QUERIES = 23  # the index with a page of acts, at every size (tests.conftest.assert_queries)


def titles(client, tori, **params):
    response = client.get(tori.url + ("?" + urlencode(params) if params else ""))
    assert response.status_code == 200
    return [act.title for act in response.context["acts"]]


def test_the_index_lists_published_acts_newest_first_as_cards(client, tori_site):
    tori, invoices = tori_site["tori"], tori_site["invoices"]
    Interest.objects.create(act=invoices, user=make_user())
    response = client.get(tori.url)
    html = response.content.decode()
    assert titles(client, tori) == ["Päiväkodin aamut rauhoittuivat", "Ostolaskujen käsittely nopeutui"]
    assert "Luonnos laskuista" not in html
    assert "Sipoon kunta (Uusimaa)" in html
    assert "Talous- ja henkilöstöhallinto" in html  # the sector badge
    assert "Laskujen kierto lyheni 120 tunnista 29 tuntiin." in html
    assert "1 henkilö" in html  # Kiinnostaa
    assert f'href="{invoices.url}"' in html
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert invoices.contact_email not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "varhaiskasvatus"}, ["Päiväkodin aamut rauhoittuivat"]),
        ({"sector": "talous"}, ["Ostolaskujen käsittely nopeutui"]),
        ({"theme": "lean"}, ["Ostolaskujen käsittely nopeutui"]),
        ({"region": "Pirkanmaa"}, ["Päiväkodin aamut rauhoittuivat"]),
        ({"kind": "kaupunki"}, ["Päiväkodin aamut rauhoittuivat"]),
        ({"kind": "kunta"}, ["Ostolaskujen käsittely nopeutui"]),
        ({"network": "NETWORK"}, ["Ostolaskujen käsittely nopeutui"]),
        ({"sector": "talous", "region": "Pirkanmaa"}, []),
    ],
)
def test_each_filter(client, tori_site, params, expected):
    tori_site["lean"].slug = "lean"
    tori_site["lean"].save()
    params = {name: tori_site["network"].slug if value == "NETWORK" else value for name, value in params.items()}
    assert titles(client, tori_site["tori"], **params) == expected


def test_junk_values_are_ignored_and_the_valid_filters_still_apply(client, tori_site):
    tori = tori_site["tori"]
    everything = titles(client, tori)
    junk = {"sector": "ei-ole", "theme": "<script>", "region": "Ahvenanmaa", "kind": "kumppani", "network": "x" * 300}
    assert titles(client, tori, **junk) == everything
    response = client.get(tori.url + "?" + urlencode({**junk, "sector": "varhaiskasvatus", "page": "abc"}))
    assert response.status_code == 200
    assert [act.title for act in response.context["acts"]] == ["Päiväkodin aamut rauhoittuivat"]
    assert response.context["querystring_without_page"] == "sector=varhaiskasvatus"
    assert "Tuntematon valinta jätettiin huomiotta." in response.content.decode()
    for value in ["%00", "'; DROP TABLE x", '" NEAR( * <script>', "x" * 500]:
        assert client.get(tori.url + "?q=" + value).status_code == 200


def test_search_finds_by_words_and_combines_with_filters(client, tori_site):
    tori = tori_site["tori"]
    # SQLite's FTS5 in the embedded default: whole words, no stemming (PostgreSQL stems: tests/integration).
    assert titles(client, tori, q="mittarina") == ["Päiväkodin aamut rauhoittuivat"]
    assert titles(client, tori, q="Sipoon") == ["Ostolaskujen käsittely nopeutui"]  # the organisation's name
    assert titles(client, tori, q="lyheni") == ["Ostolaskujen käsittely nopeutui"]
    assert titles(client, tori, q="lyheni", sector="varhaiskasvatus") == []
    assert titles(client, tori, q="mittarina", sector="varhaiskasvatus", region="Pirkanmaa") == [
        "Päiväkodin aamut rauhoittuivat"
    ]
    assert titles(client, tori, q="mittarina", theme="ei-teemaa") == ["Päiväkodin aamut rauhoittuivat"]
    assert titles(client, tori, q="laskuista") == []  # the draft's title
    response = client.get(tori.url + "?q=zzzyyy")
    assert "Haulla ja valituilla suodattimilla ei löytynyt yhtään kehittämistekoa." in response.content.decode()


def test_search_terms_are_words_only():
    assert search_terms('" NEAR( * <script>') == "NEAR script"
    assert search_terms("laskujen -kierto") == "laskujen kierto"


def test_empty_tori_says_so(client, site_tree):
    from tests.factories import make_tori

    home, _index = site_tree
    tori = make_tori(home)
    response = client.get(tori.url)
    assert "Kehittämistekoja ei ole vielä julkaistu." in response.content.decode()


def test_pagination_carries_the_valid_filters(client, tori_site):
    tori, sipoo = tori_site["tori"], tori_site["sipoo"]
    for n in range(ActPage.objects.first().get_parent().specific.acts_per_page + 1):
        make_act(tori, sipoo, title=f"Lisäteko {n}", first_published_at=published(10 + n))
    response = client.get(tori.url + "?sector=talous&theme=zzz")
    html = response.content.decode()
    assert response.context["acts"].paginator.num_pages == 2
    assert 'href="?sector=talous&amp;page=2"' in html
    assert "theme=zzz" not in html.split('class="pagination"')[1]


def test_filter_form_offers_only_what_published_acts_have(tori_site):
    form = ActFilterForm({}, acts=tori_site["tori"].acts())
    assert [choice[0] for choice in form.fields["region"].choices] == ["", "Pirkanmaa", "Uusimaa"]
    make_act(tori_site["tori"], make_organisation("Oulun kaupunki", region="Pohjois-Pohjanmaa"), live=False)
    form = ActFilterForm({}, acts=tori_site["tori"].acts())
    assert "Pohjois-Pohjanmaa" not in dict(form.fields["region"].choices)
    assert list(form.fields["network"].queryset) == [tori_site["network"]]


def test_unpublished_acts_are_404_and_absent_from_sitemap_and_search(client, tori_site):
    draft, invoices = tori_site["draft"], tori_site["invoices"]
    assert client.get(f"{tori_site['tori'].url}{draft.slug}/").status_code == 404
    sitemap = client.get("/sitemap.xml").content.decode()
    assert invoices.slug in sitemap
    assert draft.slug not in sitemap
    assert "Luonnos laskuista" not in client.get("/haku/?q=laskuista").content.decode()

    invoices.unpublish()
    assert client.get(invoices.url or f"{tori_site['tori'].url}{invoices.slug}/").status_code == 404
    assert titles(client, tori_site["tori"]) == ["Päiväkodin aamut rauhoittuivat"]
    assert titles(client, tori_site["tori"], q="lyheni") == []
    assert invoices.slug not in client.get("/sitemap.xml").content.decode()


def test_a_translated_tori_lists_the_finnish_acts(client, tori_site):
    from wagtail.models import Locale

    tori = tori_site["tori"]
    home_sv = tori_site["home"].copy_for_translation(Locale.objects.get_or_create(language_code="sv")[0])
    home_sv.save_revision().publish()
    tori_sv = tori.copy_for_translation(Locale.objects.get(language_code="sv"))
    tori_sv.save_revision().publish()
    assert [act.pk for act in tori_sv.specific.acts()] == [tori_site["daycare"].pk, tori_site["invoices"].pk]


def grow(tori_site, count):
    organisation = tori_site["sipoo"]
    for n in range(count - ActPage.objects.live().count()):
        act = make_act(
            tori_site["tori"],
            organisation,
            title=f"Teko {n}",
            sector=Sector.FINANCE_HR if n % 2 else Sector.EDUCATION,
            themes=[tori_site["lean"]],
            first_published_at=published(5 + n % 30),
        )
        Interest.objects.create(act=act, user=make_user())


def test_index_queries_do_not_grow_with_the_acts(tori_site):
    client = Client()
    tori = tori_site["tori"]
    urls = {
        "plain": tori.url,
        "filtered": tori.url + f"?sector=talous&theme={tori_site['lean'].slug}&region=Uusimaa&kind=kunta",
        "searched": tori.url + "?q=laskujen&sector=talous",
    }
    measured = {}
    for size in (20, 200):
        grow(tori_site, size)
        for name, url in urls.items():
            measured[f"{name} {size}"] = queries_for(client, url)
    assert_queries(INDEX_QUERIES, **{k: v for k, v in measured.items() if k.startswith("plain")})
    # The theme's slug is looked up once more; the search is inside the count and the page's query.
    assert_queries(INDEX_QUERIES + 1, **{k: v for k, v in measured.items() if k.startswith("filtered")})
    assert_queries(INDEX_QUERIES, **{k: v for k, v in measured.items() if k.startswith("searched")})
