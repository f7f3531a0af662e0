"""The programme office's group ("Ohjelmatoimisto", which follows `is_staff`: networks.groups) composes the newsletter:
add/change/delete/view on NewsletterIssue, Wagtail's snippet permissions (newsletter.wagtail_hooks). Nobody else but
superusers gets them. Subscribers are no snippet: the admin shows their counts only."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE_GROUP = "Ohjelmatoimisto"
CODENAMES = [f"{action}_newsletterissue" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    # Django makes the models' permissions after the migrations have run: make them now for a new database.
    app_config = apps.get_app_config("newsletter")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    office, _created = Group.objects.get_or_create(name=OFFICE_GROUP)
    office.permissions.add(*Permission.objects.filter(content_type__app_label="newsletter", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    office = Group.objects.filter(name=OFFICE_GROUP).first()
    if office is not None:
        office.permissions.remove(
            *Permission.objects.filter(content_type__app_label="newsletter", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
