"""axe in real Chromium finds no serious or critical violation on the member's pages of Tekojen Tori: the list of
their acts (with every state), the act form (new, refused, editing with an image and an attachment), the preview,
the read-only view during review and the page that says why someone may not write."""

from datetime import date

import pytest
from django.urls import reverse

from home.models import HomePage
from networks.models import NetworkPage
from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import make_act, make_membership, make_organisation, make_tori, make_user
from tests.tori.writeup_helpers import pdf, png
from tori import actions
from tori.models import ToriIndexPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_writeup_pages_pass_axe(live_server, demo_site, page, private_media):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
    home = HomePage.objects.get(locale__language_code="fi")
    tori = ToriIndexPage.objects.filter(locale__language_code="fi").first() or make_tori(home)
    organisation = make_organisation("Saavutettavuuskunta")
    member = make_user("kirjoittaja@example.fi", first_name="Kaisa", last_name="Kirjoittaja")
    make_membership(network, member, "member", organisation)

    data = actions.ActInput(
        fields={
            "title": "Palaverikäytäntö",
            "summary": "Palaverit lyhenivät puoleen.",
            "problem": "Palaverit venyivät.",
            "actions": "Sovimme asialistan ja ajan.",
            "by_management": True,
            "by_supervisors": False,
            "by_staff": True,
            "result": "Aikaa jäi työlle.",
            "how_to_copy": "Kokeile kuukausi.",
            "sector": "johto",
            "organisation": organisation,
            "network": network,
            "contact_name": "Kaisa Kirjoittaja",
            "contact_title": "",
            "contact_email": "kirjoittaja@example.fi",
            "consent_given_by": "Kunnanjohtaja",
            "consent_date": date(2026, 1, 15),
        },
        consent=True,
        figures=[("Palaverin kesto", "2 h", "1 h")],
        images=[actions.ImageInput(alt_text="Asialista seinällä", upload=png())],
        attachments=[actions.AttachmentInput(title="Asialistapohja", upload=pdf())],
    )
    draft = actions.save_act(member, None, data, "fi")
    in_review = actions.save_act(member, None, data, "fi")
    actions.submit_act(member, in_review, "fi")
    make_act(tori, organisation, title="Julkaistu teko", owner=member)

    sign_in(page, live_server, member)
    paths = {
        "own acts": reverse("tori-acts"),
        "new act form": reverse("tori-act-new"),
        "act form with an image and an attachment": reverse("tori-act", args=[draft.pk]),
        "preview": reverse("tori-act-preview", args=[draft.pk]),
        "in review, read only": reverse("tori-act", args=[in_review.pk]),
    }
    failures = {}
    for name, path in paths.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        scan(page, failures, name)

    # The form showing its errors.
    page.goto(live_server.url + paths["new act form"])
    page.get_by_role("button", name="Tallenna luonnos").click()
    page.wait_for_load_state()
    assert "Tekoa ei tallennettu" in page.content()
    scan(page, failures, "act form, refused")

    # Someone who may not write.
    sign_in(page, live_server, make_user("ulkona@example.fi"))
    response = page.goto(live_server.url + paths["new act form"])
    assert response.status == 403
    scan(page, failures, "may not write")

    assert not failures, failures
