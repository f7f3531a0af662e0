"""The public event pages: the index (coming first, then past), an event's page with its form or why it is closed,
registering through the form (bad input refused with a clear message and nothing stored), the .ics file and the
structured data; their queries do not grow with the data."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from core.ratelimit import RateLimit
from events import registrations
from events.models import EventPage, EventRegistration
from tests.conftest import assert_queries, queries_for
from tests.events.factories import make_event, make_registration
from tests.factories import make_theme

pytestmark = pytest.mark.django_db

VALID = {"name": "Aino Aalto", "organisation": "Oulun kaupunki", "email": "Aino.Aalto@Example.org"}


def register_url(event):
    return event.url + "ilmoittaudu/"


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_index_lists_coming_events_first_then_past_ones(client, event_index):
    later = make_event(event_index, days_from_now=30, title="Aluetilaisuus Helsingissä")
    sooner = make_event(event_index, days_from_now=5, title="Aluetilaisuus Tampereella")
    past = make_event(event_index, days_from_now=-40, title="Aluetilaisuus Oulussa")
    full = make_event(event_index, days_from_now=8, title="Täysi päivä", capacity=1)
    make_registration(full)
    fair = make_event(event_index, days_from_now=60, title="Kuntamarkkinat", registration_open=False)
    response = client.get(event_index.url)
    assert response.status_code == 200
    page = text(response)
    positions = [page.index(event.title) for event in (sooner, full, later, fair, past)]
    assert positions == sorted(positions)
    assert page.index("Tulevat tapahtumat") < page.index("Menneet tapahtumat") < page.index(past.title)
    assert "Täynnä – jonoon voi ilmoittautua" in page
    assert "Ei ennakkoilmoittautumista" in page
    assert "Pidetty" in page


def test_past_events_are_paginated(client, event_index):
    for days in range(21):
        make_event(event_index, days_from_now=-2 - days)
    first, second = client.get(event_index.url), client.get(event_index.url + "?page=2")
    assert text(first).count('class="card card--event"') == 20
    assert "Tulevat tapahtumat" not in text(second)
    assert text(second).count('class="card card--event"') == 1
    assert client.get(event_index.url + "?page=x").status_code == 200


def test_an_open_event_shows_its_facts_and_the_form_but_never_the_online_address(client, event_index):
    theme = make_theme("Lean")
    event = make_event(
        event_index, capacity=10, online=True, online_url="https://example.org/salainen-linkki", audience="HR:lle"
    )
    event.themes.set([theme])
    event.save_revision().publish()
    make_registration(event)
    page = text(client.get(event.url))
    assert "Paikkoja jäljellä</dt> <dd>9" in page
    assert "(Suomen aikaa)" in page
    assert "HR:lle" in page and "Lean" in page
    assert f'action="{register_url(event)}"' in page
    assert "salainen-linkki" not in page
    assert "Etäyhteyden osoite lähetetään ilmoittautuneille" in page


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"registration_open": False}, "Tapahtumaan ei ilmoittauduta tällä sivustolla."),
        ({"cancelled": True}, "Tapahtuma on peruttu, joten siihen ei voi ilmoittautua."),
        ({"days_from_now": -3}, "Ilmoittautuminen päättyi"),
    ],
)
def test_a_closed_event_says_why_instead_of_the_form(client, event_index, fields, says):
    event = make_event(event_index, **fields)
    page = text(client.get(event.url))
    assert says in page
    assert 'name="email"' not in page


def test_registering_through_the_form(client, event_index, django_capture_on_commit_callbacks):
    event = make_event(event_index, capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event), {**VALID, "diet": "Kasvis", "accessibility": ""}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"{event.url}#ilmoittautuminen")
    assert "Kiitos, ilmoittautumisesi on vastaanotettu!" in text(response)
    registration = EventRegistration.objects.get()
    assert (registration.email, registration.diet, registration.language) == ("aino.aalto@example.org", "Kasvis", "fi")
    assert [email.to for email in mail.outbox] == [["aino.aalto@example.org"]]


def test_a_full_event_puts_the_form_in_line(client, event_index):
    event = make_event(event_index, capacity=1)
    make_registration(event)
    page = text(client.get(event.url))
    assert "Ilmoittaudu jonoon" in page
    response = client.post(register_url(event), VALID, follow=True)
    assert "pääsit jonoon sijalle 1" in text(response)
    assert EventRegistration.objects.get(email="aino.aalto@example.org").waitlisted


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "ei-osoite"}, "Tarkista sähköpostiosoite"),
        ({"email": "aino@localhost"}, "Tarkista sähköpostiosoite"),
        ({"email": "aino@mailinator.com"}, "Käytä pysyvää sähköpostiosoitetta"),
        ({"email": ""}, "Kirjoita sähköpostiosoitteesi."),
        ({"name": "   "}, "Kirjoita nimesi."),
        ({"organisation": "x" * 201}, "Teksti on liian pitkä"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(client, event_index, data, message):
    event = make_event(event_index)
    response = client.post(register_url(event), {**VALID, **data})
    assert response.status_code == 400
    page = text(response)
    assert "Ilmoittautumista ei tallennettu." in page
    assert message in page
    assert not EventRegistration.objects.exists()
    assert mail.outbox == []


def test_a_second_registration_with_the_same_address_says_so(client, event_index):
    event = make_event(event_index)
    make_registration(event, email="aino.aalto@example.org", name="Aino")
    response = client.post(register_url(event), {**VALID, "name": "Joku Muu"})
    assert response.status_code == 400
    assert "jo ilmoittauduttu" in text(response)
    assert list(EventRegistration.objects.values_list("name", flat=True)) == ["Aino"]


def test_registering_after_the_deadline_or_for_a_cancelled_event_changes_nothing(client, event_index):
    event = make_event(event_index, days_from_now=2)
    response = client.get(event.url)
    assert 'name="email"' in text(response)
    EventPage.objects.filter(pk=event.pk).update(registration_deadline=timezone.now() - timedelta(minutes=1))
    response = client.post(register_url(event), VALID)
    assert response.status_code == 400
    assert "Ilmoittautumista ei tallennettu: Ilmoittautuminen päättyi" in text(response)
    EventPage.objects.filter(pk=event.pk).update(registration_deadline=None, cancelled=True)
    response = client.post(register_url(event), VALID)
    assert "Tapahtuma on peruttu" in text(response)
    assert not EventRegistration.objects.exists()


def test_too_many_registrations_from_one_address_are_refused(client, event_index, monkeypatch):
    monkeypatch.setattr(registrations, "REGISTRATION_RATE", RateLimit("event-registration-page", limit=1, window=60))
    event = make_event(event_index)
    assert client.post(register_url(event), VALID).status_code == 302
    response = client.post(register_url(event), {**VALID, "email": "toinen@example.org"})
    assert response.status_code == 429
    assert "Yritä uudelleen" in text(response)
    assert EventRegistration.objects.count() == 1


def test_without_the_proxy_a_forwarded_header_changes_nothing(client, event_index, monkeypatch):
    monkeypatch.setattr(registrations, "REGISTRATION_RATE", RateLimit("event-registration-direct", limit=1, window=60))
    event = make_event(event_index)
    assert client.post(register_url(event), VALID).status_code == 302
    spoofed = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}  # the client's own say: the peer address still counts
    assert client.post(register_url(event), {**VALID, "email": "b@example.org"}, **spoofed).status_code == 429


def test_the_client_address_behind_the_proxy_is_the_last_forwarded_one(client, event_index, monkeypatch, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(registrations, "REGISTRATION_RATE", RateLimit("event-registration-proxy", limit=1, window=60))
    event = make_event(event_index)
    forwarded = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.1"}
    assert client.post(register_url(event), VALID, **forwarded).status_code == 302
    spoofed = {"HTTP_X_FORWARDED_FOR": "7.7.7.7, 203.0.113.1"}  # the client's own part changes nothing
    assert client.post(register_url(event), {**VALID, "email": "b@example.org"}, **spoofed).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.2"}
    assert client.post(register_url(event), {**VALID, "email": "c@example.org"}, **other).status_code == 302


def test_the_register_route_takes_only_posts(client, event_index):
    event = make_event(event_index)
    assert client.get(register_url(event)).status_code == 405


def test_hostile_html_is_inert(client, event_index, django_capture_on_commit_callbacks):
    event = make_event(event_index)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(event), {**VALID, "name": hostile, "organisation": hostile})
    registration = EventRegistration.objects.get()
    assert registration.name == hostile  # stored as the plain text it is
    [email] = mail.outbox
    html = email.alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_calendar_file(client, event_index):
    event = make_event(event_index, online=True, online_url="https://example.org/salainen-linkki", city="Kuopio")
    response = client.get(event.url + "kalenteri/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    [vevent] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent.decoded("DTSTART") == event.start.replace(microsecond=0)
    assert str(vevent["DTSTART"].params["TZID"]) == "Europe/Helsinki"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert "Kuopio" in str(vevent["LOCATION"]) and "Verkossa" in str(vevent["LOCATION"])
    assert b"salainen-linkki" not in response.content
    EventPage.objects.filter(pk=event.pk).update(cancelled=True)
    [vevent] = Calendar.from_ical(client.get(event.url + "kalenteri/").content).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_the_structured_data_is_a_schema_org_event(client, event_index):
    event = make_event(
        event_index,
        title="Päivä </script><script>alert(1)</script>",
        online=True,
        online_url="https://example.org/salainen",
    )
    page = client.get(event.url).content.decode()
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(raw)
    assert data["@type"] == "Event"
    assert data["name"] == event.title
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["startDate"] == event.start.astimezone(timezone.get_default_timezone()).isoformat()
    assert "salainen" not in raw


def test_the_index_and_event_page_queries_do_not_grow(client, event_index):
    def index_queries(extra):
        for days in extra:
            make_event(event_index, days_from_now=days)
        return queries_for(client, event_index.url)

    small = index_queries([3, -3])
    large = index_queries([4, 5, 6, 7, 8, -4, -5, -6, -7, -8, -9])
    assert_queries(small, small=small, large=large)

    event = make_event(event_index, capacity=100)
    make_registration(event)
    small = queries_for(client, event.url)
    for _n in range(30):
        make_registration(event)
    large = queries_for(client, event.url)
    assert_queries(small, small=small, large=large)


def test_pinned_queries(client, event_index):
    """Both pages pay what every public page pays (the site, the page and its ancestors, the menu, the footer's
    settings and pages); the index adds its coming events with their places taken and one page of past events (a
    count and the rows), the event page its counts, its themes and the breadcrumb's index."""
    make_event(event_index, days_from_now=3)
    make_event(event_index, days_from_now=-3)
    event = make_event(event_index, capacity=10)
    make_registration(event)
    assert queries_for(client, event_index.url) == 18
    assert queries_for(client, event.url) == 18
