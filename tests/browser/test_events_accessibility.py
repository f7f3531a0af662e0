"""axe in real Chromium finds no serious or critical violation on the public events' pages: the index, an open
event, a full one (the form puts people in line), a fair stand without registration, a past event, the form with
errors and after a registration, the cancel link (asking, done, forged), and the organiser's list before the event
and on the day (attendance checkboxes), and after its registrations were deleted."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EventIndexPage, EventPage, EventRegistration
from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.events.factories import make_event, make_registration
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_event_pages_pass_axe(live_server, demo_site, page):
    index = EventIndexPage.objects.get(locale__language_code="fi")
    events = {event.slug: event for event in EventPage.objects.child_of(index)}
    today = make_event(index, days_from_now=-1 / 24, title="Tänään käynnissä", capacity=3)
    make_registration(today, name="Aino Aalto", diet="Kasvis")
    make_registration(today, name="Eero Esimerkki", waitlisted=True)

    failures = {}
    paths = {
        "event index": index.url,
        "event index in Swedish": "/sv" + index.url,
        "open event": events["aluetilaisuus-helsinki-2027"].url,
        "full event": events["aluetilaisuus-tampere-2027"].url,
        "fair stand": events["kuntamarkkinat-2027"].url,
        "past event": events["aluetilaisuus-oulu-2026"].url,
        "forged cancel link": reverse("event-cancel", args=["vaara-avain"]),
    }
    for name, path in paths.items():
        page.goto(live_server.url + path)
        scan(page, failures, name)

    # Open for registration whatever the day the test runs: a month ahead, closing when it starts.
    webinar = events["webinaari-tuju-2027"]
    start = timezone.now() + timedelta(days=30)
    EventPage.objects.filter(pk=webinar.pk).update(
        start=start, end=start + timedelta(hours=2), registration_deadline=None
    )
    page.goto(live_server.url + webinar.url)
    page.get_by_label("Nimi").fill("Saavutettava Testaaja")
    page.get_by_label("Sähköposti").fill("testaaja@mailinator.com")
    page.get_by_role("button", name="Ilmoittaudu").click()
    page.wait_for_load_state()
    assert "Ilmoittautumista ei tallennettu" in page.content()
    scan(page, failures, "form with errors")

    page.get_by_label("Organisaatio").fill("Saavutettavuuskunta")
    page.get_by_label("Sähköposti").fill("testaaja@example.org")
    page.get_by_role("button", name="Ilmoittaudu").click()
    page.wait_for_load_state()
    assert "Kiitos, ilmoittautumisesi on vastaanotettu!" in page.content()
    scan(page, failures, "registered")

    registration = EventRegistration.objects.get(email="testaaja@example.org")
    page.goto(live_server.url + reverse("event-cancel", args=[registration.key]))
    scan(page, failures, "cancel link")
    page.get_by_role("button", name="Peru ilmoittautuminen").click()
    page.wait_for_load_state()
    assert "Ilmoittautumisesi on peruttu" in page.content()
    scan(page, failures, "cancelled")

    sign_in(page, live_server, make_user("toimisto@example.fi", is_staff=True))
    for name, event in {
        "organiser's list": events["aluetilaisuus-tampere-2027"],
        "organiser's list on the day": today,
        "organiser's list, registrations deleted": events["aluetilaisuus-oulu-2026"],
    }.items():
        response = page.goto(live_server.url + reverse("event-registrations", args=[event.pk]))
        assert response.status == 200, name
        scan(page, failures, name)

    assert not failures, failures
