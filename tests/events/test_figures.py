"""The public events in the programme's figures (/luvut/ and its downloads): per year the events held, the people who
held a place and those who attended — from the registrations while they exist, from the counts kept on the event
once they have been deleted; cancelled and coming events are not counted. One query whatever the data."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.figures import EventYear, events_by_year
from events.models import EventPage
from events.registrations import delete_registrations
from tests.conftest import assert_queries, client_for
from tests.events.factories import make_event, make_registration

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def held(index, when, places=0, waiting=0, attended=0, **fields):
    """An event held on `when` (Helsinki time, three hours) with `places` registrations holding a place
    (`attended` of them marked present) and `waiting` in line."""
    event = make_event(index, days_from_now=-1, **fields)
    start = datetime.fromisoformat(when).replace(tzinfo=HELSINKI)
    EventPage.objects.filter(pk=event.pk).update(start=start, end=start + timedelta(hours=3))
    for number in range(places):
        make_registration(event, attended=number < attended or None)
    for _ in range(waiting):
        make_registration(event, waitlisted=True)
    return event


def test_events_per_year_from_registrations_and_from_the_kept_counts(event_index):
    held(event_index, "2025-03-19T09:00", places=5)
    held(event_index, "2026-05-12T09:00", places=12, attended=9)
    held(event_index, "2026-10-06T13:00", places=3, waiting=1, attended=2)
    held(event_index, "2026-10-07T13:00", places=4, cancelled=True)
    make_registration(make_event(event_index, days_from_now=10))
    # In July 2026 the registrations of the two spring events are deleted; their counts stay.
    assert delete_registrations(now=datetime(2026, 7, 1, tzinfo=HELSINKI)) == (2, 5 + 12)

    assert events_by_year() == [
        EventYear(2025, events=1, registered=5, attended=0),
        EventYear(2026, events=2, registered=12 + 3, attended=9 + 2),
    ]


def test_one_query_whatever_the_number_of_events(event_index):
    def measure():
        with CaptureQueriesContext(connection) as queries:
            events_by_year()
        return len(queries)

    held(event_index, "2026-11-02T09:00", places=2)
    small = measure()
    for year in range(2016, 2026):
        held(event_index, f"{year}-09-15T09:00", places=3, attended=1)
    large = measure()

    assert_queries(1, small=small, large=large)


def test_the_programme_page_and_downloads_show_the_events(client, network_people, event_index):
    _network, _other, people = network_people
    held(event_index, "2026-11-02T09:00", places=4, attended=3)
    client = client_for(client, people["staff"])

    page = client.get(reverse("programme-figures"))
    assert page.status_code == 200
    assert "Tapahtumat vuosittain" in page.content.decode()
    assert page.context["events_by_year"] == [EventYear(2026, 1, 4, 3)]

    download = client.get(reverse("programme-figures-csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(download), delimiter=";"))
    start = rows.index(["Tapahtumat vuosittain"])
    assert rows[start + 1] == ["Vuosi", "Tapahtumia", "Ilmoittautuneita", "Osallistuneita"]
    assert rows[start + 2] == ["2026", "1", "4", "3"]

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("programme-figures-xlsx")).content))
    assert list(workbook["Tapahtumat"].iter_rows(values_only=True)) == [
        ("Vuosi", "Tapahtumia", "Ilmoittautuneita", "Osallistuneita"),
        (2026, 1, 4, 3),
    ]
