"""The site's Prometheus metrics, defined in one place; `config.ops` serves them at /metrics.

Every daphne process counts for itself (Prometheus scrapes each process's port), so the hot paths stay a
counter increment in memory: no lock shared between processes, no query, no label that grows with the data.
The only label is the view name of a request (bounded by the URL patterns) and a status class. The task
queue is read from the database when scraped, one query, the same in every process.

docs/operations.md says what each metric means and the PromQL of a minimal dashboard.
"""

import logging

from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .email import send_email_task

logger = logging.getLogger(__name__)

OPEN_SOCKETS = Gauge("verkostamo_websocket_open", "Discussion websockets open in this process.")
SOCKET_CONNECT_SECONDS = Histogram(
    "verkostamo_websocket_connect_seconds",
    "From the accepted handshake until the socket has its rooms and unread counts and is counted in presence.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
MESSAGES_STORED = Counter("verkostamo_discussion_messages_stored", "Discussion messages stored (committed).")
FRAMES_DELIVERED = Counter(
    "verkostamo_discussion_frames_delivered",
    "Fan-out frames (new, edited and deleted messages, typing, presence, rooms) written to this process's sockets.",
)
SYNC_REQUESTS = Counter("verkostamo_discussion_sync_requests", "`sync` frames answered: clients filling a gap.")
CHANNEL_LAYER_FAILURES = Counter(
    "verkostamo_channel_layer_send_failures",
    "Group sends that failed (the change is stored; the sockets catch up by sync).",
)
REQUEST_SECONDS = Histogram(
    "verkostamo_http_request_duration_seconds",
    "HTTP requests by view name (not by URL), from the first middleware to the response.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RESPONSES = Counter("verkostamo_http_responses", "HTTP responses by status class (2xx, 3xx, 4xx, 5xx).", ["status"])


class TaskQueueCollector(Collector):
    """The background task queue (django-tasks-db), read when Prometheus scrapes: one query. Without the
    database these gauges are left out and the rest is still served (what an outage most needs)."""

    WAITING = ("verkostamo_tasks_waiting", "Tasks ready to run, not yet taken by a worker.")
    EMAIL = ("verkostamo_email_waiting", "E-mail tasks ready to send, not yet sent.")
    OLDEST = ("verkostamo_tasks_oldest_waiting_seconds", "Age of the oldest task ready to run (0 when none).")

    def describe(self):
        """The names, without asking the database (the registry calls this when registering)."""
        return [GaugeMetricFamily(*family) for family in (self.WAITING, self.EMAIL, self.OLDEST)]

    def collect(self):
        try:
            queue = DBTaskResult.objects.ready().aggregate(
                waiting=Count("id"),
                email=Count("id", filter=Q(task_path=send_email_task.module_path)),
                oldest=Min("enqueued_at"),
            )
        except DatabaseError as error:
            logger.warning("Task queue metrics left out: %s", type(error).__name__)
            return
        age = (timezone.now() - queue["oldest"]).total_seconds() if queue["oldest"] else 0
        yield GaugeMetricFamily(*self.WAITING, value=queue["waiting"])
        yield GaugeMetricFamily(*self.EMAIL, value=queue["email"])
        yield GaugeMetricFamily(*self.OLDEST, value=age)


REGISTRY.register(TaskQueueCollector())
