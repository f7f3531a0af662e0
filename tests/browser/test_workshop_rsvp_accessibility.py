"""axe in real Chromium finds no serious or critical violation on the workshop page's RSVP part (a member
joining the line of a full workshop, without script) and on the facilitator's attendance page."""

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import build_site, make_membership, make_network, make_organisation, make_user, make_workshop
from workshops import registrations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def full_workshop(transactional_db):
    """A network with a full workshop (one place, one person already in line) and one that has started."""
    _home, index = build_site()
    organisation = make_organisation("Saavutettavuuskunta")
    network = make_network(index, "Lean-verkosto", organisations=[organisation])
    facilitator = make_user("fasilitaattori@example.fi", first_name="Fanni", last_name="Fasilitaattori")
    make_membership(network, facilitator, "facilitator")
    people = [
        make_membership(
            network, make_user(f"jasen{n}@example.fi", first_name="Jäsen", last_name=str(n)), "member", organisation
        ).user
        for n in range(4)
    ]
    workshop = make_workshop(network, capacity=1)
    registrations.respond(workshop, people[0], "yes")
    registrations.respond(workshop, people[1], "yes")
    registrations.respond(workshop, people[2], "maybe")
    started = make_workshop(network, days_from_now=-1 / 24, capacity=2)
    return network, workshop, started, facilitator, people


def test_rsvp_part_passes_axe_when_joining_the_line(live_server, page, full_workshop):
    network, workshop, _started, _facilitator, people = full_workshop
    sign_in(page, live_server, people[3])
    url = live_server.url + reverse("space-workshop", args=[network.slug, workshop.pk])
    failures = {}

    assert page.goto(url).status == 200
    assert "1 / 1 paikkaa varattu" in page.content()
    scan(page, failures, "full workshop, not answered")

    page.get_by_role("radio", name="Tulen").check()
    page.get_by_role("button", name="Tallenna vastaus").click()
    page.wait_for_load_state()
    content = page.content()
    assert "Työpaja on täynnä: pääsit jonoon sijalle 2. Saat sähköpostia, jos paikka vapautuu." in content
    assert "Olet jonossa sijalla 2." in content
    scan(page, failures, "in line, with the message")

    assert not failures, failures


def test_attendance_page_passes_axe(live_server, page, full_workshop):
    network, workshop, started, facilitator, people = full_workshop
    sign_in(page, live_server, facilitator)
    failures = {}

    assert page.goto(live_server.url + reverse("workshop-attendance", args=[network.slug, workshop.pk])).status == 200
    assert "Läsnäolon voi merkitä, kun työpaja on alkanut" in page.content()
    scan(page, failures, "before the start")

    assert page.goto(live_server.url + reverse("workshop-attendance", args=[network.slug, started.pk])).status == 200
    page.get_by_role("checkbox", name=people[0].display_name).check()
    page.get_by_role("button", name="Tallenna läsnäolo").click()
    page.wait_for_load_state()
    assert (
        f"Läsnäolo tallennettu. Merkitty osallistuneeksi: 1 ({people[0].display_name}). Osallistui nyt 1 / 5 jäsentä."
        in page.content()
    )
    scan(page, failures, "marked, with the message")

    assert not failures, failures
