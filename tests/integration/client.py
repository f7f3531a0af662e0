"""A discussion client that behaves like the browser's (site/static/js/discussion/): it reconnects (at once with
jitter on 1012, with backoff otherwise) to whatever process the "load balancer" gives, syncs its room after every
reconnect and on a gap in seqs, drops duplicates by id, and keeps unacknowledged messages in an outbox that it sends
again, with the same client_id, after reconnecting or when the server answers `unavailable`."""

import asyncio
import json
import random
import time
import uuid

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

NETWORK = "lean"


class LoadBalancer:
    """The processes that take connections now; a client gets a random one."""

    def __init__(self, bases):
        self.bases = list(bases)

    def pick(self):
        return random.choice(self.bases)


class Member:
    def __init__(self, member, balancer, room=None):
        self.id = member["id"]
        self.session = member["session"]
        self.balancer = balancer
        self.room = room
        self.last = None  # the last contiguous seq seen in the room
        self.ids: dict[int, int] = {}  # message id → seq, each once
        self.live: set[int] = set()  # ids that came as message.new (not through a sync)
        self.duplicates = 0
        self.outbox: dict[str, str] = {}  # client_id → body, until acked
        self.acks: dict[str, int] = {}  # client_id → message id
        self.said_at: dict[str, float] = {}  # client_id → when it was first sent
        self.ack_seconds: list[float] = []  # from the first send to its ack
        self.close_codes: list[int | None] = []
        self.errors: list[dict] = []
        self.presence: set[int] | None = None
        self.socket = None
        self.connected = asyncio.Event()
        self.stay_away = False  # closed the tab: never reconnects
        self.task = None

    def start(self):
        self.task = asyncio.create_task(self.run())

    async def run(self):
        attempt = 0
        while not self.stay_away:
            base = self.balancer.pick()
            try:
                self.socket = await connect(
                    base.replace("http://", "ws://") + f"/ws/networks/{NETWORK}/",
                    origin=base,
                    additional_headers={"Cookie": f"sessionid={self.session}"},
                    compression=None,
                    proxy=None,
                    open_timeout=10,
                )
            except (OSError, TimeoutError, ConnectionClosed, Exception):
                attempt += 1
                await asyncio.sleep(min(5, 0.5 * 2**attempt) * random.uniform(0.75, 1.25))
                continue
            code = await self.listen()
            self.close_codes.append(code)
            self.connected.clear()
            if code == 1012:
                attempt = 0
                await asyncio.sleep(random.uniform(0, 1))  # at once, with jitter
            else:
                attempt += 1
                await asyncio.sleep(min(5, 0.5 * 2**attempt) * random.uniform(0.75, 1.25))

    async def listen(self):
        socket = self.socket
        try:
            async for text in socket:
                await self.on_frame(json.loads(text))
        except ConnectionClosed:
            pass
        return socket.close_code

    async def send(self, frame):
        try:
            await self.socket.send(json.dumps(frame))
        except (ConnectionClosed, AttributeError):
            pass  # the reconnect sends the outbox

    async def on_frame(self, frame):
        kind = frame["type"]
        if kind == "rooms":
            general = next(room for room in frame["rooms"] if room["kind"] == "general")
            self.room = general["id"]
            if self.last is None:
                self.last = general["last_seq"]
            self.connected.set()
            await self.send({"type": "sync", "room": self.room, "after": self.last})
            for client_id, body in list(self.outbox.items()):
                await self.send_message(client_id, body)
        elif kind == "message.new":
            self.receive(frame["message"], live=True)
            if frame["message"]["seq"] > self.last + 1:
                await self.send({"type": "sync", "room": self.room, "after": self.last})
        elif kind == "sync.result":
            for message in frame["messages"]:
                self.receive(message, live=False)
                self.last = max(self.last, message["seq"])
            if not frame["complete"]:
                await self.send({"type": "sync", "room": self.room, "after": self.last})
        elif kind == "ack":
            self.outbox.pop(frame["client_id"], None)
            if frame["client_id"] not in self.acks and frame["client_id"] in self.said_at:
                self.ack_seconds.append(time.monotonic() - self.said_at[frame["client_id"]])
            self.acks[frame["client_id"]] = frame["id"]
        elif kind == "presence":
            self.presence = {person["id"] for person in frame["online"]}
        elif kind == "presence.update":
            assert self.presence is not None, "an update before the list"
            self.presence = (self.presence | {person["id"] for person in frame["joined"]}) - set(frame["left"])
        elif kind == "error":
            self.errors.append(frame)
            if frame["code"] == "unavailable":
                await asyncio.sleep(1)
                client_id = frame.get("client_id")
                if client_id is None:  # a sync (they carry no client id), as the browser's client asks again
                    await self.send({"type": "sync", "room": self.room, "after": self.last})
                elif client_id in self.outbox:
                    await self.send_message(client_id, self.outbox[client_id])

    def receive(self, message, live):
        if live:
            self.live.add(message["id"])
        if message["id"] in self.ids:
            self.duplicates += 1
            return
        self.ids[message["id"]] = message["seq"]
        if live and message["seq"] == self.last + 1:
            self.last = message["seq"]

    async def say(self, body):
        client_id = uuid.uuid4().hex
        self.outbox[client_id] = body
        self.said_at[client_id] = time.monotonic()
        if self.connected.is_set():
            await self.send_message(client_id, body)
        return client_id

    async def send_message(self, client_id, body):
        await self.send({"type": "message.send", "room": self.room, "body": body, "client_id": client_id})

    async def close(self):
        self.stay_away = True
        if self.socket is not None:
            await self.socket.close()
        if self.task is not None:
            self.task.cancel()
