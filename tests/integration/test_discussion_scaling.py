"""The discussion across processes: two daphne processes with production settings, one PostgreSQL
database, one Redis (fixtures in conftest.py). Members are signed in by sessions made in that database
(bench.members), and talk through real websockets (the `websockets` client).
"""

import asyncio
import json
import time
import uuid

import psycopg
import pytest
from websockets.asyncio.client import connect

from tests.integration.conftest import manage

pytestmark = pytest.mark.integration

NETWORK = "lean"
TIMEOUT = 15  # seconds to wait for any one expected frame


@pytest.fixture(scope="module")
def members(production_env):
    """Eight new members of the demo network, each with a session: [{id, email, session}]."""
    prefix = f"scaling-{uuid.uuid4().hex[:6]}"
    code = f"from bench.members import print_members; print_members({NETWORK!r}, 8, {prefix!r})"
    output = manage(production_env, "shell", "-c", code)
    return json.loads(output.strip().splitlines()[-1])["members"]


def query(env, sql, *params):
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        return connection.execute(sql, params).fetchall()


async def receive_until(socket, type_, where=lambda frame: True, timeout=TIMEOUT):
    """The first frame of `type_` (that `where` accepts); other frames are skipped, an unexpected error fails."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no {type_} frame within {timeout} s")
        frame = json.loads(await asyncio.wait_for(socket.recv(), remaining))
        if frame["type"] == type_ and where(frame):
            return frame
        assert frame["type"] != "error", frame


async def frames_for(socket, seconds):
    """Every frame that arrives within `seconds`."""
    frames = []
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            frames.append(json.loads(await asyncio.wait_for(socket.recv(), remaining)))
        except TimeoutError:
            break
    return frames


async def join(base, member):
    """A member's socket on the server at `base`, subscribed to its rooms; returns (socket, general room id)."""
    socket = await connect(
        base.replace("http://", "ws://") + f"/ws/networks/{NETWORK}/",
        origin=base,
        additional_headers={"Cookie": f"sessionid={member['session']}"},
        compression=None,
        proxy=None,  # loopback only, whatever the environment's proxy settings
        open_timeout=TIMEOUT,
    )
    rooms = await receive_until(socket, "rooms")  # sent after the socket has joined its groups
    general = next(room["id"] for room in rooms["rooms"] if room["kind"] == "general")
    return socket, general


def send_frame(room, body, client_id):
    return json.dumps({"type": "message.send", "room": room, "body": body, "client_id": client_id})


def test_a_message_reaches_a_member_connected_to_the_other_process(two_servers, members):
    async def scenario():
        sender, room = await join(two_servers[0], members[0])
        receiver, _room = await join(two_servers[1], members[1])
        async with sender, receiver:
            client_id = uuid.uuid4().hex
            await sender.send(send_frame(room, "Terveisiä prosessista yksi", client_id))
            ack = await receive_until(sender, "ack", lambda frame: frame["client_id"] == client_id)
            new = await receive_until(receiver, "message.new", lambda frame: frame["message"]["client_id"] == client_id)
        message = new["message"]
        assert (message["id"], message["seq"], message["room"]) == (ack["id"], ack["seq"], room)
        assert message["body"] == "Terveisiä prosessista yksi"
        assert message["author"]["id"] == members[0]["id"]

    asyncio.run(scenario())


def test_who_is_online_shows_across_processes_at_once(two_servers, members):
    """A member who arrives at one process shows in the list of a member at the other, and drops out of it on
    leaving: each process tells the others, whose heartbeat is minutes away here (conftest.two_servers)."""

    async def scenario():
        here, _room = await join(two_servers[0], members[2])
        async with here:
            await receive_until(here, "presence")  # the whole list, then who comes and goes
            there, _room = await join(two_servers[1], members[3])
            async with there:
                came = await receive_until(here, "presence.update", timeout=5)
                assert members[3]["id"] in [person["id"] for person in came["joined"]]
            went = await receive_until(here, "presence.update", timeout=5)
            assert members[3]["id"] in went["left"]

    asyncio.run(scenario())


def test_a_retry_on_the_other_process_gets_the_same_ack_and_no_second_message(two_servers, members, production_env):
    async def scenario():
        first, room = await join(two_servers[0], members[2])
        retry, _room = await join(two_servers[1], members[2])  # the same person after a reconnect
        observer, _room = await join(two_servers[1], members[3])
        async with first, retry, observer:
            client_id = uuid.uuid4().hex
            await first.send(send_frame(room, "Lähetetään kerran", client_id))
            ack = await receive_until(first, "ack", lambda frame: frame["client_id"] == client_id)
            await retry.send(send_frame(room, "Lähetetään kerran", client_id))
            again = await receive_until(retry, "ack", lambda frame: frame["client_id"] == client_id)
            seen = await frames_for(observer, 2)
        return client_id, ack, again, seen

    client_id, ack, again, seen = asyncio.run(scenario())
    assert again == ack
    news = [frame for frame in seen if frame["type"] == "message.new" and frame["message"]["client_id"] == client_id]
    assert len(news) == 1, "the other members hear of the message once"
    stored = query(
        production_env,
        "SELECT id, seq FROM discussions_message WHERE author_id = %s AND client_id = %s",
        members[2]["id"],
        client_id,
    )
    assert stored == [(ack["id"], ack["seq"])]


def test_concurrent_senders_on_both_processes_get_gapless_unique_seqs(two_servers, members, production_env):
    senders, per_sender = members[4:8], 10

    async def scenario():
        sockets = [await join(two_servers[n % 2], member) for n, member in enumerate(senders)]
        room = sockets[0][1]
        observer, _room = await join(two_servers[1], members[0])
        client_ids = [[uuid.uuid4().hex for _ in range(per_sender)] for _ in senders]

        async def send_all(socket, ids):
            # Every frame at once, without waiting for acks: the server sees concurrent sends.
            for n, client_id in enumerate(ids):
                await socket.send(send_frame(room, f"Yhtä aikaa {n}", client_id))
            acks = {}
            while len(acks) < len(ids):
                ack = await receive_until(socket, "ack")
                acks[ack["client_id"]] = ack
            return acks

        async def observe(expected):
            seen = {}
            while len(seen) < expected:
                new = await receive_until(observer, "message.new")
                seen.setdefault(new["message"]["id"], new["message"]["seq"])
            return seen

        watching = asyncio.create_task(observe(len(senders) * per_sender))
        results = await asyncio.gather(
            *(send_all(socket, ids) for (socket, _), ids in zip(sockets, client_ids, strict=True))
        )
        seen = await watching
        for socket, _room in sockets:
            await socket.close()
        await observer.close()
        return room, results, seen

    room, results, seen = asyncio.run(scenario())
    acks = [ack for result in results for ack in result.values()]
    assert len(acks) == len(senders) * per_sender
    assert len({ack["id"] for ack in acks}) == len(acks)
    assert len({ack["seq"] for ack in acks}) == len(acks), "no two messages share a seq"
    assert seen == {ack["id"]: ack["seq"] for ack in acks}, "the observer heard every message with its seq"
    seqs = [seq for (seq,) in query(production_env, "SELECT seq FROM discussions_message WHERE room_id = %s", room)]
    [(last_seq,)] = query(production_env, "SELECT last_seq FROM discussions_room WHERE id = %s", room)
    assert sorted(seqs) == list(range(1, last_seq + 1)), "seqs are 1..N with no holes and no duplicates"
