"""Registrations are deleted EVENT_REGISTRATIONS_KEEP_DAYS after the event, the counts stay on the event — also
through an editor's later publish — and a rerun deletes nothing more."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events import registrations
from events.models import EventPage, EventRegistration
from tests.conftest import refused
from tests.events.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


def test_old_registrations_go_and_their_counts_stay(event_index, settings):
    settings.EVENT_REGISTRATIONS_KEEP_DAYS = 30
    old = make_event(event_index, days_from_now=-31)
    recent = make_event(event_index, days_from_now=-29)
    make_registration(old, attended=True)
    make_registration(old, attended=True)
    make_registration(old, attended=False)
    make_registration(old, waitlisted=True)
    kept = make_registration(recent)

    output = StringIO()
    call_command("delete_event_registrations", stdout=output)
    assert output.getvalue().strip() == "Event registrations deleted: 4 of 1 events."

    old.refresh_from_db()
    assert not EventRegistration.objects.filter(event=old).exists()
    assert (old.registered_count, old.attended_count) == (3, 2)
    assert old.registrations_deleted is not None
    assert registrations.counts(old) == {"places": 3, "waiting": 0, "attended": 2}
    assert EventRegistration.objects.filter(pk=kept.pk).exists()

    output = StringIO()
    call_command("delete_event_registrations", stdout=output)
    assert output.getvalue().strip() == "Event registrations deleted: 0 of 0 events."
    old.refresh_from_db()
    assert (old.registered_count, old.attended_count) == (3, 2)


def test_an_editors_later_publish_keeps_the_counts(event_index):
    event = make_event(event_index, days_from_now=-40)
    make_registration(event, attended=True)
    older_revision = event.latest_revision
    registrations.delete_registrations()
    event = EventPage.objects.get(pk=event.pk)
    event.title = "Aluetilaisuus (muistiinpanot lisätty)"
    event.save_revision().publish()
    older_revision.publish()  # a revert to a revision from before the deletion
    event = EventPage.objects.get(pk=event.pk)
    assert (event.registered_count, event.attended_count) == (1, 1)
    assert event.registrations_deleted is not None


def test_after_the_deletion_nothing_is_marked_or_promoted(event_index):
    event = make_event(event_index, days_from_now=-40)
    registrations.delete_registrations(now=timezone.now())
    event.refresh_from_db()
    refused("registrations_deleted", registrations.mark_attendance, event, [], [])
    assert event.end < timezone.now() - timedelta(days=30)
