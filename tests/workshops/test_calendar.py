"""The network's public iCalendar feed and each workshop's "add to calendar" file, parsed back with icalendar."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_network, make_workshop
from workshops.models import WorkshopPage

# Queries pinned at both data sizes (tests.conftest.assert_queries).
FEED_QUERIES = 5


HELSINKI = ZoneInfo("Europe/Helsinki")
MEMBERS_SECRET = "Jäsenten salainen kansio"
NOTES_SECRET = "Fasilitaattorin muistiinpano"


def feed_url(network):
    return reverse("network-calendar", args=[network.slug])


def event_url(network, workshop):
    return reverse("workshop-calendar", args=[network.slug, workshop.pk])


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_summary(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.events}


def publish(workshop, **changes):
    """Edits the workshop's live version and publishes it as a new revision, as the admin does."""
    workshop = WorkshopPage.objects.get(pk=workshop.pk)
    for field, value in changes.items():
        setattr(workshop, field, value)
    workshop.save_revision().publish()
    return WorkshopPage.objects.get(pk=workshop.pk)


def add_workshop(network, title=None, start=None, end=None, **fields):
    """make_workshop, with a title and a time of the test's choosing."""
    page = make_workshop(network, **fields)
    if title is not None:
        page.title = title
    if start is not None:
        page.start, page.end = start, end
    page.save()
    return page


@pytest.fixture
def network(network_people):
    return network_people[0]


@pytest.fixture
def workshop(network):
    return publish(
        add_workshop(
            network,
            number=3,
            title="Lean-johtaminen",
            summary='<p>Julkinen <b>kuvaus</b> &amp; <a href="https://example.org/">linkki</a></p><ul><li>Yksi</li></ul>',
            members_content=json.dumps(
                [{"type": "link", "value": {"title": MEMBERS_SECRET, "url": "https://example.org/salainen"}}]
            ),
            facilitator_notes=json.dumps([{"type": "paragraph", "value": f"<p>{NOTES_SECRET}</p>"}]),
            start=datetime(2027, 2, 3, 7, 0, tzinfo=UTC),
            end=datetime(2027, 2, 3, 11, 0, tzinfo=UTC),
        )
    )


def test_feed_is_a_valid_calendar_with_helsinki_time_zone(client, network, workshop):
    response = client.get(feed_url(network))

    calendar = parse(response)
    assert response["Content-Disposition"].startswith("inline;")
    assert f'filename="{network.slug}-tyopajat.ics"' in response["Content-Disposition"]
    assert "max-age=300" in response["Cache-Control"]
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == network.title
    assert calendar["X-WR-TIMEZONE"] == "Europe/Helsinki"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Helsinki"]
    assert calendar.get_missing_tzids() == set()

    (event,) = calendar.events
    assert event["SUMMARY"] == "3. Lean-johtaminen"
    assert event["UID"] == f"workshop-{workshop.translation_key}@127.0.0.1"
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event["DTEND"].params["TZID"] == "Europe/Helsinki"
    assert event.start == datetime(2027, 2, 3, 9, 0, tzinfo=HELSINKI)
    assert event.end == datetime(2027, 2, 3, 13, 0, tzinfo=HELSINKI)
    assert event["LOCATION"] == "Kuntatalo, Toinen linja 14, Helsinki"
    assert event["URL"] == f"http://127.0.0.1:8000{workshop.url}"
    assert event["STATUS"] == "CONFIRMED"
    assert event["DTSTAMP"] and event["LAST-MODIFIED"]
    assert event["SEQUENCE"] == workshop.live_revision_id
    description = str(event["DESCRIPTION"])
    assert description.startswith("Julkinen kuvaus & linkki\n- Yksi")
    assert "<" not in description and event["URL"] in description
    assert b"DTSTART;TZID=Europe/Helsinki:20270203T090000" in response.content


def test_local_times_are_right_in_summer_and_in_winter(client, network):
    add_workshop(
        network,
        title="Talvi",
        start=datetime(2027, 1, 20, 7, 0, tzinfo=UTC),
        end=datetime(2027, 1, 20, 14, 30, tzinfo=UTC),
    )
    add_workshop(
        network,
        title="Kesä",
        start=datetime(2027, 6, 16, 6, 0, tzinfo=UTC),
        end=datetime(2027, 6, 16, 13, 30, tzinfo=UTC),
    )

    response = client.get(feed_url(network))

    events = events_by_summary(parse(response))
    winter = next(event for summary, event in events.items() if summary.endswith("Talvi"))
    summer = next(event for summary, event in events.items() if summary.endswith("Kesä"))
    assert winter.start == datetime(2027, 1, 20, 9, 0, tzinfo=HELSINKI)
    assert winter.start.utcoffset() == timedelta(hours=2)
    assert summer.start == datetime(2027, 6, 16, 9, 0, tzinfo=HELSINKI)
    assert summer.start.utcoffset() == timedelta(hours=3)
    assert summer.end.utcoffset() == timedelta(hours=3)
    assert b"DTSTART;TZID=Europe/Helsinki:20270120T090000" in response.content
    assert b"DTSTART;TZID=Europe/Helsinki:20270616T090000" in response.content
    assert b"DTEND;TZID=Europe/Helsinki:20270616T163000" in response.content
    # The VTIMEZONE itself knows both offsets.
    (vtimezone,) = parse(response).timezones
    assert {sub["TZOFFSETTO"].td for sub in vtimezone.subcomponents} == {timedelta(hours=2), timedelta(hours=3)}


