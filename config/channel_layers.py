"""The channel layers: the embedded default's in-memory layer without its per-call full sweep, and production's
channels-redis with a bounded pool and a receive that survives Redis going away (RedisChannelLayer, below).

Channels 4.3's InMemoryChannelLayer runs `_clean_expired()` at the start of every `receive()` and every
`group_send()`: a walk over every channel's queue and every group membership in the process. Each open
discussion socket waits in `receive()` and sits in several groups (its network, its membership, each
room), so one message to N members costs N sweeps over about N × groups entries: quadratic in the
number of members. bench/fanout.py measured it at 200 members × 20 messages/s: the sweep took 35-40 %
of the server's CPU and message latency grew to seconds.

Expiry only matters at the scale of seconds (a message expires after `expiry`, 60 s; a group membership
after `group_expiry`, a day), so this layer sweeps at most once per `clean_interval` seconds and behaves
the same otherwise. Production uses channels-redis, which has no such sweep.
"""

import asyncio
import logging
import time
from collections import Counter

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer
from channels_redis.core import RedisChannelLayer as ChannelsRedisChannelLayer
from redis.asyncio import BlockingConnectionPool

from config.cache import REDIS_DOWN
from core.outages import connection_restored

logger = logging.getLogger(__name__)


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    def __init__(self, clean_interval=1.0, **kwargs):
        super().__init__(**kwargs)
        self.clean_interval = clean_interval
        self._last_clean = float("-inf")

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._last_clean < self.clean_interval:
            return
        self._last_clean = now
        super()._clean_expired()


class RedisChannelLayer(ChannelsRedisChannelLayer):
    """channels-redis with a bounded pool that waits for a free connection, a receive that outlives Redis, and
    groups joined and left in one round trip (`group_add_many`, `group_discard_many`).

    channels-redis makes a `redis.asyncio.ConnectionPool`, which fails at once with `MaxConnectionsError` when all
    its connections (100 by default) are in use: a wave of disconnecting sockets, each discarding itself from
    its groups, was enough. `redis.asyncio.BlockingConnectionPool` waits for a connection instead (at most
    `pool_timeout` seconds), with `max_connections` bounding what one process opens.

    A consumer dies when its channel layer `receive()` raises, and every consumer waiting in one process takes a
    turn at Redis. So while Redis is unreachable, `receive()` waits instead of raising: one probe per
    `probe_interval` asks Redis, and when it answers `connection_restored` is sent and the receives go on.
    """

    def __init__(self, max_connections=50, pool_timeout=10, probe_interval=1.0, **kwargs):
        super().__init__(**kwargs)
        self.max_connections = max_connections
        self.pool_timeout = pool_timeout
        self.probe_interval = probe_interval
        self.restored = None  # an asyncio.Event while Redis is unreachable, set when it answers again
        self.probe = None
        self.receivers = Counter()  # this process's Redis list → receives waiting for a message from it
        self.readers = {}  # this process's Redis list → the task that reads it (read_here)

    async def group_add_many(self, memberships):
        """`group_add` for many (group, channel) pairs in one round trip per Redis host: channels-redis makes two
        round trips per pair, and a wave of connecting sockets joins two groups each."""
        await self.pipelined(memberships, self.add_commands)

    async def group_discard_many(self, memberships):
        """`group_discard` for many (group, channel) pairs in one round trip per Redis host."""
        await self.pipelined(memberships, lambda pipeline, key, channel: pipeline.zrem(key, channel))

    def add_commands(self, pipeline, key, channel):
        pipeline.zadd(key, {channel: time.time()})
        pipeline.expire(key, self.group_expiry)  # as group_add: every member expires before the group does

    async def pipelined(self, memberships, commands):
        pipelines = {}
        for group, channel in memberships:
            self.require_valid_group_name(group)  # each raises for a name that is not
            self.require_valid_channel_name(channel)
            index = self.consistent_hash(group)
            if index not in pipelines:
                pipelines[index] = self.connection(index).pipeline(transaction=False)
            commands(pipelines[index], self._group_key(group), channel)
        for pipeline in pipelines.values():
            await pipeline.execute()

    def create_pool(self, index):
        host = dict(self.hosts[index])
        return BlockingConnectionPool.from_url(
            host.pop("address"), max_connections=self.max_connections, timeout=self.pool_timeout, **host
        )

    async def receive(self, channel):
        if "!" in channel:
            return await self.receive_here(channel)
        while True:
            if self.restored is not None:
                await self.restored.wait()
            try:
                return await super().receive(channel)
            except REDIS_DOWN as error:
                self.connection_lost(error)

    async def receive_here(self, channel):
        """A message to one of this process's channels (every consumer's own), read by the process's one reader.

        channels-redis lets the waiting receives take turns at Redis: each waits on two tasks of its own (the read
        lock and its buffer) and an `asyncio.wait` around them, some 3 KiB per open socket (bench/fanout.py). Here
        one reader (`read_here`) reads for the whole process, and a receive waits on its buffer alone.
        """
        self.require_valid_channel_name(channel)
        process_channel = self.non_local_name(channel)  # the Redis list of all this process's channels
        self.receivers[process_channel] += 1
        reader = self.readers.get(process_channel)
        if reader is None or reader.done() or reader.get_loop() is not asyncio.get_running_loop():
            self.readers[process_channel] = asyncio.ensure_future(self.read_here(process_channel))
        buffer = self.receive_buffer[channel]
        try:
            message = await buffer.get()
        except asyncio.CancelledError:
            if self.receive_buffer.get(channel) is buffer and buffer.empty():
                del self.receive_buffer[channel]  # the consumer has gone: nothing waits here any more
            if self.receivers[process_channel] == 1:
                # The last consumer here has gone: the reader stops too. Nothing is lost: what Redis holds for this
                # process stays in the list, or in channels-redis's backup of it, for the next receive.
                self.readers.pop(process_channel).cancel()
            raise
        finally:
            self.receivers[process_channel] -= 1
        # Not stopped when the count drops to nothing here: a fan-out's every receiver is back in a moment.
        if buffer.empty() and self.receive_buffer.get(channel) is buffer:
            del self.receive_buffer[channel]
        return message

    async def read_here(self, process_channel):
        """Reads this process's messages from Redis into the buffers of their channels, for as long as a consumer
        is here; while Redis is unreachable, waits for it (`connection_lost`)."""
        while True:
            if self.restored is not None:
                await self.restored.wait()
            try:
                channels, message = await self.receive_single(process_channel)
            except REDIS_DOWN as error:
                self.connection_lost(error)
                continue
            except Exception:  # whatever it was, the process's sockets must go on hearing
                logger.exception("Reading this process's channels failed; reading again")
                await asyncio.sleep(self.probe_interval)
                continue
            for channel in channels if isinstance(channels, list) else [channels]:
                self.receive_buffer[channel].put_nowait(message)

    def connection_lost(self, error):
        if self.restored is not None:
            return
        logger.warning("The channel layer lost Redis (%s): waiting for it", error)
        self.restored = asyncio.Event()
        self.probe = asyncio.ensure_future(self.wait_for_redis())

    async def wait_for_redis(self):
        """Asks Redis until it answers, then lets the receives go on and tells whoever keeps groups."""
        while True:
            await asyncio.sleep(self.probe_interval)
            try:
                await self.connection(0).ping()
                break
            except REDIS_DOWN:
                continue
        restored, self.restored = self.restored, None
        restored.set()
        logger.warning("The channel layer reached Redis again")
        await connection_restored.asend(sender=self)
