"""The one global "discussion e-mail" setting becomes notice preferences (notices 0003, then accounts 0006 drops the
field): "never" silences mentions, replies and room messages, "mentions" room messages, and workshop news stay as
they were; going back restores the setting."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notices.models import Preference
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0005_user_language"), ("notices", "0002_notice_template")]


def migrate(targets):
    """Migrates the database to `targets` (None: the latest) and returns the models as they are there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_the_setting_becomes_preferences_and_comes_back():
    people = {choice: make_user(f"{choice}@example.fi") for choice in ("daily", "mentions", "never")}
    old_apps = migrate(BEFORE)
    try:
        OldUser = old_apps.get_model("accounts", "User")  # noqa: N806
        for choice, user in people.items():
            OldUser.objects.filter(pk=user.pk).update(discussion_email=choice)
    finally:
        migrate(None)

    chosen = set(Preference.objects.values_list("user__email", "kind", "delivery"))
    assert chosen == {
        ("mentions@example.fi", "room_messages", "never"),
        ("never@example.fi", "mention", "never"),
        ("never@example.fi", "reply", "never"),
        ("never@example.fi", "room_messages", "never"),
    }

    old_apps = migrate(BEFORE)
    try:
        OldUser = old_apps.get_model("accounts", "User")  # noqa: N806
        back = dict(
            OldUser.objects.filter(pk__in=[user.pk for user in people.values()]).values_list(
                "email", "discussion_email"
            )
        )
        assert back == {"daily@example.fi": "daily", "mentions@example.fi": "mentions", "never@example.fi": "never"}
    finally:
        migrate(None)
