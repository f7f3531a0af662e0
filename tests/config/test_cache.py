"""The Redis cache degrades while Redis is unreachable: reads miss, writes are skipped, nothing raises."""

import pytest

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


def test_cache_objects_of_one_location_share_one_client_and_its_pool():
    first = RedisCache(UNREACHABLE, {"OPTIONS": {"max_connections": 5}})
    second = RedisCache(UNREACHABLE, {"OPTIONS": {"max_connections": 5}})
    assert first._cache is second._cache
