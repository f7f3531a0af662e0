"""Coming or not: places, the waiting list and its e-mail, refusals, who may answer, and the page's cost."""

import sqlite3
import threading
from contextlib import closing, contextmanager
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.data import delete_account, export_user_data
from core.errors import ActionError
from networks.actions import end_membership
from networks.models import Membership
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import build_site, make_membership, make_network, make_organisation, make_user, make_workshop
from workshops import registrations
from workshops.models import Registration

# Queries pinned at both data sizes (tests.conftest.assert_queries).
WORKSHOP_PAGE_QUERIES = 18


pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
FULL = "Työpaja on täynnä: pääsit jonoon sijalle {}. Saat sähköpostia, jos paikka vapautuu."


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def rsvp_url(workshop):
    return reverse("workshop-rsvp", args=[workshop.get_parent().slug, workshop.pk])


def page_url(workshop):
    return reverse("space-workshop", args=[workshop.get_parent().slug, workshop.pk])


def answer(client, user, workshop, response):
    return client_for(client, user).post(rsvp_url(workshop), {"response": response})


def members(network, count, prefix="jasen"):
    return [make_membership(network, make_user(f"{prefix}{n}@example.fi")).user for n in range(count)]


@pytest.fixture
def network(site_tree):
    _home, index = site_tree
    return make_network(index, "Lean-verkosto")


def state(workshop):
    """{user id: (response, waitlisted)} of a workshop."""
    return {r.user_id: (r.response, r.waitlisted) for r in Registration.objects.filter(workshop=workshop)}


# --- Places and the waiting list ---------------------------------------------------------------------


def test_a_full_workshop_puts_the_next_yes_in_line_with_a_clear_message(client, network):
    workshop = make_workshop(network, capacity=2)
    first, second, third, fourth = members(network, 4)
    for person in (first, second):
        response = answer(client, person, workshop, "yes")
        assert response.status_code == 302
        assert response["Location"] == page_url(workshop)
        assert messages_of(response) == ["Kiitos! Sinulle on varattu paikka työpajaan."]
    before = state(workshop)

    response = answer(client, third, workshop, "yes")

    assert messages_of(response) == [FULL.format(1)]
    assert state(workshop) == {**before, third.pk: ("yes", True)}  # nobody else's answer changed
    assert messages_of(answer(client, fourth, workshop, "yes")) == [FULL.format(2)]
    assert Registration.objects.filter(workshop=workshop, response="yes", waitlisted=False).count() == 2

    page = client_for(client, fourth).get(page_url(workshop)).content.decode()
    assert "2 / 2 paikkaa varattu" in page
    assert "Olet jonossa sijalla 2." in page


def test_maybe_and_no_take_no_place(client, network):
    workshop = make_workshop(network, capacity=1)
    undecided, absent, coming = members(network, 3)
    answer(client, undecided, workshop, "maybe")
    answer(client, absent, workshop, "no")

    response = answer(client, coming, workshop, "yes")

    assert messages_of(response) == ["Kiitos! Sinulle on varattu paikka työpajaan."]
    assert state(workshop) == {undecided.pk: ("maybe", False), absent.pk: ("no", False), coming.pk: ("yes", False)}


def test_yes_again_keeps_the_place_and_the_place_in_line(client, network):
    workshop = make_workshop(network, capacity=1)
    holder, waiting, later = members(network, 3)
    answer(client, holder, workshop, "yes")
    answer(client, waiting, workshop, "yes")
    answer(client, later, workshop, "yes")
    responded = {r.user_id: r.responded for r in Registration.objects.filter(workshop=workshop)}

    assert messages_of(answer(client, holder, workshop, "yes")) == ["Olet jo ilmoittautunut, ja paikkasi on tallessa."]
    response = answer(client, waiting, workshop, "yes")
    assert messages_of(response) == ["Olet edelleen jonossa sijalla 1. Saat sähköpostia, jos paikka vapautuu."]
    assert {r.user_id: r.responded for r in Registration.objects.filter(workshop=workshop)} == responded
    assert state(workshop)[holder.pk] == ("yes", False)


