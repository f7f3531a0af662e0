"""The Redis cache (config/cache.py): one connection pool per process, not one per websocket; and it degrades while
Redis is unreachable: reads miss, writes are skipped, nothing raises."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from config.cache import RedisCache
from core.ratelimit import RateLimit

UNREACHABLE = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


@pytest.fixture
def unreachable_cache(monkeypatch):
    backend = RedisCache(UNREACHABLE, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    monkeypatch.setattr("core.ratelimit.cache", backend)
    return backend


def test_reads_miss_and_writes_are_skipped(unreachable_cache):
    unreachable_cache.set("a", 1)
    assert unreachable_cache.get("a") is None
    assert unreachable_cache.get("a", "oletus") == "oletus"
    assert unreachable_cache.get_many(["a", "b"]) == {}
    assert unreachable_cache.add("a", 1) is False
    assert unreachable_cache.touch("a") is False
    assert unreachable_cache.set_many({"a": 1}) == []
    unreachable_cache.delete_many(["a"])
    with pytest.raises(ValueError):
        unreachable_cache.incr("a")


def test_a_rate_limit_lets_people_through(unreachable_cache):
    limit = RateLimit("test", limit=1, window=60)
    limit.hit(1)
    limit.hit(1)  # nothing is remembered, so nothing is refused


def test_cache_objects_with_the_same_servers_and_options_share_one_client():
    first, second = RedisCache(UNREACHABLE, {}), RedisCache(UNREACHABLE, {"KEY_PREFIX": "other"})
    assert first._cache is second._cache
    assert RedisCache(UNREACHABLE, {"OPTIONS": {"db": 2}})._cache is not first._cache


@override_settings(CACHES={"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": UNREACHABLE}})
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
