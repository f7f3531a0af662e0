"""Discussion fan-out: our consumer against a bare Channels broadcast consumer, measured in the same run.

    python -m bench.fanout [--members 200] [--messages 200] [--rate 20] [--large-members 500] …

Starts its own servers (daphne, 127.0.0.1 only), each setup on a database of its own with the demo content
and `--members` signed-in members of one network:

1. the embedded default: ONE daphne process with the in-memory channel layer, on a temporary SQLite file;
2. production mode, when Redis (--redis-url, else REDIS_URL, else VERKOSTAMO_TEST_REDIS_URL) and PostgreSQL
   (--postgres-url, else VERKOSTAMO_TEST_POSTGRES_URL) answer on a loopback address: TWO daphne processes
   sharing Redis and a temporary PostgreSQL database (created, migrated and dropped by the bench), launched
   with the `Environment=` of site/deploy/verkostamo@.service, the members spread over both. With Redis but
   no PostgreSQL (or --no-postgres), the two share the SQLite file.

Every scenario gets freshly started servers. N websocket clients connect (one asyncio loop in this
process, CONNECT_CONCURRENCY at a time: a wave of reconnects), each timed from opening its socket to being
subscribed (ours: its `rooms` frame), and the bench waits until the servers are idle again; then one of them
sends M messages at R per second, each body carrying its send time ("bench <n> <time>"), and every client
(the sender's too) records when each `message.new` arrives. The bare consumer (bench/bare.py, served by
bench/bare_asgi.py: no auth, no database) gets the same clients and the same messages as raw text.
Printed, ours beside the bare consumer: the handshake median and p95, the time until every member was in
and until the servers settled, the servers' resident memory per open connection (VmRSS after connecting and
settling minus before, so it includes what connecting churned through), share delivered (unique message ×
receiver pairs / expected), duplicates, p50/p99/max latency, deliveries per second, CPU used, and for ours
the sender's ack latency; then the targets as PASS/FAIL lines (the connect path's in production mode), and
the newest history page of a 100 000-message room against a 100-message one. Asserts nothing: the machine
is shared, so print the load average beside the figures and read them with it.

Settings: config/settings/bench.py (DEBUG off, logging at WARNING, posting limit lifted, channel layer,
cache and session engine as production chooses them from REDIS_URL; on SQLite the embedded default's
options). Default sizes take about 5-6 minutes on a 2-core machine; --no-embedded (production mode only),
--no-redis, --large-members 0, --messages 50 and --history 0 make it shorter, --full adds the bare
consumers at the larger size.
"""

import argparse
import asyncio
import contextlib
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
NETWORK = "lean"  # the demo network the fan-out members join
HISTORY_NETWORK = "latu"  # another one for the history rooms, so the fan-out network's rooms stay small
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CONNECT_CONCURRENCY = 25
SCENARIO_TIMEOUT = 240  # seconds: no one scenario runs longer than this, whatever happens
SETTLE_TIMEOUT = 60
QUIET_AFTER_SENDING = 5  # seconds without a delivery after the last send: the rest is lost

NEW_PREFIX = b'{"type":"message.new"'
ACK_PREFIX = b'{"type":"ack"'
ERROR_PREFIX = b'{"type":"error"'
ROOMS_PREFIX = b'{"type":"rooms"'
BARE_PREFIX = b"bench "


