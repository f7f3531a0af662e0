"""Two digest runs at once on PostgreSQL send each person's digest once, with each item once.

Two hundred members get pending notices in two networks; then two `manage.py send_digests` processes start at the
same moment against the production stack's database (conftest.py). The person's row lock
(`select_for_update(skip_locked=True)`) and the claim (`UPDATE … WHERE delivered IS NULL`) let only one of them
take each person: the e-mail tasks queued for the worker (production settings: the database backend) hold one
digest per person, and every notice is delivered via the digest exactly once.
"""

import json
import subprocess
import sys
import uuid
from collections import Counter

import psycopg
import pytest

from tests.integration.conftest import ROOT, manage

pytestmark = pytest.mark.integration

PEOPLE = 200  # enough for the two runs to overlap (each took about half: 112 and 88 people)
ITEMS = 3

SEED = """
import json
from networks.models import Membership, NetworkPage
from notices.delivery import notify
from notices.models import Kind
from bench.members import signed_in_members

networks = list(NetworkPage.objects.live().filter(locale__language_code="fi").order_by("pk")[:2])
network, people = signed_in_members(networks[0].slug, {people}, {prefix!r})
users = [user for user, _session in people]
for user in users[::2]:
    Membership.objects.create(user=user, network=networks[1])
for item in range({items}):
    for place in networks:
        notify(
            users if place == networks[0] else users[::2],
            Kind.WORKSHOP_NEWS,
            network=place,
            key=f"{prefix}:{{place.pk}}:{{item}}",
            template="discussion_message",
            payload={{"author": "Testi", "room": {{"pk": 1, "title": "Huone"}},
                     "network": {{"title": place.title, "slug": place.slug}}, "seq": item, "url": "/",
                     "excerpt": f"Uutinen {{item}}"}},
        )
print(json.dumps({{"users": [user.pk for user in users]}}))
"""


def database_url(env):
    return env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)


def test_two_runs_at_once_send_each_digest_once(production_env):
    prefix = f"digest-{uuid.uuid4().hex[:6]}"
    output = manage(production_env, "shell", "-c", SEED.format(people=PEOPLE, prefix=prefix, items=ITEMS))
    users = json.loads(output.strip().splitlines()[-1])["users"]

    runs = [
        subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "send_digests"],
            cwd=ROOT,
            env=production_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for run in runs:
        _out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err[-2000:]

    with psycopg.connect(database_url(production_env)) as connection:
        tasks = connection.execute(
            "SELECT args_kwargs FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
            ("core.email.send_email_task",),
        ).fetchall()
        notices = connection.execute(
            "SELECT via, count(*) FROM notices_notice WHERE user_id = ANY(%s) GROUP BY via", (users,)
        ).fetchall()
    digests = Counter(
        message["to"]
        for (args_kwargs,) in tasks
        for message in args_kwargs["args"][0]
        if message["to"].startswith(f"{prefix}-")
    )
    assert len(digests) == PEOPLE and set(digests.values()) == {1}, digests
    half = len(users[::2])
    assert dict(notices) == {"digest": ITEMS * (PEOPLE + half)}
