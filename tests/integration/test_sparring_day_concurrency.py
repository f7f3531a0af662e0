"""Concurrent sparring day logs on PostgreSQL never exceed the days granted.

Twelve threads of one process log twelve different days of the same request at the same moment, each through
services.days.log_day on its own database connection. The check of the days already logged is slowed down, so
that without the request's row lock every thread would count the same days and all twelve would be stored; with
it the logs queue, exactly the days granted are stored and the others are refused ("days_used").
"""

import json
import uuid

import pytest

from tests.integration.conftest import manage

pytestmark = pytest.mark.integration

GRANTED = 3
THREADS = 12

CONCURRENT_LOGS = """
import json, threading, time
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from accounts.models import User
from core.errors import ActionError
from networks.models import Organisation
from services import days
from services.models import Expert, SparringDay, SparringRequest

coach = User.objects.create_user({email!r}, None)
expert = Expert.objects.create(name="Sakari Sparraaja", user=coach)
sparring = SparringRequest.objects.create(
    organisation=Organisation.objects.order_by("pk").first(), unit="Talous", contact_name="Hanna",
    contact_email="hanna@example.fi", themes=["prosessit"], goals="Sujuvampi laskutus.", days_requested={granted},
    year=timezone.localdate().year, status="hyvaksytty", coach=expert, days_granted={granted},
    decided=timezone.now() - timedelta(days=60),
)
check_day = days.check_day

def slow_check(*args, **kwargs):
    check_day(*args, **kwargs)
    time.sleep(0.3)  # widens the window between counting the days and storing one

days.check_day = slow_check
barrier = threading.Barrier({threads})
outcomes = []

def log(n):
    data = days.DayInput(
        date=timezone.localdate() - timedelta(days=n + 1), online=True, place="", participants=10, women=6, men=4,
        other_gender=0, gender_untold=0, employees=8, supervisors=1, managers=1, report="Kuvasimme prosessin.",
    )
    try:
        barrier.wait(timeout=60)
        days.log_day(coach, SparringRequest.objects.get(pk=sparring.pk), data)
        outcomes.append("stored")
    except ActionError as refusal:
        outcomes.append(refusal.code)
    finally:
        connection.close()

threads = [threading.Thread(target=log, args=(n,)) for n in range({threads})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=120)
print(json.dumps({{"outcomes": sorted(outcomes), "stored": SparringDay.objects.filter(request=sparring).count()}}))
"""


def test_concurrent_logs_never_exceed_the_days_granted(production_env):
    code = CONCURRENT_LOGS.format(
        email=f"sparraaja-{uuid.uuid4().hex[:6]}@bench.invalid", granted=GRANTED, threads=THREADS
    )
    result = json.loads(manage(production_env, "shell", "-c", code).strip().splitlines()[-1])
    assert result["stored"] == GRANTED
    assert result["outcomes"] == sorted(["stored"] * GRANTED + ["days_used"] * (THREADS - GRANTED))
