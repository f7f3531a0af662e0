"""axe in real Chromium finds no serious or critical violation on the participant figures pages: a network's
(for its facilitator) and the whole programme's (for the programme office), with its services per year."""

import pytest
from django.urls import reverse

from networks.models import NetworkPage, Organisation
from services.models import SparringDay, SparringRequest
from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import make_membership, make_organisation, make_user
from workshops.models import Registration, WorkshopPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GENDERS = ["woman", "woman", "woman", "man", "undisclosed", ""]
ROLES = ["employee", "supervisor", "manager", "employee", "", "employee"]


def attendances_in(network):
    """Six members with organisations, genders and roles, attending the network's workshops."""
    organisation = make_organisation("Saavutettavuuskunta")
    workshops = list(WorkshopPage.objects.live().child_of(network))
    for number, (gender, role) in enumerate(zip(GENDERS, ROLES, strict=True)):
        user = make_user(f"osallistuja{number}@example.fi", gender=gender, role_category=role)
        make_membership(network, user, "member", organisation if number % 2 else None)
        for workshop in workshops[: number % len(workshops) + 1]:
            Registration.objects.create(workshop=workshop, user=user, response="yes", attended=True)


def sparring_days():
    """Two logged sparring days of an accepted request, in two years."""
    request = SparringRequest.objects.create(
        organisation=Organisation.objects.first(),
        unit="Perusturva",
        contact_name="Maija Meikäläinen",
        contact_email="maija@example.fi",
        goals="Yhteinen toimintakulttuuri.",
        days_requested=2,
        year=2025,
        status=SparringRequest.Status.ACCEPTED,
        days_granted=2,
    )
    for year, (women, men) in ((2024, (9, 3)), (2025, (14, 6))):
        SparringDay.objects.create(
            request=request,
            date=f"{year}-05-02",
            participants=women + men,
            women=women,
            men=men,
            employees=women,
            supervisors=men,
            report="Päivä pidettiin.",
        )


def test_figures_pages_pass_axe(live_server, demo_site, page):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="lean")
    attendances_in(network)
    sparring_days()
    facilitator = make_membership(network, make_user("fasilitaattori@example.fi"), "facilitator").user
    staff = make_user("ohjelmatoimisto@example.fi", is_staff=True)

    failures = {}
    sign_in(page, live_server, facilitator)
    response = page.goto(live_server.url + reverse("network-figures", args=[network.slug]))
    assert response.status == 200
    assert "Osallistujaluvut" in page.content()
    scan(page, failures, "network figures")

    page.context.clear_cookies()
    sign_in(page, live_server, staff)
    response = page.goto(live_server.url + reverse("programme-figures"))
    assert response.status == 200
    assert network.title in page.content()
    assert "Palvelut vuosittain" in page.content() and "Palvelut vuonna 2024" in page.content()
    scan(page, failures, "programme figures")

    assert not failures, failures
