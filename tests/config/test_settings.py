"""Start-up refuses unsafe or broken configuration with one clear line naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAFE = {
    "SECRET_KEY": "verkostamo-test-key-" + "0123456789abcdef" * 3,
    "DATABASE_URL": "postgres://verkostamo:secret@127.0.0.1:5432/verkostamo",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "verkostamo.example.fi",
}


def run_check(settings_module, *command, **env):
    # Not the test run's own settings: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process.
    unset = {*SAFE, "DEBUG", "SECURE_HSTS_PRELOAD", "DJANGO_ALLOW_ASYNC_UNSAFE", "LOG_FORMAT", "METRICS_TOKEN"}
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "manage.py", *(command or ("diffsettings", "--output", "unified"))],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_with_safe_configuration():
    result = run_check("config.settings.production", **SAFE)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"DEBUG": "true"}, "DEBUG"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 60}, "SECRET_KEY"),  # long, but not random (Django's security.W009)
        ({"SECRET_KEY": "django-insecure-" + "0123456789abcdef" * 3}, "SECRET_KEY"),
        ({"SECURE_HSTS_PRELOAD": "maybe"}, "SECURE_HSTS_PRELOAD"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u@h:notaport/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"REDIS_URL": ""}, "REDIS_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"METRICS_ALLOWED_NETWORKS": "10.0.0.0/33"}, "METRICS_ALLOWED_NETWORKS"),
        ({"METRICS_ALLOWED_NETWORKS": "intranet"}, "METRICS_ALLOWED_NETWORKS"),
        ({"METRICS_TOKEN": "short"}, "METRICS_TOKEN"),
    ],
)
def test_production_refuses_unsafe_or_broken_configuration(override, named):
    env = {**SAFE, **override}
    env = {key: value for key, value in env.items() if value != "" or key == "DEBUG"}
    result = run_check("config.settings.production", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_the_deployment_check_finds_nothing_to_warn_about():
    result = run_check("config.settings.production", "check", "--deploy", "--fail-level", "WARNING", **SAFE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_hsts_preload_is_on_by_default_and_can_be_turned_off():
    on = run_check("config.settings.production", **SAFE)
    assert "SECURE_HSTS_PRELOAD = True" in on.stdout
    off = run_check("config.settings.production", "check", "--deploy", SECURE_HSTS_PRELOAD="false", **SAFE)
    assert "security.W021" in off.stderr + off.stdout


def test_a_malformed_database_url_stops_development_start_up_too():
    result = run_check("config.settings.dev", DATABASE_URL="mysql//nope")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "DATABASE_URL" in result.stderr


def test_development_defaults_to_sqlite_and_the_in_memory_layer():
    from django.conf import settings

    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    result = run_check("config.settings.dev")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.sqlite3" in result.stdout
    assert "journal_mode=WAL" in result.stdout
