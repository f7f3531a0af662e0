"""The discussion consumer through the real router stack: every frame type and every refusal."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from discussions import actions, presence, queries
from discussions.models import Message, Room
from discussions.presence import PRESENCE_COALESCE_SECONDS
from networks.actions import end_membership
from networks.models import Membership
from tests.discussions.sockets import PRESENCE_FRAMES, frames_within, joined, online_until, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def people(network_people):
    network, other_network, people = network_people
    return network, other_network, people


async def test_anonymous_is_closed_with_4401(connect, people):
    network, _other, _people = people
    communicator, connected = await connect(None, network)
    assert connected
    assert (await communicator.receive_output(timeout=2))["code"] == 4401


@pytest.mark.parametrize("role", ["outsider", "other_member"])
async def test_non_members_are_closed_with_4403(connect, people, role):
    network, _other, people = people
    communicator, connected = await connect(people[role], network)
    assert connected
    assert (await communicator.receive_output(timeout=2))["code"] == 4403


@pytest.mark.parametrize("role", ["member", "contact", "facilitator", "staff"])
async def test_members_facilitators_and_staff_connect(connect, people, role):
    network, _other, people = people
    communicator, rooms = await joined(connect, people[role], network)
    assert [room["kind"] for room in rooms] == ["general"]
    await communicator.disconnect()


async def test_a_foreign_origin_is_refused_at_the_handshake(connect, people, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    network, _other, people = people
    _communicator, connected = await connect(people["member"], network, origin=b"https://evil.example")
    assert not connected
    _communicator, connected = await connect(people["member"], network, origin=b"http://localhost")
    assert connected


async def test_send_acks_then_everyone_in_the_room_gets_it(connect, people):
    network, _other, people = people
    alice, rooms = await joined(connect, people["member"], network)
    bob, _rooms = await joined(connect, people["facilitator"], network)
    room = rooms[0]["id"]

    await alice.send_json_to({"type": "message.send", "room": room, "body": "Hei **kaikki**", "client_id": "c1"})
    ack, _ = await receive_until(alice, "ack")
    new, _ = await receive_until(bob, "message.new")

    assert ack == {"type": "ack", "client_id": "c1", "id": new["message"]["id"], "seq": 1}
    assert new["message"]["body_html"] == "<p>Hei <strong>kaikki</strong></p>"
    assert new["message"]["author"]["id"] == people["member"].pk
    own, _ = await receive_until(alice, "message.new")
    assert own["message"]["client_id"] == "c1"
    await alice.disconnect()
    await bob.disconnect()


async def test_a_retried_client_id_is_stored_once_and_acked_the_same(connect, people):
    network, _other, people = people
    alice, rooms = await joined(connect, people["member"], network)
    frame = {"type": "message.send", "room": rooms[0]["id"], "body": "Kerran vain", "client_id": "same"}
    await alice.send_json_to(frame)
    first, _ = await receive_until(alice, "ack")
    await alice.send_json_to(frame)
    second, skipped = await receive_until(alice, "ack")
    assert first == second
    assert await sync_to_async(Message.objects.filter(client_id="same").count)() == 1
    await alice.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "malformed"),
        ("[1, 2]", "malformed"),
        ('{"no": "type"}', "malformed"),
        ('{"type": "launch.missiles"}', "unknown_type"),
        ('{"type": "message.send", "room": 999999, "body": "x", "client_id": "a"}', "unknown_room"),
        ('{"type": "message.send", "room": "ROOM", "body": "", "client_id": "a"}', "empty"),
        ('{"type": "message.send", "room": "ROOM", "body": "x"}', "invalid"),
        ('{"type": "message.send", "room": "ROOM", "body": 12, "client_id": "a"}', "empty"),
        ('{"type": "sync", "room": "ROOM", "after": -1}', "invalid"),
        ('{"type": "read", "room": "ROOM"}', "invalid"),
        ('{"type": "message.edit", "id": 999999, "body": "x"}', "not_found"),
        ('{"type": "message.pin", "room": "ROOM", "id": null}', "forbidden"),
        ('{"type": "room.close", "room": "ROOM"}', "forbidden"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_the_connection_stays_open(connect, people, frame, code):
    network, _other, people = people
    alice, rooms = await joined(connect, people["member"], network)
    await alice.send_to(text_data=frame.replace('"ROOM"', str(rooms[0]["id"])))
    error, _ = await receive_until(alice, "error")
    assert error["code"] == code
    assert error["detail"]  # a sentence for people, in Finnish
    await alice.send_json_to({"type": "sync", "room": rooms[0]["id"], "after": 0})
    result, _ = await receive_until(alice, "sync.result")
    assert result["complete"] is True
    await alice.disconnect()


async def test_a_room_of_another_network_is_refused(connect, people):
    network, other_network, people = people
    other_room = await sync_to_async(actions.ensure_general_room)(other_network)
    alice, _rooms = await joined(connect, people["member"], network)
    await alice.send_json_to({"type": "message.send", "room": other_room.pk, "body": "x", "client_id": "z"})
    error, _ = await receive_until(alice, "error")
    assert error == {"type": "error", "code": "unknown_room", "detail": error["detail"], "client_id": "z"}
    assert not await sync_to_async(Message.objects.exists)()
    await alice.disconnect()


async def test_oversize_frames_and_too_long_messages_are_refused(connect, people):
    network, _other, people = people
    alice, rooms = await joined(connect, people["member"], network)
    room = rooms[0]["id"]
    await alice.send_json_to({"type": "message.send", "room": room, "body": "x" * 10_001, "client_id": "long"})
    error, _ = await receive_until(alice, "error")
    assert (error["code"], error["client_id"]) == ("too_long", "long")
    await alice.send_to(text_data=json.dumps({"type": "typing", "room": room, "pad": "y" * 70_000}))
    error, _ = await receive_until(alice, "error")
    assert error["code"] == "too_large"
    await alice.send_json_to({"type": "message.send", "room": room, "body": "x" * 10_000, "client_id": "max"})
    await receive_until(alice, "ack")
    await alice.disconnect()


async def test_rate_limit_says_when_to_retry(connect, people, settings):
    settings.DISCUSSION_RATE_LIMIT = (3, 60)
    network, _other, people = people
    alice, rooms = await joined(connect, people["member"], network)
    for n in range(3):
        await alice.send_json_to({"type": "message.send", "room": rooms[0]["id"], "body": "x", "client_id": f"r{n}"})
        await receive_until(alice, "ack")
    await alice.send_json_to({"type": "message.send", "room": rooms[0]["id"], "body": "x", "client_id": "r3"})
    error, _ = await receive_until(alice, "error")
    assert error["code"] == "rate_limited"
    assert "sekunnin" in error["detail"]
    # A retry of a message already stored is not a new message: it is acked, not refused.
    await alice.send_json_to({"type": "message.send", "room": rooms[0]["id"], "body": "x", "client_id": "r0"})
    await receive_until(alice, "ack")
    await alice.disconnect()


async def test_a_closed_room_refuses_new_messages(connect, people):
    network, _other, people = people
    facilitator, rooms = await joined(connect, people["facilitator"], network)
    member, _rooms = await joined(connect, people["member"], network)
    room = rooms[0]["id"]
    await facilitator.send_json_to({"type": "room.close", "room": room, "closed": True})
    updated, _ = await receive_until(member, "room.updated")
    assert updated["room"]["closed"] is True
    await member.send_json_to({"type": "message.send", "room": room, "body": "x", "client_id": "late"})
    error, _ = await receive_until(member, "error")
    assert error["code"] == "room_closed"
    await facilitator.disconnect()
    await member.disconnect()


async def test_edit_and_delete_own_messages_only_and_facilitators_hide_with_a_reason(connect, people):
    network, _other, people = people
    member, rooms = await joined(connect, people["member"], network)
    contact, _rooms = await joined(connect, people["contact"], network)
    facilitator, _rooms = await joined(connect, people["facilitator"], network)
    room = rooms[0]["id"]
    await member.send_json_to({"type": "message.send", "room": room, "body": "alku", "client_id": "e1"})
    ack, _ = await receive_until(member, "ack")

    await contact.send_json_to({"type": "message.edit", "id": ack["id"], "body": "kaapattu"})
    assert (await receive_until(contact, "error"))[0]["code"] == "forbidden"
    await contact.send_json_to({"type": "message.delete", "id": ack["id"]})
    assert (await receive_until(contact, "error"))[0]["code"] == "forbidden"

    await member.send_json_to({"type": "message.edit", "id": ack["id"], "body": "korjattu *teksti*"})
    updated, _ = await receive_until(facilitator, "message.updated")
    assert updated["message"]["body_html"] == "<p>korjattu <em>teksti</em></p>"
    assert updated["message"]["edited"]

    await facilitator.send_json_to({"type": "message.delete", "id": ack["id"], "reason": 123})
    refused, _ = await receive_until(facilitator, "error")
    assert refused["code"] == "invalid" and "tekstiä" in refused["detail"]
    assert (await sync_to_async(Message.objects.get)(pk=ack["id"])).deleted is None

    await facilitator.send_json_to({"type": "message.delete", "id": ack["id"], "reason": "Asiaton"})
    deleted, _ = await receive_until(member, "message.deleted")
    assert deleted == {"type": "message.deleted", "id": ack["id"], "room": room, "hidden_reason": "Asiaton"}
    stored = await sync_to_async(Message.objects.get)(pk=ack["id"])
    assert stored.deleted and stored.hidden_reason == "Asiaton"
    for communicator in (member, contact, facilitator):
        await communicator.disconnect()


async def test_typing_is_relayed_and_throttled(connect, people):
    network, _other, people = people
    alice, rooms = await joined(connect, people["member"], network)
    bob, _rooms = await joined(connect, people["contact"], network)
    room = rooms[0]["id"]
    for _ in range(5):
        await alice.send_json_to({"type": "typing", "room": room})
    typing, _ = await receive_until(bob, "typing")
    assert typing["user"]["id"] == people["member"].pk
    await asyncio.sleep(0.3)
    assert [frame for frame in await frames_within(bob, 0.3) if frame["type"] == "typing"] == []
    await alice.disconnect()
    await bob.disconnect()


async def test_read_markers_and_unread_counts(connect, people):
    network, _other, people = people
    room = await sync_to_async(Room.objects.get)(network=network, kind="general")
    for n in range(3):
        await sync_to_async(actions.create_message)(room, people["facilitator"], f"viesti {n}", f"u{n}")
    member, _rooms = await joined(connect, people["member"], network)
    # The unread counts come with the rooms.
    communicator, connected = await connect(people["member"], network)
    rooms, _ = await receive_until(communicator, "rooms")
    assert rooms["unread"] == {str(room.pk): 3}
    await communicator.send_json_to({"type": "read", "room": room.pk, "message_id": 2})
    unread, _ = await receive_until(communicator, "unread")
    assert unread["count"] == 1
    await communicator.send_json_to({"type": "read", "room": room.pk, "message_id": 1})  # never backwards
    unread, _ = await receive_until(communicator, "unread")
    assert unread["count"] == 1
    await communicator.disconnect()
    # The next connect counts from the read marker; another person's marker counts for nobody else.
    again, _connected = await connect(people["member"], network)
    assert (await receive_until(again, "rooms"))[0]["unread"] == {str(room.pk): 1}
    contact, _connected = await connect(people["contact"], network)
    assert (await receive_until(contact, "rooms"))[0]["unread"] == {str(room.pk): 3}
    await again.disconnect()
    await contact.disconnect()
    await member.disconnect()


async def test_sync_returns_a_bounded_page_after_a_seq(connect, people):
    network, _other, people = people
    room = await sync_to_async(Room.objects.get)(network=network, kind="general")

    def fill():
        for n in range(queries.SYNC_PAGE_SIZE + 5):
            actions.create_message(room, people["facilitator"], f"viesti {n}", f"s{n}")

    settings_limit = (1000, 10)
    from django.conf import settings

    settings.DISCUSSION_RATE_LIMIT = settings_limit
    await sync_to_async(fill)()
    alice, _rooms = await joined(connect, people["member"], network)
    await alice.send_json_to({"type": "sync", "room": room.pk, "after": 2})
    page, _ = await receive_until(alice, "sync.result")
    assert [m["seq"] for m in page["messages"]] == list(range(3, 3 + queries.SYNC_PAGE_SIZE))
    assert page["complete"] is False
    await alice.send_json_to({"type": "sync", "room": room.pk, "after": page["messages"][-1]["seq"]})
    rest, _ = await receive_until(alice, "sync.result")
    assert [m["seq"] for m in rest["messages"]] == [103, 104, 105]
    assert rest["complete"] is True
    await alice.disconnect()


async def test_presence_lists_who_is_online(connect, people):
    """A socket gets the whole list once, then who came and went (`presence.update`): a few names, not all."""
    network, _other, people = people
    alice, _rooms = await joined(connect, people["member"], network)
    bob, _rooms = await joined(connect, people["contact"], network)
    update, _ = await receive_until(alice, "presence.update")
    assert update["joined"] == [{"id": people["contact"].pk, "name": people["contact"].display_name}]
    assert update["left"] == []
    await bob.disconnect()
    update, _ = await receive_until(alice, "presence.update")
    assert (update["joined"], update["left"]) == ([], [people["contact"].pk])
    await alice.disconnect()


async def test_everyone_gets_one_list_per_window_however_many_joined(connect, people):
    """The new sockets and the ones already there get one list per coalescing window however many joined in it,
    instead of one per join (O(N²) frames for a wave of N), and nothing more once they have been told."""
    network, _other, people = people
    alice, _rooms = await joined(connect, people["member"], network)  # with the list of her own join
    others = []
    for role in ("contact", "facilitator"):  # staff without a membership are not listed
        communicator, connected = await connect(people[role], network)
        assert connected
        others.append(communicator)
    everyone = {people[role].pk for role in ("member", "contact", "facilitator")}
    for communicator in (alice, *others):
        await online_until(communicator, everyone)
        later = await frames_within(communicator, PRESENCE_COALESCE_SECONDS * 3)
        assert [frame for frame in later if frame["type"] in PRESENCE_FRAMES] == []
    for communicator in (*others, alice):
        await communicator.disconnect()


async def test_a_socket_that_joins_an_unchanged_list_gets_it_alone(connect, people):
    """Staff outside the network are not listed: their socket gets the list, and nobody else a repeat of it."""
    network, _other, people = people
    alice, _rooms = await joined(connect, people["member"], network)
    staff, _rooms = await joined(connect, people["staff"], network)
    assert await frames_within(alice, PRESENCE_COALESCE_SECONDS * 3) == []
    for communicator in (staff, alice):
        await communicator.disconnect()


async def test_a_network_with_many_people_online_gets_fewer_lists(monkeypatch):
    """Each list is a delivery to every open socket: at 1 000 online, one per two seconds, not four per second."""
    monkeypatch.setattr(presence._process, "announced", {1: frozenset(range(10)), 2: frozenset(range(1000))})
    assert presence.coalesce_seconds(1) == PRESENCE_COALESCE_SECONDS
    assert presence.coalesce_seconds(2) == 1000 / presence.PRESENCE_DELIVERIES_PER_SECOND == 2
    assert presence.coalesce_seconds(3) == PRESENCE_COALESCE_SECONDS  # nobody announced yet


async def test_topic_rooms_are_created_by_members_and_joined_live(connect, people):
    network, _other, people = people
    alice, _rooms = await joined(connect, people["member"], network)
    bob, _rooms = await joined(connect, people["contact"], network)
    await alice.send_json_to({"type": "room.create", "title": "Lean-kokeilut"})
    created, _ = await receive_until(bob, "room.created")
    room = created["room"]["id"]
    assert created["room"]["kind"] == "topic"
    await alice.send_json_to({"type": "message.send", "room": room, "body": "Uusi aihe", "client_id": "t1"})
    new, _ = await receive_until(bob, "message.new")
    assert new["message"]["room"] == room
    await alice.disconnect()
    await bob.disconnect()


async def test_facilitator_pins_a_message(connect, people):
    network, _other, people = people
    facilitator, rooms = await joined(connect, people["facilitator"], network)
    room = rooms[0]["id"]
    await facilitator.send_json_to({"type": "message.send", "room": room, "body": "Tärkeä", "client_id": "p1"})
    ack, _ = await receive_until(facilitator, "ack")
    await facilitator.send_json_to({"type": "message.pin", "room": room, "id": ack["id"]})
    updated, _ = await receive_until(facilitator, "room.updated")
    assert updated["room"]["pinned"] == ack["id"]
    await facilitator.disconnect()


async def test_ending_a_membership_closes_open_sockets_at_once(connect, people):
    network, _other, people = people
    alice, _rooms = await joined(connect, people["member"], network)
    membership = await sync_to_async(Membership.objects.get)(user=people["member"], network=network)
    await sync_to_async(end_membership)(membership)
    while True:
        output = await alice.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 4403


async def test_a_channel_layer_failure_still_stores_and_acks(connect, people, monkeypatch):
    network, _other, people = people
    alice, rooms = await joined(connect, people["member"], network)
    layer = get_channel_layer()

    async def broken_group_send(group, message):
        raise ConnectionError("layer down")

    monkeypatch.setattr(layer, "group_send", broken_group_send)
    await alice.send_json_to({"type": "message.send", "room": rooms[0]["id"], "body": "talteen", "client_id": "d1"})
    ack, _ = await receive_until(alice, "ack")
    assert await sync_to_async(Message.objects.filter(pk=ack["id"]).exists)()
    await alice.disconnect()