# -- servers ----------------------------------------------------------------------------------------------


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def die_with_parent():
    """In the child: ask Linux to end it when the bench ends, however the bench ends."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Servers:
    """`count` daphne processes serving `application` on loopback ports; their output goes to a log file."""

    def __init__(self, application, count, env, log_folder):
        self.application = application
        self.ports = [free_port() for _ in range(count)]
        self.processes = []
        self.logs = [Path(log_folder) / f"daphne-{port}.log" for port in self.ports]
        for port, log_path in zip(self.ports, self.logs, strict=True):
            with open(log_path, "wb") as log:
                self.processes.append(
                    subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                        [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), application],
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        preexec_fn=die_with_parent,
                    )
                )

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        for port, process, log in zip(self.ports, self.processes, self.logs, strict=True):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"daphne exited with {process.returncode}:\n{log.read_text()[-3000:]}")
                try:
                    with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"daphne did not start on port {port}") from None
                    time.sleep(0.2)

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def alive(self):
        return all(process.poll() is None for process in self.processes)

    def rss_kib(self):
        """Resident memory of all the processes, KiB (/proc/<pid>/status VmRSS)."""
        total = 0
        for process in self.processes:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total

    def cpu_seconds(self):
        """CPU time used so far by all the processes (user + system)."""
        ticks = 0
        for process in self.processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return ticks / os.sysconf("SC_CLK_TCK")

    async def settle(self, run=None, window=0.5, busy=0.05, timeout=SETTLE_TIMEOUT):
        """Waits until the servers use under `busy` of a core for `window` seconds and (when given) the
        clients have had no frame for that long: the work that connecting or closing set off is done."""
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            await asyncio.sleep(window)
            now = self.cpu_seconds()
            quiet_clients = run is None or time.time() - run.last_frame >= window
            if now - before < busy * window * len(self.processes) and quiet_clients:
                return True
            before = now
        return False


# -- clients ----------------------------------------------------------------------------------------------


@dataclass
class Run:
    """What the clients of one scenario saw."""

    ours: bool
    members: int
    messages: int
    arrivals: dict = field(default_factory=dict)  # (client, n) -> latency in seconds
    duplicates: int = 0
    acks: int = 0
    sent_at: dict = field(default_factory=dict)  # n -> time.time() when message n was sent
    ack_latencies: list = field(default_factory=list)  # ours: send -> the sender's ack, seconds
    errors: list = field(default_factory=list)
    handshakes: list = field(default_factory=list)  # seconds from opening a socket to being subscribed
    room: int | None = None
    last_frame: float = 0.0
    first_send: float = 0.0
    last_arrival: float = 0.0
    sending_done: float = 0.0
    closing: bool = False
    closed_early: list = field(default_factory=list)  # close codes of sockets the server closed

    def record(self, client, body, now):
        _bench, n, sent = body.split(" ")
        key = (client, int(n))
        if key in self.arrivals:
            self.duplicates += 1
            return
        self.arrivals[key] = now - float(sent)
        self.last_arrival = now


async def read_frames(socket_, client, run, subscribed):
    """One client's reader: records every message.new (ours) or echoed text (bare) as it arrives."""
    try:
        while True:
            raw = await socket_.recv(decode=False)
            now = time.time()
            run.last_frame = now
            if run.ours:
                if raw.startswith(NEW_PREFIX):
                    run.record(client, json.loads(raw)["message"]["body"], now)
                elif raw.startswith(ACK_PREFIX):
                    run.acks += 1
                    n = int(json.loads(raw)["client_id"].rsplit("-", 1)[1])
                    run.ack_latencies.append(now - run.sent_at[n])
                elif raw.startswith(ERROR_PREFIX):
                    run.errors.append(raw[:300].decode(errors="replace"))
                elif raw.startswith(ROOMS_PREFIX):
                    rooms = json.loads(raw)["rooms"]
                    run.room = next(room["id"] for room in rooms if room["kind"] == "general")
                    subscribed.set()
            elif raw.startswith(BARE_PREFIX):
                run.record(client, raw.decode(), now)
    except ConnectionClosed as closed:
        if not run.closing:
            run.closed_early.append(closed.rcvd.code if closed.rcvd else None)
    finally:
        subscribed.set()  # a socket refused before subscribing must not keep open_clients waiting


