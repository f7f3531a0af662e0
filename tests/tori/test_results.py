"""The Tori's results elsewhere: a network page's "Tulokset", the network index's "has results" filter, the home
page's key figure and featured acts."""

import pytest
from wagtail.models import Locale, PageViewRestriction

from home.figures import key_figures
from networks.models import NetworkPage
from tests.conftest import assert_queries, queries_for
from tests.factories import make_act, make_network, make_organisation, make_tori
from tori.figures import acts_published, featured_acts
from tori.models import Sector

SUMMARY = "<p>Verkoston kunnat lyhensivät laskujen käsittelyä <b>neljäsosaan</b>.</p>"


@pytest.fixture
def tori_site(site_tree):
    home, index = site_tree
    return home, index, make_tori(home), make_organisation("Sipoon kunta")


def translate(page, language, **fields):
    """A published translation of `page` (its parents copied as aliases where they have none yet)."""
    locale = Locale.objects.get_or_create(language_code=language)[0]
    translated = page.copy_for_translation(locale, copy_parents=True, alias=False)
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    return translated.specific_class.objects.get(pk=translated.pk)


def make_private(page):
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def results_section(html):
    start = html.find('id="tulokset"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


# -- the network page's "Tulokset" ------------------------------------------------------------------------------


def test_results_show_the_networks_published_acts_only(client, tori_site):
    _home, index, tori, sipoo = tori_site
    lean = make_network(index, "Lean-verkosto")
    other = make_network(index, "Toinen verkosto")
    published = make_act(tori, sipoo, title="Laskutus kahdeksassa päivässä", network=lean, sector=Sector.FINANCE_HR)
    make_act(tori, sipoo, title="Luonnos ei näy", network=lean, live=False)
    unpublished = make_act(tori, sipoo, title="Julkaisu peruttu", network=lean)
    unpublished.unpublish()
    private = make_act(tori, sipoo, title="Yksityinen teko", network=lean)
    make_private(private)
    make_act(tori, sipoo, title="Toisen verkoston teko", network=other)

    section = results_section(client.get(lean.url).content.decode())

    assert "Tulokset" in section
    assert published.title in section and f'href="{published.url}"' in section
    assert "Sipoon kunta" in section and "Talous- ja henkilöstöhallinto" in section
    assert published.summary in section
    for absent in ("Luonnos ei näy", "Julkaisu peruttu", "Yksityinen teko", "Toisen verkoston teko"):
        assert absent not in section


def test_results_show_the_summary_without_acts_and_escape_nothing_else(client, tori_site):
    _home, index, _tori, _sipoo = tori_site
    lean = make_network(index, status=NetworkPage.Status.ENDED, results_summary=SUMMARY)

    section = results_section(client.get(lean.url).content.decode())

    assert "<b>neljäsosaan</b>" in section
    assert "Verkoston kehittämisteot" not in section


def test_no_results_section_without_acts_or_summary(client, tori_site):
    _home, index, tori, sipoo = tori_site
    lean = make_network(index)
    make_act(tori, sipoo, network=lean, live=False)  # a draft is no result yet

    response = client.get(lean.url)

    assert 'id="tulokset"' not in response.content.decode()
    assert response.context["sections"] and all("results" not in s.template for s in response.context["sections"])


def test_a_translated_network_page_shows_the_acts_of_its_finnish_original(client, tori_site):
    home, index, tori, sipoo = tori_site
    lean = make_network(index, "Lean-verkosto", results_summary=SUMMARY)
    act = make_act(tori, sipoo, title="Laskutus kahdeksassa päivässä", network=lean)
    translate(home, "sv")
    swedish = translate(lean, "sv", title="Lean-nätverket", results_summary="<p>Kommunerna förkortade …</p>")

    section = results_section(client.get(swedish.url).content.decode())

    assert swedish.url.startswith("/sv/")
    assert act.title in section
    assert 'lang="fi"' in section  # the act is in Finnish on a Swedish page
    assert f'href="/sv{act.url}"' in section  # and linked under the page's prefix, the interface staying Swedish
    assert "Kommunerna förkortade" in section and "neljäsosaan" not in section


def test_a_network_pages_queries_do_not_grow_with_its_acts(client, tori_site):
    _home, index, tori, sipoo = tori_site
    lean = make_network(index)
    for _ in range(2):
        make_act(tori, make_organisation(), network=lean)
    small = queries_for(client, lean.url)
    for _ in range(18):
        make_act(tori, make_organisation(), network=lean, sector=Sector.EARLY_CHILDHOOD)
    large = queries_for(client, lean.url)

    assert_queries(small, large=large)
    assert results_section(client.get(lean.url).content.decode()).count('class="card card--act"') == 20


# -- the network index's "has results" --------------------------------------------------------------------------


def listed(client, url):
    return {network.title for network in client.get(url).context["networks"]}


def test_the_index_filters_networks_that_have_results(client, tori_site):
    _home, index, tori, sipoo = tori_site
    with_summary = make_network(index, "Yhteenveto", results_summary=SUMMARY)
    with_act = make_network(index, "Teko")
    with_draft = make_network(index, "Luonnos")
    with_private = make_network(index, "Yksityinen")
    make_network(index, "Ei mitään")
    make_act(tori, sipoo, network=with_act)
    make_act(tori, sipoo, network=with_draft, live=False)
    make_private(make_act(tori, sipoo, network=with_private))

    assert listed(client, f"{index.url}?results=on") == {with_summary.title, with_act.title}
    assert len(listed(client, index.url)) == 5
    # Junk is ignored like the other filters: the unfiltered list, the valid filters still applied.
    assert len(listed(client, f"{index.url}?results=kaikki-ja-vahan-muuta")) == 5
    assert listed(client, f"{index.url}?results=on&status=paattynyt&kind=<script>") == set()
    response = client.get(f"{index.url}?results=on&page=2&results=%00")
    assert response.status_code == 200
    assert 'value="on"' in response.content.decode()


def test_a_translated_index_finds_results_through_the_finnish_network(client, tori_site):
    home, index, tori, sipoo = tori_site
    lean = make_network(index, "Lean-verkosto")
    latu = make_network(index, "LATU-verkosto")
    make_act(tori, sipoo, network=lean)
    translate(home, "sv")
    swedish_index = translate(index, "sv", title="Nätverk")
    translate(lean, "sv", title="Lean-nätverket")
    translate(latu, "sv", title="LATU-nätverket")

    assert listed(client, f"{swedish_index.url}?results=on") == {"Lean-nätverket"}


def test_the_has_results_filter_keeps_the_index_queries(client, tori_site):
    _home, index, tori, sipoo = tori_site
    for _ in range(2):
        make_act(tori, sipoo, network=make_network(index))
    small = queries_for(client, f"{index.url}?results=on")
    for _ in range(18):
        make_act(tori, sipoo, network=make_network(index, results_summary=SUMMARY))
    large = queries_for(client, f"{index.url}?results=on")

    assert_queries(small, large=large)
    assert client.get(f"{index.url}?results=on").context["networks"].paginator.count == 20


# -- the home page ----------------------------------------------------------------------------------------------


def test_key_figures_count_published_acts_only_and_each_once(tori_site):
    home, _index, tori, sipoo = tori_site
    counted = make_act(tori, sipoo)
    make_act(tori, sipoo)
    make_act(tori, sipoo, live=False)  # a draft (or one waiting for review)
    make_act(tori, sipoo).unpublish()
    make_private(make_act(tori, sipoo))
    assert acts_published() == 2
    assert key_figures()["acts"] == 2

    # A translated act (the Tori translated too) is two pages but one act.
    translate(home, "sv")
    translate(counted, "sv", title="Fakturering på åtta dagar")
    assert acts_published() == 2


def test_key_figures_still_count_a_translated_network_once(tori_site):
    home, index, tori, sipoo = tori_site
    lean = make_network(index, organisations=[sipoo])
    make_act(tori, sipoo, network=lean)
    translate(home, "sv")
    translate(lean, "sv", title="Lean-nätverket")
    translate(lean, "en", title="The Lean network")

    figures = key_figures()
    assert (figures["learning_networks"], figures["organisations"], figures["acts"]) == (1, 1, 1)


def test_the_home_page_shows_the_figure_and_the_newest_featured_acts(client, tori_site):
    home, _index, tori, sipoo = tori_site
    oldest, older, newer, newest = (make_act(tori, sipoo, title=f"Nosto {n}", featured=True) for n in range(4))
    make_act(tori, sipoo, title="Ei nostettu")
    make_act(tori, sipoo, title="Nostettu luonnos", featured=True, live=False)
    make_private(make_act(tori, sipoo, title="Nostettu mutta yksityinen", featured=True))

    assert featured_acts() == [newest, newer, older]
    html = client.get(home.url).content.decode()
    assert "Kehittämistekoa Tekojen Torilla" in html
    assert "Nostoja Tekojen Torilta" in html
    for act in (newest, newer, older):
        assert f'href="{act.url}"' in html
    for absent in (oldest.title, "Ei nostettu", "Nostettu luonnos", "Nostettu mutta yksityinen"):
        assert absent not in html
    assert f'href="{tori.url}"' in html


def test_the_home_page_without_featured_acts_still_links_the_tori(client, tori_site):
    home, _index, tori, sipoo = tori_site
    make_act(tori, sipoo)

    html = client.get(home.url).content.decode()

    assert "Nostoja Tekojen Torilta" not in html
    assert f'href="{tori.url}"' in html
    assert "Kehittämisteko Tekojen Torilla" in html  # one act: the singular
