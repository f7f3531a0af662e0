"""Reading the environment: the one place where settings meet os.environ.

Every helper raises ImproperlyConfigured with a message that names the variable,
so a bad deployment stops at start-up with one clear line (see manage.py).
"""

import os
from ipaddress import ip_network

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_choice(name, choices, default):
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name, default=()):
    """A comma-separated list of networks in CIDR notation (a single address is a network of one)."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list networks such as 10.0.0.0/8, not {item!r}.") from None
    return networks


def env_database(name="DATABASE_URL", default=None, required=False):
    """Parse DATABASE_URL into Django's DATABASES["default"].

    Missing: `default` (or a clear error where the variable is required).
    Malformed or of an unsupported scheme: a clear error naming the variable.
    """
    url = os.environ.get(name, "").strip()
    if not url:
        if required:
            raise ImproperlyConfigured(f"{name} is not set: give the database as e.g. postgres://user:pass@host/db.")
        return default
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception:  # dj-database-url raises several unrelated types
        raise ImproperlyConfigured(
            f"{name} is malformed or names an unknown database: expected e.g. postgres://user:pass@host/db."
        ) from None
    if not config.get("ENGINE") or (config["ENGINE"] != "django.db.backends.sqlite3" and not config.get("NAME")):
        raise ImproperlyConfigured(
            f"{name} is malformed: it names no database (expected e.g. postgres://user:pass@host/db)."
        )
    return config
