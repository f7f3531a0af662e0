"""A backup restores: the demo content and its activity, backed up with `manage.py backup` on PostgreSQL, restored
with `manage.py restore` into a fresh database and empty media folders, is the same site — every table's rows, a
network's private document served to a member (and not to the public), a task answer's file.

Its own databases and folders, not the shared production stack of conftest.py: this one is filled with the demo
accounts and their activity, and a restore must start from nothing.
"""

import json
import os
import uuid

import psycopg
import pytest

from tests.conftest import require_env
from tests.integration.conftest import manage

pytestmark = pytest.mark.integration

# Adds what the demo leaves out: a task answer with a file, and some discussion.
FILL = """
import json
from django.core.files.base import ContentFile
from discussions import actions
from discussions.models import Room
from networks.models import Membership
from workshops.models import Submission, SubmissionFile

submission = Submission.objects.order_by("pk").first()
attachment = SubmissionFile(submission=submission, name="vastaus.txt", size=26, uploaded_by=submission.user)
attachment.file.save("vastaus.txt", ContentFile(b"Ennakkotehtavan vastaus 42"), save=True)
room = Room.objects.order_by("pk").first()
author = Membership.objects.active().filter(network_id=room.network_id).first().user
for number in range(5):
    actions.create_message(room, author, f"Viesti {number} ennen varmuuskopiota", f"backup-{number}")
print(json.dumps({"attachment": attachment.pk}))
"""

# What a member and the public get from the restored site: a private document, the answer file.
CHECK = """
import hashlib, json
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from networks.models import Membership, NetworkPage
from workshops.models import SubmissionFile

def fetch(client, url):
    response = client.get(url, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, hashlib.sha256(body).hexdigest()

document = get_document_model().objects.exclude(collection__depth=1).order_by("pk").first()
network = NetworkPage.objects.get(collection=document.collection)
member = Membership.objects.active().filter(network=network).first().user
public = Client()
reader = Client()
reader.force_login(member)
attachment = SubmissionFile.objects.get(pk=ATTACHMENT)
author = Client()
author.force_login(attachment.submission.user)
task = attachment.submission.task
answer_url = reverse("task-file", args=[task.workshop.get_parent().slug, task.pk, attachment.pk])
print(json.dumps({
    "document_public": fetch(public, document.url)[0],
    "document_member": fetch(reader, document.url),
    "document_on_disk": hashlib.sha256(document.file.read()).hexdigest(),
    "answer": fetch(author, answer_url),
    "answer_on_disk": attachment.file.read().decode(),
}))
"""


def row_counts(url):
    with psycopg.connect(url) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


@pytest.fixture
def databases():
    """(admin URL, URL of a database to fill, URL of an empty one to restore into); both dropped afterwards."""
    admin_url = require_env("VERKOSTAMO_TEST_POSTGRES_URL", "PostgreSQL")
    names = [f"verkostamo_backup_{uuid.uuid4().hex[:8]}", f"verkostamo_restore_{uuid.uuid4().hex[:8]}"]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [admin_url.rsplit("/", 1)[0] + f"/{name}" for name in names]
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_env(database_url, folder):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url,
        "REDIS_URL": require_env("VERKOSTAMO_TEST_REDIS_URL", "Redis"),
        "SECRET_KEY": "backup-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "testserver",
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    return env


def shell(env, code):
    """Runs `code` in `manage.py shell`; returns the JSON of its last line (the shell may say more first)."""
    return json.loads(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def test_a_backup_restores_into_a_fresh_database(databases, tmp_path):
    source_url, target_url = databases
    source = site_env(source_url, tmp_path / "source")
    manage(source, "migrate", "--no-input")
    manage(source, "load_demo_content", "--with-users")
    attachment = shell(source, FILL)["attachment"]
    before = shell(source, CHECK.replace("ATTACHMENT", str(attachment)))

    backup = tmp_path / "backup"
    print(manage(source, "backup", str(backup)))
    assert {path.name for path in backup.iterdir()} == {"manifest.json", "database.dump", "media", "private"}

    target = site_env(target_url, tmp_path / "target")
    print(manage(target, "restore", str(backup)))

    counts = row_counts(source_url)
    assert row_counts(target_url) == counts
    for table in (
        "accounts_user",
        "networks_membership",
        "networks_organisation",
        "wagtailcore_page",
        "wagtaildocs_document",
        "workshops_task",
        "workshops_submission",
        "workshops_submissionfile",
        "workshops_registration",
        "discussions_room",
        "discussions_message",
    ):
        assert counts[table] > 0, table
    manage(target, "migrate", "--check")  # nothing left to apply

    after = shell(target, CHECK.replace("ATTACHMENT", str(attachment)))
    assert after == before
    assert after["document_public"] != 200  # private: the public is sent to sign in
    assert after["document_member"] == [200, after["document_on_disk"]]
    assert after["answer"][0] == 200
    assert after["answer_on_disk"] == "Ennakkotehtavan vastaus 42"


def test_restore_refuses_a_database_with_tables_and_changes_nothing(databases, tmp_path):
    source_url, _target_url = databases
    source = site_env(source_url, tmp_path / "source")
    manage(source, "migrate", "--no-input")
    backup = tmp_path / "backup"
    manage(source, "backup", str(backup))
    counts = row_counts(source_url)
    with pytest.raises(RuntimeError, match="The database is not empty"):
        manage(
            {**source, "MEDIA_ROOT": str(tmp_path / "m"), "PRIVATE_MEDIA_ROOT": str(tmp_path / "p")},
            "restore",
            str(backup),
        )
    assert row_counts(source_url) == counts