async def open_clients(run, urls, cookies, origin_of):
    """Connects one client per URL (at most CONNECT_CONCURRENCY at a time) and waits until each is
    subscribed: ours has sent its `rooms` frame, which comes after joining the groups; bare joins
    before accepting. Returns [(socket, reader task)]."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(client, url, cookie):
        async with gate:
            opening = time.monotonic()
            headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
            socket_ = await connect(
                url,
                origin=origin_of(url),
                additional_headers=headers,
                compression=None,
                proxy=None,  # loopback only, whatever the environment says
                open_timeout=60,
                ping_interval=None,
                close_timeout=2,
                max_size=2**24,
                max_queue=None,
            )
            subscribed = asyncio.Event()
            if not run.ours:
                subscribed.set()
            reader = asyncio.create_task(read_frames(socket_, client, run, subscribed))
            await asyncio.wait_for(subscribed.wait(), 60)
            run.handshakes.append(time.monotonic() - opening)
            return socket_, reader

    opened = await asyncio.gather(
        *(one(n, url, cookie) for n, (url, cookie) in enumerate(zip(urls, cookies, strict=True))),
        return_exceptions=True,
    )
    failures = [outcome for outcome in opened if isinstance(outcome, BaseException)]
    if failures:
        run.closing = True
        await close_clients([outcome for outcome in opened if not isinstance(outcome, BaseException)])
        raise RuntimeError(f"{len(failures)} of {len(urls)} clients could not connect: {failures[0]!r}")
    return opened


async def close_clients(clients):
    async def one(socket_, reader):
        with contextlib.suppress(Exception):
            await asyncio.wait_for(socket_.close(), 5)
        reader.cancel()
        with contextlib.suppress(BaseException):
            await reader

    await asyncio.gather(*(one(socket_, reader) for socket_, reader in clients))


async def send_messages(run, sender, rate, tag):
    """Sends run.messages messages at `rate` per second on an absolute schedule (no drift)."""
    start = time.monotonic()
    run.first_send = time.time()
    for n in range(run.messages):
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        run.sent_at[n] = time.time()
        body = f"bench {n} {run.sent_at[n]:.6f}"
        if run.ours:
            text = json.dumps({"type": "message.send", "room": run.room, "body": body, "client_id": f"{tag}-{n}"})
        else:
            text = body
        await sender.send(text)
    run.sending_done = time.time()


async def wait_for_deliveries(run, servers):
    expected = run.members * run.messages
    deadline = time.monotonic() + max(30, run.messages / 5)
    while time.monotonic() < deadline and len(run.arrivals) < expected and servers.alive():
        if time.time() - max(run.last_arrival, run.sending_done) > QUIET_AFTER_SENDING:
            break
        await asyncio.sleep(0.1)


# -- one scenario -----------------------------------------------------------------------------------------


@dataclass
class Result:
    setup: str
    consumer: str
    members: int
    messages: int
    delivered: float
    duplicates: int
    p50: float
    p99: float
    worst: float
    per_second: float
    kib_per_connection: float
    handshake_p50: float
    handshake_p95: float
    all_in_seconds: float  # until every client was subscribed
    connect_seconds: float  # until the servers were idle again after that
    server_cpu: float  # share of one core the servers used while messages were sent and delivered
    client_cpu: float  # the same for this process (all the clients)
    notes: str = ""


def client_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else float("nan")


async def measure(servers, setup, consumer, path, members, sessions, messages, rate):
    """Connects `members` clients spread over the servers, sends, collects; returns a Result."""
    ours = consumer == "ours"
    run = Run(ours=ours, members=members, messages=messages)
    urls = [f"ws://127.0.0.1:{servers.ports[n % len(servers.ports)]}{path}" for n in range(members)]
    cookies = sessions[:members] if ours else [None] * members

    def origin_of(url):
        return "http://" + urlsplit(url).netloc

    # One socket per process first, so what the first connection loads once is not counted per connection.
    warm_up = Run(ours=ours, members=len(servers.ports), messages=0)
    warm_up.closing = True
    first = len(servers.ports)
    await close_clients(await open_clients(warm_up, urls[:first], cookies[:first], origin_of))
    await servers.settle()
    memory_before = servers.rss_kib()
    connect_cpu_before, connect_client_before = servers.cpu_seconds(), client_cpu_seconds()
    started = time.monotonic()
    clients = await open_clients(run, urls, cookies, origin_of)
    all_in_seconds = time.monotonic() - started
    settled = await servers.settle(run)
    connect_seconds = time.monotonic() - started
    memory_after = servers.rss_kib()
    connect_cpu = (servers.cpu_seconds() - connect_cpu_before) / members * 1000
    connect_client_cpu = (client_cpu_seconds() - connect_client_before) / members * 1000
    notes = [f"connect CPU/socket srv {connect_cpu:.1f} ms, cli {connect_client_cpu:.1f} ms"]
    if not settled:
        notes.append("servers still busy after connecting")
    cpu_before, client_before, wall_before = servers.cpu_seconds(), client_cpu_seconds(), time.monotonic()
    try:
        await send_messages(run, clients[0][0], rate, f"{consumer}-{members}-{uuid.uuid4().hex[:8]}")
        await wait_for_deliveries(run, servers)
        wall = time.monotonic() - wall_before
        server_cpu = (servers.cpu_seconds() - cpu_before) / wall
        client_cpu = (client_cpu_seconds() - client_before) / wall
    finally:
        run.closing = True
        await close_clients(clients)
    if ours:
        acks = run.ack_latencies
        notes.append(
            f"acks {run.acks}/{messages}, ack p50/p99 {percentile(acks, 0.5) * 1000:.0f}/"
            f"{percentile(acks, 0.99) * 1000:.0f} ms"
        )
    if run.errors:
        notes.append(f"{len(run.errors)} errors, first: {run.errors[0]}")
    if run.closed_early:
        notes.append(f"{len(run.closed_early)} sockets closed by the server (codes {sorted(set(run.closed_early))})")
    if not servers.alive():
        notes.append("a server died")
    latencies = list(run.arrivals.values())
    span = max(run.last_arrival - run.first_send, 1e-9)
    return Result(
        setup=setup,
        consumer=consumer,
        members=members,
        messages=messages,
        delivered=len(run.arrivals) / (members * messages),
        duplicates=run.duplicates,
        p50=percentile(latencies, 0.50),
        p99=percentile(latencies, 0.99),
        worst=max(latencies, default=float("nan")),
        per_second=len(run.arrivals) / span if latencies else 0.0,
        kib_per_connection=(memory_after - memory_before) / members,
        handshake_p50=percentile(run.handshakes, 0.50),
        handshake_p95=percentile(run.handshakes, 0.95),
        all_in_seconds=all_in_seconds,
        connect_seconds=connect_seconds,
        server_cpu=server_cpu,
        client_cpu=client_cpu,
        notes="; ".join(notes),
    )


HEADER = (
    f"{'setup':<30} {'consumer':<11} {'members':>7} {'hs p50':>6} {'hs p95':>6} {'all in':>6} {'settled':>7} "
    f"{'KiB/conn':>8} {'sent':>5} {'delivered':>9} {'dups':>5} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
    f"{'deliv/s':>8} {'srv CPU':>7} {'cli CPU':>7}  notes"
)


LEGEND = f"""\
ours: the discussion consumer (config.asgi); bare: bench/bare.py's broadcast consumer with Channels' thread
hop before each handler; bare-nohop: the same without the hop. hs p50/p95: ms from opening a socket to
being subscribed (ours: its `rooms` frame; bare: the open handshake), {CONNECT_CONCURRENCY} at a time; all
in: seconds until every client was subscribed; settled: until the servers were idle again too; KiB/conn: the
servers' resident memory per open socket; delivered: unique message x receiver pairs / expected (every
client receives, the sender too); latency: send -> arrival in the client; srv/cli CPU: the servers' and the
clients' CPU while messages flowed (100 % = one core)."""


