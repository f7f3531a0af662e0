"""Mentions e-mail at once (once per person and room an hour); the digest lists unread messages and the
mentions held back; no message is e-mailed twice."""

import importlib
import sqlite3
import threading
from contextlib import closing
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from discussions import actions
from discussions.models import MentionEmail, Message, Room
from tests.factories import build_site, make_membership, make_network, make_user
from tests.workshops.test_rsvp import file_database


def general_room(network):
    return Room.objects.get(network=network, kind="general")


def test_a_mention_links_the_member_and_emails_them_at_once(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]
    member.first_name, member.last_name = "Mikko", "Heikkinen"
    member.discussion_email = "mentions"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        message, _created = actions.create_message(
            general_room(network), people["facilitator"], "Kiitos @mikko.heikkinen ja @ei.ketaan!", "m1"
        )
    assert f'href="/verkostot/{network.slug}/tila/jasenet/#jasen-{member.pk}"' in message.body_html
    assert "@ei.ketaan" in message.body_html and message.body_html.count("<a ") == 1
    assert list(message.mentions.all()) == [member]
    assert [email.to for email in mail.outbox] == [[member.email]]
    assert "Kiitos @mikko.heikkinen" in mail.outbox[0].body


def test_no_mention_email_for_people_who_chose_never(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]
    member.first_name, member.last_name, member.discussion_email = "Mikko", "Heikkinen", "never"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_message(general_room(network), people["facilitator"], "@mikko.heikkinen hei", "m2")
    assert mail.outbox == []


def test_mentions_of_people_outside_the_network_are_plain_text(network_people):
    network, _other, people = network_people
    outsider = people["outsider"]
    outsider.first_name, outsider.last_name = "Ulla", "Ulkona"
    outsider.save()
    message, _created = actions.create_message(general_room(network), people["member"], "@ulla.ulkona", "m3")
    assert "<a " not in message.body_html
    assert not message.mentions.exists()


def test_daily_digest_sends_unread_messages_once(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]  # discussion_email defaults to the daily digest
    room = general_room(network)
    actions.create_message(room, member, "Oma viesti", "own")  # seq 1; sending marks the room read
    for n in range(3):
        actions.create_message(room, people["facilitator"], f"Viesti numero {n}", f"d{n}")  # seq 2, 3, 4
    room.refresh_from_db()
    actions.mark_read(member, room, 2)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_discussion_digests", verbosity=0)
    digests = [email for email in mail.outbox if email.to == [member.email]]
    assert len(digests) == 1
    body = digests[0].body
    assert "Viesti numero 0" not in body, "already read"
    assert "Viesti numero 1" in body and "Viesti numero 2" in body
    assert "Oma viesti" not in body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_discussion_digests", verbosity=0)
    assert [email for email in mail.outbox if email.to == [member.email]] == [], "never twice"

    actions.create_message(room, people["facilitator"], "Uusi aamulla", "d9")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_discussion_digests", verbosity=0)
    (digest,) = [email for email in mail.outbox if email.to == [member.email]]
    assert "Uusi aamulla" in digest.body and "Viesti numero 2" not in digest.body


def test_digest_leaves_out_mentions_deleted_messages_and_other_settings(
    network_people, django_capture_on_commit_callbacks
):
    network, _other, people = network_people
    member = people["member"]
    member.first_name, member.last_name = "Mikko", "Heikkinen"
    member.save()
    room = general_room(network)
    actions.create_message(room, people["facilitator"], "@mikko.heikkinen katso tätä", "x1")
    deleted, _created = actions.create_message(room, people["facilitator"], "Poistettava", "x2")
    actions.delete_message(deleted, people["facilitator"])
    people["contact"].discussion_email = "never"
    people["contact"].save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_discussion_digests", verbosity=0)
    assert not [email for email in mail.outbox if email.to == [people["contact"].email]]
    assert not [email for email in mail.outbox if email.to == [member.email]]
    assert Message.objects.count() == 2


# -- the mention cap (issue 10, item 8) -------------------------------------------------------------------------


def mentioned_member(network_people, preference="daily"):
    network, _other, people = network_people
    member = people["member"]
    member.first_name, member.last_name, member.discussion_email = "Mikko", "Heikkinen", preference
    member.save()
    return network, people, member


def emails_to(user):
    return [email for email in mail.outbox if email.to == [user.email]]


