"""Access versions: how connections that stay open notice that someone's access has changed.

A websocket decides access when it connects, and may then stay open for days. Everything that can change
access calls `access_changed(users=…, networks=…)`: a membership saved or deleted, a person's staff or
active flag, sign-out, a password change, a network unpublished, moved, made private or deleted. After the
commit, each named person and network gets a new version in the shared cache (Redis in production), and
`access_change_committed` is sent so that higher apps can tell the open connections at once.

A connection remembers the versions it read just *before* its last database check (`versions_for_check`)
and compares them with the cache before each frame that reads or writes data: one cache read. A version
that changed or is missing (evicted, expired, Redis restarted) means a fresh database check. A change made
during a check therefore always shows at the next comparison.
"""

import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

VERSION_TIMEOUT = 7 * 24 * 3600  # a version that expires only costs its connections one database check

# Sent after the commit with `user_ids` and `network_ids` (lists) whose access may have changed.
access_change_committed = Signal()


def user_version_key(user_id: int) -> str:
    return f"access:user:{user_id}"


def network_version_key(network_id: int) -> str:
    return f"access:network:{network_id}"


def new_version() -> str:
    return uuid.uuid4().hex


def access_changed(*, users: Iterable[int] = (), networks: Iterable[int] = ()) -> None:
    """Gives the people and networks (ids) new access versions once the current transaction commits."""
    user_ids, network_ids = list(users), list(networks)

    def bump():
        keys = [user_version_key(pk) for pk in user_ids] + [network_version_key(pk) for pk in network_ids]
        cache.set_many({key: new_version() for key in keys}, timeout=VERSION_TIMEOUT)
        access_change_committed.send(sender=None, user_ids=user_ids, network_ids=network_ids)

    transaction.on_commit(bump)


def versions_for_check(keys: list[str]) -> dict[str, str]:
    """The versions to remember for a database check that follows: a missing one is created first, so the
    next comparison has something to compare with (and sees any change made in the meantime)."""
    versions = cache.get_many(keys)
    missing = [key for key in keys if key not in versions]
    if missing:
        for key in missing:
            cache.add(key, new_version(), timeout=VERSION_TIMEOUT)
        versions = cache.get_many(keys)
    return versions


def versions_unchanged(keys: list[str], remembered: dict[str, str]) -> bool:
    """Whether every version is still the one remembered from the last check (one cache read). A missing
    version counts as changed."""
    versions = cache.get_many(keys)
    return len(versions) == len(keys) and versions == remembered
