"""The consumer's queries do not grow with the data, and checking access before every frame stays cheap.

Counted in the thread that runs the consumer's database work, at one data size and at ten times that size.
"""

import asyncio
from importlib import import_module

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache

from core.access import network_version_key, new_version
from discussions import actions, open_sockets
from discussions.consumers import CLOSE_NOT_MEMBER, CLOSE_NOT_SIGNED_IN, DiscussionConsumer, admit, decide_access
from discussions.events import ACCESS_CHANGED, network_group
from discussions.models import Message, Room
from discussions.queries import unread_counts
from networks.access import forget_networks
from tests.conftest import assert_queries
from tests.discussions.conftest import signed_in
from tests.discussions.sockets import DatabaseThreadQueries, joined, nothing_but_presence, receive_until
from tests.factories import make_membership, make_user

# Queries pinned at both data sizes (tests.conftest.assert_queries).
CONNECT_QUERIES = 9  # for a whole wave of connects as for one (discussions.consumers.admit); presence: none
# The same moments later: the process remembers which network the slug names and that it is live and public.
WARM_CONNECT_QUERIES = CONNECT_QUERIES - 2
FRAME_QUERIES = {
    # with its notices (discussions.actions.notify_message): the members and their room settings, the room's
    # network, the read marker's withdrawal, and notify's preferences, mutes, keys, insert
    "message.send": 19,  # and the author's draft of the room deleted with it
    "message.edit": 4,
    "message.delete": 4,
    "read": 2,
    "sync": 2,  # the messages, their reactions
    "typing": 0,
    "room.create": 4,
    "draft": 2,  # the room, the update of the person's draft
    "draft.new": 5,  # the room, the update that finds none, and the insert in its savepoint
}
CHECKED_FRAME_QUERIES = 5  # a frame after an access change: the database check included
SEND_QUERIES = 19  # a message, whatever the number of listeners: the sender's alone


pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def generous_limits(settings):
    settings.DISCUSSION_RATE_LIMIT = (100_000, 10)
    settings.DISCUSSION_ROOM_RATE_LIMIT = (100_000, 10)
    settings.DISCUSSION_EDIT_RATE_LIMIT = (100_000, 10)


def grow(network, people, members, messages, rooms):
    authors = [people["contact"], people["facilitator"]]
    authors += [make_membership(network, make_user()).user for _ in range(members)]
    general = actions.ensure_general_room(network)
    for n in range(messages):
        actions.create_message(general, authors[n % len(authors)], f"Viesti {n}", f"grow-{Message.objects.count()}")
    for n in range(rooms):
        topic = actions.create_topic_room(network, authors[n % len(authors)], f"Aihe {Room.objects.count()}")
        actions.create_message(topic, authors[0], "Aiheen avaus", f"grow-{Message.objects.count()}")


async def connect_queries(connect, user, network, warm=False):
    """Queries from the handshake to the coalesced presence list that follows it; as the first connect after a
    restart unless `warm`."""
    browser = await sync_to_async(signed_in)(user)
    if not warm:
        forget_networks()
    async with DatabaseThreadQueries() as queries:
        communicator, rooms = await joined(connect, user, network, browser=browser)
    return communicator, rooms, queries.count


async def frame_queries(communicator, frame, answer):
    async with DatabaseThreadQueries() as queries:
        await communicator.send_json_to(frame)
        await receive_until(communicator, answer)
    return queries.count


async def every_frame(communicator, room_id, n):
    """Queries of each kind of frame (a new message of its own to edit and delete each time)."""
    # A first message also creates the person's read marker of the room: not what is measured.
    warm_up = {"type": "message.send", "room": room_id, "body": "Hei", "client_id": f"warm-{n}"}
    await frame_queries(communicator, warm_up, "message.new")
    counts = {}
    counts["message.send"] = await frame_queries(
        communicator, {"type": "message.send", "room": room_id, "body": "Hei", "client_id": f"q-{n}"}, "message.new"
    )
    own = await sync_to_async(Message.objects.get)(client_id=f"q-{n}")
    counts["message.edit"] = await frame_queries(
        communicator, {"type": "message.edit", "id": own.pk, "body": "Korjattu"}, "message.updated"
    )
    counts["message.delete"] = await frame_queries(
        communicator, {"type": "message.delete", "id": own.pk}, "message.deleted"
    )
    counts["read"] = await frame_queries(communicator, {"type": "read", "room": room_id, "message_id": 1}, "unread")
    counts["sync"] = await frame_queries(communicator, {"type": "sync", "room": room_id, "after": 0}, "sync.result")
    counts["typing"] = await frame_queries(communicator, {"type": "typing", "room": room_id}, "typing")
    counts["room.create"] = await frame_queries(
        communicator, {"type": "room.create", "title": f"Uusi aihe {n}"}, "room.created"
    )
    draft = {"type": "draft", "room": room_id, "body": f"Kesken {n}"}
    counts["draft.new"] = await frame_queries(communicator, draft, "draft.saved")
    counts["draft"] = await frame_queries(communicator, {**draft, "body": f"Kesken vielä {n}"}, "draft.saved")
    return counts


