"""Phone first (issue 13): at 320 px no page scrolls sideways (WCAG 1.4.10 reflow), signed out, as a member
and as a facilitator; at 375 × 667 the page's heading is on the first screen, the header's menu is a
disclosure that opens with the keyboard and without JavaScript, the member space's tabs scroll inside their
own row, the tables are lists, and a room keeps its composer and newest message on screen. At 1280 px the
header's tools show without the menu button.

The pages are the demo content's (the facilitator and a member of "latu"), with a room of messages and a
task added: `phone_site` builds them, and tests/browser/screenshots.py photographs the same pages.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from discussions import actions
from networks.models import Membership, NetworkIndexPage, NetworkPage
from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import ensure_wagtail_root
from workshops.models import Task, WorkshopPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACILITATOR = "fasilitaattori@demo.verkostamo.fi"
MEMBER = "mikko.tyrnava@demo.verkostamo.fi"
STAFF = "ohjelmatoimisto@demo.verkostamo.fi"
PHONE = {"width": 375, "height": 667}
NARROWEST = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}

MESSAGES = [
    ("fasilitaattori", "Tervetuloa verkoston keskusteluun! **Esittäytykää** lyhyesti: nimi ja organisaatio."),
    ("mikko.tyrnava", "Hei, olen Mikko Tyrnävältä. Meillä kokeillaan nyt joustavaa työaikaa kotihoidossa."),
    ("fasilitaattori", "Kiitos Mikko! Kerrotko seuraavassa työpajassa, miten kokeilu on lähtenyt käyntiin?"),
    ("mikko.tyrnava", "Kerron mielelläni. Tuon mukaan myös kyselyn tulokset, jos ne ehtivät valmistua."),
    ("fasilitaattori", "Hyvä. Muistakaa välitehtävä ennen seuraavaa kertaa: yksi kokeilu omassa työyhteisössä."),
]


def phone_site():
    """Adds a room with messages and a task to the demo content; returns the pages' paths by kind."""
    from django.contrib.auth import get_user_model

    User = get_user_model()  # noqa: N806
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
    facilitator = User.objects.get(email=FACILITATOR)
    member = User.objects.get(email=MEMBER)
    room = actions.ensure_general_room(network)
    authors = {"fasilitaattori": facilitator, "mikko.tyrnava": member}
    for number, (author, body) in enumerate(MESSAGES):
        actions.create_message(room, authors[author], body, f"phone-{number}")
    workshop = WorkshopPage.objects.live().child_of(network).first()
    # A task each member answers, so its answers page has the table of members.
    task = Task.objects.filter(
        workshop__in=WorkshopPage.objects.child_of(network), answered_by=Task.AnsweredBy.PERSON
    ).first() or Task.objects.create(workshop=workshop, title="Kokeilun kuvaus", instructions="Kuvatkaa kokeilu.")
    slug = network.slug
    public = {
        "home": "/",
        "network-index": NetworkIndexPage.objects.get(locale__language_code="fi").url,
        "network-index-filtered": NetworkIndexPage.objects.get(locale__language_code="fi").url
        + "?kind=oppimis&status=kaynnissa",
        "network": network.url,
        "workshop": workshop.url,
        "standard-page": "/saavutettavuusseloste/",
        "search": "/haku/?q=lean",
        "not-found": "/ei-tallaista-sivua/",
        "login": "/tili/login/",
        "signup": "/tili/signup/",
    }
    member_pages = {
        "start": reverse("start"),
        "profile": reverse("account_profile"),
        "space": reverse("space", args=[slug]),
        "space-workshops": reverse("space-workshops", args=[slug]),
        "space-workshop": reverse("space-workshop", args=[slug, workshop.pk]),
        "directory": reverse("space-directory", args=[slug]),
        "materials": reverse("space-materials", args=[slug]),
        "rooms": reverse("discussion", args=[slug]),
        "room": reverse("discussion-room", args=[slug, room.pk]),
        "discussion-search": reverse("discussion-search", args=[slug]) + "?q=kokeilu",
        "task": reverse("task", args=[slug, task.pk]),
    }
    facilitator_pages = {
        "members": reverse("manage-members", args=[slug]),
        "invitations": reverse("manage-invitations", args=[slug]),
        "join-requests": reverse("manage-join-requests", args=[slug]),
        "answers": reverse("task-answers", args=[slug, task.pk]),
        "attendance": reverse("workshop-attendance", args=[slug, workshop.pk]),
        "figures": reverse("network-figures", args=[slug]),
        "remove-confirmation": reverse(
            "manage-remove", args=[slug, Membership.objects.active().get(network=network, user=member).pk]
        ),
        "reminder-confirmation": reverse("task-remind", args=[slug, task.pk]),
    }
    return {
        "public": public,
        "member": member_pages,
        "facilitator": {**member_pages, **facilitator_pages},
        "staff": {"office-join-requests": reverse("office-join-requests"), "start": reverse("start")},
        "users": {"member": member, "facilitator": facilitator, "staff": User.objects.get(email=STAFF)},
    }


