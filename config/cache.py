"""The shared cache on Redis: one bounded connection pool per process, and an outage that degrades, never a 500.

Django's RedisCache makes a client (and with it a connection pool) per cache object, and the cache objects are
per async context: under daphne every websocket consumer could get a pool of its own. Here every cache object
of one location shares one client, so the pool (`max_connections`, waiting `timeout` seconds for a free
connection: `redis.BlockingConnectionPool` in OPTIONS) bounds what the process opens.

What lives in the cache is rebuilt or was a safeguard: rate limits, access versions, presence, allauth's limits.
When Redis does not answer, a read is a miss and a write is skipped (one warning per
`WARNING_INTERVAL`): rate limits let people through, a missing access version makes a socket check the database,
presence shows what this process knows. Sessions are read from here but kept in the database too
(`cached_db`), so a miss only costs a query and nobody is signed out.
"""

import logging
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ClassVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
WARNING_INTERVAL = 30.0  # seconds between two warnings of one outage


def degrades(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A cache method that answers `fallback(*args)` instead of raising while Redis is unreachable."""

    def decorator(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except REDIS_DOWN as error:
                self.warn_unavailable(error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


class RedisCache(DjangoRedisCache):
    _clients: ClassVar[dict[tuple[str, ...], RedisCacheClient]] = {}
    _clients_lock = threading.Lock()  # consumers' contexts build their cache objects in several threads
    _last_warning = float("-inf")

    @cached_property
    def _cache(self):
        key = (*self._servers, repr(sorted(self._options.items())))
        with self._clients_lock:
            if key not in self._clients:
                self._clients[key] = self._class(self._servers, **self._options)
            return self._clients[key]

    def warn_unavailable(self, error: Exception) -> None:
        now = time.monotonic()
        if now - RedisCache._last_warning >= WARNING_INTERVAL:
            RedisCache._last_warning = now
            logger.warning("The Redis cache is unreachable (%s): carrying on without it", error)

    @degrades(lambda *args, **kwargs: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @degrades(lambda key, default=None, *args, **kwargs: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @degrades(lambda *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @degrades(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @degrades(lambda *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @degrades(lambda *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @degrades(lambda *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @degrades(lambda *args, **kwargs: [])
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @degrades(lambda *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except REDIS_DOWN as error:
            self.warn_unavailable(error)
            raise ValueError(f"Key '{key}' not found: the cache is unreachable") from error