def test_uid_stays_and_sequence_grows_when_the_time_changes(client, network, workshop):
    (before,) = parse(client.get(feed_url(network))).events

    publish(workshop, start=datetime(2027, 2, 10, 8, 0, tzinfo=UTC), end=datetime(2027, 2, 10, 12, 0, tzinfo=UTC))

    (after,) = parse(client.get(feed_url(network))).events
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.start == datetime(2027, 2, 10, 10, 0, tzinfo=HELSINKI)
    assert after.start != before.start
    assert after["LAST-MODIFIED"].dt >= before["LAST-MODIFIED"].dt

    publish(workshop, title="Lean-johtaminen, osa 2")
    (renamed,) = parse(client.get(feed_url(network))).events
    assert renamed["UID"] == before["UID"]
    assert renamed["SEQUENCE"] > after["SEQUENCE"]
    assert renamed["SUMMARY"] == "3. Lean-johtaminen, osa 2"


def test_cancelled_workshop_stays_in_the_feed_as_cancelled(client, network, workshop):
    (before,) = parse(client.get(feed_url(network))).events

    publish(workshop, cancelled=True)

    (event,) = parse(client.get(feed_url(network))).events
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == before["UID"]
    assert event["SEQUENCE"] > before["SEQUENCE"]
    (single,) = parse(client.get(event_url(network, workshop))).events
    assert single["STATUS"] == "CANCELLED"


def test_drafts_and_private_workshops_are_not_in_the_feed(client, network, workshop):
    draft = add_workshop(network, title="Luonnos", live=False)
    private = add_workshop(network, title="Yksityinen")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    calendar = parse(client.get(feed_url(network)))

    assert [str(event["SUMMARY"]) for event in calendar.events] == ["3. Lean-johtaminen"]
    assert client.get(event_url(network, draft)).status_code == 404
    assert client.get(event_url(network, private)).status_code == 404


def test_members_content_never_reaches_the_calendar(client, network_people, workshop):
    network, _other, people = network_people
    client_for(client, people["facilitator"])
    for url in (feed_url(network), event_url(network, workshop)):
        content = client.get(url).content.decode()
        assert "Julkinen kuvaus" in content
        for secret in (MEMBERS_SECRET, NOTES_SECRET, "example.org/salainen"):
            assert secret not in content


def test_the_single_event_is_an_attachment_with_the_same_event(client, network, workshop):
    (in_feed,) = parse(client.get(feed_url(network))).events

    response = client.get(event_url(network, workshop))

    calendar = parse(response)
    assert response["Content-Disposition"] == f'attachment; filename="{network.slug}-tyopaja-3.ics"'
    assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Helsinki"]
    (event,) = calendar.events
    for name in ("UID", "SEQUENCE", "SUMMARY", "LOCATION", "URL", "DESCRIPTION", "STATUS"):
        assert event[name] == in_feed[name], name
    assert event.start == in_feed.start and event.end == in_feed.end


def test_online_workshop_gives_its_link_as_the_location(client, network):
    online = make_workshop(network, place="", online_url="https://meet.example.org/tyopaja")

    (event,) = parse(client.get(event_url(network, online))).events

    assert event["LOCATION"] == "https://meet.example.org/tyopaja"


def test_unknown_or_foreign_workshops_and_networks_are_not_found(client, network_people, workshop, site_tree):
    network, other_network, _people = network_people
    _home, index = site_tree
    draft_network = make_network(index, title="Luonnosverkosto", live=False)
    draft_networks_workshop = make_workshop(draft_network)

    assert client.get(reverse("network-calendar", args=["ei-ole"])).status_code == 404
    assert client.get(reverse("workshop-calendar", args=["ei-ole", workshop.pk])).status_code == 404
    assert client.get(reverse("workshop-calendar", args=[network.slug, 999999])).status_code == 404
    assert client.get(event_url(other_network, workshop)).status_code == 404
    assert client.get(feed_url(draft_network)).status_code == 404
    assert client.get(event_url(draft_network, draft_networks_workshop)).status_code == 404
    assert client.get(reverse("workshop-calendar", args=[network.slug, network.pk])).status_code == 404


def test_only_get_and_head(client, network, workshop):
    for url in (feed_url(network), event_url(network, workshop)):
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_everyone_may_read_the_public_calendar(client, network_people, workshop, role):
    network, _other, people = network_people
    client_for(client, people[role])

    assert parse(client.get(feed_url(network))).events
    assert parse(client.get(event_url(network, workshop))).events


def test_feed_queries_do_not_grow_with_the_number_of_workshops(client, network):
    for _n in range(2):
        make_workshop(network, summary="<p>Kuvaus</p>")
    with_two = queries_for(client, feed_url(network))
    for n in range(18):
        make_workshop(network, days_from_now=n * 200, cancelled=n % 3 == 0, online_url="https://meet.example.org/")

    with_twenty = queries_for(client, feed_url(network))

    assert len(parse(client.get(feed_url(network))).events) == 20
    assert_queries(FEED_QUERIES, small=with_two, large=with_twenty)
