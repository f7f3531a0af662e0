"""axe in real Chromium finds no serious or critical violation in the member space, the join information
page, and a workshop page with its members-only section."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model

from networks.models import NetworkPage
from tests.browser.test_accessibility import scan
from tests.factories import make_membership, make_organisation, make_user
from workshops.models import Task, WorkshopPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sign_in(page, live_server, user):
    """Signs the browser in as `user` with a session made by Django's test client."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def people_in(network):
    organisation = make_organisation("Saavutettavuuskunta")
    facilitator = make_user("fasilitaattori@example.fi", first_name="Fanni", last_name="Fasilitaattori")
    make_membership(network, facilitator, "facilitator")
    make_membership(
        network,
        make_user("jasen@example.fi", first_name="Jaana", last_name="Jäsen", job_title="kehittämispäällikkö"),
        "member",
        organisation,
    )
    make_membership(
        network, make_user("yhteys@example.fi", first_name="Ylva", last_name="Yhteys"), "contact", organisation
    )
    return facilitator


def add_members_content(workshop, document):
    workshop.members_content = [
        ("paragraph", "<p>Välitehtävä: kokeilkaa yhtä menetelmää omassa työyhteisössä.</p>"),
        ("document", document),
        ("link", {"title": "Verkoston yhteinen kansio", "url": "https://example.org/kansio"}),
    ]
    workshop.save_revision().publish()


def test_member_space_pages_pass_axe(live_server, demo_site, page, media):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
    facilitator = people_in(network)
    document = get_document_model().objects.create(
        title="Työpajan 1 diat",
        file=ContentFile(b"%PDF-1.4 diat", name="diat.pdf"),
        collection=network.collection,
        file_size=13,
        uploaded_by_user=facilitator,
    )
    workshop = WorkshopPage.objects.live().child_of(network).first()
    add_members_content(workshop, document)
    Task.objects.create(
        workshop=workshop,
        title="Pilotin kuvaus",
        instructions="Kuvatkaa prosessi.",
        due=timezone.now() + timedelta(days=3),
    )
    sign_in(page, live_server, facilitator)

    paths = {
        "the start page, Oma Verkostamo": reverse("start"),
        "dashboard": reverse("space", args=[network.slug]),
        "directory": reverse("space-directory", args=[network.slug]),
        "materials with the upload form": reverse("space-materials", args=[network.slug]),
        "workshop with members content": workshop.url,
        "the workshop series": reverse("space-workshops", args=[network.slug]),
        "a workshop in the member space": reverse("space-workshop", args=[network.slug, workshop.pk]),
    }
    failures = {}
    for name, path in paths.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        scan(page, failures, name)

    # The upload form showing an error.
    page.goto(live_server.url + paths["materials with the upload form"])
    page.set_input_files(
        "#id_file", files=[{"name": "ohjelma.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    page.get_by_role("button", name="Lähetä tiedosto").click()
    page.wait_for_load_state()
    assert "ei ole sallittu" in page.content()
    scan(page, failures, "materials, upload refused")

    assert not failures, failures


def test_join_information_and_members_only_note_pass_axe(live_server, demo_site, page):
    latu = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
    tuju = NetworkPage.objects.live().get(locale__language_code="fi", slug="tuju")  # open for applications
    workshop = WorkshopPage.objects.live().child_of(latu).first()
    workshop.members_content = [("paragraph", "<p>Vain jäsenille.</p>")]
    workshop.save_revision().publish()
    sign_in(page, live_server, make_user("ulkopuolinen@example.fi"))

    paths = {
        "not a member, by invitation": (reverse("space", args=[latu.slug]), 403, latu.title),
        "not a member, applications open": (reverse("space", args=[tuju.slug]), 403, tuju.title),
        "workshop, members-only note": (workshop.url, 200, "Materiaalit jäsenille"),
    }
    failures = {}
    for name, (path, status, text) in paths.items():
        response = page.goto(live_server.url + path)
        assert response.status == status, name
        assert text in page.content(), name
        scan(page, failures, name)
    assert not failures, failures


@pytest.mark.parametrize("width", [1280, 375])
def test_the_start_page_shows_what_waits_at_both_widths(live_server, demo_site, browser, width):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
    facilitator = people_in(network)
    Task.objects.create(
        workshop=WorkshopPage.objects.live().child_of(network).first(),
        title="Pilotin kuvaus",
        instructions="Kuvatkaa prosessi.",
        due=timezone.now() + timedelta(days=3),
    )
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="fi-FI")
    try:
        page = context.new_page()
        sign_in(page, live_server, facilitator)
        page.goto(live_server.url + reverse("start"))
        heading = page.get_by_role("heading", name=network.title)
        heading.scroll_into_view_if_needed()
        assert heading.is_visible()
        assert page.get_by_role("link", name="Pilotin kuvaus", exact=False).first.is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the start page scrolls sideways by {overflow}px at {width}px"
    finally:
        context.close()