def test_giving_up_a_place_gives_it_to_the_first_in_line_and_emails_them(
    client, network, django_capture_on_commit_callbacks
):
    workshop = make_workshop(network, capacity=1)
    holder, first_in_line, second_in_line = members(network, 3)
    for person in (holder, first_in_line, second_in_line):
        answer(client, person, workshop, "yes")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, holder, workshop, "no")

    assert messages_of(response) == ["Merkitsimme, ettet tule työpajaan. Paikkasi siirtyi seuraavalle jonossa."]
    assert state(workshop) == {
        holder.pk: ("no", False),
        first_in_line.pk: ("yes", False),
        second_in_line.pk: ("yes", True),
    }
    assert [message.to for message in mail.outbox] == [[first_in_line.email]]
    assert mail.outbox[0].subject == f"Sait paikan työpajaan {workshop.title}"
    assert page_url(workshop) in mail.outbox[0].body
    assert timezone.localtime(workshop.start, HELSINKI).strftime("kello %H:%M") in mail.outbox[0].body
    page = client_for(client, second_in_line).get(page_url(workshop)).content.decode()
    assert "Olet jonossa sijalla 1." in page


def test_maybe_from_a_place_also_frees_it_but_leaving_the_line_frees_nothing(
    client, network, django_capture_on_commit_callbacks
):
    workshop = make_workshop(network, capacity=1)
    holder, waiting, later = members(network, 3)
    for person in (holder, waiting, later):
        answer(client, person, workshop, "yes")

    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, waiting, workshop, "maybe")
    assert messages_of(response) == ["Merkitsimme, että tulet ehkä. Paikkaa ei varata ennen kuin vastaat tulevasi."]
    assert mail.outbox == []
    assert state(workshop)[later.pk] == ("yes", True)

    with django_capture_on_commit_callbacks(execute=True):
        answer(client, holder, workshop, "maybe")
    assert state(workshop)[later.pk] == ("yes", False)
    assert [message.to for message in mail.outbox] == [[later.email]]
    # Back to yes: the place went to the line, so the former holder waits now.
    assert messages_of(answer(client, holder, workshop, "yes")) == [FULL.format(1)]


def test_without_a_limit_everyone_gets_a_place(client, network):
    workshop = make_workshop(network)
    people = members(network, 5)
    for person in people:
        assert messages_of(answer(client, person, workshop, "yes")) == ["Kiitos! Merkitsimme, että tulet työpajaan."]
    assert all(value == ("yes", False) for value in state(workshop).values())
    page = client_for(client, people[0]).get(page_url(workshop)).content.decode()
    assert "paikkaa varattu" not in page
    assert "5 jäsentä" in page


def test_raising_the_capacity_and_publishing_gives_the_line_its_places_in_order(
    network, django_capture_on_commit_callbacks
):
    workshop = make_workshop(network, capacity=1)
    holder, first, second, third = members(network, 4)
    for person in (holder, first, second, third):
        registrations.respond(workshop, person, "yes")

    workshop.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        workshop.save_revision().publish()

    assert state(workshop) == {
        holder.pk: ("yes", False),
        first.pk: ("yes", False),
        second.pk: ("yes", False),
        third.pk: ("yes", True),
    }
    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.email, second.email])

    workshop.capacity = None  # no limit: everyone in line gets a place
    workshop.save_revision().publish()
    assert state(workshop)[third.pk] == ("yes", False)


def test_lowering_the_capacity_takes_no_place_away(network):
    workshop = make_workshop(network, capacity=3)
    people = members(network, 4)
    for person in people[:3]:
        registrations.respond(workshop, person, "yes")
    workshop.capacity = 1
    workshop.save_revision().publish()
    assert Registration.objects.filter(workshop=workshop, waitlisted=False).count() == 3

    outcome = registrations.respond(workshop, people[3], "yes")
    assert outcome.status == "waitlisted"
    registrations.respond(workshop, people[0], "no")  # 2 places held, the limit is 1: nobody moves up
    assert state(workshop)[people[3].pk] == ("yes", True)


