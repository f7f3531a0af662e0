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
        while True:
            if self.restored is not None:
                await self.restored.wait()
            try:
                return await super().receive(channel)
            except REDIS_DOWN as error:
                self.connection_lost(error)

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
