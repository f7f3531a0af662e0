"""The consumer's metrics move with what it does: sockets, connect time, messages stored and delivered, syncs."""

import pytest
from channels.layers import get_channel_layer
from prometheus_client import REGISTRY

from discussions import events
from tests.discussions.sockets import joined, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


async def test_the_consumers_metrics(connect, network_people, monkeypatch):
    network, _other, people = network_people
    before = {
        name: value(name)
        for name in (
            "verkostamo_websocket_open",
            "verkostamo_websocket_connect_seconds_count",
            "verkostamo_discussion_messages_stored_total",
            "verkostamo_discussion_frames_delivered_total",
            "verkostamo_discussion_sync_requests_total",
            "verkostamo_channel_layer_send_failures_total",
        )
    }

    def grown(name):
        return value(name) - before[name]

    sender, rooms = await joined(connect, people["member"], network)
    listener, _rooms = await joined(connect, people["facilitator"], network)
    assert grown("verkostamo_websocket_open") == 2
    assert grown("verkostamo_websocket_connect_seconds_count") == 2
    room = rooms[0]["id"]
    await sender.send_json_to({"type": "message.send", "room": room, "body": "Hei", "client_id": "m1"})
    await receive_until(sender, "ack")
    await receive_until(listener, "message.new")
    await sender.send_json_to({"type": "message.send", "room": room, "body": "Hei", "client_id": "m1"})  # a retry
    await receive_until(sender, "ack")
    await listener.send_json_to({"type": "sync", "room": room, "after": 0})
    await receive_until(listener, "sync.result")
    assert grown("verkostamo_discussion_messages_stored_total") == 1
    assert grown("verkostamo_discussion_frames_delivered_total") >= 2  # the new message, to both sockets
    assert grown("verkostamo_discussion_sync_requests_total") == 1

    async def failing_group_send(*args, **kwargs):
        raise ConnectionError("the channel layer is down")

    monkeypatch.setattr(get_channel_layer(), "group_send", failing_group_send)
    await events.send_now(get_channel_layer(), "room.1", "{}")
    assert grown("verkostamo_channel_layer_send_failures_total") == 1
    monkeypatch.undo()

    await sender.disconnect()
    await listener.disconnect()
    assert grown("verkostamo_websocket_open") == 0
