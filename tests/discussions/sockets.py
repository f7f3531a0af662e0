"""Helpers for the consumer tests: reading frames, joining, and what a channel layer can forget."""

import json
import time

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections


async def receive_until(communicator, type_, timeout=2):
    """Frames until one of `type_` arrives; returns (that frame, the ones before it)."""
    skipped = []
    while True:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        if frame["type"] == type_:
            return frame, skipped
        skipped.append(frame)


async def frames_within(communicator, seconds):
    """Every frame that arrives in the next `seconds`."""
    frames = []
    while not await communicator.receive_nothing(timeout=seconds):
        frames.append(json.loads(await communicator.receive_from()))
    return frames


PRESENCE_FRAMES = {"presence", "presence.update"}


def after_presence_frame(online, frame):
    """Who is online after a `presence` frame (the whole list) or a `presence.update` (who came and went)."""
    if frame["type"] == "presence":
        return {person["id"] for person in frame["online"]}
    assert online is not None, "an update before the list"
    return (online | {person["id"] for person in frame["joined"]}) - set(frame["left"])


async def online_until(communicator, expected, timeout=2):
    """Presence frames until the socket's list is `expected` (lists are coalesced, so an earlier state may come
    first); the list is kept on the communicator as `online` (see joined)."""
    while getattr(communicator, "online", None) != expected:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        if frame["type"] in PRESENCE_FRAMES:
            communicator.online = after_presence_frame(getattr(communicator, "online", None), frame)
    return communicator.online


async def joined(connect, user, network, browser=None):
    """A signed-in socket that has its rooms and its first list of who is online (kept as `online`)."""
    communicator, connected = await connect(user, network, browser=browser)
    assert connected
    rooms, _ = await receive_until(communicator, "rooms")
    first, _ = await receive_until(communicator, "presence")
    communicator.online = after_presence_frame(None, first)
    return communicator, rooms["rooms"]


async def closed_with(communicator, timeout=2):
    """(the close code, the frames that came before the close). Presence lists are left out: they follow
    other sockets' comings and goings, and may or may not still arrive from before."""
    frames = []
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output["code"], frames
        frame = json.loads(output["text"])
        if frame["type"] not in PRESENCE_FRAMES:
            frames.append(frame)


async def nothing_but_presence(communicator, seconds):
    """Whether nothing arrives in the next `seconds` (no frame, no close) but presence lists."""
    while not await communicator.receive_nothing(timeout=seconds):
        output = await communicator.receive_output()
        if output["type"] != "websocket.send" or json.loads(output["text"])["type"] not in PRESENCE_FRAMES:
            return False
    return True


async def still_open(communicator, room_id):
    """Whether the socket still answers: a sync of the room comes back."""
    await communicator.send_json_to({"type": "sync", "room": room_id, "after": 0})
    result, _ = await receive_until(communicator, "sync.result")
    return result["room"] == room_id


def expire_group_memberships():
    """What a socket open for longer than the layer's group expiry (a day on channels-redis) lives with: the
    layer has forgotten every group it joined, so no group event (a push to re-check included) reaches it."""
    layer = get_channel_layer()
    long_ago = time.time() - layer.group_expiry - 1
    for members in layer.groups.values():
        for channel in members:
            members[channel] = long_ago
    layer._clean_expired()
    assert not any(layer.groups.values())


class DatabaseThreadQueries:
    """Counts the queries of the thread that runs the consumer's database work (`database_sync_to_async` and
    the session middleware use the one thread-sensitive thread), while the block runs:

        async with DatabaseThreadQueries() as queries:
            ...
        queries.count
    """

    async def __aenter__(self):
        def start():
            self.connection = connections["default"]
            self.connection.force_debug_cursor = True
            return len(self.connection.queries_log)

        self.start = await sync_to_async(start)()
        return self

    async def __aexit__(self, *exc_info):
        def stop():
            self.count = len(self.connection.queries_log) - self.start
            self.connection.force_debug_cursor = False

        await sync_to_async(stop)()

    def __repr__(self):
        return str(self.count)
