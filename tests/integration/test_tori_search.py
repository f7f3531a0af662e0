"""The Tori index's search on PostgreSQL (production settings): Wagtail's database backend with the `finnish`
configuration stems words, so an inflected form finds the act; filters run inside the same query; a draft is never
found. tests/tori/test_index.py covers the rest on SQLite."""

from urllib.parse import quote

import pytest

from tests.integration.conftest import manage
from tests.integration.test_discussion_search import last_json
from tests.integration.test_rsvp_concurrency import request

pytestmark = pytest.mark.integration

# Run in `manage.py shell` against the test database: a Tori (the demo's, or a new one) with three acts tagged with
# a unique word, one a draft; the index updates run here (production queues them for the worker); then the searches.
SEARCH = """
from modelsearch.index import insert_or_update_object
from home.models import HomePage
from networks.models import Organisation
from tests.factories import make_act, make_organisation, make_tori
from tori.filters import ActFilterForm, find_acts
from tori.models import Sector, ToriIndexPage

tag = {tag!r}
home = HomePage.objects.get(locale__language_code="fi")
tori = ToriIndexPage.objects.filter(locale__language_code="fi").first() or make_tori(home)
sipoo = make_organisation("Haku " + tag, region="Uusimaa")
oulu = make_organisation("Haku2 " + tag, kind=Organisation.Kind.CITY, region="Pohjois-Pohjanmaa")
ids = {{}}
ids["invoices"] = make_act(tori, sipoo, title="Ostolaskujen käsittely " + tag, sector=Sector.FINANCE_HR,
    summary="Laskujen kierto lyheni 120 tunnista 29 tuntiin.", actions="Prosessi kuvattiin seinälle yhdessä.").pk
ids["wellbeing"] = make_act(tori, oulu, title="Pulssi " + tag, sector=Sector.EARLY_CHILDHOOD,
    summary="Työhyvinvointia seurataan mittarina.", result="Esihenkilöiden jaksaminen parani.",
    problem="Aamut olivat kiireisiä.", actions="Henkilöstö sopi yhteiset aamurutiinit.",
    how_to_copy="Aloita kysymällä henkilöstöltä.").pk
ids["draft"] = make_act(tori, sipoo, title="Luonnos laskuista " + tag, live=False).pk
from tori.models import ActPage
for act in ActPage.objects.filter(pk__in=ids.values()):
    insert_or_update_object(act)

found = {{}}
for name, params in {{
    "lasku": {{"q": "lasku"}},
    "laskut": {{"q": "laskut"}},
    "laskuista": {{"q": "laskuista"}},
    "käsittelyä": {{"q": "käsittelyä"}},
    "työhyvinvointi": {{"q": "työhyvinvointi"}},
    "mittareita": {{"q": "mittareita"}},
    "esihenkilöt": {{"q": "esihenkilöt"}},
    "lasku, early childhood": {{"q": "lasku", "sector": "varhaiskasvatus"}},
    "mittareita, city in Pohjois-Pohjanmaa": {{"q": "mittareita", "kind": "kaupunki", "region": "Pohjois-Pohjanmaa"}},
    "hostile": {{"q": '" NEAR( * <script>'}},
}}.items():
    params = {{**params, "q": params["q"] + " " + tag}}
    form = ActFilterForm(params, acts=tori.acts())
    found[name] = [act.pk for act in find_acts(tori.acts(), form)]
import json
print(json.dumps({{"ids": ids, "found": found, "url": tori.url}}))
"""


@pytest.fixture(scope="module")
def searched(production_env):
    import uuid

    tag = f"tori{uuid.uuid4().hex[:8]}"
    return tag, last_json(manage(production_env, "shell", "-c", SEARCH.format(tag=tag)))


def test_finnish_stemming_finds_inflected_forms(searched):
    _tag, result = searched
    ids, found = result["ids"], result["found"]
    assert found["lasku"] == [ids["invoices"]], "lasku finds laskujen"
    assert found["laskut"] == [ids["invoices"]]
    assert found["laskuista"] == [ids["invoices"]]
    assert found["käsittelyä"] == [ids["invoices"]], "käsittelyä finds käsittely"
    assert found["työhyvinvointi"] == [ids["wellbeing"]], "työhyvinvointi finds työhyvinvointia"
    assert found["mittareita"] == [ids["wellbeing"]], "mittareita finds mittarina"
    assert found["esihenkilöt"] == [ids["wellbeing"]], "esihenkilöt finds esihenkilöiden"


def test_filters_and_search_together_and_never_a_draft(searched):
    _tag, result = searched
    ids, found = result["ids"], result["found"]
    assert found["lasku, early childhood"] == []
    assert found["mittareita, city in Pohjois-Pohjanmaa"] == [ids["wellbeing"]]
    assert found["hostile"] == []
    everything = {pk for pks in found.values() for pk in pks}
    assert ids["draft"] not in everything


def test_the_page_answers(searched, two_servers):
    tag, result = searched
    status, _headers, body = request(two_servers[0], "GET", result["url"] + "?q=" + quote(f"laskut {tag}"), {})
    assert status == 200, body[:500]
    assert f"Ostolaskujen käsittely {tag}" in body
    assert "Luonnos laskuista" not in body
    status, _headers, body = request(two_servers[1], "GET", result["url"] + "syote/rss/", {})
    assert status == 200
    assert tag in body
