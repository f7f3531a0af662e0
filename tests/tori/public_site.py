"""The data of the public Tori's tests (tests/tori/test_index.py, test_feed.py, test_interest.py, test_toplists.py):
a Tori whose acts differ in every filter. Each module has its `tori_site` fixture from `build_tori_site`."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from networks.models import Organisation
from tests.factories import make_act, make_network, make_organisation, make_theme, make_tori
from tori.models import Sector


def empty_cache():
    """Rate limits live in the cache: each test starts without earlier attempts."""
    cache.clear()


def published(days_ago):
    return timezone.now() - timedelta(days=days_ago)


def build_tori_site(site_tree):
    """A Tori with acts that differ in every filter: a dict of the pieces by name."""
    empty_cache()
    home, index = site_tree
    tori = make_tori(home)
    sipoo = make_organisation("Sipoon kunta", region="Uusimaa")
    tampere = make_organisation("Tampereen kaupunki", kind=Organisation.Kind.CITY, region="Pirkanmaa")
    lean = make_theme("Lean")
    latu = make_theme("LATU")
    network = make_network(index, "Lean-verkosto")
    invoices = make_act(
        tori,
        sipoo,
        title="Ostolaskujen käsittely nopeutui",
        sector=Sector.FINANCE_HR,
        themes=[lean],
        network=network,
        summary="Laskujen kierto lyheni 120 tunnista 29 tuntiin.",
        first_published_at=published(3),
    )
    daycare = make_act(
        tori,
        tampere,
        title="Päiväkodin aamut rauhoittuivat",
        sector=Sector.EARLY_CHILDHOOD,
        themes=[latu],
        summary="Työhyvinvointia seurattiin mittarina kolmen kysymyksen pulssilla.",
        result="Esihenkilöiden jaksaminen parani.",
        first_published_at=published(2),
    )
    draft = make_act(tori, sipoo, title="Luonnos laskuista", live=False, sector=Sector.FINANCE_HR, themes=[lean])
    return {
        "home": home,
        "tori": tori,
        "sipoo": sipoo,
        "tampere": tampere,
        "lean": lean,
        "latu": latu,
        "network": network,
        "invoices": invoices,
        "daycare": daycare,
        "draft": draft,
    }
