"""Discussion events come from the actions: each change tells its own audience once it is committed, and only
then; a refused or rolled-back change tells nobody, and a channel layer failure loses nothing."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction

from core.errors import ActionError
from discussions import actions, events
from discussions.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def setup(network_people):
    network, other_network, people = network_people
    return network, other_network, people, actions.ensure_general_room(network)


@pytest.fixture
def heard(django_capture_on_commit_callbacks):
    """heard(action, *groups) → (what the action returned, {group: [(event type, frame)]}), with the action's
    commit callbacks captured: nothing can have been sent before they run, and only then is it listened to."""
    layer = get_channel_layer()

    def run(action, *groups):
        channels = {group: async_to_sync(layer.new_channel)() for group in groups}
        for group, channel in channels.items():
            async_to_sync(layer.group_add)(group, channel)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = action()
        for callback in callbacks:  # the commit
            callback()

        async def drain(channel):
            received = []
            while True:
                try:
                    event = await asyncio.wait_for(layer.receive(channel), 0.1)
                except TimeoutError:
                    return received
                received.append((event["type"], json.loads(event["text"])))

        told = {group: async_to_sync(drain)(channel) for group, channel in channels.items()}
        for group, channel in channels.items():
            async_to_sync(layer.group_discard)(group, channel)
        return result, told

    return run


def test_messages_tell_their_network_and_only_their_network(setup, heard):
    network, other_network, people, room = setup
    group, other_group = events.network_group(network.pk), events.network_group(other_network.pk)
    author = people["member"]

    (message, created), told = heard(
        lambda: actions.create_message(room, author, "Hei **kaikki**", "e-1"), group, other_group
    )
    assert created
    assert told[other_group] == []
    [(event, frame)] = told[group]
    assert (event, frame["type"], frame["message"]["id"]) == ("discussion.frame", "message.new", message.pk)
    assert frame["message"]["body_html"] == "<p>Hei <strong>kaikki</strong></p>"

    _result, told = heard(lambda: actions.edit_message(message, author, "Korjattu"), group, other_group)
    assert [frame["type"] for _event, frame in told[group]] == ["message.updated"]
    assert told[other_group] == []

    _result, told = heard(lambda: actions.delete_message(message, author), group, other_group)
    assert [frame for _event, frame in told[group]] == [
        {"type": "message.deleted", "id": message.pk, "room": room.pk, "hidden_reason": ""}
    ]
    assert told[other_group] == []


def test_a_retried_send_tells_nobody_again(setup, heard):
    _network, _other, people, room = setup
    actions.create_message(room, people["member"], "Kerran", "e-2")
    (_message, created), told = heard(
        lambda: actions.create_message(room, people["member"], "Kerran", "e-2"), events.network_group(room.network_id)
    )
    assert not created
    assert told == {events.network_group(room.network_id): []}


def test_rooms_tell_the_whole_network(setup, heard):
    network, other_network, people, room = setup
    groups = (events.network_group(network.pk), events.network_group(other_network.pk))
    message, _created = actions.create_message(room, people["member"], "Kiinnitettävä", "e-3")

    topic, told = heard(lambda: actions.create_topic_room(network, people["member"], "Uusi aihe"), *groups)
    # An event of its own: every socket of the network adds the room to its rooms before passing the frame on.
    [(event, frame)] = told[groups[0]]
    assert (event, frame["type"], frame["room"]["id"], frame["room"]["kind"]) == (
        "room.created",
        "room.created",
        topic.pk,
        "topic",
    )
    assert told[groups[1]] == []

    _room, told = heard(lambda: actions.pin_message(room, message), *groups)
    [(event, frame)] = told[groups[0]]
    assert (event, frame["type"], frame["room"]["pinned"]) == ("discussion.frame", "room.updated", message.pk)
    assert told[groups[1]] == []

    _room, told = heard(lambda: actions.set_room_closed(room, True), *groups)
    assert [(frame["type"], frame["room"]["closed"]) for _event, frame in told[groups[0]]] == [("room.updated", True)]
    assert told[groups[1]] == []


def test_a_refused_or_rolled_back_change_tells_nobody(setup, heard):
    _network, _other, people, room = setup
    group = events.network_group(room.network_id)

    def refused():
        with pytest.raises(ActionError) as refusal:
            actions.create_message(room, people["member"], "   ", "e-4")
        return refusal.value.code

    assert heard(refused, group) == ("empty", {group: []})

    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            actions.create_message(room, people["member"], "Peruttu", "e-5")
            raise RuntimeError("the surrounding transaction fails")

    assert heard(rolled_back, group) == (None, {group: []})
    assert not Message.objects.filter(client_id="e-5").exists()


def test_a_channel_layer_failure_loses_nothing(setup, monkeypatch, django_capture_on_commit_callbacks):
    _network, _other, people, room = setup

    async def broken_group_send(group, message):
        raise ConnectionError("layer down")

    monkeypatch.setattr(get_channel_layer(), "group_send", broken_group_send)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message, created = actions.create_message(room, people["member"], "Talteen", "e-6")
    assert created and len(callbacks) == 1
    assert Message.objects.filter(pk=message.pk).exists()
    events.access_changed([people["member"].pk], [room.network_id])  # logged, not raised
