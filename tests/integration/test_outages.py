"""Redis or PostgreSQL going away mid-conversation (production settings, two or one daphne processes).

Redis is the test's own and is restarted without persistence: it forgets every group. Messages are still stored
and acknowledged, no consumer dies, pages keep answering, live fan-out resumes once Redis is back (the sockets
join their groups again) and the clients fill the gap with `sync`.

PostgreSQL is shared and never stopped: daphne reaches it through a TCP proxy of the test's own, which is cut.
Pages answer 503 with Retry-After, sends are answered `unavailable` and stay in the client's outbox, and once the
proxy is back everything resumes without a reconnect: the retried message is stored once.
"""

import asyncio
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import psycopg
import pytest

from tests.integration.client import NETWORK, LoadBalancer, Member
from tests.integration.conftest import manage
from tests.integration.processes import Daphne, Redis, TcpProxy

pytestmark = pytest.mark.integration

PAGE = f"/verkostot/{NETWORK}/"


def get(url):
    """(status, headers, body), 5xx included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def new_members(env, count):
    prefix = f"outage-{uuid.uuid4().hex[:6]}"
    code = f"from bench.members import print_members; print_members({NETWORK!r}, {count}, {prefix!r})"
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])["members"]


def stored_once(env, client_ids):
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        rows = connection.execute(
            "SELECT client_id, count(*) FROM discussions_message WHERE client_id = ANY(%s) GROUP BY client_id",
            (list(client_ids),),
        ).fetchall()
    return dict(rows) == dict.fromkeys(client_ids, 1)


async def until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout} s")
        await asyncio.sleep(0.2)


def test_a_redis_restart_loses_no_message_and_fan_out_resumes(production_env, tmp_path):
    redis = Redis(tmp_path)
    env = {**production_env, "REDIS_URL": redis.url, "LOG_LEVEL": "WARNING"}
    people = new_members(env, 20)
    servers = [Daphne(env, tmp_path, "a"), Daphne(env, tmp_path, "b")]
    pages_during_outage = []

    async def scenario():
        members = [Member(person, LoadBalancer([servers[n % 2].base])) for n, person in enumerate(people)]
        for member in members:
            member.start()
        await asyncio.wait_for(asyncio.gather(*(m.connected.wait() for m in members)), 30)
        senders, sent = members[:4], []

        async def talk(seconds):
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                for sender in senders:
                    sent.append(await sender.say(f"Viesti {len(sent)}"))
                await asyncio.sleep(0.4)

        talking = asyncio.create_task(talk(12))
        await asyncio.sleep(3)
        await asyncio.to_thread(redis.stop)
        for server in servers:
            pages_during_outage.append(await asyncio.to_thread(get, server.base + PAGE))
        await asyncio.sleep(3)
        await asyncio.to_thread(redis.start)
        await talking
        await until(lambda: not any(sender.outbox for sender in senders), 30, "every send acknowledged")
        acked = {ack for sender in senders for ack in sender.acks.values()}
        await until(lambda: all(acked <= member.ids.keys() for member in members), 30, "everyone has everything")
        await asyncio.sleep(3)  # the layers' probes have found Redis again and the sockets rejoined
        last = await senders[0].say("Kuuluuko taas suoraan?")
        await until(lambda: last in senders[0].acks, 10, "the last send acknowledged")
        await until(lambda: all(senders[0].acks[last] in member.live for member in members), 10, "live fan-out resumed")
        waits = sorted(wait for sender in senders for wait in sender.ack_seconds)
        print(
            f"redis restart: {len(sent)} messages, ack median {waits[len(waits) // 2] * 1000:.0f} ms, "
            f"max {waits[-1] * 1000:.0f} ms; {sum(len(m.close_codes) for m in members)} reconnects"
        )
        for member in members:
            await member.close()
        return sent

    try:
        sent = asyncio.run(scenario())
        assert all(server.process.poll() is None for server in servers), "no process died"
    finally:
        for server in servers:
            server.stop()
        redis.stop()

    assert stored_once(env, sent), "every message stored exactly once"
    for status, _headers, _body in pages_during_outage:
        assert status == 200, "pages answer without Redis"
    for server in servers:
        log = server.log()
        assert "Exception inside application" not in log, log[-3000:]
        assert "reached Redis again" in log
        print(f"redis restart: {log.count('Traceback')} tracebacks logged by one process (failed group sends)")


def test_an_unreachable_database_is_503_and_unavailable_and_everything_resumes(production_env, tmp_path):
    database = urllib.parse.urlsplit(production_env["DATABASE_URL"])
    proxy = TcpProxy(database.hostname, database.port)
    proxied = database._replace(netloc=f"{database.username}@127.0.0.1:{proxy.port}").geturl()
    env = {**production_env, "DATABASE_URL": proxied, "LOG_LEVEL": "WARNING"}
    people = new_members(production_env, 3)
    server = Daphne(env, tmp_path, "db")
    outage = {}

    async def scenario():
        members = [Member(person, LoadBalancer([server.base])) for person in people]
        for member in members:
            member.start()
        await asyncio.wait_for(asyncio.gather(*(m.connected.wait() for m in members)), 30)
        sender = members[0]
        await asyncio.to_thread(proxy.cut)
        outage["page"] = await asyncio.to_thread(get, server.base + PAGE)
        client_id = await sender.say("Odottaako viesti tietokantaa?")
        await until(lambda: any(e["code"] == "unavailable" for e in sender.errors), 15, "an unavailable error")
        outage["kept"] = client_id in sender.outbox
        await asyncio.sleep(2)
        await asyncio.to_thread(proxy.restore)
        await until(lambda: client_id in sender.acks, 30, "the retried send acknowledged")
        await until(lambda: all(sender.acks[client_id] in m.ids for m in members), 10, "everyone has it")
        outage["page_after"] = await asyncio.to_thread(get, server.base + PAGE)
        outage["reconnects"] = sum(len(m.close_codes) for m in members)
        for member in members:
            await member.close()
        return client_id, sender.errors

    try:
        client_id, errors = asyncio.run(scenario())
    finally:
        server.stop()
        proxy.close()

    status, headers, body = outage["page"]
    assert status == 503
    assert headers["Retry-After"]
    assert "Palvelu on hetken poissa käytöstä" in body
    assert outage["kept"], "the client keeps the refused message in its outbox"
    assert {error["code"] for error in errors} == {"unavailable"}
    # The refused send, and perhaps a sync the sender's connect had just asked for (no client id): asked again.
    assert {error.get("client_id") for error in errors} <= {client_id, None}
    assert any(error.get("client_id") == client_id for error in errors)
    assert outage["page_after"][0] == 200
    assert outage["reconnects"] == 0, "nobody had to reconnect"
    assert stored_once(production_env, [client_id])
    log = server.log()
    assert "Exception inside application" not in log and "Traceback" not in log, log[-3000:]