def test_a_newcomer_never_jumps_the_line(network):
    """Places freed without a promotion (the capacity saved without publishing) go to the line first."""
    workshop = make_workshop(network, capacity=1)
    holder, waiting, newcomer = members(network, 3)
    registrations.respond(workshop, holder, "yes")
    registrations.respond(workshop, waiting, "yes")
    workshop.capacity = 2
    workshop.save()  # a draft edit would not publish; the row changes anyway in this test

    outcome = registrations.respond(workshop, newcomer, "yes")

    assert outcome.status == "waitlisted"
    assert state(workshop)[waiting.pk] == ("yes", False)


# --- Refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"cancelled": True}, "Työpaja on peruttu, joten siihen ei voi enää ilmoittautua."),
        ({"days_from_now": 0}, "Työpaja on jo alkanut, joten vastausta ei voi enää muuttaa."),
        ({"days_from_now": -3}, "Työpaja on jo alkanut, joten vastausta ei voi enää muuttaa."),
    ],
)
def test_answers_are_refused_for_cancelled_and_started_workshops(client, network, fields, reason):
    fields = {"capacity": 5, **fields}
    workshop = make_workshop(network, **fields)
    person = members(network, 1)[0]
    Registration.objects.create(workshop=workshop, user=person, response="maybe")

    response = answer(client, person, workshop, "yes")

    assert response.status_code == 302
    assert messages_of(response) == [f"Vastausta ei tallennettu: {reason}"]
    assert state(workshop) == {person.pk: ("maybe", False)}
    page = client_for(client, person).get(page_url(workshop)).content.decode()
    assert reason in page
    assert rsvp_url(workshop) not in page  # no form


@pytest.mark.parametrize("data", [{}, {"response": "perhaps"}, {"response": ""}, {"response": ["yes", "no"]}])
def test_unknown_answers_get_a_message_and_change_nothing(client, network, data):
    workshop = make_workshop(network, capacity=1)
    person = members(network, 1)[0]
    Registration.objects.create(workshop=workshop, user=person, response="no")

    response = client_for(client, person).post(rsvp_url(workshop), data)

    assert response.status_code == 302
    assert messages_of(response) == ["Vastausta ei tallennettu: valitse, tuletko (tulen, ehkä tai en tule)."]
    assert state(workshop) == {person.pk: ("no", False)}


def test_respond_refuses_an_unknown_answer():
    with pytest.raises(ActionError) as refused:
        registrations.respond(None, None, "perhaps")
    assert refused.value.code == "invalid_response"


def test_staff_who_are_not_members_see_the_figures_but_take_no_place(client, network):
    workshop = make_workshop(network, capacity=1)
    staff = make_user("ohjelmatoimisto@example.fi", is_staff=True)

    response = answer(client, staff, workshop, "yes")

    assert messages_of(response) == ["Työpajaan voivat ilmoittautua vain verkoston jäsenet."]
    assert not Registration.objects.exists()
    page = client.get(page_url(workshop)).content.decode()
    assert "0 / 1 paikkaa varattu" in page
    assert rsvp_url(workshop) not in page


def test_a_workshop_of_another_network_is_not_found(client, site_tree, network):
    _home, index = site_tree
    other = make_network(index, "LATU-verkosto")
    foreign = make_workshop(other)
    person = members(network, 1)[0]
    url = reverse("workshop-rsvp", args=[network.slug, foreign.pk])
    assert client_for(client, person).post(url, {"response": "yes"}).status_code == 404
    assert not Registration.objects.exists()


# --- The page ------------------------------------------------------------------------------------------


