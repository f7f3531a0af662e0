"""axe in real Chromium finds no serious or critical violation on any page type."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from networks.models import NetworkIndexPage, NetworkPage
from workshops.models import WorkshopPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def scan(page, failures, name):
    """Records the page's serious violations under `name` in `failures` (so one test reports every page)."""
    violations = serious_violations(page)
    if violations:
        failures[name] = violations


def test_every_page_type_passes_axe(live_server, demo_site, page):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="lean")
    workshop = WorkshopPage.objects.live().child_of(network).first()
    index = NetworkIndexPage.objects.get(locale__language_code="fi")
    paths = {
        "home": "/",
        "network index": index.url,
        "network index, filtered": index.url + "?kind=oppimis&status=kaynnissa",
        "network": network.url,
        "workshop": workshop.url,
        "standard page": "/saavutettavuusseloste/",
        "search results": "/haku/?q=lean",
        "search, nothing found": "/haku/?q=zzzzyyyy",
        "not found": "/ei-tallaista-sivua/",
        "home in Swedish": "/sv/",
        "network index in Swedish": "/sv/verkostot/",
        "network in English": "/en/verkostot/lean/",
        "only in Finnish, under /sv/": "/sv/verkostot/tuju/",
    }
    failures = {}
    for name, path in paths.items():
        page.goto(live_server.url + path)
        violations = serious_violations(page)
        if violations:
            failures[name] = violations
    assert not failures, failures


def test_pages_work_on_a_phone_at_200_percent_zoom(live_server, demo_site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, device_scale_factor=2)
    phone = context.new_page()
    try:
        for path in ("/", "/verkostot/", "/verkostot/lean/"):
            phone.goto(live_server.url + path)
            overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    finally:
        context.close()


def test_keyboard_user_reaches_main_content_through_the_skip_link(live_server, demo_site, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
