"""axe in real Chromium finds no serious or critical violation on the services' request pages: the public services
page (anonymous and signed in, with an expert's photo), the apply form (empty and with errors), the refusal page,
the person's list, a request's page, the office's queue and the decision page (open, with errors, and decided)."""

import pytest
from django.urls import reverse
from wagtail.models import Collection

from networks.models import NetworkPage
from services import requests as actions
from services.models import Expert, ServicesPage, SparringRequest
from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import make_image, make_membership, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = SparringRequest.Status


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_request_pages_pass_axe(live_server, demo_site, page, private_media):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
    organisation = make_organisation("Saavutettavuuskunta")
    member = make_user("hakija@example.fi", first_name="Hanna", last_name="Hakija")
    make_membership(network, member, "member", organisation)
    staff = make_user("toimisto@example.fi", first_name="Outi", last_name="Toimisto", is_staff=True)
    coach = Expert.objects.filter(is_coach=True).first()
    photo = make_image(Collection.get_first_root_node(), title="Muotokuva")
    photo.description = f"{coach.name} hymyilee"
    photo.save()
    coach.photo = photo
    coach.save()
    data = actions.RequestInput(
        organisation=organisation,
        unit="Varhaiskasvatus",
        contact_name="Hanna Hakija",
        contact_email="hakija@example.fi",
        goals="Palaverikäytännöt.",
        days_requested=2,
        themes=["toimintakulttuuri"],
        staff_take_part=True,
    )
    pending = actions.apply(member, data)
    accepted = actions.apply(member, data)
    actions.decide(accepted, Status.DECLINED, staff, reason="Vuoden päivät on jo jaettu.")
    services_page = ServicesPage.objects.get()

    failures = {}
    page.goto(live_server.url + services_page.url)
    scan(page, failures, "services page, anonymous")

    sign_in(page, live_server, member)
    paths = {
        "services page, signed in": services_page.url,
        "apply form": reverse("sparring-apply"),
        "own requests": reverse("sparring-mine"),
        "request page": reverse("sparring-request", args=[pending.pk]),
        "declined request page": reverse("sparring-request", args=[accepted.pk]),
    }
    for name, path in paths.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        scan(page, failures, name)

    page.goto(live_server.url + reverse("sparring-apply"))
    page.get_by_label("Montako sparrauspäivää haette").fill("9")
    page.get_by_role("button", name="Lähetä hakemus").click()
    page.wait_for_load_state()
    assert "Hakemusta ei lähetetty" in page.content()
    scan(page, failures, "apply form with errors")

    sign_in(page, live_server, make_user("ulkona@example.fi"))
    response = page.goto(live_server.url + reverse("sparring-apply"))
    assert response.status == 403
    scan(page, failures, "may not apply")

    sign_in(page, live_server, staff)
    for name, path in {
        "office queue": reverse("sparring-office"),
        "decision page": reverse("sparring-decide", args=[pending.pk]),
        "decided, read only": reverse("sparring-decide", args=[accepted.pk]),
    }.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        scan(page, failures, name)

    page.goto(live_server.url + reverse("sparring-decide", args=[pending.pk]))
    page.get_by_label("Hylkää").check()
    page.get_by_role("button", name="Tallenna päätös").click()
    page.wait_for_load_state()
    assert "Päätöstä ei tallennettu" in page.content()
    scan(page, failures, "decision page with errors")

    assert not failures, failures
