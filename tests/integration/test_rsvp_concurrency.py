"""Concurrent "yes" answers on PostgreSQL never exceed a workshop's capacity.

Many signed-in members (sessions made by bench.members) post "yes" at the same moment, half of them to
each of the two daphne processes (fixtures in conftest.py); then the database is counted. The workshop's
row lock (workshops.registrations) makes the answers queue: exactly `CAPACITY` get a place, the others
wait in line in a strict order, and everyone gets a redirect back to the workshop page.
"""

import http.client
import json
import re
import threading
import uuid
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest

from tests.integration.conftest import manage

pytestmark = pytest.mark.integration

NETWORK = "lean"
CAPACITY = 5
PEOPLE = 24
TIMEOUT = 60

CREATE_WORKSHOP = """
import json
from datetime import timedelta
from django.utils import timezone
from networks.models import NetworkPage
from workshops.models import WorkshopPage
network = NetworkPage.objects.live().filter(slug={network!r}).order_by("pk").first()
start = timezone.now() + timedelta(days=30)
workshop = network.add_child(instance=WorkshopPage(
    title="Rinnakkaiset ilmoittautumiset", slug={slug!r}, number=90, start=start,
    end=start + timedelta(hours=3), place="Kuntatalo", capacity={capacity},
))
print(json.dumps({{"id": workshop.pk}}))
"""


def last_json(output):
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def workshop_id(production_env):
    slug = f"rinnakkaiset-{uuid.uuid4().hex[:6]}"
    code = CREATE_WORKSHOP.format(network=NETWORK, slug=slug, capacity=CAPACITY)
    return last_json(manage(production_env, "shell", "-c", code))["id"]


@pytest.fixture(scope="module")
def members(production_env):
    prefix = f"rsvp-{uuid.uuid4().hex[:6]}"
    code = f"from bench.members import print_members; print_members({NETWORK!r}, {PEOPLE}, {prefix!r})"
    return last_json(manage(production_env, "shell", "-c", code))["members"]


def request(base, method, path, cookies, body=None):
    """(status, headers, text) of one request, redirects not followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def csrf_for(base, path, session):
    """The CSRF cookie and the form's token, from a GET of the workshop page."""
    status, headers, body = request(base, "GET", path, {"sessionid": session})
    assert status == 200, body[:500]
    cookie = next(
        value.split(";", 1)[0].split("=", 1)[1]
        for value in headers.get_all("Set-Cookie")
        if value.startswith("csrftoken=")
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    return cookie, token


def test_concurrent_yes_answers_on_two_processes_never_exceed_the_capacity(
    two_servers, production_env, workshop_id, members
):
    page = f"/verkostot/{NETWORK}/tila/tyopajat/{workshop_id}/"
    prepared = []
    for n, member in enumerate(members):
        base = two_servers[n % 2]
        cookie, token = csrf_for(base, page, member["session"])
        prepared.append((base, {"sessionid": member["session"], "csrftoken": cookie}, token))

    barrier = threading.Barrier(len(prepared))
    results, errors = [], []

    def answer(base, cookies, token):
        try:
            body = urlencode({"csrfmiddlewaretoken": token, "response": "yes"})
            barrier.wait(timeout=TIMEOUT)
            status, headers, _text = request(base, "POST", page + "ilmoittautuminen/", cookies, body)
            results.append((status, headers.get("Location")))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=answer, args=item) for item in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)

    assert not errors, errors
    assert results == [(302, page)] * PEOPLE

    with psycopg.connect(production_env["DATABASE_URL"]) as connection:
        rows = connection.execute(
            "SELECT waitlisted, count(*) FROM workshops_registration WHERE workshop_id = %s AND response = 'yes' "
            "GROUP BY waitlisted ORDER BY waitlisted",
            (workshop_id,),
        ).fetchall()
        total = connection.execute(
            "SELECT count(*) FROM workshops_registration WHERE workshop_id = %s", (workshop_id,)
        ).fetchone()[0]
    assert rows == [(False, CAPACITY), (True, PEOPLE - CAPACITY)]
    assert total == PEOPLE

    # Each person sees their own state: a place, or a distinct place in line.
    positions = set()
    for n, member in enumerate(members):
        _status, _headers, body = request(two_servers[n % 2], "GET", page, {"sessionid": member["session"]})
        if "Olet ilmoittautunut" not in body:
            positions.add(int(re.search(r"Olet jonossa sijalla (\d+)\.", body).group(1)))
    assert positions == set(range(1, PEOPLE - CAPACITY + 1))