def test_the_form_works_without_script_and_shows_the_current_answer(client, network):
    workshop = make_workshop(network, capacity=4)
    person = members(network, 1)[0]
    answer(client, person, workshop, "maybe")

    content = client.get(page_url(workshop)).content.decode()

    assert f'action="{rsvp_url(workshop)}"' in content
    assert '<legend class="form-field__legend">Tuletko työpajaan?</legend>' in content
    assert 'type="radio" name="response" value="maybe"' in content
    assert 'value="maybe" required id="rsvp-response_1" checked>' in content
    assert "Vastauksesi: ehkä." in content
    assert "0 / 4 paikkaa varattu" in content
    assert "<script" not in content.split('id="ilmoittautuminen"')[1].split("</section>")[0]
    assert 'style="' not in content


def test_a_full_workshop_warns_before_answering(client, network):
    workshop = make_workshop(network, capacity=1)
    holder, other = members(network, 2)
    answer(client, holder, workshop, "yes")
    content = client_for(client, other).get(page_url(workshop)).content.decode()
    assert "Työpaja on täynnä: jos vastaat tulevasi, pääset jonoon" in content
    assert 'aria-describedby="rsvp-full-help"' in content


def test_the_workshop_list_shows_the_answer(client, network):
    workshop = make_workshop(network, capacity=1)
    holder, waiting = members(network, 2)
    answer(client, holder, workshop, "yes")
    answer(client, waiting, workshop, "yes")
    content = client_for(client, waiting).get(reverse("space-workshops", args=[network.slug])).content.decode()
    assert "Olet jonossa." in content


# --- Who may answer ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_permission_matrix(client, network_people, role, method):
    network, _other, people = network_people
    workshop = make_workshop(network, capacity=10)
    client = client_for(client, people[role])

    response = getattr(client, method)(rsvp_url(workshop), {"response": "yes"})

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in ("outsider", "other_member"):
        assert response.status_code == 403
        assert "networks/space/not_member.html" in [t.name for t in response.templates]
    elif method == "get":
        assert response.status_code == 405
    else:
        assert response.status_code == 302
    takes_part = method == "post" and role in ("member", "contact", "facilitator")
    assert state(workshop) == ({people[role].pk: ("yes", False)} if takes_part else {})


# --- Cost ----------------------------------------------------------------------------------------------


def test_workshop_page_queries_stay_constant_as_members_and_answers_grow(client, network):
    workshop = make_workshop(network, capacity=3)
    person = members(network, 1, "mina")[0]

    def grow(count, prefix):
        for n, user in enumerate(members(network, count, prefix)):
            registrations.respond(workshop, user, ("yes", "maybe", "no")[n % 3])

    grow(6, "a")
    registrations.respond(workshop, person, "yes")  # in line
    client_for(client, person)
    small = queries_for(client, page_url(workshop))
    grow(30, "b")
    large = queries_for(client, page_url(workshop))
    assert_queries(WORKSHOP_PAGE_QUERIES, small=small, large=large)


# --- Leaving, deleting the account, and the data export ------------------------------------------------


def test_leaving_the_network_frees_places_in_coming_workshops(network, django_capture_on_commit_callbacks):
    coming = make_workshop(network, capacity=1)
    past = make_workshop(network, days_from_now=-7, capacity=1)
    holder, waiting = members(network, 2)
    registrations.respond(coming, holder, "yes")
    registrations.respond(coming, waiting, "yes")
    Registration.objects.create(workshop=past, user=holder, response="yes", attended=True)

    with django_capture_on_commit_callbacks(execute=True):
        end_membership(Membership.objects.active().get(user=holder, network=network))

    assert state(coming) == {waiting.pk: ("yes", False)}
    assert Registration.objects.filter(workshop=past, user=holder, attended=True).exists()  # figures keep it
    assert [message.to for message in mail.outbox] == [[waiting.email]]


def test_leaving_another_network_frees_nothing_here(site_tree, network):
    _home, index = site_tree
    other = make_network(index, "LATU-verkosto")
    workshop = make_workshop(network, capacity=1)
    person = members(network, 1)[0]
    registrations.respond(workshop, person, "yes")
    end_membership(make_membership(other, person))
    assert state(workshop) == {person.pk: ("yes", False)}