def row(result):
    return (
        f"{result.setup:<30} {result.consumer:<11} {result.members:>7} {result.handshake_p50 * 1000:>6.0f} "
        f"{result.handshake_p95 * 1000:>6.0f} {result.all_in_seconds:>6.2f} {result.connect_seconds:>7.1f} "
        f"{result.kib_per_connection:>8.1f} {result.messages:>5} {result.delivered * 100:>8.2f}% "
        f"{result.duplicates:>5} {result.p50 * 1000:>7.0f} {result.p99 * 1000:>7.0f} {result.worst * 1000:>7.0f} "
        f"{result.per_second:>8.0f} {result.server_cpu * 100:>6.0f}% {result.client_cpu * 100:>6.0f}%  {result.notes}"
    )


# -- the database -----------------------------------------------------------------------------------------


def setup_database(members):
    """Migrates the fresh database DATABASE_URL names, loads the demo content and makes `members` signed-in
    members; returns their session keys."""
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # Wagtail logs every page it creates
    from django.core.management import call_command

    from bench.members import signed_in_members

    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)
    _network, people = signed_in_members(NETWORK, members, "bench")
    return [session for _user, session in people]


def print_sessions(members):
    """setup_database in a process of its own (for the production mode's database): the keys as JSON."""
    print(json.dumps(setup_database(members)))


