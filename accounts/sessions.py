"""Whether a session is still signed in, for connections that outlive the request that opened them."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare


def session_data(session_key):
    """What the session `session_key` holds ({} when it does not exist): one read of the session store."""
    if not session_key:
        return {}
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()


def session_user_id(session_key):
    """The id of the person the session says is signed in, or None; nothing checked yet (see signed_in_user)."""
    try:
        return get_user_model()._meta.pk.to_python(session_data(session_key)[SESSION_KEY])
    except (KeyError, ValidationError):
        return None


def signed_in_user(session_key):
    """The active user that the session `session_key` is still signed in as, or None.

    None when the session has ended (signed out, expired), when the password hash it was signed in with is
    no longer the user's (the password changed, in another session or by a reset), or when the account is
    no longer active. The same rules as `django.contrib.auth.get_user`, which however flushes or rotates the
    session it checks: this only reads. Two queries: the session and the user.
    """
    data = session_data(session_key)
    try:
        user_id = get_user_model()._meta.pk.to_python(data[SESSION_KEY])
        backend_path = data[BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    session_hash = data.get(HASH_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS or not session_hash:
        return None
    user = load_backend(backend_path).get_user(user_id)  # None for an inactive account
    if user is None:
        return None
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return user if any(constant_time_compare(session_hash, known) for known in hashes) else None
