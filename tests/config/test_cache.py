"""The shared cache keeps one Redis connection pool per process, not one per websocket (config/cache.py)."""

import asyncio

from asgiref.sync import sync_to_async
from django.test import override_settings

from config.cache import RedisCache

REDIS = "redis://127.0.0.1:1/0"  # never connected to: building a client opens no connection


def test_cache_objects_with_the_same_servers_and_options_share_one_client():
    first, second = RedisCache(REDIS, {}), RedisCache(REDIS, {"KEY_PREFIX": "other"})
    assert first._cache is second._cache
    assert RedisCache(REDIS, {"OPTIONS": {"db": 2}})._cache is not first._cache


@override_settings(CACHES={"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": REDIS}})
def test_every_consumer_context_gets_the_same_client():
    """Django keeps a cache object per asyncio context, as each websocket consumer has one of its own."""
    from django.core.cache import caches

    def cache_and_client():
        return caches["default"], caches["default"]._cache

    async def consumers():
        return await asyncio.gather(*(asyncio.create_task(sync_to_async(cache_and_client)()) for _ in range(3)))

    pairs = asyncio.run(consumers())
    assert len({id(cache) for cache, _client in pairs}) == 3  # a cache object per context, as Django keeps them
    assert len({id(client) for _cache, client in pairs}) == 1  # but one client, and so one pool