def setup_in_subprocess(env, members):
    code = f"from bench.fanout import print_sessions; print_sessions({members})"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        raise RuntimeError(f"setting up the database failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def temporary_postgres_database(admin_url):
    """A new, empty PostgreSQL database next to `admin_url`'s: yields its URL, drops it afterwards."""
    import psycopg

    name = f"verkostamo_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def history_timings(sizes, runs=15):
    """{size: median seconds} of discussions.queries.messages_before(room) (the newest page) for rooms of
    these many messages, inserted in bulk with seq 1..size and the room's last_seq set."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from discussions.models import Message, Room
    from discussions.queries import messages_before
    from networks.models import NetworkPage

    network = NetworkPage.objects.get(locale__language_code="fi", slug=HISTORY_NETWORK)
    author = get_user_model().objects.create_user("bench-history@bench.invalid", None, first_name="Historia")
    rooms = {}
    for size in sizes:
        room = Room.objects.create(network=network, kind=Room.Kind.TOPIC, title=f"bench {size}")
        for start in range(1, size + 1, 5000):
            Message.objects.bulk_create(
                Message(
                    room=room,
                    seq=seq,
                    author=author,
                    client_id=f"history-{room.pk}-{seq}",
                    body=f"Viesti {seq}",
                    body_html=f"<p>Viesti {seq}</p>",
                )
                for seq in range(start, min(size, start + 4999) + 1)
            )
        Room.objects.filter(pk=room.pk).update(last_seq=size)
        room.refresh_from_db()
        rooms[size] = room
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as a long-lived database would have it
    timings = {size: [] for size in sizes}
    for size, room in rooms.items():
        assert len(messages_before(room)) == min(50, size)  # warm up
    for _ in range(runs):
        for size, room in rooms.items():
            started = time.perf_counter()
            messages_before(room)
            timings[size].append(time.perf_counter() - started)
    connection.close()  # the servers take the database from here
    return {size: statistics.median(values) for size, values in timings.items()}


# -- the whole run ----------------------------------------------------------------------------------------


def reachable_redis(explicit):
    """The Redis URL to use if Redis answers on a loopback address, else (None, why not)."""
    url = explicit or os.environ.get("REDIS_URL") or os.environ.get("VERKOSTAMO_TEST_REDIS_URL")
    if not url:
        return None, "no Redis: set --redis-url, REDIS_URL or VERKOSTAMO_TEST_REDIS_URL"
    if urlsplit(url).hostname not in LOOPBACK:
        return None, f"Redis at {urlsplit(url).hostname} is not on this machine: the bench talks to 127.0.0.1 only"
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception as error:
        return None, f"Redis does not answer at {url}: {error}"
    return url, ""


def reachable_postgres(explicit):
    """The PostgreSQL URL to make the production mode's database with, if it answers on loopback, else
    (None, why not)."""
    url = explicit or os.environ.get("VERKOSTAMO_TEST_POSTGRES_URL")
    if not url:
        return None, "no PostgreSQL: set --postgres-url or VERKOSTAMO_TEST_POSTGRES_URL"
    if urlsplit(url).hostname not in LOOPBACK:
        return None, f"PostgreSQL at {urlsplit(url).hostname} is not on this machine"
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception as error:
        return None, f"PostgreSQL does not answer at {url}: {error}"
    return url, ""


def forget_redis_keys(url, prefix):
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


def raise_open_files_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (needed if hard == resource.RLIM_INFINITY else min(needed, hard), hard)
        )


CONSUMERS = {
    "ours": ("config.asgi:application", f"/ws/networks/{NETWORK}/"),
    "bare": ("bench.bare_asgi:application", "/ws/bare/"),
    "bare-nohop": ("bench.bare_asgi:application", "/ws/bare-nohop/"),
}


EMBEDDED = "1 process, in-memory, SQLite"
PRODUCTION = "2 processes, Redis, PostgreSQL"
DAPHNE_UNIT = ROOT / "site" / "deploy" / "verkostamo@.service"


def unit_environment():
    """The `Environment=` lines of the production unit, so production mode launches daphne as the unit does."""
    lines = DAPHNE_UNIT.read_text().splitlines()
    return dict(line.removeprefix("Environment=").split("=", 1) for line in lines if line.startswith("Environment="))


def plan(options, redis_url, production_env):
    """[(setup, processes, extra env, consumer, members)]: ours and its references back to back, so that
    they share whatever else the machine is doing at the time. Production mode (two processes, Redis,
    PostgreSQL, the environment of site/deploy's unit) when both answer; two processes over Redis on the SQLite
    file when only Redis does."""
    small, large = options.members, options.large_members
    setups = [] if options.no_embedded else [(EMBEDDED, 1, {})]
    if redis_url and production_env:
        setups.append((PRODUCTION, 2, {"REDIS_URL": redis_url, **production_env, **unit_environment()}))
    elif redis_url:
        setups.append(("2 processes, Redis, SQLite", 2, {"REDIS_URL": redis_url}))
    runs = []
    for setup, count, extra in setups:
        for members in [small, large] if large else [small]:
            consumers = ["ours", "bare"]
            if members == small and (count == 1 or options.full):
                consumers.append("bare-nohop")  # the figure DESIGN.md says to approach
            if members == large and count == 1 and not options.full:
                consumers = ["ours"]  # one process cannot keep up at this size either way: ours is reported
            runs += [(setup, count, extra, consumer, members) for consumer in consumers]
    return runs


async def scenarios(options, env, sessions, folder, redis_url, production_env, results, say):
    """Runs every scenario, each on freshly started servers (so memory per connection is measured from a
    clean start), appending to `results` as it goes (so a failure keeps what was measured). `sessions` maps
    a setup's DATABASE_URL (None: the SQLite file) to its members' session keys."""
    for setup, count, extra, consumer, members in plan(options, redis_url, production_env):
        application, path = CONSUMERS[consumer]
        say(f"… {setup}: {consumer}, {members} members")
        servers = Servers(application, count, {**env, **extra}, folder)
        try:
            servers.wait_ready()
            result = await asyncio.wait_for(
                measure(
                    servers,
                    setup,
                    consumer,
                    path,
                    members,
                    sessions[extra.get("DATABASE_URL")],
                    options.messages,
                    options.rate,
                ),
                SCENARIO_TIMEOUT,
            )
        except BaseException:
            for log in servers.logs:
                say(f"--- the end of {log.name}:\n{log.read_text(errors='replace')[-3000:]}")
            raise
        finally:
            servers.stop()
        results.append(result)
        say(row(result))


def verdict(ok):
    return "PASS" if ok else "FAIL"


def print_targets(results, options, history, say):
    by_key = {(r.setup, r.consumer, r.members): r for r in results}
    small, large = options.members, options.large_members
    say("")
    say(f"Targets ({small} members, {options.messages} messages at {options.rate}/s; {large} members):")
    for setup in dict.fromkeys(r.setup for r in results):
        ours, bare, nohop = (by_key.get((setup, name, small)) for name in ("ours", "bare", "bare-nohop"))
        if ours is None:
            continue
        say(f"  {verdict(ours.delivered == 1)}  {setup}: 100 % delivered ({ours.delivered * 100:.2f} %)")
        say(f"  {verdict(ours.duplicates == 0)}  {setup}: no duplicates ({ours.duplicates})")
        if bare is not None:
            ratio = ours.p99 / bare.p99 if bare.p99 else float("inf")
            say(
                f"  {verdict(ratio <= 2)}  {setup}: p99 ≤ 2 × bare p99 (ours {ours.p99 * 1000:.0f} ms, "
                f"bare {bare.p99 * 1000:.0f} ms, ours/bare {ratio:.2f})"
            )
        if nohop is not None and nohop.p99:
            say(
                f"  info  {setup}: against the bare consumer without the thread hop: "
                f"{nohop.p99 * 1000:.0f} ms, ours/bare-nohop {ours.p99 / nohop.p99:.2f}"
            )
        say(f"  {verdict(ours.p99 < 0.25)}  {setup}: p99 < 250 ms ({ours.p99 * 1000:.0f} ms)")
    if large:
        for setup in dict.fromkeys(r.setup for r in results):
            ours = by_key.get((setup, "ours", large))
            if ours is None:
                continue
            label = verdict(ours.delivered == 1) if setup.startswith("2 processes") else "info"
            say(f"  {label}  {setup}: {large} members, 100 % delivered ({ours.delivered * 100:.2f} %)")
        if not any(r.setup.startswith("2 processes") for r in results):
            say(f"  n/a   {large} members over Redis and 2 processes: no Redis (see above)")
    print_connect_targets(by_key, max(small, large), say)
    if history:
        (few, few_time), (many, many_time) = sorted(history.items())
        ratio = many_time / few_time
        say(
            f"  {verdict(ratio <= 2)}  newest history page: {many:,} messages {many_time * 1000:.2f} ms, "
            f"{few:,} messages {few_time * 1000:.2f} ms, ratio {ratio:.2f} (target ≤ 2)"
        )


def print_connect_targets(by_key, members, say):
    """The connect path's targets, in production mode (issue 12): a wave of reconnects after a restart."""
    ours = by_key.get((PRODUCTION, "ours", members))
    if ours is None:
        say(f"  n/a   connecting {members} members in production mode: no PostgreSQL or Redis (see above)")
        return
    bare = by_key.get((PRODUCTION, "bare", members))
    versus = (
        f"; bare: {bare.all_in_seconds:.2f} s, {bare.handshake_p50 * 1000:.0f} ms, {bare.kib_per_connection:.1f} KiB"
        if bare
        else ""
    )
    say(
        f"  {verdict(ours.all_in_seconds <= 2)}  {PRODUCTION}: {members} members in ≤ 2 s "
        f"({ours.all_in_seconds:.2f} s{versus})"
    )
    say(
        f"  {verdict(ours.handshake_p50 <= 0.05)}  {PRODUCTION}: handshake median ≤ 50 ms "
        f"({ours.handshake_p50 * 1000:.0f} ms, p95 {ours.handshake_p95 * 1000:.0f} ms)"
    )
    say(
        f"  {verdict(ours.kib_per_connection <= 48)}  {PRODUCTION}: ≤ 48 KiB per open connection "
        f"({ours.kib_per_connection:.1f} KiB)"
    )


def say(text):
    print(text, flush=True)


def interrupt(_signal, _frame):
    raise KeyboardInterrupt


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200, help="N: connected members (default 200)")
    parser.add_argument("--messages", type=int, default=200, help="M: messages sent by one member (default 200)")
    parser.add_argument("--rate", type=float, default=20, help="R: messages per second (default 20)")
    parser.add_argument(
        "--large-members", type=int, default=500, help="the larger group, also measured (default 500; 0: skip)"
    )
    parser.add_argument("--history", type=int, default=100_000, help="messages in the large history room (0: skip)")
    parser.add_argument(
        "--redis-url", default="", help="Redis on 127.0.0.1 (default: REDIS_URL, then VERKOSTAMO_TEST_REDIS_URL)"
    )
    parser.add_argument("--no-redis", action="store_true", help="measure the single process only")
    parser.add_argument(
        "--postgres-url",
        default="",
        help="PostgreSQL on 127.0.0.1 where the production mode's temporary database is made and dropped "
        "(default: VERKOSTAMO_TEST_POSTGRES_URL)",
    )
    parser.add_argument(
        "--no-postgres", action="store_true", help="two processes over Redis share the SQLite file instead"
    )
    parser.add_argument("--no-embedded", action="store_true", help="skip the one-process embedded default")
    parser.add_argument(
        "--full",
        action="store_true",
        help="also the bare consumers at the larger size in one process, and without the hop over Redis",
    )
    return parser.parse_args(argv)


def main(argv=None):
    options = parse_arguments(argv)
    redis_url, why_not = (None, "--no-redis") if options.no_redis else reachable_redis(options.redis_url)
    postgres_url, why_not_postgres = (
        (None, "--no-postgres") if options.no_postgres or not redis_url else reachable_postgres(options.postgres_url)
    )
    members = max(options.members, options.large_members)
    raise_open_files_limit(2 * members + 256)
    # SIGTERM ends the bench like Ctrl-C does, through the finally blocks that stop the servers.
    signal.signal(signal.SIGTERM, interrupt)
    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    results, history = [], {}
    with tempfile.TemporaryDirectory(prefix="verkostamo-fanout-") as folder, contextlib.ExitStack() as stack:
        database = Path(folder) / "bench.sqlite3"
        env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "REDIS_URL", "DATABASE_URL"}}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.bench",
                "DATABASE_URL": f"sqlite:///{database}",
                "BENCH_KEY_PREFIX": prefix,
                "PYTHONUNBUFFERED": "1",
            }
        )
        os.environ.update({key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
        os.environ.pop("REDIS_URL", None)
        say(
            f"Fan-out: {options.members} (and {options.large_members}) members, {options.messages} messages "
            f"at {options.rate}/s; {'Redis at ' + redis_url if redis_url else why_not}; "
            f"{'production mode on PostgreSQL at ' + postgres_url if postgres_url else why_not_postgres}"
        )
        if redis_url:
            stack.callback(forget_redis_keys, redis_url, prefix)
        started = time.monotonic()
        sessions = {None: setup_database(members)}
        say(f"… SQLite database ready in {time.monotonic() - started:.0f} s (demo content, {members} members)")
        production_env = {}
        if postgres_url:
            production_env = {"DATABASE_URL": stack.enter_context(temporary_postgres_database(postgres_url))}
            ready = time.monotonic()
            sessions[production_env["DATABASE_URL"]] = setup_in_subprocess(
                {**env, "REDIS_URL": redis_url, **production_env}, members
            )
            say(f"… PostgreSQL database ready in {time.monotonic() - ready:.0f} s")
        if options.history:
            history = history_timings((100, options.history))
            say(f"… history rooms of 100 and {options.history:,} messages timed")
        say("")
        say(LEGEND)
        say(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())} ({os.cpu_count()} cores)")
        say(HEADER)
        asyncio.run(scenarios(options, env, sessions, folder, redis_url, production_env, results, say))
        print_targets(results, options, history, say)
        say(
            f"(fan-out bench: {time.monotonic() - started:.0f} s; load average after: "
            f"{' '.join(f'{load:.2f}' for load in os.getloadavg())})"
        )


if __name__ == "__main__":
    main()