def load_phone_site():
    """The demo content with its accounts, and phone_site's additions, in a thread of its own: Playwright's
    event loop runs in the test's thread, where the discussion's events could not be sent."""

    def load():
        try:
            ensure_wagtail_root()
            call_command("load_demo_content", with_users=True, verbosity=0)
            return phone_site()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(load).result()


@pytest.fixture
def site(transactional_db):
    return load_phone_site()


def new_page(browser, viewport, live_server, user=None, **options):
    context = browser.new_context(viewport=viewport, locale="fi-FI", **options)
    page = context.new_page()
    if user is not None:
        sign_in(page, live_server, user)
    return page


def sideways(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_no_page_scrolls_sideways_at_320_px(live_server, browser, site):
    failures = {}
    for who, paths in (
        ("signed out", site["public"]),
        ("member", site["member"]),
        ("facilitator", site["facilitator"]),
    ):
        page = new_page(browser, NARROWEST, live_server, site["users"].get(who))
        try:
            for name, path in paths.items():
                page.goto(live_server.url + path)
                overflow = sideways(page)
                if overflow > 0:
                    failures[f"{who}: {name}"] = f"{path} scrolls sideways by {overflow}px"
                # With the menu open too: its forms and links must fit as well.
                page.locator("summary.site-menu__button").click()
                overflow = sideways(page)
                if overflow > 0:
                    failures[f"{who}: {name}, menu open"] = f"{path} scrolls sideways by {overflow}px"
        finally:
            page.context.close()
    assert not failures, failures


def test_the_heading_is_on_the_first_screen_of_a_phone(live_server, browser, site):
    paths = {
        "home": site["public"]["home"],
        "network": site["public"]["network"],
        "space": site["member"]["space"],
        "room": site["member"]["room"],
        "start": site["member"]["start"],
    }
    page = new_page(browser, PHONE, live_server, site["users"]["member"], java_script_enabled=False)
    try:
        for name, path in paths.items():
            page.goto(live_server.url + path)
            heading = page.locator("h1").first.bounding_box()
            assert heading is not None, name
            assert heading["y"] + heading["height"] <= PHONE["height"], f"{name}: the h1 ends at {heading}"
            # The header's tools wait behind the menu.
            assert not page.locator("#header-search").is_visible(), name
    finally:
        page.context.close()


def test_the_menu_opens_with_the_keyboard(live_server, browser, site):
    page = new_page(browser, PHONE, live_server, site["users"]["member"])
    try:
        page.goto(live_server.url + "/")
        button = page.locator("summary.site-menu__button")
        assert button.inner_text().strip() == "Valikko"
        assert not page.locator("#header-search").is_visible()
        button.focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", "the menu button shows no focus"
        page.keyboard.press("Enter")
        assert page.locator("details.site-menu").get_attribute("open") is not None
        assert page.locator("#header-search").is_visible()
        assert page.get_by_role("link", name="Oma Verkostamo").is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "header-search"
        # Enter again closes it.
        button.focus()
        page.keyboard.press("Enter")
        assert not page.locator("#header-search").is_visible()
    finally:
        page.context.close()


def test_the_menu_opens_without_javascript(live_server, browser, site):
    page = new_page(browser, PHONE, live_server, java_script_enabled=False)
    try:
        page.goto(live_server.url + site["public"]["network"])
        assert not page.locator("#header-search").is_visible()
        page.locator("summary.site-menu__button").click()
        assert page.locator("#header-search").is_visible()
        assert page.get_by_role("link", name="Kirjaudu sisään").is_visible()
        page.locator("#header-search").fill("lean")
        page.locator("#header-search").press("Enter")
        page.wait_for_url("**/haku/?q=lean")
    finally:
        page.context.close()


def test_the_header_tools_show_without_a_menu_button_at_1280_px(live_server, browser, site):
    page = new_page(browser, DESKTOP, live_server, site["users"]["facilitator"])
    try:
        for path in ("/", site["facilitator"]["members"]):
            page.goto(live_server.url + path)
            assert not page.locator("summary.site-menu__button").is_visible(), path
            assert page.locator("#header-search").is_visible(), path
            assert page.locator("#language-select").is_visible(), path
            assert page.get_by_role("link", name="Oma Verkostamo").is_visible(), path
            page.locator("#header-search").focus()
            assert page.evaluate("document.activeElement.id") == "header-search"
            # Tables are tables.
        assert page.locator("table.stack-table thead").first.is_visible()
    finally:
        page.context.close()


def test_space_tabs_scroll_in_their_own_row(live_server, browser, site):
    page = new_page(browser, PHONE, live_server, site["users"]["facilitator"])
    try:
        page.goto(live_server.url + site["facilitator"]["space"])
        tabs = page.locator(".space__tabs")
        tops = tabs.locator("li").evaluate_all("items => items.map(item => item.getBoundingClientRect().top)")
        assert len(set(tops)) == 1, f"the tabs wrap onto rows at {tops}"
        assert tabs.evaluate("list => list.scrollWidth > list.clientWidth"), "nine tabs fit 375 px?"
        assert sideways(page) <= 0
        # The current tab is scrolled into the row's view (scroll-initial-target).
        page.goto(live_server.url + site["facilitator"]["figures"])
        current = tabs.locator("[aria-current='page']")
        assert current.evaluate("link => link.getBoundingClientRect().right <= innerWidth")
        first = tabs.locator("a").first
        first.focus()
        assert first.evaluate("link => link.getBoundingClientRect().left >= 0"), "focus scrolls the row back"
    finally:
        page.context.close()


def test_tables_are_lists_with_labels_on_a_phone(live_server, browser, site):
    page = new_page(browser, PHONE, live_server, site["users"]["facilitator"])
    try:
        for name in ("members", "answers", "attendance"):
            page.goto(live_server.url + site["facilitator"][name])
            table = page.locator("table.stack-table").first
            assert table.count() == 1, name
            assert table.locator("thead").bounding_box()["height"] <= 1, f"{name}: the header row shows"
            cell = table.locator("td[data-label]").first
            label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
            assert label.strip('"').endswith(": "), f"{name}: {label}"
            assert cell.get_attribute("data-label") in label, name
            # A card: cells one under the other.
            row = table.locator("tbody tr").first
            boxes = row.locator("th, td").evaluate_all("cells => cells.map(cell => cell.getBoundingClientRect().top)")
            assert boxes == sorted(boxes) and len(set(boxes)) == len(boxes), f"{name}: {boxes}"
    finally:
        page.context.close()


def test_a_room_keeps_the_composer_and_the_newest_message_on_a_phone(live_server, browser, site):
    for javascript in (True, False):
        page = new_page(browser, PHONE, live_server, site["users"]["member"], java_script_enabled=javascript)
        try:
            page.goto(live_server.url + site["member"]["room"])
            composer = page.locator("#id_body")
            box = composer.bounding_box()
            assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
            newest = page.locator(".discussion__log .dmsg").last
            assert MESSAGES[-1][1].split("**")[0][:20] in newest.inner_text()
            if javascript:
                # The page has scrolled the newest message to just above the composer.
                compose_top = page.locator(".discussion__compose").bounding_box()["y"]
                newest_box = newest.bounding_box()
                assert newest_box["y"] >= 0 and newest_box["y"] + newest_box["height"] <= compose_top + 1, (
                    newest_box,
                    compose_top,
                )
            # Back at the top of the page, the composer stays at the bottom of the screen.
            page.evaluate("window.scrollTo(0, 0)")
            box = composer.bounding_box()
            assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
        finally:
            page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_pages_of_the_everyday_experience_pass_axe_at_both_widths(live_server, browser, site, viewport):
    """The pages issue 13 added or changed: the start page, the discussion search, the confirmation pages, the
    office's queue — at a phone's width and a desktop's (axe is injected, so the CSP is bypassed)."""
    pages = {
        "member": ["start", "room", "discussion-search", "space"],
        "facilitator": ["start", "space", "members", "remove-confirmation", "reminder-confirmation", "attendance"],
        "staff": ["office-join-requests", "start"],
    }
    failures = {}
    for who, names in pages.items():
        page = new_page(browser, viewport, live_server, site["users"][who], bypass_csp=True)
        try:
            for name in names:
                response = page.goto(live_server.url + site[who][name])
                assert response.status == 200, (who, name, response.status)
                scan(page, failures, f"{who}: {name}")
        finally:
            page.context.close()
    assert not failures, failures


def test_removing_a_member_asks_first_and_says_what_will_happen(live_server, browser, site):
    page = new_page(browser, PHONE, live_server, site["users"]["facilitator"])
    try:
        page.goto(live_server.url + site["facilitator"]["members"])
        page.get_by_role("link", name="Poista verkostosta… Mikko").first.click()
        page.wait_for_url("**/poista/")
        assert page.get_by_role("heading", level=1).is_visible()
        assert "Mikko" in page.locator("main").inner_text()
        page.get_by_role("link", name="Peruuta").click()
        page.wait_for_url("**/jasenet/")
        assert Membership.objects.active().filter(user=site["users"]["member"]).exists()
    finally:
        page.context.close()
