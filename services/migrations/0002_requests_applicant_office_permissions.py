"""A request's applicant may be empty in forms too (a deleted account's request, the demo's requests).

The programme office's group ("Ohjelmatoimisto", which follows `is_staff`: networks.groups) keeps the pool of
experts and the yearly day budgets: add/change/delete/view on Expert and SparringBudget, Wagtail's snippet
permissions (services.wagtail_hooks). Nobody else but superusers gets them."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

OFFICE_GROUP = "Ohjelmatoimisto"
MODELS = ("expert", "sparringbudget")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    # Django makes the models' permissions after the migrations have run: make them now for a new database.
    app_config = apps.get_app_config("services")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    office, _created = Group.objects.get_or_create(name=OFFICE_GROUP)
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    office.permissions.add(*Permission.objects.filter(content_type__app_label="services", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    office = Group.objects.filter(name=OFFICE_GROUP).first()
    if office is not None:
        codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
        office.permissions.remove(*Permission.objects.filter(content_type__app_label="services", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="sparringrequest",
            name="applicant",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="sparring_requests",
                to=settings.AUTH_USER_MODEL,
                verbose_name="hakija",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
