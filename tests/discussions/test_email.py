"""Mentions e-mail at once; the daily digest lists unread messages; no message is e-mailed twice."""

from django.core import mail
from django.core.management import call_command

from discussions import actions
from discussions.models import Message, Room


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