async def test_connect_and_every_frame_run_the_same_queries_at_ten_times_the_size(connect, network_people):
    network, _other, people = network_people
    member = people["member"]
    await sync_to_async(grow)(network, people, members=3, messages=10, rooms=2)
    communicator, rooms, small_connect = await connect_queries(connect, member, network)
    small = await every_frame(communicator, rooms[0]["id"], 1)
    await communicator.disconnect()

    await sync_to_async(grow)(network, people, members=30, messages=100, rooms=20)
    communicator, rooms, large_connect = await connect_queries(connect, member, network)
    large = await every_frame(communicator, rooms[0]["id"], 2)
    await communicator.disconnect()

    assert len(rooms) > 20
    assert_queries(CONNECT_QUERIES, small=small_connect, large=large_connect)
    assert_queries(FRAME_QUERIES, small=small, large=large)
    assert small["typing"] == 0, "the access check of a frame is a cache read when nothing changed"


async def test_a_connect_moments_after_another_skips_the_network(connect, network_people):
    """Which network the slug names and whether it is live and public are remembered for a while (per access
    version, tests.discussions.test_access checks that a change still shows at once)."""
    network, _other, people = network_people
    first, _rooms, cold = await connect_queries(connect, people["member"], network)
    second, _rooms, warm = await connect_queries(connect, people["contact"], network, warm=True)
    assert (cold, warm) == (CONNECT_QUERIES, WARM_CONNECT_QUERIES)
    for communicator in (first, second):
        await communicator.disconnect()


