"""The shared cache on Redis with one connection pool per process, however many websockets are open.

Django keeps its cache objects per asyncio context (django.utils.connection's handlers are not thread-critical),
and every websocket consumer runs in a context of its own — its database work too, in the database thread. So
each open socket built its own RedisCache, with its own connection pool, and held a Redis connection of its own
for as long as it stayed open: a pool, a connection and a socket per websocket in every daphne process, and as
many clients in Redis. Here every RedisCache of a process with the same servers and options shares one client,
and so one pool (redis-py's pools are thread-safe).
"""

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.utils.functional import cached_property

_clients = {}
_clients_lock = threading.Lock()


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            if key not in _clients:
                _clients[key] = self._class(self._servers, **self._options)
            return _clients[key]
