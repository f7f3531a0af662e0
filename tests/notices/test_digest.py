"""The digest: one e-mail per person combining the discussion and workshop news of all their networks, grouped by
network and kind; due daily or weekly; never repeating an item, not even when two runs overlap; its queries per
person constant as the data grows."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discussions import actions
from discussions.models import Room
from notices.delivery import notify
from notices.digest import ITEMS_PER_GROUP, Texts, send_digest, send_digests
from notices.models import DigestSettings, Kind, Notice
from tests.conftest import assert_queries
from tests.factories import build_site, make_membership, make_network, make_user, make_workshop
from tests.notices.helpers import emails_to
from workshops.registrations import respond
from workshops.signals import announce_cancellation

pytestmark = pytest.mark.django_db


def general_room(network):
    return actions.ensure_general_room(network)


def run(capture, now=None):
    mail.outbox.clear()
    with capture(execute=True):
        return send_digests(now)


def news(user, network, n, kind=Kind.ROOM_MESSAGES, text=None):
    """A pending notice of `kind` for `user`, as a room message would leave it."""
    notify(
        [user],
        kind,
        network=network,
        key=f"test:{network.pk}:{kind}:{n}",
        template="discussion_message",
        payload={
            "author": "Fanni",
            "room": {"pk": 1, "title": "Yleinen keskustelu"},
            "network": {"title": network.title, "slug": network.slug},
            "seq": n,
            "url": f"/verkostot/{network.slug}/tila/keskustelu/",
            "excerpt": text or f"Viesti {n}",
        },
        scope="",
    )


def test_one_digest_combines_discussion_and_workshop_news_of_all_networks_once(
    network_people, django_capture_on_commit_callbacks
):
    network, other, people = network_people
    member = people["member"]
    make_membership(other, member)
    actions.create_message(general_room(network), people["facilitator"], "Huomenta Lean-verkosto", "l1")
    actions.create_message(general_room(other), people["other_member"], "Terveiset LATU-verkostosta", "t1")
    workshop = make_workshop(other, title="Kevään työpaja", number=4)
    respond(workshop, member, "yes")
    workshop.cancelled = True
    announce_cancellation(workshop, other)

    result = run(django_capture_on_commit_callbacks)
    (digest,) = emails_to(member)
    text = digest.text
    assert result.people >= 1
    assert "3 uutta ilmoitusta" in digest.subject
    # Grouped by network (by title), then kind.
    assert text.index("== LATU-verkosto ==") < text.index("== Lean-verkosto ==")
    latu = text[text.index("== LATU-verkosto ==") : text.index("== Lean-verkosto ==")]
    assert latu.index("Uudet viestit seuraamissani huoneissa") < latu.index("Työpajojen uutiset")
    assert "Terveiset LATU-verkostosta" in latu and "Peruttu: 4. Kevään työpaja" in latu
    assert "Huomenta Lean-verkosto" in text[text.index("== Lean-verkosto ==") :]
    assert reverse("space-workshop", args=[other.slug, workshop.pk]) in latu
    assert not Notice.objects.filter(user=member, delivered__isnull=True).exists()
    assert set(Notice.objects.filter(user=member).values_list("via", flat=True)) == {"digest"}

    assert run(django_capture_on_commit_callbacks).items == 0
    assert emails_to(member) == [], "never twice"


def test_a_daily_digest_comes_once_a_day_a_weekly_once_a_week(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    daily, weekly = people["member"], people["contact"]
    DigestSettings.objects.create(user=weekly, frequency=DigestSettings.Frequency.WEEKLY)
    now = timezone.now()
    for person in (daily, weekly):
        news(person, network, 1)
    run(django_capture_on_commit_callbacks, now)
    assert len(emails_to(daily)) == 1 and len(emails_to(weekly)) == 1

    for person in (daily, weekly):
        news(person, network, 2)
    run(django_capture_on_commit_callbacks, now + timedelta(minutes=30))
    assert emails_to(daily) == [] and emails_to(weekly) == [], "the same day"
    run(django_capture_on_commit_callbacks, now + timedelta(days=1))
    assert len(emails_to(daily)) == 1 and emails_to(weekly) == []
    run(django_capture_on_commit_callbacks, now + timedelta(days=7))
    (weekly_digest,) = emails_to(weekly)
    assert "Viikon kooste" in weekly_digest.subject and "Viesti 2" in weekly_digest.text


def test_a_long_digest_counts_what_it_does_not_list(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]
    for n in range(ITEMS_PER_GROUP + 3):
        news(member, network, n)
    run(django_capture_on_commit_callbacks)
    (digest,) = emails_to(member)
    assert f"Viesti {ITEMS_PER_GROUP - 1}\n" in digest.text and f"Viesti {ITEMS_PER_GROUP}\n" not in digest.text
    assert "… ja 3 muuta" in digest.text
    assert not Notice.objects.filter(user=member, delivered__isnull=True).exists()


def test_the_command_reports_what_it_sent(network_people, django_capture_on_commit_callbacks, capsys):
    network, _other, people = network_people
    news(people["member"], network, 1)
    news(people["contact"], network, 1)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    assert "Digests: 2 notices to 2 people." in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_inactive_people_get_no_digest(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]
    news(member, network, 1)
    member.is_active = False
    member.save()
    run(django_capture_on_commit_callbacks)
    assert emails_to(member) == []


def test_queries_per_person_do_not_grow_with_their_notices_or_networks(site_tree, django_capture_on_commit_callbacks):
    _home, index = site_tree
    now = timezone.now()

    def measure(networks, items):
        person = make_user()
        for _n in range(networks):
            network = make_network(index)
            make_membership(network, person)
            for item in range(items):
                news(person, network, item, Kind.ROOM_MESSAGES if item % 2 else Kind.WORKSHOP_NEWS)
        DigestSettings.objects.create(user=person)
        texts = Texts()  # a run's: the networks' titles
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            assert send_digest(person.pk, now, texts) == networks * items
        return len(queries)

    # the person's settings (locked), their notices, the claim, last sent; the savepoint's two
    assert_queries(6, small=measure(1, 2), large=measure(4, 15))


def test_the_run_s_queries_grow_only_by_the_people(site_tree, django_capture_on_commit_callbacks):
    _home, index = site_tree
    network = make_network(index)

    def measure(count):
        people = [make_membership(network).user for _ in range(count)]
        for person in people:
            news(person, network, 1)
            news(person, network, 2, Kind.WORKSHOP_NEWS)
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            assert send_digests().people == count
        return len(queries)

    small, large = measure(2), measure(8)
    assert (large - small) % 6 == 0
    assert_queries(6, per_person=(large - small) // 6)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_item_once(tmp_path):
    """Two digest runs start at the same moment, each in a thread with its own database connection (SQLite: the
    whole database is the lock; on PostgreSQL see tests/integration/test_digest_concurrency.py)."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    from tests.workshops.test_rsvp import file_database

    _home, index = build_site()
    network = make_network(index)
    people = [make_membership(network).user for _ in range(12)]
    for person in people:
        for n in range(3):
            news(person, network, n)
    barrier = threading.Barrier(2)
    errors, runs = [], []

    def digest_run():
        try:
            barrier.wait(timeout=30)
            runs.append(send_digests())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    mail.outbox.clear()
    with file_database(tmp_path):
        threads = [threading.Thread(target=digest_run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert not errors, errors
    assert sum(run.people for run in runs) == len(people)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    assert sum(run.items for run in runs) == 3 * len(people)


def test_a_room_read_before_the_digest_leaves_it_out(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]
    room = general_room(network)
    message, _created = actions.create_message(room, people["facilitator"], "Luettu viesti", "r1")
    actions.mark_read(member, Room.objects.get(pk=room.pk), message.seq)
    run(django_capture_on_commit_callbacks)
    assert emails_to(member) == []
