"""Workshop e-mail: new materials on publish, cancellations and changes, the day-before reminder and the call
for feedback. Each piece of news once, only to those it concerns, never to people who chose "never" for its kind.
(How it is delivered — at once, capped, in the digest — is tests/notices'; here workshop news comes at once.)"""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from networks.actions import end_membership
from networks.models import Membership
from notices.models import DEFAULT_DELIVERY, Delivery, Kind
from tests.factories import make_membership, make_user, make_workshop
from tests.notices.helpers import never
from workshops.models import (
    FEEDBACK_PERIOD,
    FeedbackClosure,
    FeedbackRespondent,
    Registration,
    WorkshopMailing,
    WorkshopPage,
)


def publish(workshop, user=None, **changes):
    """Edits the workshop's live version and publishes it as a new revision, as the admin does."""
    workshop = WorkshopPage.objects.get(pk=workshop.pk)
    for field, value in changes.items():
        setattr(workshop, field, value)
    workshop.save_revision(user=user).publish(user=user)
    return WorkshopPage.objects.get(pk=workshop.pk)


def with_blocks(workshop, field, *blocks):
    """The field's blocks (with their ids) and new ones, as a StreamField value."""
    raw = [dict(block) for block in getattr(WorkshopPage.objects.get(pk=workshop.pk), field).raw_data]
    return json.dumps(raw + [{"type": kind, "value": value} for kind, value in blocks])


def link(title):
    return ("link", {"title": title, "url": f"https://example.org/{len(title)}"})


def recipients():
    return sorted(address for email in mail.outbox for address in email.to)


def register(workshop, user, response="yes", **fields):
    return Registration.objects.create(workshop=workshop, user=user, response=response, **fields)