def read_half_of_every_room(user, network):
    """…and leave a draft in each: the rooms frame carries the person's drafts."""
    for room in Room.objects.filter(network=network):
        actions.mark_read(user, room, room.last_seq // 2)
        actions.save_draft(room, user, f"Kesken huoneessa {room.pk}")


@pytest.mark.parametrize("role", ["member", "staff"])
async def test_connect_runs_the_same_queries_whatever_the_rooms_members_messages_and_read_markers(
    connect, network_people, role
):
    """A connect costs the same few queries, however big its network is: the session (read twice: before and
    after the access versions), the network's id, the person, the network, the membership, the rooms, the
    read markers and the person's drafts. Presence reads the cache only."""
    network, _other, people = network_people
    user = people[role]
    counts = []
    for members, messages, rooms in ((2, 6, 1), (40, 120, 25)):
        await sync_to_async(grow)(network, people, members=members, messages=messages, rooms=rooms)
        await sync_to_async(read_half_of_every_room)(user, network)
        communicator, joined_rooms, count = await connect_queries(connect, user, network)
        counts.append(count)
        room_ids = await sync_to_async(lambda: set(network.rooms.values_list("pk", flat=True)))()
        assert {room["id"] for room in joined_rooms} == room_ids
        await communicator.disconnect()
    assert len(joined_rooms) > 25
    assert_queries(CONNECT_QUERIES, small=counts[0], large=counts[1])


def wave_of(people, network):
    """[(consumer, slug)] of sockets about to connect, one per signed-in person."""
    wave = []
    for user in people:
        consumer = DiscussionConsumer()
        consumer.session_key = signed_in(user).session.session_key
        wave.append((consumer, network.slug))
    return wave


async def test_a_wave_of_connects_is_decided_in_the_queries_of_one(network_people):
    """After a restart everyone reconnects at once: the sockets that arrive together are admitted together, the
    same queries for twelve as for one, each with its own person, rooms and unread counts."""
    network, other, people = network_people
    await sync_to_async(grow)(network, people, members=12, messages=24, rooms=2)
    members = await sync_to_async(lambda: [m.user for m in network.memberships.select_related("user")])()
    await sync_to_async(read_half_of_every_room)(members[0], network)
    outsider = await sync_to_async(make_user)()
    counts = []
    for wave in (await sync_to_async(wave_of)(members[:1], network), await sync_to_async(wave_of)(members, network)):
        forget_networks()
        async with DatabaseThreadQueries() as queries:
            arrivals = await admit(wave)
        counts.append(queries.count)
        assert all(arrival.refused is None for arrival in arrivals)
        assert [consumer.user for consumer, _slug in wave] == members[: len(wave)]
    assert_queries(CONNECT_QUERIES, one=counts[0], twelve=counts[1])
    assert len(arrivals) == len(members) > 12
    rooms = await sync_to_async(lambda: list(network.rooms.all()))()
    expected = [await sync_to_async(unread_counts)(user, rooms) for user in members]
    assert [arrival.unread for arrival in arrivals] == expected
    assert len({tuple(unread.values()) for unread in expected}) > 1, "people with different unread counts"
    assert arrivals[0].drafts == {room.pk: f"Kesken huoneessa {room.pk}" for room in rooms}
    assert not any(arrival.drafts for arrival in arrivals[1:]), "each person gets their own drafts only"

    mixed = await sync_to_async(wave_of)([members[0], outsider], network)
    mixed += await sync_to_async(wave_of)([members[1]], other)
    mixed.append((DiscussionConsumer(), network.slug))
    mixed[-1][0].session_key = "no-such-session"
    arrivals = await admit(mixed)
    assert [arrival.refused for arrival in arrivals] == [None, CLOSE_NOT_MEMBER, CLOSE_NOT_MEMBER, CLOSE_NOT_SIGNED_IN]

    # One person on a laptop and a phone, checked together after signing out on the laptop: only its socket goes.
    laptop, phone = await sync_to_async(wave_of)([members[0], members[0]], network)
    assert [arrival.refused for arrival in await admit([laptop, phone])] == [None, None]
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    await sync_to_async(session_store(laptop[0].session_key).delete)()
    refusals = await sync_to_async(decide_access)([laptop[0], phone[0]])
    assert refusals == [CLOSE_NOT_SIGNED_IN, None]


async def test_a_frame_after_an_access_change_costs_one_constant_database_check(connect, network_people):
    network, _other, people = network_people
    member = people["member"]
    communicator, rooms, _count = await connect_queries(connect, member, network)
    room_id = rooms[0]["id"]
    sync = {"type": "sync", "room": room_id, "after": 0}
    unchanged = await frame_queries(communicator, sync, "sync.result")

    counts = []
    for more_members in (0, 30):
        for _ in range(more_members):
            await sync_to_async(make_membership)(network, await sync_to_async(make_user)())
        await communicator.receive_nothing(timeout=0.2)  # the joins' pushes and presence are over
        # Someone changed the network's access and the push did not arrive: the frame itself must notice.
        cache.set(network_version_key(network.pk), new_version())
        async with DatabaseThreadQueries() as queries:
            await communicator.send_json_to(sync)
            await receive_until(communicator, "sync.result")
        counts.append(queries.count)
    assert_queries(CHECKED_FRAME_QUERIES, small=counts[0], large=counts[1])
    # The session, the user, the network (its view restrictions a subquery) and the membership.
    assert counts[0] - unchanged == 4
    await communicator.disconnect()


async def test_fan_out_costs_the_receivers_nothing(connect, network_people):
    """A message to a room with one listener and with six costs the same queries: the sender's alone."""
    network, _other, people = network_people
    alice, rooms, _count = await connect_queries(connect, people["member"], network)
    room_id = rooms[0]["id"]
    listeners = [(await joined(connect, people["contact"], network))[0]]
    warm_up = {"type": "message.send", "room": room_id, "body": "Hei", "client_id": "warm"}
    await frame_queries(alice, warm_up, "message.new")  # creates her read marker: not what is measured
    counts = []
    for more in (0, 5):
        for _ in range(more):
            user = await sync_to_async(make_user)()
            await sync_to_async(make_membership)(network, user)
            listeners.append((await joined(connect, user, network))[0])
        for communicator in (alice, *listeners):
            await communicator.receive_nothing(timeout=0.4)  # the presence broadcasts of the joins are over
        frame = {"type": "message.send", "room": room_id, "body": "Kaikille", "client_id": f"f{more}"}
        async with DatabaseThreadQueries() as queries:
            await alice.send_json_to(frame)
            for communicator in (alice, *listeners):
                await receive_until(communicator, "message.new")
        counts.append(queries.count)
    assert_queries(SEND_QUERIES, one_listener=counts[0], six_listeners=counts[1])
    for communicator in (alice, *listeners):
        await communicator.disconnect()


async def test_an_access_change_rechecks_the_networks_sockets_together(connect, network_people):
    """A change of a network's access makes every socket of it check at once: eight sockets check in at most two
    trips to the database (the first at once, the rest together), not eight."""
    network, _other, people = network_people
    members = [people["member"], people["contact"], people["facilitator"]]
    members += [await sync_to_async(lambda: make_membership(network, make_user()).user)() for _ in range(5)]
    counts = []
    for size in (1, len(members)):
        communicators = [(await joined(connect, member, network))[0] for member in members[:size]]
        sockets = [socket for socket in open_sockets._open if socket.network_id == network.pk]
        assert len(sockets) == size
        checked = {socket: socket.access_checked for socket in sockets}
        async with DatabaseThreadQueries() as queries:
            # As core.access.access_changed: a new version first, then the push.
            await sync_to_async(cache.set)(network_version_key(network.pk), new_version())
            await get_channel_layer().group_send(network_group(network.pk), {"type": ACCESS_CHANGED})
            async with asyncio.timeout(5):
                while any(socket.access_checked == checked[socket] for socket in sockets):
                    await asyncio.sleep(0.01)
        counts.append(queries.count)
        for communicator in communicators:
            assert await nothing_but_presence(communicator, 0.1), "access holds: the socket stays open"
            await communicator.disconnect()
    assert counts[0] == CHECKED_FRAME_QUERIES - 1  # the check alone, without the sync of an empty room
    assert counts[0] <= counts[1] <= 2 * counts[0]
