"""axe in real Chromium finds no serious or critical violation on the public Tori: the index (plain, filtered,
searched, empty), an act page (anonymous, signed in, with a refused message), and a TOP list's page."""

import pytest
from django.utils import timezone
from wagtail.models import Page

from home.models import HomePage
from networks.models import NetworkPage, Organisation
from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import make_act, make_organisation, make_theme, make_tori, make_user
from tori.models import ActFigure, Sector, TopList, TopListItem, ToriIndexPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tori_with_acts():
    """The demo's Tori (or a new one) with a few acts of our own and a TOP list."""
    home = HomePage.objects.get(locale__language_code="fi")
    tori = ToriIndexPage.objects.filter(locale__language_code="fi").first() or make_tori(home)
    sipoo = Organisation.objects.filter(name="Sipoon kunta").first() or make_organisation(
        "Sipoon kunta", region="Uusimaa"
    )
    tampere = make_organisation("Saavutettavuuskaupunki", kind=Organisation.Kind.CITY, region="Pirkanmaa")
    theme = make_theme("Saavutettava lean")
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="lean")
    acts = [
        make_act(
            tori,
            sipoo,
            title="Ostolaskujen käsittely nopeutui",
            sector=Sector.FINANCE_HR,
            themes=[theme],
            network=network,
            first_published_at=timezone.now(),
        ),
        make_act(
            tori,
            tampere,
            title="Päiväkodin aamut rauhoittuivat",
            sector=Sector.EARLY_CHILDHOOD,
            first_published_at=timezone.now(),
        ),
    ]
    ActFigure.objects.create(page=acts[0], label="Laskun käsittelyaika", before="120 h", after="29 h")
    top_list = TopList.objects.create(title="Talouden TOP12", slug="talouden-top12", sector=Sector.FINANCE_HR)
    TopListItem.objects.create(top_list=top_list, act=acts[0], sort_order=0)
    return Page.objects.get(pk=tori.pk).specific, acts, theme


def test_the_public_tori_passes_axe(live_server, demo_site, page):
    tori, acts, theme = tori_with_acts()
    act = acts[0]
    failures = {}
    anonymous = {
        "Tori index": tori.url,
        "Tori index, filtered": tori.url + f"?sector=talous&theme={theme.slug}&region=Uusimaa&kind=kunta",
        "Tori index, searched": tori.url + "?q=Ostolaskujen",
        "Tori index, nothing found": tori.url + "?q=zzzyyy&sector=pelastus",
        "Tori index, junk filters": tori.url + "?sector=x&theme=y&network=z",
        "act page, anonymous": act.url,
        "TOP list": tori.url + "top/talouden-top12/",
    }
    for name, path in anonymous.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        scan(page, failures, name)

    sign_in(page, live_server, make_user("kokeilija@example.fi", first_name="Kaisa", last_name="Kokeilija"))
    page.goto(live_server.url + act.url)
    scan(page, failures, "act page, signed in")
    page.get_by_role("button", name="Kiinnostaa").click()
    page.wait_for_load_state()
    assert "Kiitos! Kerroit" in page.content()
    scan(page, failures, "act page, after Kiinnostaa")
    page.get_by_role("button", name="Lähetä viesti").click()  # empty: refused next to the field
    page.wait_for_load_state()
    assert "Kirjoita viesti." in page.content()
    scan(page, failures, "act page, message refused")
    assert not failures, failures
