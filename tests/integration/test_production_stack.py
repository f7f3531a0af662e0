"""The production configuration end to end: PostgreSQL, Redis and two daphne processes.

The site is migrated and loaded with the demo content on a fresh PostgreSQL database, then served
by two daphne processes sharing Redis, exactly as site/deploy/ describes.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from tests.conftest import require_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
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
    }
    env.pop("DEBUG", None)
    commands = (
        ["migrate", "--no-input"],
        ["load_demo_content"],
        ["db_worker", "--batch", "--no-startup-delay", "--queue-name", "*"],  # the search index updates
        ["collectstatic", "--no-input"],
    )
    for command in commands:
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    yield env
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def two_servers(production_env):
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=production_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_for(port)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne did not start on port {port}")


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return response.status, response.headers, response.read().decode()


@pytest.mark.parametrize("path", ["/", "/verkostot/", "/verkostot/lean/", "/saavutettavuusseloste/"])
def test_both_processes_serve_the_demo_site(two_servers, path):
    for base in two_servers:
        status, headers, body = get(base + path)
        assert status == 200
        assert "Content-Security-Policy" in headers
        assert "Verkostamo" in body


def test_static_files_are_served_by_whitenoise_with_hashed_names(two_servers):
    _status, _headers, body = get(two_servers[0] + "/")
    css = next(part.split('"')[0] for part in body.split('href="') if part.startswith("/static/css/site."))
    assert css != "/static/css/site.css", "production serves hashed, cacheable file names"
    status, headers, _body = get(two_servers[1] + css)
    assert status == 200
    assert "max-age" in headers.get("Cache-Control", "")


def test_finnish_full_text_search_on_postgresql(two_servers):
    """PostgreSQL's Finnish configuration stems words: an inflected form finds the base form."""
    _status, _headers, body = get(two_servers[0] + "/haku/?q=Lean")
    assert "Leanin avulla" in body
    _status, _headers, body = get(two_servers[1] + "/haku/?q=" + quote("ikäjohtamisesta"))
    assert "Ikäjohtaminen" in body
