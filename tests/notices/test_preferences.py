"""Each person's delivery for a kind of notice: their choice over the defaults; muting a network silences room
messages and workshop news, never what concerns the person themselves; all in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import DEFAULT_DELIVERY, Attention, Delivery, Kind, NetworkAttention, Preference
from notices.preferences import deliveries, preferences_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_defaults_mentions_and_replies_at_once_rooms_and_workshop_news_in_the_digest(network_people):
    network, _other, people = network_people
    member = people["member"]
    assert preferences_of(member) == DEFAULT_DELIVERY
    assert deliveries([member.pk], Kind.MENTION, network.pk) == {member.pk: Delivery.NOW}
    assert deliveries([member.pk], Kind.REPLY, network.pk) == {member.pk: Delivery.NOW}
    assert deliveries([member.pk], Kind.ROOM_MESSAGES, network.pk) == {member.pk: Delivery.DIGEST}
    assert deliveries([member.pk], Kind.WORKSHOP_NEWS, network.pk) == {member.pk: Delivery.DIGEST}


def test_never_for_discussions_does_not_silence_workshop_news(network_people):
    network, _other, people = network_people
    member = people["member"]
    for kind in (Kind.MENTION, Kind.REPLY, Kind.ROOM_MESSAGES):
        Preference.objects.create(user=member, kind=kind, delivery=Delivery.NEVER)
    assert deliveries([member.pk], Kind.ROOM_MESSAGES, network.pk) == {member.pk: Delivery.NEVER}
    assert deliveries([member.pk], Kind.WORKSHOP_NEWS, network.pk) == {member.pk: Delivery.DIGEST}
    assert preferences_of(member)[Kind.TASKS] == Delivery.NOW


def test_a_muted_network_silences_its_room_messages_and_news_not_mentions(network_people):
    network, other, people = network_people
    member = people["member"]
    NetworkAttention.objects.create(user=member, network=network, level=Attention.MUTE)
    assert deliveries([member.pk], Kind.ROOM_MESSAGES, network.pk) == {member.pk: Delivery.NEVER}
    assert deliveries([member.pk], Kind.WORKSHOP_NEWS, network.pk) == {member.pk: Delivery.NEVER}
    assert deliveries([member.pk], Kind.MENTION, network.pk) == {member.pk: Delivery.NOW}
    assert deliveries([member.pk], Kind.ROOM_MESSAGES, other.pk) == {member.pk: Delivery.DIGEST}
    # A room the person follows in spite of the network's mute.
    assert deliveries([member.pk], Kind.ROOM_MESSAGES, network.pk, unmuted={member.pk}) == {member.pk: Delivery.DIGEST}


@pytest.mark.parametrize("size", [3, 30])
def test_two_queries_however_many_people(network_people, size):
    network, _other, _people = network_people
    users = [make_user(f"henkilo{n}@example.fi") for n in range(size)]
    for user in users[::2]:
        Preference.objects.create(user=user, kind=Kind.WORKSHOP_NEWS, delivery=Delivery.NOW)
        NetworkAttention.objects.create(user=user, network=network, level=Attention.FOLLOW)
    with CaptureQueriesContext(connection) as queries:
        result = deliveries([user.pk for user in users], Kind.WORKSHOP_NEWS, network.pk)
    assert len(queries) == 2
    assert result[users[0].pk] == Delivery.NOW and result[users[1].pk] == Delivery.DIGEST
