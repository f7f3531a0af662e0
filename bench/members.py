"""Signed-in members for benchmarks and integration tests, made straight in the database.

`signed_in_members(slug, count, prefix)` creates `count` people (no usable password: nothing to hash),
makes them members of the network with that slug and gives each a session exactly as django.contrib.auth's
login() would, so a websocket client only has to send the cookie. Run inside any Django process, or from a
shell against another database:

    python manage.py shell -c "from bench.members import print_members; print_members('lean', 2, 'it')"

prints one JSON object: {"network": id, "members": [{"id", "email", "session"}, …]}.
"""

import json
from importlib import import_module


def session_for(user):
    """A stored session signed in as `user`, as django.contrib.auth.login() makes it; returns its key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def signed_in_members(slug, count, prefix):
    """[(user, session key)] of `count` new members of the network `slug`; e-mails are prefix-n@bench.invalid."""
    from django.contrib.auth import get_user_model

    from networks.actions import add_member
    from networks.models import NetworkPage

    network = NetworkPage.objects.get(locale__language_code="fi", slug=slug)
    people = []
    for n in range(count):
        user = get_user_model().objects.create_user(
            f"{prefix}-{n}@bench.invalid", None, first_name=f"Jäsen {n}", last_name=prefix
        )
        add_member(network, user)
        people.append((user, session_for(user)))
    return network, people


def print_members(slug, count, prefix):
    network, people = signed_in_members(slug, count, prefix)
    members = [{"id": user.pk, "email": user.email, "session": key} for user, key in people]
    print(json.dumps({"network": network.pk, "members": members}))
