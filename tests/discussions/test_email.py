"""A new message tells people through notices (notices.delivery): the mentioned at once, the author of the message
replied to at once, the network's other members in their digest (as each chose, and as they follow or muted the
room or the network); at most one immediate e-mail per person and room an hour; reading withdraws what waits for
the digest; no message is e-mailed twice."""

import sqlite3
import threading
from contextlib import closing
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discussions import actions
from discussions.models import Room, RoomAttention
from notices.digest import send_digests
from notices.models import Attention, Delivery, Kind, NetworkAttention, Notice, Preference
from tests.conftest import assert_queries
from tests.factories import build_site, make_membership, make_network, make_user
from tests.notices.helpers import emails_to
from tests.workshops.test_rsvp import file_database

pytestmark = pytest.mark.django_db


def general_room(network):
    return Room.objects.get(network=network, kind="general")


def named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def digest(capture):
    mail.outbox.clear()
    with capture(execute=True):
        send_digests()


def kinds_told(message):
    return dict(Notice.objects.filter(key=f"message:{message.pk}").values_list("user_id", "kind"))


def test_a_mention_links_the_member_and_emails_them_at_once(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = named(people["member"], "Mikko", "Heikkinen")
    with django_capture_on_commit_callbacks(execute=True):
        message, _created = actions.create_message(
            general_room(network), people["facilitator"], "Kiitos @mikko.heikkinen ja @ei.ketaan!", "m1"
        )
    assert f'href="/verkostot/{network.slug}/tila/jasenet/#jasen-{member.pk}"' in message.body_html
    assert "@ei.ketaan" in message.body_html and message.body_html.count("<a ") == 1
    assert list(message.mentions.all()) == [member]
    (email,) = emails_to(member)
    assert "Kiitos @mikko.heikkinen" in email.text and "mainitsi sinut" in email.subject
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [email.to for email in mail.outbox] == [[member.email]], "the others get it in their digest"


def test_each_person_is_told_once_by_the_first_kind_that_reaches_them(network_people):
    network, _other, people = network_people
    member = named(people["member"], "Mikko", "Heikkinen")
    contact, facilitator = people["contact"], people["facilitator"]
    room = general_room(network)
    original, _created = actions.create_message(room, contact, "Mitä mieltä olette?", "q1")
    reply, _created = actions.create_message(room, facilitator, "Hyvä kysymys, @mikko.heikkinen?", "a1", original.pk)
    assert kinds_told(reply) == {member.pk: Kind.MENTION, contact.pk: Kind.REPLY}
    assert facilitator.pk not in kinds_told(reply), "not the author"

    # A reply to someone who is also mentioned tells them once, as a mention.
    named(contact, "Kaisa", "Kontakti")
    both, _created = actions.create_message(room, facilitator, "@kaisa.kontakti kiitos", "a2", original.pk)
    assert kinds_told(both)[contact.pk] == Kind.MENTION
    # Replying to one's own message tells nobody of a reply.
    own, _created = actions.create_message(room, contact, "Vielä yksi asia", "q2", original.pk)
    assert Kind.REPLY not in kinds_told(own).values()


def test_a_reply_notifies_the_author_of_the_replied_message_at_once(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    room = general_room(network)
    original, _created = actions.create_message(room, people["member"], "Kysymys kaikille", "q1")
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_message(room, people["facilitator"], "Tässä vastaus sinulle", "a1", original.pk)
    (email,) = emails_to(people["member"])
    assert "vastasi viestiisi" in email.subject and "Tässä vastaus sinulle" in email.text


def test_room_news_follow_the_room_and_network_settings(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    room = general_room(network)
    muted_room, muted_network_followed_room, muted_network = (make_membership(network).user for _ in range(3))
    RoomAttention.objects.create(user=muted_room, room=room, level=Attention.MUTE)
    NetworkAttention.objects.create(user=muted_network_followed_room, network=network, level=Attention.MUTE)
    RoomAttention.objects.create(user=muted_network_followed_room, room=room, level=Attention.FOLLOW)
    NetworkAttention.objects.create(user=muted_network, network=network, level=Attention.MUTE)
    message, _created = actions.create_message(room, people["facilitator"], "Uutisia", "n1")
    told = kinds_told(message)
    assert set(told) == {people["member"].pk, people["contact"].pk, muted_network_followed_room.pk}
    assert set(told.values()) == {Kind.ROOM_MESSAGES}
    assert people["other_member"].pk not in told and people["outsider"].pk not in told


def test_never_for_mentions_still_brings_the_message_among_the_rooms_news(
    network_people, django_capture_on_commit_callbacks
):
    network, _other, people = network_people
    member = named(people["member"], "Mikko", "Heikkinen")
    Preference.objects.create(user=member, kind=Kind.MENTION, delivery=Delivery.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        message, _created = actions.create_message(
            general_room(network), people["facilitator"], "@mikko.heikkinen", "m"
        )
    assert emails_to(member) == []
    assert kinds_told(message)[member.pk] == Kind.ROOM_MESSAGES


def test_the_digest_lists_unread_messages_once_and_leaves_out_what_was_read(
    network_people, django_capture_on_commit_callbacks
):
    network, _other, people = network_people
    member = people["member"]
    room = general_room(network)
    actions.create_message(room, member, "Oma viesti", "own")  # seq 1
    for n in range(3):
        actions.create_message(room, people["facilitator"], f"Viesti numero {n}", f"d{n}")  # seq 2, 3, 4
    room.refresh_from_db()
    actions.mark_read(member, room, 2)

    digest(django_capture_on_commit_callbacks)
    (email,) = emails_to(member)
    assert "Viesti numero 0" not in email.text, "already read"
    assert "Viesti numero 1" in email.text and "Viesti numero 2" in email.text
    assert "Oma viesti" not in email.text

    digest(django_capture_on_commit_callbacks)
    assert emails_to(member) == [], "never twice"


def test_writing_in_a_room_counts_as_reading_it(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]
    room = general_room(network)
    actions.create_message(room, people["facilitator"], "Kysymys", "q")
    actions.create_message(room, member, "Vastaan tähän", "a")
    digest(django_capture_on_commit_callbacks)
    assert emails_to(member) == []


def test_one_immediate_e_mail_per_person_and_room_an_hour_the_rest_in_the_digest(
    network_people, django_capture_on_commit_callbacks
):
    network, _other, people = network_people
    member = named(people["member"], "Mikko", "Heikkinen")
    room = general_room(network)
    topic = actions.create_topic_room(network, people["contact"], "Perhevapaat")
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_message(room, people["facilitator"], "@mikko.heikkinen ensimmäinen maininta", "c1")
        actions.create_message(room, people["contact"], "@mikko.heikkinen toinen maininta samassa huoneessa", "c2")
        actions.create_message(topic, people["facilitator"], "@mikko.heikkinen maininta toisessa huoneessa", "c3")
    told = emails_to(member)
    assert len(told) == 2, "the second mention in the same room within the hour is not e-mailed at once"
    assert "ensimmäinen maininta" in told[0].text and "maininta toisessa huoneessa" in told[1].text

    digest(django_capture_on_commit_callbacks)
    (combined,) = emails_to(member)
    assert "toinen maininta samassa huoneessa" in combined.text
    assert "ensimmäinen maininta" not in combined.text and "maininta toisessa huoneessa" not in combined.text

    Notice.objects.filter(via="now").update(delivered=timezone.now() - timedelta(hours=1, minutes=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_message(room, people["contact"], "@mikko.heikkinen tunnin päästä", "c4")
    (again,) = emails_to(member)
    assert "tunnin päästä" in again.text


def test_a_read_held_back_mention_is_not_e_mailed(network_people, django_capture_on_commit_callbacks):
    network, people = network_people[0], network_people[2]
    member = named(people["member"], "Mikko", "Heikkinen")
    room = general_room(network)
    actions.create_message(room, people["facilitator"], "@mikko.heikkinen eka", "r1")
    held, _created = actions.create_message(room, people["facilitator"], "@mikko.heikkinen luettu jo", "r2")
    actions.mark_read(member, Room.objects.get(pk=room.pk), held.seq)
    assert Notice.objects.get(user=member, key=f"message:{held.pk}").via == Notice.Via.WITHDRAWN
    digest(django_capture_on_commit_callbacks)
    assert emails_to(member) == []


def test_old_messages_of_the_demo_notify_nobody(network_people):
    network, _other, people = network_people
    named(people["member"], "Mikko", "Heikkinen")
    actions.create_message(
        general_room(network), people["facilitator"], "@mikko.heikkinen", "old", sent_at=timezone.now() - timedelta(1)
    )
    assert not Notice.objects.exists()


def test_a_message_s_queries_do_not_grow_with_the_network(site_tree, django_capture_on_commit_callbacks):
    _home, index = site_tree

    def measure(size):
        network = make_network(index)
        author = make_membership(network).user
        target = make_membership(network, make_user(first_name="Maija", last_name=f"M{size}")).user
        people = [make_membership(network).user for _ in range(size)]
        room = actions.ensure_general_room(network)
        original, _created = actions.create_message(room, target, "Kysymys", "q")
        for person in people:
            Preference.objects.create(user=person, kind=Kind.ROOM_MESSAGES, delivery=Delivery.NOW)
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            actions.create_message(room, author, f"@maija.m{size} vastaus", "a", original.pk)
        assert len(mail.outbox) == size + 1
        mail.outbox.clear()
        return len(queries)

    assert_queries(28, small=measure(2), large=measure(12))  # with the author's draft of the room deleted


@pytest.mark.django_db(transaction=True)
def test_concurrent_mentions_in_one_room_send_one_email(tmp_path):
    """Eight people mention the same person in the same room at the same moment, each in a thread with its own
    database connection: the decisions are taken one after the other, under the room's row lock (SQLite takes
    the whole database, PostgreSQL the room's row), so one e-mail goes out and the rest wait for the digest."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    _home, index = build_site()
    network = make_network(index)
    target = make_membership(network, make_user("kohde@example.fi", first_name="Kaisa", last_name="Kohde")).user
    authors = [make_membership(network, make_user()).user for _ in range(8)]
    room = actions.ensure_general_room(network)
    barrier = threading.Barrier(len(authors))
    errors = []

    def mention(author):
        try:
            barrier.wait(timeout=30)
            actions.create_message(Room.objects.get(pk=room.pk), author, "@kaisa.kohde katso", f"race-{author.pk}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    with file_database(tmp_path) as path:
        threads = [threading.Thread(target=mention, args=(author,)) for author in authors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert not errors, errors
    with closing(sqlite3.connect(path)) as database:
        messages = database.execute("SELECT count(*) FROM discussions_message").fetchone()[0]
        told = database.execute(
            "SELECT via, count(*) FROM notices_notice WHERE user_id = ? GROUP BY via ORDER BY via", (target.pk,)
        ).fetchall()
    assert (messages, told) == (8, [("", 7), ("now", 1)])
    assert len([email for email in mail.outbox if email.to == [target.email]]) == 1