def run_reminders():
    from io import StringIO

    out = StringIO()
    call_command("send_workshop_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Runs the block with on-commit callbacks executed (the e-mail is queued on commit), then clears the outbox
    first."""

    class Sent:
        def __enter__(self):
            mail.outbox.clear()
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            return self

        def __exit__(self, *exc):
            return self.capture.__exit__(*exc)

    return Sent


@pytest.fixture(autouse=True)
def news_at_once(monkeypatch, settings):
    """Workshop news e-mailed at once and uncapped (their default is the digest): what each e-mail says and to whom
    is what these tests read."""
    monkeypatch.setitem(DEFAULT_DELIVERY, Kind.WORKSHOP_NEWS, Delivery.NOW)
    settings.NOTICE_EMAIL_CAP_SECONDS = 0


# Materials


def test_new_materials_are_emailed_to_the_members_once(network_people, sent):
    network, _other, people = network_people
    workshop = make_workshop(network)

    with sent():
        publish(
            workshop,
            user=people["facilitator"],
            members_content=with_blocks(workshop, "members_content", link("Työpajan diat")),
        )
    # The active members of this network, not the one who published, nor outsiders or other networks.
    assert recipients() == sorted([people["member"].email, people["contact"].email])
    email = mail.outbox[0]
    assert "Uutta materiaalia" in email.subject and workshop.title in email.subject
    assert "Linkki: Työpajan diat" in email.body
    assert f"http://127.0.0.1:8000{workshop.url}" in email.body

    with sent():
        publish(workshop, user=people["facilitator"])
    assert mail.outbox == [], "a republish without new material sends nothing"

    with sent():
        publish(workshop, user=people["facilitator"], title="Uusi otsikko")
    assert mail.outbox == [], "nor does an edit of other fields"

    with sent():
        publish(
            workshop,
            user=people["facilitator"],
            facilitator_notes=with_blocks(
                workshop, "facilitator_notes", ("paragraph", "<p>Sovimme <b>jatkosta</b></p>")
            ),
        )
    assert recipients() == sorted([people["member"].email, people["contact"].email])
    body = mail.outbox[0].body
    assert "Teksti: Sovimme jatkosta" in body
    assert "Työpajan diat" not in body, "each block is announced once"


def test_an_edited_or_restored_block_is_not_announced_again(network_people, sent):
    network, _other, people = network_people
    workshop = publish(make_workshop(network), members_content=json.dumps([{"type": "paragraph", "value": "<p>A</p>"}]))
    assert WorkshopMailing.objects.filter(workshop=workshop, key__startswith="block:").count() == 1
    raw = [dict(block) for block in workshop.members_content.raw_data]

    with sent():
        raw[0]["value"] = "<p>A, korjattu</p>"
        publish(workshop, members_content=json.dumps(raw))
        publish(workshop, members_content="[]")
        publish(workshop, members_content=json.dumps(raw))
    assert mail.outbox == []


def test_materials_email_respects_the_setting_and_membership(network_people, sent):
    network, other_network, people = network_people
    never(people["member"], Kind.WORKSHOP_NEWS)
    never(people["contact"], Kind.MENTION, Kind.REPLY, Kind.ROOM_MESSAGES)  # no discussion e-mail: news still come
    left = make_membership(network, make_user("lahtenyt@example.fi"))
    end_membership(left)
    workshop = make_workshop(network)

    with sent():
        publish(workshop, members_content=with_blocks(workshop, "members_content", ("video", "https://vimeo.com/1")))

    # Published by nobody in particular: the facilitator is told too.
    assert recipients() == sorted([people["contact"].email, people["facilitator"].email])
    assert "Video: https://vimeo.com/1" in mail.outbox[0].body


def test_no_materials_email_for_a_draft(network_people, sent):
    network, _other, _people = network_people
    workshop = make_workshop(network, live=False)
    workshop.members_content = json.dumps([link("Luonnos")])
    with sent():
        workshop.save_revision()
    assert mail.outbox == []
    assert not WorkshopMailing.objects.exists()


# Cancellation and changes


@pytest.fixture
def registered(network_people):
    """A workshop in a week with one place: member yes, a second yes waiting in line, contact maybe,
    facilitator no, and a yes from someone who has since left the network."""
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=7, capacity=1)
    waiting = make_membership(network, make_user("jonossa@example.fi")).user
    left = make_membership(network, make_user("lahti@example.fi"))
    register(workshop, people["member"])
    register(workshop, waiting, waitlisted=True)
    register(workshop, people["contact"], "maybe")
    register(workshop, people["facilitator"], "no")
    register(workshop, left.user)
    end_membership(left)
    return workshop, people, waiting


def test_cancellation_is_emailed_once_to_yes_and_maybe(network_people, registered, sent):
    workshop, people, waiting = registered

    with sent():
        later = timedelta(days=1)
        publish(workshop, cancelled=True, start=workshop.start + later, end=workshop.end + later)
    assert recipients() == sorted([people["member"].email, people["contact"].email, waiting.email])
    assert {email.subject for email in mail.outbox} == {f"Peruttu: {workshop.number}. {workshop.title}"}
    assert "on peruttu" in mail.outbox[0].body

    with sent():
        publish(workshop)
        publish(workshop, cancelled=False)
        publish(workshop, cancelled=True)
    assert mail.outbox == [], "once; and no change e-mail about a cancelled workshop"


def test_a_change_of_time_or_place_is_emailed_once_per_change(registered, sent):
    workshop, people, waiting = registered
    never(people["contact"], Kind.WORKSHOP_NEWS)
    new_start = workshop.start.replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=1)

    with sent():
        publish(workshop, start=new_start, end=new_start + timedelta(hours=3))
    assert recipients() == sorted([people["member"].email, waiting.email])
    email = mail.outbox[0]
    assert "Muutos työpajaan" in email.subject
    local = timezone.localtime(new_start)
    assert "Uusi aika: " in email.body and local.strftime("%H:%M") in email.body
    assert "Aiemmin: " in email.body
    assert reverse("workshop-calendar", args=[workshop.get_parent().slug, workshop.pk]) in email.body

    with sent():
        publish(workshop)
        publish(workshop, title="Vain otsikko muuttui")
    assert mail.outbox == [], "nothing changed in time or place"

    with sent():
        publish(workshop, place="Kaupungintalo, Pohjoisesplanadi 11")
    assert recipients() == sorted([people["member"].email, waiting.email])
    assert "Uusi paikka: Kaupungintalo, Pohjoisesplanadi 11" in mail.outbox[0].body

    with sent():
        publish(workshop, place="Kuntatalo, Toinen linja 14, Helsinki")
    assert len(mail.outbox) == 2, "changing back is a change too"


def test_no_change_email_about_a_past_workshop(network_people, sent):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-3)
    register(workshop, people["member"])

    with sent():
        publish(workshop, place="Toinen paikka", cancelled=True)
    assert mail.outbox == []


# The reminder


def workshop_in(network, hours, **fields):
    return make_workshop(network, days_from_now=hours / 24, **fields)


def test_reminder_goes_once_to_confirmed_places_of_workshops_starting_within_a_day(network_people, sent):
    network, other_network, people = network_people
    tomorrow = workshop_in(network, 20, capacity=1)
    quiet = never(make_membership(network, make_user("eiviesteja@example.fi")).user, Kind.REMINDER)
    left = make_membership(network, make_user("lahti@example.fi"))
    waiting = make_membership(network, make_user("jonossa@example.fi")).user
    register(tomorrow, people["member"])
    register(tomorrow, waiting, waitlisted=True)
    register(tomorrow, people["contact"], "maybe")
    register(tomorrow, people["facilitator"], "no")
    register(tomorrow, quiet)
    register(tomorrow, left.user)
    end_membership(left)
    # Out of the window, cancelled, draft or already started: no reminder.
    for workshop in (
        workshop_in(network, 30),
        workshop_in(network, 5, cancelled=True),
        workshop_in(network, 5, live=False),
        workshop_in(network, -1),
    ):
        register(workshop, people["member"])
    in_other_network = workshop_in(other_network, 10)
    register(in_other_network, people["other_member"])

    with sent():
        output = run_reminders()
    assert sorted(email.to[0] for email in mail.outbox if "Muistutus" in email.subject) == sorted(
        [people["member"].email, people["other_member"].email]
    )
    reminder = next(email for email in mail.outbox if email.to == [people["member"].email])
    assert tomorrow.title in reminder.subject
    assert tomorrow.place in reminder.body
    assert reverse("workshop-calendar", args=[network.slug, tomorrow.pk]) in reminder.body
    assert f"Reminder: {tomorrow.number}. {tomorrow.title} (#{tomorrow.pk}) to 1 people." in output
    assert "Reminders sent for 2 workshops." in output

    with sent():
        output = run_reminders()
    assert mail.outbox == [], "idempotent"
    assert "Reminders sent for 0 workshops." in output


def test_a_late_yes_still_gets_the_reminder_if_nobody_was_told_yet(network_people, sent):
    network, _other, people = network_people
    workshop = workshop_in(network, 10)
    with sent():
        run_reminders()
    assert mail.outbox == []

    register(workshop, people["member"])
    with sent():
        run_reminders()
    assert recipients() == [people["member"].email]


# The call for feedback


def test_feedback_request_goes_to_those_who_may_answer(network_people, sent):
    """Attendees who have not answered yet: not those who did not come, not the network's facilitators (who
    do not answer), and nobody while attendance is unmarked — only attendees can answer."""
    network, _other, people = network_people
    marked = make_workshop(network, days_from_now=-2)
    register(marked, people["member"], attended=True)
    register(marked, people["contact"], attended=False)
    register(marked, people["facilitator"], "", attended=True)  # marked as present without an answer
    answered = make_membership(network, make_user("vastannut@example.fi")).user
    register(marked, answered, attended=True)
    FeedbackRespondent.objects.create(workshop=marked, user=answered)

    unmarked = make_workshop(network, days_from_now=-1, capacity=1)
    register(unmarked, people["member"])
    register(unmarked, people["contact"], "maybe")

    long_ago = make_workshop(network, days_from_now=-10)
    cancelled = make_workshop(network, days_from_now=-1, cancelled=True)
    ongoing = make_workshop(network, days_from_now=-1 / 24)  # started an hour ago, ends in three
    closed_early = make_workshop(network, days_from_now=-1)
    FeedbackClosure.objects.create(workshop=closed_early, closed=timezone.now())
    for workshop in (long_ago, cancelled, ongoing, closed_early):
        register(workshop, people["member"], attended=True)

    with sent():
        output = run_reminders()

    assert [(email.subject, email.to) for email in mail.outbox] == [
        (f"Miten työpaja onnistui? {marked.number}. {marked.title}", [people["member"].email])
    ]
    body = mail.outbox[0].body
    assert f"http://127.0.0.1:8000{reverse('workshop-feedback', args=[network.slug, marked.pk])}" in body
    closes = timezone.localtime(marked.end + FEEDBACK_PERIOD)
    assert f"Palautetta voi antaa {closes:%-d.%-m.%Y %H:%M} asti." in body
    assert "Vastauksesi tallennetaan ilman nimeäsi" in body
    assert "Feedback requests sent for 1 workshops." in output

    with sent():
        run_reminders()
    assert mail.outbox == [], "idempotent"

    # Attendance marked a day late: the call goes out at the next run.
    Registration.objects.filter(workshop=unmarked, user=people["member"]).update(attended=True)
    with sent():
        run_reminders()
    assert [email.subject for email in mail.outbox] == [f"Miten työpaja onnistui? {unmarked.number}. {unmarked.title}"]


def test_members_who_left_get_no_call_for_feedback(network_people, sent):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-2)
    register(workshop, people["member"], attended=True)
    register(workshop, people["contact"], attended=True)
    end_membership(Membership.objects.get(network=network, user=people["contact"]))

    with sent():
        run_reminders()
    assert recipients() == [people["member"].email]
