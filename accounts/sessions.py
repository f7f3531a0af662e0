"""Whether sessions are still signed in, for connections that outlive the request that opened them.

Read for many sessions at once: a wave of reconnecting websockets is decided together (discussions.consumers),
so each function costs the same for one session as for a hundred — one read of the session cache (`cached_db`)
and one query for the people.
"""

from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .models import User


def sessions_data(session_keys: Iterable[str | None]) -> dict[str, dict]:
    """{session key: what the session holds ({} when it does not exist)} for the given keys (empty ones left out).

    With a session engine that caches (`cached_db`, `cache`) the cached sessions are read in one `get_many`; with
    one that stores them in the database (`db`, `cached_db`) the rest in one query. Any other engine loads each.
    """
    engine = import_module(settings.SESSION_ENGINE)
    stores = {key: engine.SessionStore(key) for key in set(session_keys) if key}
    found = {}
    by_cache_key = {store.cache_key: key for key, store in stores.items() if hasattr(store, "cache_key")}
    if by_cache_key:
        try:
            cached = caches[settings.SESSION_CACHE_ALIAS].get_many(list(by_cache_key))
        except Exception:  # as the engine's own load(): an unreadable cache means reading the database
            cached = {}
        found = {by_cache_key[cache_key]: data for cache_key, data in cached.items() if data is not None}
    unread = [key for key in stores if key not in found]
    if unread and hasattr(engine.SessionStore, "get_model_class"):  # the database engines: one query
        rows = engine.SessionStore.get_model_class().objects.filter(
            session_key__in=unread, expire_date__gt=timezone.now()
        )
        found.update({row.session_key: stores[row.session_key].decode(row.session_data) for row in rows})
        found.update({key: {} for key in unread if key not in found})
    for key in unread:
        if key not in found:
            found[key] = stores[key].load()
    return found


def session_user_ids(session_keys: Iterable[str | None]) -> dict[str, int]:
    """{session key: the id of the person it says is signed in}, for the sessions that name one; nothing checked
    yet (see signed_in_users)."""
    ids = {}
    for key, data in sessions_data(session_keys).items():
        try:
            ids[key] = get_user_model()._meta.pk.to_python(data[SESSION_KEY])
        except (KeyError, ValidationError):
            continue
    return ids


def signed_in_users(session_keys: Iterable[str | None]) -> dict[str, User]:
    """{session key: the active user the session is still signed in as}, for the sessions that still are.

    Not signed in: a session that has ended (signed out, expired), one whose password hash is no longer the
    user's (the password changed, in another session or by a reset), one of an account no longer active. The
    same rules as `django.contrib.auth.get_user`, which however flushes or rotates the session it checks: this
    only reads. The sessions (one cache read) and the people (one query, for backends that fetch users as
    ModelBackend does; any other backend is asked per person).
    """
    claims = {}  # session key → (user id, backend path, session hash)
    for key, data in sessions_data(session_keys).items():
        try:
            user_id = get_user_model()._meta.pk.to_python(data[SESSION_KEY])
            backend_path = data[BACKEND_SESSION_KEY]
        except (KeyError, ValidationError):
            continue
        session_hash = data.get(HASH_SESSION_KEY)
        if backend_path in settings.AUTHENTICATION_BACKENDS and session_hash:
            claims[key] = (user_id, backend_path, session_hash)
    fetched = get_user_model()._default_manager.in_bulk({user_id for user_id, _path, _hash in claims.values()})
    signed_in = {}
    for key, (user_id, backend_path, session_hash) in claims.items():
        user = user_of(load_backend(backend_path), user_id, fetched)
        if user is None:
            continue
        hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
        if any(constant_time_compare(session_hash, known) for known in hashes):
            signed_in[key] = user
    return signed_in


def user_of(backend: ModelBackend, user_id: int, fetched: dict[int, User]) -> User | None:
    """`backend.get_user(user_id)` (None for an inactive account), from `fetched` where the backend would only
    have fetched it by its primary key."""
    if isinstance(backend, ModelBackend) and type(backend).get_user is ModelBackend.get_user:
        user = fetched.get(user_id)
        return user if user is not None and backend.user_can_authenticate(user) else None
    return backend.get_user(user_id)
