"""What the discussion does when a process dies, the database does not answer, or the channel layer fails: presence
entries that expire with their process, `unavailable` instead of a server error, group clean-up that is retried."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import OperationalError
from django.test import override_settings

from discussions import consumers, open_sockets
from discussions.consumers import CLOSE_UNAVAILABLE, DiscussionConsumer
from discussions.models import Message
from discussions.presence import network_key
from tests.discussions.sockets import after_presence_frame, joined, online_until, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@override_settings(PRESENCE_HEARTBEAT_SECONDS=0.3, PRESENCE_TTL_SECONDS=1)
async def test_the_members_of_a_process_that_died_drop_out_when_its_entry_expires(connect, network_people):
    """Another process's entry (as a killed process leaves it: nobody deletes it) lists someone until it expires;
    the heartbeat of a living process then announces the list without them."""
    network, _other, people = network_people
    await sync_to_async(cache.set)(network_key(network.pk, 63), {999999: "Kaatunut Prosessi"}, timeout=1)
    communicator, connected = await connect(people["member"], network)
    assert connected
    first, _ = await receive_until(communicator, "presence")
    communicator.online = after_presence_frame(None, first)
    assert communicator.online == {people["member"].pk, 999999}
    assert {"id": 999999, "name": "Kaatunut Prosessi"} in first["online"]
    await online_until(communicator, {people["member"].pk}, timeout=3)
    await communicator.disconnect()


async def test_a_send_while_the_database_is_unreachable_is_answered_unavailable_and_nothing_is_stored(
    connect, network_people, monkeypatch
):
    network, _other, people = network_people
    communicator, rooms = await joined(connect, people["member"], network)

    def unreachable(*args):
        raise OperationalError("connection refused")

    monkeypatch.setattr(DiscussionConsumer, "store_message", unreachable)
    frame = {"type": "message.send", "room": rooms[0]["id"], "body": "Tallentuuko?", "client_id": "odota-1"}
    await communicator.send_json_to(frame)
    error, _ = await receive_until(communicator, "error")
    assert (error["code"], error["client_id"]) == ("unavailable", "odota-1")
    assert "tietokantaa" in error["detail"]
    monkeypatch.undo()  # the database is back: the client's retry is stored once
    await communicator.send_json_to(frame)
    ack, _ = await receive_until(communicator, "ack")
    assert ack["client_id"] == "odota-1"
    assert await Message.objects.filter(client_id="odota-1").acount() == 1
    await communicator.disconnect()


async def test_a_connect_while_the_database_is_unreachable_closes_with_4503(connect, network_people, monkeypatch):
    network, _other, people = network_people

    def unreachable(session_keys):
        raise OperationalError("connection refused")

    monkeypatch.setattr(consumers, "session_user_ids", unreachable)
    communicator, connected = await connect(people["member"], network)
    assert connected
    assert (await communicator.receive_output(timeout=2))["code"] == CLOSE_UNAVAILABLE


class FlakyLayer:
    """A channel layer whose first discards fail, as when its connection pool or Redis is gone."""

    def __init__(self, failures):
        self.failures = failures
        self.discarded = []

    async def group_discard(self, group, channel):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Too many connections")
        self.discarded.append((group, channel))


async def test_a_failed_group_discard_is_retried_until_it_holds(monkeypatch):
    monkeypatch.setattr(open_sockets, "DISCARD_RETRY_SECONDS", (0.01,))
    layer = FlakyLayer(failures=3)
    await open_sockets.leave_groups(layer, "specific.abc!1", ["network.1", "room.2"])
    for _ in range(100):
        if not open_sockets._pending_discards:
            break
        await asyncio.sleep(0.02)
    assert sorted(layer.discarded) == [("network.1", "specific.abc!1"), ("room.2", "specific.abc!1")]
    assert open_sockets._pending_discards == {}


async def test_sockets_join_their_groups_again_when_the_layer_is_back(connect, network_people):
    network, _other, people = network_people
    communicator, _rooms = await joined(connect, people["member"], network)
    (socket,) = [s for s in open_sockets._open if s.user.pk == people["member"].pk and s.network_id == network.pk]
    layer = socket.channel_layer
    for group in socket.groups_joined():  # what a restarted Redis has forgotten
        await layer.group_discard(group, socket.channel_name)
    await open_sockets.rejoin_groups(sender=layer)
    await layer.group_send(f"network.{network.pk}", {"type": "discussion.frame", "text": json.dumps({"type": "x"})})
    frame, _ = await receive_until(communicator, "x")
    assert frame == {"type": "x"}
    await communicator.disconnect()
    assert socket not in open_sockets._open
