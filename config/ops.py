"""The operator's endpoints: /healthz, /readyz and /metrics, answered before the rest of the site.

`OperationsMiddleware` is the first middleware: these three paths never reach the session, authentication,
locale, host or HTTPS-redirect middleware, so a load balancer or Prometheus can ask a daphne process on its
own port (Host 127.0.0.1:8001, plain HTTP) and nothing reads a session or the database for /healthz. The
answers tell nothing: a status and one word.

- /healthz: the process answers (from its event loop, no thread, no database, no Redis).
- /readyz: the database answers, Redis answers, and every migration is applied. Once the migrations have been
  found applied, that is remembered for the life of the process; the database and Redis are asked every time.
- /metrics: Prometheus' text format (core.metrics), only to an address in METRICS_ALLOWED_NETWORKS that did not
  come through the reverse proxy, or with `Authorization: Bearer <METRICS_TOKEN>`. Anything else is 403.
"""

import logging
from ipaddress import ip_address

import redis
from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.utils.crypto import constant_time_compare
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, REGISTRY, generate_latest

import core.metrics  # noqa: F401 - defines the metrics and registers the task queue's collector

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 1.0


def plain(word, status):
    response = HttpResponse(word, content_type="text/plain; charset=utf-8", status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def healthz(request):
    return plain("ok", 200)


class Readiness:
    """Whether this process can serve: the database and Redis answer, the migrations are applied."""

    def __init__(self):
        self.migrated = False
        self.redis_client = None

    def __call__(self):
        try:
            self.check_database()
            self.check_redis()
        except Exception as error:  # any failure means "not ready"; its type is logged, not its text
            logger.warning("Not ready: %s", type(error).__name__)
            return False
        if not self.migrated:
            self.migrated = self.migrations_applied()
            if not self.migrated:
                logger.warning("Not ready: migrations not applied")
        return self.migrated

    def check_database(self):
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")

    def check_redis(self):
        """A PING on a client of its own with short timeouts, so a Redis that hangs cannot hold the probe."""
        if not settings.REDIS_URL:
            return  # the embedded default: in-memory channel layer and cache, nothing to reach
        if self.redis_client is None:
            self.redis_client = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
            )
        self.redis_client.ping()

    def migrations_applied(self):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())


readiness = Readiness()


def readyz(request):
    return plain("ok", 200) if readiness() else plain("unavailable", 503)


def metrics_allowed(request):
    token = settings.METRICS_TOKEN
    if token:
        scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and constant_time_compare(value.strip(), token):
            return True
    if "X-Forwarded-For" in request.headers:
        return False  # came through the reverse proxy: the peer address is the proxy's own, not the client's
    try:
        address = ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics(request):
    if not metrics_allowed(request):
        return plain("forbidden", 403)
    response = HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_PLAIN_0_0_4)
    response.headers["Cache-Control"] = "no-store"
    return response


ENDPOINTS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}
# Answered in the event loop itself: the rest go to the thread where the site's database work runs.
IN_LOOP = {healthz}


class OperationsMiddleware:
    """Answers the operator's endpoints and passes everything else on. Works in both modes: under daphne it runs
    in the event loop, so /healthz answers even while the site's worker thread is busy."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.answer_async(request)
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is None:
            return self.get_response(request)
        return self.answer(endpoint, request)

    async def answer_async(self, request):
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is None:
            return await self.get_response(request)
        if endpoint in IN_LOOP:
            return self.answer(endpoint, request)
        return await sync_to_async(self.answer)(endpoint, request)

    @staticmethod
    def answer(endpoint, request):
        if request.method not in ("GET", "HEAD"):
            response = plain("unsupported", 405)
            response.headers["Allow"] = "GET, HEAD"
            return response
        return endpoint(request)
