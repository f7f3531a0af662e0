"""Restarts lose nothing and heal: 100 members over two daphne processes (production settings, PostgreSQL, a
Redis of the test's own), messages flowing from ten senders; one process is killed (SIGKILL) mid-stream and a
replacement started, then the other is stopped (SIGTERM) and its clients must see 1012. Afterwards every member has
every acknowledged message, each stored once, no daphne logged an error, and presence lists only who is still
connected within a minute (here within seconds: short heartbeat and lifetime)."""

import asyncio
import json
import random
import time
import uuid

import psycopg
import pytest

from tests.integration.client import NETWORK, LoadBalancer, Member
from tests.integration.conftest import manage
from tests.integration.processes import Daphne, Redis

pytestmark = pytest.mark.integration

MEMBERS = 100
SENDERS = 10
MESSAGES = 300  # in all, about 20 a second
GONE = 10  # members of the killed process who closed their tab meanwhile: presence must drop them


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    server = Redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def env(production_env, redis):
    return {
        **production_env,
        "REDIS_URL": redis.url,
        "LOG_LEVEL": "ERROR",
        "PRESENCE_HEARTBEAT_SECONDS": "1",
        "PRESENCE_TTL_SECONDS": "4",
        # 100 members' sends are one person's rate-limit allowance each; the senders send 30 each in 15 s
        "DISCUSSION_RATE_MESSAGES": "1000",
    }


@pytest.fixture(scope="module")
def people(env):
    prefix = f"restart-{uuid.uuid4().hex[:6]}"
    code = f"from bench.members import print_members; print_members({NETWORK!r}, {MEMBERS}, {prefix!r})"
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])["members"]


def stored(env, client_ids):
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        rows = connection.execute(
            "SELECT client_id, id FROM discussions_message WHERE client_id = ANY(%s)", (list(client_ids),)
        ).fetchall()
    return rows


def test_a_killed_and_a_stopped_process_lose_nothing_and_presence_heals(env, people, tmp_path):
    first, second = Daphne(env, tmp_path, "a"), Daphne(env, tmp_path, "b")
    servers = [first, second]
    balancer = LoadBalancer([first.base, second.base])

    async def scenario():
        members = []
        for n, person in enumerate(people):
            member = Member(person, LoadBalancer([servers[n % 2].base]))
            members.append(member)
            member.start()
        await asyncio.wait_for(asyncio.gather(*(m.connected.wait() for m in members)), 60)
        for member in members:
            member.balancer = balancer  # from now on, whatever process the balancer gives
        on_first = [m for n, m in enumerate(members) if n % 2 == 0]
        on_second = [m for n, m in enumerate(members) if n % 2 == 1]
        gone = on_first[-GONE:]
        senders = random.sample([m for m in members if m not in gone], SENDERS)
        sent = []

        async def talk(sender, count):
            for n in range(count):
                sent.append((sender, await sender.say(f"Viesti {n} jäseneltä {sender.id}")))
                await asyncio.sleep(SENDERS / 20)

        talking = asyncio.gather(*(talk(sender, MESSAGES // SENDERS) for sender in senders))
        await asyncio.sleep(5)
        for member in gone:
            member.stay_away = True
        await asyncio.to_thread(first.kill)  # mid-stream, no goodbye
        killed = time.monotonic()
        third = await asyncio.to_thread(Daphne, env, tmp_path, "c")
        servers.append(third)
        balancer.bases[:] = [second.base, third.base]
        await asyncio.sleep(3)
        balancer.bases[:] = [third.base]
        second.terminate()
        await asyncio.to_thread(second.process.wait, 60)  # a bound, not a timing: it stops within its grace
        await talking
        deadline = time.monotonic() + 60
        while any(sender.outbox for sender in senders) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        staying = [m for m in members if m not in gone]
        acked = {ack for sender in senders for ack in sender.acks.values()}
        while time.monotonic() < deadline and not all(acked <= member.ids.keys() for member in staying):
            await asyncio.sleep(0.5)
        everyone, expected_online = {m.id for m in members}, {m.id for m in staying}
        deadline = time.monotonic() + 60  # presence heals within a minute
        while time.monotonic() < deadline and not all(
            member.presence is not None and member.presence & everyone == expected_online for member in staying
        ):
            await asyncio.sleep(0.5)
        healed = {member.id: member.presence & everyone for member in staying}  # before anyone leaves
        print(
            f"restarts: {len(sent)} messages, {sum(m.duplicates for m in members)} duplicates dropped by id, "
            f"presence healed {time.monotonic() - killed:.1f} s after the kill, "
            f"{sum(1012 in m.close_codes for m in members)} clients got 1012"
        )
        for member in members:
            await member.close()
        return members, on_second, gone, senders, sent, healed

    try:
        members, on_second, gone, senders, sent, healed = asyncio.run(scenario())
        assert second.process.returncode == 0, "the stopped process exits cleanly"
    finally:
        for server in servers:
            server.stop()

    assert all(not sender.outbox for sender in senders), "every send was acknowledged in the end"
    client_ids = [client_id for _sender, client_id in sent]
    rows = stored(env, client_ids)
    assert sorted(client_id for client_id, _id in rows) == sorted(client_ids), "each message stored exactly once"
    acked = {ack for sender in senders for ack in sender.acks.values()}
    assert acked == {message_id for _client_id, message_id in rows}
    staying = [m for m in members if m not in gone]
    for member in staying:
        missing = acked - member.ids.keys()
        assert not missing, f"member {member.id} lacks {len(missing)} acknowledged messages"
    assert all(1012 in member.close_codes for member in on_second), "the stopped process said goodbye with 1012"
    assert all(online == {m.id for m in staying} for online in healed.values()), "presence lists who is still here"
    for server in servers:
        assert "Traceback" not in server.log() and "ERROR" not in server.log(), server.log()[-3000:]
