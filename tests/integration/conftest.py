"""The production stack for the integration tests: a fresh PostgreSQL database, migrated and loaded with
the demo content, served by two daphne processes with production settings that share it and one Redis.

Session-scoped: every integration test module uses the same database and the same two processes, so
the (slow) migration happens once per run. Tests add their own people and messages and never assume an
empty discussion.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from tests.conftest import require_env

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, process=None, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"daphne on port {port} exited with {process.returncode}")
        try:
            with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne did not start on port {port}")


def manage(env, *command):
    """Runs a manage.py command with the production environment; returns its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(command)} failed:\n{result.stderr[-4000:]}")
    return result.stdout


@pytest.fixture(scope="session")
def production_env(tmp_path_factory):
    admin_url = require_env("VERKOSTAMO_TEST_POSTGRES_URL", "PostgreSQL")
    redis_url = require_env("VERKOSTAMO_TEST_REDIS_URL", "Redis")
    name = f"verkostamo_it_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": admin_url.rsplit("/", 1)[0] + f"/{name}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "integration-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    try:
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo_content")
        manage(env, "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")  # the search index updates
        manage(env, "collectstatic", "--no-input")
        yield env
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def two_servers(production_env, tmp_path_factory):
    """The base URLs of two daphne processes serving the same database and Redis."""
    ports = [free_port(), free_port()]
    logs = tmp_path_factory.mktemp("daphne")
    # Minutes between presence heartbeats: what one process's sockets learn of the other's people, they learn from
    # its announcements (tests.integration.test_discussion_scaling).
    env = {**production_env, "PRESENCE_HEARTBEAT_SECONDS": "300", "PRESENCE_TTL_SECONDS": "900"}
    processes = []
    try:
        for port in ports:
            # Output to a file, never to an unread pipe: a full pipe would block the server.
            with open(logs / f"daphne-{port}.log", "wb") as log:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        for port, process in zip(ports, processes, strict=True):
            wait_for(port, process)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
