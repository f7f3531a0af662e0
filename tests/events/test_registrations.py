"""The rules of registering for a public event (events.registrations): places and the waiting list (the workshops'
shared rule), refusals that change nothing, cancelling by key, attendance, and the e-mails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from core.ratelimit import RateLimit, RateLimited
from events import registrations
from events.models import EventPage, EventRegistration
from tests.conftest import refused
from tests.events.factories import make_event, make_registration
from workshops.calendar import site_host
from workshops.registrations import first_in_line, free_places

pytestmark = pytest.mark.django_db


def person(email="aino@example.org", language="fi", **fields):
    values = {"name": "Aino Aalto", "organisation": "Oulun kaupunki", "email": email, "language": language}
    return registrations.RegistrationInput(**{**values, **fields})


def register(event, email="aino@example.org", **fields):
    return registrations.register(event, person(email, **fields), client="203.0.113.5")


def test_the_shared_rule_of_places():
    assert free_places(None, 40) is None
    assert free_places(10, 4) == 6
    assert free_places(10, 12) == 0  # a lowered capacity takes no place away
    line = EventRegistration.objects.none()
    assert first_in_line(line, 0) == []


def test_a_registration_takes_a_place_and_is_confirmed_with_the_cancel_link_and_ics(
    event_index, django_capture_on_commit_callbacks
):
    event = make_event(event_index, capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        registered = register(event, "Aino@Example.org".lower(), diet="Kasvis")
    registration = registered.registration
    assert not registered.waitlisted and registered.position is None
    assert registration.diet == "Kasvis" and len(registration.key) >= 24
    [email] = mail.outbox
    assert email.to == ["aino@example.org"]
    assert email.subject == f"Ilmoittautuminen vahvistettu: {event.title}"
    assert f"/ilmoittautumiset/peru/{registration.key}/" in email.body
    assert "(Suomen aikaa)" in email.body
    assert email.reply_to == ["kunteko@example.org"]
    [(name, content, mimetype)] = email.attachments
    assert name.endswith(".ics") and mimetype == "text/calendar"
    [vevent] = Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert str(vevent["UID"]) == f"event-{event.translation_key}@{site_host()}"


def test_the_online_address_goes_only_to_those_with_a_place(event_index, django_capture_on_commit_callbacks):
    event = make_event(event_index, place="", city="", online=True, online_url="https://example.org/etä", capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        register(event, "eka@example.org")
        register(event, "toka@example.org")
    first, second = mail.outbox
    assert "https://example.org/etä" in first.body
    assert "https://example.org/etä" in first.attachments[0][1]
    assert "https://example.org/etä" not in second.body
    assert "https://example.org/etä" not in second.attachments[0][1]


def test_beyond_the_capacity_people_wait_in_line_in_order(event_index, django_capture_on_commit_callbacks):
    event = make_event(event_index, capacity=1)
    register(event, "eka@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        second = register(event, "toka@example.org")
        third = register(event, "kolmas@example.org")
    assert (second.waitlisted, second.position) == (True, 1)
    assert (third.waitlisted, third.position) == (True, 2)
    assert mail.outbox[0].subject == f"Olet jonossa: {event.title}"
    assert "sijalla 1" in mail.outbox[0].body
    assert registrations.counts(event) == {"places": 1, "waiting": 2, "attended": 0}


def test_the_confirmation_is_in_the_registrants_language(event_index, django_capture_on_commit_callbacks):
    event = make_event(event_index)
    with django_capture_on_commit_callbacks(execute=True):
        register(event, "sv@example.org", language="sv")
    [email] = mail.outbox
    assert "KunTeko-nätverkens gemensamma plats" in email.body  # the footer, already in the Swedish catalogue
    assert EventRegistration.objects.get().language == "sv"


def test_a_second_registration_with_the_same_address_is_refused(event_index):
    event = make_event(event_index)
    register(event, "aino@example.org")
    refusal = refused("already_registered", register, event, "aino@example.org", name="Toinen Nimi")
    assert "jo ilmoittauduttu" in str(refusal.message)
    assert list(EventRegistration.objects.values_list("name", flat=True)) == ["Aino Aalto"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"cancelled": True}, "event_cancelled"),
        ({"registration_open": False}, "no_registration"),
        ({"days_from_now": -1}, "registration_closed"),
    ],
)
def test_closed_registration_is_refused_and_nothing_is_stored(event_index, fields, code):
    event = make_event(event_index, **fields)
    refused(code, register, event)
    assert not EventRegistration.objects.exists()


def test_registration_after_the_deadline_says_when_it_closed(event_index):
    event = make_event(event_index, days_from_now=3)
    EventPage.objects.filter(pk=event.pk).update(registration_deadline=timezone.now() - timedelta(hours=1))
    event.refresh_from_db()
    refusal = refused("registration_closed", register, event)
    assert "Ilmoittautuminen päättyi" in str(refusal.message)
    assert not EventRegistration.objects.exists()


def test_registrations_per_client_address_are_limited(event_index, monkeypatch):
    monkeypatch.setattr(registrations, "REGISTRATION_RATE", RateLimit("event-registration-test", limit=2, window=60))
    event = make_event(event_index)
    register(event, "a@example.org")
    register(event, "b@example.org")
    with pytest.raises(RateLimited):
        register(event, "c@example.org")
    assert EventRegistration.objects.count() == 2
    registrations.register(event, person("d@example.org"), client="198.51.100.7")  # another client
    assert EventRegistration.objects.count() == 3


def test_cancelling_frees_the_place_for_the_first_in_line(event_index, django_capture_on_commit_callbacks):
    event = make_event(event_index, capacity=2)
    first = register(event, "eka@example.org").registration
    register(event, "toka@example.org")
    third = register(event, "kolmas@example.org").registration
    fourth = register(event, "neljas@example.org").registration
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = registrations.cancel(first.key)
    assert cancelled.had_place and [r.pk for r in cancelled.promoted] == [third.pk]
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert not third.waitlisted and fourth.waitlisted
    assert registrations.position_in_line(fourth) == 1
    assert not EventRegistration.objects.filter(pk=first.pk).exists()
    [email] = mail.outbox
    assert email.to == ["kolmas@example.org"]
    assert email.subject == f"Sait paikan: {event.title}"
    assert f"/ilmoittautumiset/peru/{third.key}/" in email.body


def test_leaving_the_line_promotes_nobody(event_index):
    event = make_event(event_index, capacity=1)
    register(event, "eka@example.org")
    waiting = register(event, "toka@example.org").registration
    register(event, "kolmas@example.org")
    cancelled = registrations.cancel(waiting.key)
    assert not cancelled.had_place and cancelled.promoted == []
    assert registrations.counts(event) == {"places": 1, "waiting": 1, "attended": 0}


def test_a_forged_or_used_key_changes_nothing(event_index):
    event = make_event(event_index)
    registration = register(event).registration
    refused("unknown_key", registrations.cancel, "x" * 32)
    refused("unknown_key", registrations.cancel, registration.key[:-1])
    refused("unknown_key", registrations.cancel, "")
    assert EventRegistration.objects.filter(pk=registration.pk).exists()
    registrations.cancel(registration.key)
    refused("unknown_key", registrations.cancel, registration.key)


def test_cancelling_after_the_start_is_refused(event_index):
    event = make_event(event_index, days_from_now=-1 / 24, hours=5)  # started an hour ago
    registration = make_registration(event)
    refused("event_started", registrations.cancel, registration.key)
    assert EventRegistration.objects.filter(pk=registration.pk).exists()


def test_a_raised_capacity_published_gives_the_line_its_places(event_index, django_capture_on_commit_callbacks):
    event = make_event(event_index, capacity=1)
    register(event, "eka@example.org")
    waiting = register(event, "toka@example.org").registration
    event.capacity = 2
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    waiting.refresh_from_db()
    assert not waiting.waitlisted
    assert [email.to for email in mail.outbox] == [["toka@example.org"]]


def test_attendance_is_marked_after_the_start_for_the_events_own_registrations(event_index):
    event = make_event(event_index, days_from_now=-1)
    other = make_event(event_index, days_from_now=-1)
    came, missed = make_registration(event), make_registration(event)
    foreign = make_registration(other)
    marked = registrations.mark_attendance(event, [came.pk, missed.pk, foreign.pk], [came.pk, foreign.pk])
    assert (marked.attended, marked.listed, marked.skipped) == (1, 2, 1)
    came.refresh_from_db()
    missed.refresh_from_db()
    foreign.refresh_from_db()
    assert came.attended is True and missed.attended is False and foreign.attended is None


def test_attendance_is_refused_before_the_start_and_for_a_cancelled_event(event_index):
    coming = make_event(event_index)
    registration = make_registration(coming)
    refused("event_not_started", registrations.mark_attendance, coming, [registration.pk], [registration.pk])
    cancelled = make_event(event_index, days_from_now=-1, cancelled=True)
    refused("event_cancelled", registrations.mark_attendance, cancelled, [], [])
    registration.refresh_from_db()
    assert registration.attended is None


def test_who_may_manage(event_index, network_people):
    _network, _other, people = network_people
    event = make_event(event_index)
    allowed = {name for name, user in people.items() if user is not None and registrations.may_manage(user, event)}
    assert allowed == {"staff"}
