"""The one global "discussion e-mail" setting (accounts.User.discussion_email) becomes notice preferences before the
field goes (accounts 0006): "never" → mentions, replies and room messages never; "mentions" (mentions only) → room
messages never; "daily" is the default already. Workshop news are left as they are: "never" for discussions no
longer silences them."""

from django.db import migrations

DISCUSSION_KINDS = ("mention", "reply", "room_messages")


def to_preferences(apps, schema_editor):
    User = apps.get_model("accounts", "User")  # noqa: N806
    Preference = apps.get_model("notices", "Preference")  # noqa: N806
    rows = []
    for user_id, choice in User.objects.exclude(discussion_email="daily").values_list("pk", "discussion_email"):
        kinds = DISCUSSION_KINDS if choice == "never" else ("room_messages",) if choice == "mentions" else ()
        rows += [Preference(user_id=user_id, kind=kind, delivery="never") for kind in kinds]
    Preference.objects.bulk_create(rows, ignore_conflicts=True)


def to_discussion_email(apps, schema_editor):
    User = apps.get_model("accounts", "User")  # noqa: N806
    Preference = apps.get_model("notices", "Preference")  # noqa: N806
    never = Preference.objects.filter(delivery="never")
    User.objects.filter(pk__in=never.filter(kind="room_messages").values("user")).update(discussion_email="mentions")
    User.objects.filter(pk__in=never.filter(kind="mention").values("user")).update(discussion_email="never")


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_notice_template"),
        ("accounts", "0005_user_language"),
    ]

    operations = [migrations.RunPython(to_preferences, to_discussion_email)]
