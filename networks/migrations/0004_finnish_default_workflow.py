"""The workflow and task that Wagtail's migrations create, "Moderators approval", named in Finnish.

The name is data, not a translatable string, so Wagtail's catalogues cannot help: facilitators saw it in
English on the page editor's "Lähetä työnkulkuun …" button. Only the untouched default is renamed.
"""

from django.db import migrations

WAGTAIL_NAME = "Moderators approval"
FINNISH_NAME = "Moderaattorien hyväksyntä"


def rename(apps, old, new):
    for model in ("Workflow", "Task"):
        apps.get_model("wagtailcore", model).objects.filter(name=old).update(name=new)


def to_finnish(apps, schema_editor):
    rename(apps, WAGTAIL_NAME, FINNISH_NAME)


def to_english(apps, schema_editor):
    rename(apps, FINNISH_NAME, WAGTAIL_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0003_networkpage_collection_and_more"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(to_finnish, to_english)]
