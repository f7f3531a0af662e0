"""/healthz, /readyz and /metrics: cheap, unauthenticated where they should be, and telling nothing more."""

from ipaddress import ip_network
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import AsyncClient
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import REGISTRY

from config import ops
from core.email import send_email_task

OPS_PATHS = ["/healthz", "/readyz", "/metrics"]


@pytest.fixture(autouse=True)
def fresh_readiness(monkeypatch):
    monkeypatch.setattr(ops, "readiness", ops.Readiness())


@pytest.fixture
def outside_the_site(settings):
    """What a load balancer or Prometheus sends: a bare address as Host, plain HTTP, production's redirect on."""
    settings.ALLOWED_HOSTS = ["verkostamo.example.fi"]
    settings.SECURE_SSL_REDIRECT = True
    return {"HTTP_HOST": "10.0.0.5:8001"}


def test_healthz_answers_without_database_session_host_or_redirect(client, outside_the_site):
    response = client.get("/healthz", **outside_the_site)  # no django_db mark: any query would fail the test
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers and "Vary" not in response.headers


@pytest.mark.django_db
def test_readyz_is_ready_with_the_database_and_migrations(client, outside_the_site):
    response = client.get("/readyz", **outside_the_site)
    assert (response.status_code, response.content) == (200, b"ok")
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_readyz_asks_for_the_migrations_only_until_they_are_applied(client, django_assert_max_num_queries):
    assert client.get("/readyz").status_code == 200
    with mock.patch.object(ops.MigrationExecutor, "migration_plan") as plan, django_assert_max_num_queries(1):
        assert client.get("/readyz").status_code == 200  # SELECT 1, nothing else
    plan.assert_not_called()


@pytest.mark.django_db
def test_readyz_is_unavailable_with_migrations_pending(client):
    with mock.patch.object(ops.MigrationExecutor, "migration_plan", return_value=[("a migration", False)]):
        response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable")


@pytest.mark.django_db
def test_readyz_is_unavailable_without_the_database_and_says_nothing_about_it(client):
    failure = OperationalError("password=secret host=db.example")
    with (
        mock.patch.object(ops.Readiness, "check_database", side_effect=failure),
        mock.patch.object(ops, "logger") as logger,
    ):
        response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable")
    logger.warning.assert_called_once_with("Not ready: %s", "OperationalError")


@pytest.mark.django_db
def test_readyz_is_unavailable_without_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable")


@pytest.mark.django_db
@pytest.mark.parametrize("path", OPS_PATHS)
def test_only_get_and_head(client, path):
    response = client.post(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_in_the_event_loop_too(outside_the_site):
    """Under daphne the middleware runs in the event loop; /healthz never leaves it."""
    client = AsyncClient()
    with mock.patch.object(ops, "sync_to_async") as hop:
        response = await client.get("/healthz", **outside_the_site)
    assert (response.status_code, response.content) == (200, b"ok")
    hop.assert_not_called()
    response = await client.get("/readyz", **outside_the_site)
    assert (response.status_code, response.content) == (200, b"ok")
    response = await client.get("/metrics", **outside_the_site)
    assert response.status_code == 200
    assert b"verkostamo_websocket_open" in response.content


# -- /metrics: who may read it -----------------------------------------------------------------------------------


def assert_refused(response):
    assert (response.status_code, response.content) == (403, b"forbidden")
    assert b"verkostamo" not in response.content


@pytest.mark.django_db
def test_metrics_from_loopback_by_default(client, outside_the_site):
    response = client.get("/metrics", **outside_the_site)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    for name in (
        "verkostamo_websocket_open",
        "verkostamo_websocket_connect_seconds_bucket",
        "verkostamo_discussion_messages_stored_total",
        "verkostamo_discussion_frames_delivered_total",
        "verkostamo_discussion_sync_requests_total",
        "verkostamo_channel_layer_send_failures_total",
        "verkostamo_tasks_waiting",
        "verkostamo_email_waiting",
        "verkostamo_tasks_oldest_waiting_seconds",
        "process_resident_memory_bytes",
    ):
        assert name.encode() in response.content, name


@pytest.mark.django_db
def test_metrics_refused_from_another_network(client):
    assert_refused(client.get("/metrics", REMOTE_ADDR="203.0.113.7"))


@pytest.mark.django_db
def test_metrics_from_a_configured_network(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = [ip_network("10.20.0.0/16")]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert_refused(client.get("/metrics", REMOTE_ADDR="10.21.3.4"))
    assert_refused(client.get("/metrics", REMOTE_ADDR="127.0.0.1"))  # loopback is only the default


@pytest.mark.django_db
def test_metrics_refused_through_the_reverse_proxy(client):
    """Behind nginx every request comes from loopback: what the proxy forwarded is not trusted as local."""
    assert_refused(client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"))


@pytest.mark.django_db
def test_metrics_with_the_bearer_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-token-of-the-monitoring-" + "x" * 10
    token = settings.METRICS_TOKEN
    allowed = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert allowed.status_code == 200
    for header in (f"Bearer {token}x", f"Basic {token}", token, "Bearer ", ""):
        assert_refused(client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION=header))


@pytest.mark.django_db
def test_no_token_set_means_no_token_accepted(client, settings):
    settings.METRICS_TOKEN = ""
    assert_refused(client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer "))


@pytest.mark.django_db
def test_metrics_still_served_without_the_database(client):
    with mock.patch.object(ops.core.metrics.DBTaskResult.objects, "ready", side_effect=OperationalError):
        response = client.get("/metrics")
    assert response.status_code == 200
    assert b"verkostamo_websocket_open" in response.content
    assert b"verkostamo_tasks_waiting" not in response.content


@pytest.mark.django_db
def test_the_task_queue_is_counted(client):
    """What waits for `manage.py db_worker`: all tasks, the e-mail among them, and the oldest one's age."""
    for path in (send_email_task.module_path, send_email_task.module_path, "wagtail.search.tasks.update"):
        DBTaskResult.objects.create(task_path=path, args_kwargs={}, backend_name="default", run_after=get_date_max())
    lines = client.get("/metrics").content.decode().splitlines()
    assert "verkostamo_tasks_waiting 3.0" in lines
    assert "verkostamo_email_waiting 2.0" in lines


def requests_of(view):
    return REGISTRY.get_sample_value("verkostamo_http_request_duration_seconds_count", {"view": view}) or 0


@pytest.mark.django_db
def test_request_latency_by_view_name_never_by_url(client):
    before = requests_of("invitation")
    client.get("/kutsu/some-token/")
    client.get("/kutsu/another-token/")
    assert requests_of("invitation") - before == 2
    assert requests_of("/kutsu/some-token/") == 0


def test_the_deploy_examples_use_them():
    deploy = Path(__file__).resolve().parents[2] / "site" / "deploy"
    nginx = (deploy / "nginx.conf").read_text()
    assert "location ~ ^/(healthz|readyz|metrics)$ { return 404; }" in nginx  # asked on each port, not publicly
    assert nginx.count("proxy_set_header X-Request-ID $request_id;") == 2  # pages and websockets
    unit = (deploy / "verkostamo@.service").read_text()
    assert "http://127.0.0.1:%i/readyz" in unit
    assert "daphne -v 0 " in unit  # daphne's own access log would write addresses and tokens in paths
    assert "Environment=MALLOC_ARENA_MAX=2" in unit  # bench/fanout.py's memory per socket is measured with it
