"""notices.delivery.notify: each person's choice per kind decides who is e-mailed at once, who waits for the digest
and who hears nothing; an item is recorded and e-mailed once; immediate e-mails are capped per scope and hour; a
constant number of queries however many people."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notices.delivery import notify, plain, revived
from notices.digest import send_digests
from notices.models import DEFAULT_DELIVERY, Attention, Delivery, Kind, NetworkAttention, Notice, Preference
from tests.conftest import assert_queries
from tests.factories import make_membership, make_user
from tests.notices.helpers import emails_to

pytestmark = pytest.mark.django_db


def payload(network, text="Tervetuloa kaikki!"):
    return {
        "author": "Fanni Fasilitaattori",
        "room": {"pk": 1, "title": "Yleinen keskustelu"},
        "network": {"title": network.title, "slug": network.slug},
        "seq": 1,
        "url": f"/verkostot/{network.slug}/tila/keskustelu/1/",
        "excerpt": text,
    }


def tell(users, kind, network, key="item:1", scope="room:1", text="Tervetuloa kaikki!"):
    return notify(
        users,
        kind,
        network=network,
        key=key,
        template="discussion_message",
        payload=payload(network, text),
        scope=scope,
    )


def digest(capture):
    mail.outbox.clear()
    with capture(execute=True):
        send_digests()


@pytest.mark.parametrize("delivery", list(Delivery))
@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_and_choice_decides_exactly_who_gets_what(
    network_people, django_capture_on_commit_callbacks, kind, delivery
):
    network, _other, people = network_people
    chooser, bystander = people["member"], people["contact"]
    Preference.objects.create(user=chooser, kind=kind, delivery=delivery)

    with django_capture_on_commit_callbacks(execute=True):
        told = tell([chooser, bystander], kind, network)

    def expect(person, chosen):
        at_once = emails_to(person)
        record = Notice.objects.filter(user=person, key="item:1").first()
        if chosen == Delivery.NOW:
            assert len(at_once) == 1 and "Tervetuloa kaikki!" in at_once[0].text
            assert (record.via, record.delivered is not None, record.kind) == ("now", True, kind)
            assert person.pk in told.now
        elif chosen == Delivery.DIGEST:
            assert at_once == []
            assert (record.via, record.delivered) == ("", None)
            assert person.pk in told.later
        else:
            assert at_once == [] and record is None
            assert person.pk not in told.now + told.later

    expect(chooser, delivery)
    expect(bystander, DEFAULT_DELIVERY[kind])

    digest(django_capture_on_commit_callbacks)
    for person, chosen in ((chooser, delivery), (bystander, DEFAULT_DELIVERY[kind])):
        digests = emails_to(person)
        if chosen == Delivery.DIGEST:
            assert len(digests) == 1 and "Tervetuloa kaikki!" in digests[0].text
        else:
            assert digests == [], "told at once already, or never"


def test_an_item_is_recorded_and_e_mailed_once(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]
    with django_capture_on_commit_callbacks(execute=True):
        first = tell([member], Kind.MENTION, network)
        again = tell([member], Kind.MENTION, network)
        other_kind = tell([member], Kind.ROOM_MESSAGES, network)  # the same message as a followed room's news
    assert (first.now, again.total, other_kind.total) == ([member.pk], 0, 0)
    assert len(emails_to(member)) == 1
    assert Notice.objects.filter(user=member).count() == 1


def test_one_immediate_e_mail_per_scope_an_hour_the_rest_wait_for_the_digest(
    network_people, django_capture_on_commit_callbacks
):
    network, _other, people = network_people
    member = people["member"]
    with django_capture_on_commit_callbacks(execute=True):
        tell([member], Kind.MENTION, network, key="m:1", scope="room:1", text="ensimmäinen")
        capped = tell([member], Kind.MENTION, network, key="m:2", scope="room:1", text="toinen samassa huoneessa")
        tell([member], Kind.MENTION, network, key="m:3", scope="room:2", text="toisessa huoneessa")
        tell([member], Kind.TASKS, network, key="t:1", scope="", text="ilman rajaa 1")
        tell([member], Kind.TASKS, network, key="t:2", scope="", text="ilman rajaa 2")
    assert capped.later == [member.pk]
    assert [email.text.split("\n\n")[1] for email in emails_to(member)] == [
        "ensimmäinen",
        "toisessa huoneessa",
        "ilman rajaa 1",
        "ilman rajaa 2",
    ]

    digest(django_capture_on_commit_callbacks)
    (combined,) = emails_to(member)
    assert "toinen samassa huoneessa" in combined.text
    assert "ensimmäinen" not in combined.text and "toisessa huoneessa" not in combined.text

    # An hour after the last immediate e-mail of the scope, the next one goes at once again.
    Notice.objects.filter(via="now").update(delivered=timezone.now() - timedelta(hours=1, minutes=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tell([member], Kind.MENTION, network, key="m:4", scope="room:1", text="tunnin päästä")
    (again,) = emails_to(member)
    assert "tunnin päästä" in again.text


def test_muting_the_network_silences_its_room_news_unless_the_room_is_followed(
    network_people, django_capture_on_commit_callbacks
):
    network, _other, people = network_people
    member, contact = people["member"], people["contact"]
    for person in (member, contact):
        NetworkAttention.objects.create(user=person, network=network, level=Attention.MUTE)
        Preference.objects.create(user=person, kind=Kind.ROOM_MESSAGES, delivery=Delivery.NOW)
    with django_capture_on_commit_callbacks(execute=True):
        told = notify(
            [member, contact],
            Kind.ROOM_MESSAGES,
            network=network,
            key="item:1",
            template="discussion_message",
            payload=payload(network),
            scope="room:1",
            unmuted={contact.pk},
        )
    assert told.now == [contact.pk]
    assert emails_to(member) == [] and len(emails_to(contact)) == 1


def test_inactive_and_deleted_people_hear_nothing(network_people, django_capture_on_commit_callbacks):
    network, _other, _people = network_people
    inactive = make_user(is_active=False)
    deleted = make_user(deleted=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        told = tell([inactive, deleted], Kind.MENTION, network)
    assert told.total == 0 and mail.outbox == [] and not Notice.objects.exists()


def test_the_payload_keeps_plain_data_and_gives_datetimes_back():
    moment = timezone.now()
    stored = plain({"start": moment, "items": [{"at": moment}], "n": 1})
    assert revived(stored) == {"start": moment, "items": [{"at": moment}], "n": 1}
    with pytest.raises(TypeError):
        plain({"user": object()})


def test_queries_do_not_grow_with_the_people(network_people, django_capture_on_commit_callbacks):
    network, _other, _people = network_people

    def measure(size, key):
        people = [make_membership(network).user for _ in range(size)]
        for person in people[::3]:
            Preference.objects.create(user=person, kind=Kind.ROOM_MESSAGES, delivery=Delivery.NOW)
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            told = tell(people, Kind.ROOM_MESSAGES, network, key=key)
        assert len(told.now) == len(people[::3]) and told.total == size
        return len(queries)

    # preferences, network mutes, notices already recorded, the cap, the insert
    assert_queries(5, small=measure(3, "item:small"), large=measure(24, "item:large"))