def test_one_mention_email_per_person_and_room_an_hour_and_the_rest_in_the_digest(
    network_people, django_capture_on_commit_callbacks
):
    network, people, member = mentioned_member(network_people)
    room = general_room(network)
    topic = actions.create_topic_room(network, people["contact"], "Perhevapaat")
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_message(room, people["facilitator"], "@mikko.heikkinen ensimmäinen maininta", "c1")
        actions.create_message(room, people["contact"], "@mikko.heikkinen toinen maininta samassa huoneessa", "c2")
        actions.create_message(topic, people["facilitator"], "@mikko.heikkinen maininta toisessa huoneessa", "c3")

    told = emails_to(member)
    assert len(told) == 2, "the second mention in the same room within the hour is not e-mailed at once"
    assert "ensimmäinen maininta" in told[0].body
    assert "maininta toisessa huoneessa" in told[1].body
    assert MentionEmail.objects.filter(user=member).count() == 2

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_discussion_digests", verbosity=0)
    (digest,) = emails_to(member)
    assert "toinen maininta samassa huoneessa" in digest.body
    assert f"{people['contact'].display_name} (" in digest.body and "mainitsi sinut:" in digest.body
    assert "ensimmäinen maininta" not in digest.body, "e-mailed at once already"
    assert "maininta toisessa huoneessa" not in digest.body, "e-mailed at once already"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_discussion_digests", verbosity=0)
    assert emails_to(member) == [], "never twice"

    # An hour after the last e-mail from the room, a mention is e-mailed at once again.
    MentionEmail.objects.update(sent=timezone.now() - timedelta(hours=1, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_message(room, people["contact"], "@mikko.heikkinen tunnin päästä", "c4")
    (again,) = emails_to(member)
    assert "tunnin päästä" in again.body


def test_people_who_chose_mentions_only_get_the_held_back_mentions_in_a_digest(
    network_people, django_capture_on_commit_callbacks
):
    network, people, member = mentioned_member(network_people, "mentions")
    room = general_room(network)
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_message(room, people["facilitator"], "@mikko.heikkinen katso tätä", "o1")
        actions.create_message(room, people["contact"], "Tavallinen viesti kaikille", "o2")
        actions.create_message(room, people["contact"], "@mikko.heikkinen ja tätä myös", "o3")
    assert len(emails_to(member)) == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_discussion_digests", verbosity=0)
    (digest,) = emails_to(member)
    assert "ja tätä myös" in digest.body
    assert "Tavallinen viesti kaikille" not in digest.body, "they chose mentions only"
    assert "katso tätä" not in digest.body
    assert "joten ne koottiin tähän" in digest.body


def test_a_read_held_back_mention_is_not_e_mailed(network_people, django_capture_on_commit_callbacks):
    network, people, member = mentioned_member(network_people)
    room = general_room(network)
    actions.create_message(room, people["facilitator"], "@mikko.heikkinen eka", "r1")
    held, _created = actions.create_message(room, people["facilitator"], "@mikko.heikkinen luettu jo", "r2")
    actions.mark_read(member, Room.objects.get(pk=room.pk), held.seq)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_discussion_digests", verbosity=0)
    assert emails_to(member) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_mentions_in_one_room_send_one_email(tmp_path):
    """Eight people mention the same person in the same room at the same moment, each in a thread with its own
    database connection: the decisions are taken one after the other, under the room's row lock (SQLite takes
    the whole database, PostgreSQL the room's row), so one e-mail goes out."""
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
        emails = database.execute(
            "SELECT count(*) FROM discussions_mentionemail WHERE user_id = ?", (target.pk,)
        ).fetchone()[0]
    assert (messages, emails) == (8, 1)
    assert len([email for email in mail.outbox if email.to == [target.email]]) == 1


def test_the_migration_records_mentions_that_were_e_mailed_before_the_cap(network_people):
    """Until the cap every mention was e-mailed at once: recorded, so that the digest does not send them again."""
    network, people, member = mentioned_member(network_people)
    never = people["contact"]
    never.first_name, never.last_name, never.discussion_email = "Ei", "Koskaan", "never"
    never.save()
    room = general_room(network)
    for n in range(3):
        actions.create_message(room, people["facilitator"], f"@mikko.heikkinen @ei.koskaan {n}", f"m{n}")
    MentionEmail.objects.all().delete()  # as before the migration

    migration = importlib.import_module("discussions.migrations.0002_mention_email")
    migration.record_mentions_already_emailed(django_apps, None)

    assert sorted(MentionEmail.objects.values_list("user_id", "message__client_id")) == [
        (member.pk, "m0"),
        (member.pk, "m1"),
        (member.pk, "m2"),
    ]