def test_deleting_the_account_frees_its_places(network):
    workshop = make_workshop(network, capacity=1)
    holder, waiting = members(network, 2)
    registrations.respond(workshop, holder, "yes")
    registrations.respond(workshop, waiting, "yes")
    delete_account(holder)
    assert state(workshop) == {waiting.pk: ("yes", False)}


def test_the_data_export_has_the_persons_own_registrations(network):
    organisation = make_organisation()
    person = make_membership(network, make_user(), "member", organisation).user
    other = members(network, 1)[0]
    first = make_workshop(network, days_from_now=-7, capacity=1)
    second = make_workshop(network, capacity=1)
    Registration.objects.create(workshop=first, user=person, response="yes", attended=True)
    registrations.respond(second, other, "yes")
    registrations.respond(second, person, "yes")

    exported = export_user_data(person)["workshop_registrations"]

    assert exported == [
        {
            "network": "Lean-verkosto",
            "workshop": first.title,
            "start": first.start.isoformat(),
            "response": "yes",
            "response_label": "Tulen",
            "waitlisted": False,
            "responded": exported[0]["responded"],
            "attended": True,
        },
        {
            "network": "Lean-verkosto",
            "workshop": second.title,
            "start": second.start.isoformat(),
            "response": "yes",
            "response_label": "Tulen",
            "waitlisted": True,
            "responded": exported[1]["responded"],
            "attended": None,
        },
    ]


# --- Concurrency -------------------------------------------------------------------------------------


@contextmanager
def file_database(directory):
    """Points the connections that threads open at a file copy of the test database, as the site's own
    SQLite database is (WAL, IMMEDIATE transactions, a busy timeout). The in-memory test database shares
    one cache between threads, whose table locks fail at once instead of waiting their turn."""
    path = directory / "concurrency.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    settings_dict = connections.settings["default"]
    test_name = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield path
    finally:
        settings_dict["NAME"] = test_name


@pytest.mark.django_db(transaction=True)
def test_concurrent_yes_answers_never_exceed_the_capacity(tmp_path):
    """Twelve people answer "yes" to a workshop of three places at the same moment, each in a thread
    with its own database connection; on PostgreSQL see tests/integration/test_rsvp_concurrency.py."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    _home, index = build_site()
    network = make_network(index)
    workshop = make_workshop(network, capacity=3)
    people = members(network, 12)
    url = rsvp_url(workshop)
    clients = []
    for user in people:
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(people))
    statuses, errors = [], []

    def sign_up(client):
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(url, {"response": "yes"}).status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    with file_database(tmp_path) as path:
        threads = [threading.Thread(target=sign_up, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert not errors, errors
    assert statuses == [302] * len(people)
    with closing(sqlite3.connect(path)) as database:
        rows = database.execute(
            "SELECT response, waitlisted, count(*) FROM workshops_registration WHERE workshop_id = ? "
            "GROUP BY response, waitlisted",
            (workshop.pk,),
        ).fetchall()
    assert sorted(rows) == [("yes", 0, 3), ("yes", 1, 9)]


def test_time_of_answer_orders_the_line(network):
    workshop = make_workshop(network, capacity=1)
    holder, late, early = members(network, 3)
    registrations.respond(workshop, holder, "yes")
    registrations.respond(workshop, late, "yes")
    registrations.respond(workshop, early, "yes")
    Registration.objects.filter(user=early).update(responded=timezone.now() - timedelta(hours=1))
    assert [r.user_id for r in registrations.waiting_list(workshop)] == [early.pk, late.pk]
    registrations.respond(workshop, holder, "no")
    assert state(workshop)[early.pk] == ("yes", False)


def test_yes_again_in_line_takes_a_place_freed_without_a_promotion(client, network):
    workshop = make_workshop(network, capacity=1)
    holder, waiting = members(network, 2)
    registrations.respond(workshop, holder, "yes")
    registrations.respond(workshop, waiting, "yes")
    workshop.capacity = 2
    workshop.save()

    response = answer(client, waiting, workshop, "yes")

    assert messages_of(response) == ["Kiitos! Sinulle on varattu paikka työpajaan."]
    assert state(workshop)[waiting.pk] == ("yes", False)
