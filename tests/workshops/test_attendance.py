"""The facilitator's attendance list: who may see and mark it, when, whom, and what it costs."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from networks.actions import end_membership
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_network, make_organisation, make_user, make_workshop
from workshops import registrations
from workshops.models import Registration
from workshops.views.rsvp import NAMES_SHOWN

# Queries pinned at both data sizes (tests.conftest.assert_queries).
ATTENDANCE_PAGE_QUERIES = {False: 17, True: 17}
ATTENDANCE_SAVE_QUERIES = 12


pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def attendance_url(workshop):
    return reverse("workshop-attendance", args=[workshop.get_parent().slug, workshop.pk])


def attended(workshop):
    return {r.user_id: r.attended for r in Registration.objects.filter(workshop=workshop)}


@pytest.fixture
def people(network_people):
    """(network, other network, {role: user}): tests/conftest.py's people of the permission matrix."""
    return network_people


def started(network, **fields):
    """A workshop that began an hour ago (it ends in three)."""
    return make_workshop(network, days_from_now=-1 / 24, **fields)


# --- Who may ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_permission_matrix(client, people, role, method):
    network, _other, people = people
    workshop = started(network)
    registrations_before = attended(workshop)
    data = {"people": [people["member"].pk], "attended": [people["member"].pk]}

    response = getattr(client_for(client, people[role]), method)(attendance_url(workshop), data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in ("outsider", "other_member"):
        assert response.status_code == 403
        assert "networks/space/not_member.html" in [t.name for t in response.templates]
    elif role in ("member", "contact"):
        assert response.status_code == 403
    elif method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"] == attendance_url(workshop)
    if role in ("facilitator", "staff") and method == "post":
        assert attended(workshop) == {people["member"].pk: True}
    else:
        assert attended(workshop) == registrations_before == {}


def test_the_link_is_in_the_facilitators_tools_only(client, people):
    network, _other, people = people
    workshop = make_workshop(network)
    url = reverse("space-workshop", args=[network.slug, workshop.pk])
    assert attendance_url(workshop) not in client_for(client, people["member"]).get(url).content.decode()
    assert attendance_url(workshop) in client_for(client, people["facilitator"]).get(url).content.decode()


def test_another_networks_workshop_is_not_found(client, people):
    network, other, people = people
    foreign = started(other)
    url = reverse("workshop-attendance", args=[network.slug, foreign.pk])
    client = client_for(client, people["facilitator"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"people": [people["member"].pk], "attended": [people["member"].pk]}).status_code == 404
    assert not Registration.objects.exists()


# --- When -----------------------------------------------------------------------------------------------


def test_before_the_start_the_page_lists_answers_and_says_when_marking_opens(client, people):
    network, _other, people = people
    workshop = make_workshop(network, days_from_now=2, capacity=1)
    registrations.respond(workshop, people["member"], "yes")
    registrations.respond(workshop, people["contact"], "yes")
    client = client_for(client, people["facilitator"])

    content = client.get(attendance_url(workshop)).content.decode()

    assert "Läsnäolon voi merkitä, kun työpaja on alkanut" in content
    assert 'name="attended"' not in content
    assert "jasen@example.fi" in content

    response = client.post(
        attendance_url(workshop), {"people": [people["member"].pk], "attended": [people["member"].pk]}
    )
    assert messages_of(response) == ["Läsnäoloa ei tallennettu: Läsnäolon voi merkitä vasta, kun työpaja on alkanut."]
    assert attended(workshop) == {people["member"].pk: None, people["contact"].pk: None}


def test_a_cancelled_workshop_takes_no_attendance(client, people):
    network, _other, people = people
    workshop = started(network, cancelled=True)
    client = client_for(client, people["facilitator"])
    assert "Työpaja on peruttu, joten läsnäoloa ei merkitä." in client.get(attendance_url(workshop)).content.decode()
    response = client.post(
        attendance_url(workshop), {"people": [people["member"].pk], "attended": [people["member"].pk]}
    )
    assert messages_of(response) == ["Läsnäoloa ei tallennettu: Työpaja on peruttu, joten läsnäoloa ei merkitä."]
    assert attended(workshop) == {}


# --- Whom -----------------------------------------------------------------------------------------------


def test_marking_sets_everyone_listed_and_creates_blank_answers(client, people):
    network, _other, people = people
    workshop = started(network)
    member, contact, facilitator = people["member"], people["contact"], people["facilitator"]
    Registration.objects.create(workshop=workshop, user=member, response="yes")
    Registration.objects.create(workshop=workshop, user=contact, response="no")
    client = client_for(client, facilitator)

    response = client.post(
        attendance_url(workshop),
        {"people": [member.pk, contact.pk, facilitator.pk], "attended": [contact.pk, facilitator.pk]},
    )

    assert messages_of(response) == [
        "Läsnäolo tallennettu. Merkitty osallistuneeksi: 2 (fasilitaattori@example.fi, yhteys@example.fi). "
        "Osallistui nyt 2 / 3 jäsentä."
    ]
    assert attended(workshop) == {member.pk: False, contact.pk: True, facilitator.pk: True}
    blank = Registration.objects.get(workshop=workshop, user=facilitator)
    assert blank.response == "" and not blank.waitlisted
    assert Registration.objects.get(workshop=workshop, user=contact).response == "no"  # the answer stays

    content = client.get(attendance_url(workshop)).content.decode()
    assert f'value="{contact.pk}" id="attended-{contact.pk}" checked' in content
    assert f'value="{member.pk}" id="attended-{member.pk}">' in content

    # Marking again changes only what changed, and says what.
    response = client.post(
        attendance_url(workshop), {"people": [member.pk, contact.pk, facilitator.pk], "attended": [member.pk]}
    )
    assert attended(workshop) == {member.pk: True, contact.pk: False, facilitator.pk: False}
    assert messages_of(response) == [
        "Läsnäolo tallennettu. Merkitty osallistuneeksi: 1 (jasen@example.fi). "
        "Poistettu merkintä: 2 (fasilitaattori@example.fi, yhteys@example.fi). Osallistui nyt 1 / 3 jäsentä."
    ]

    # Saving without a change says so.
    client.get(attendance_url(workshop))  # shows (and so clears) the message above
    response = client.post(
        attendance_url(workshop), {"people": [member.pk, contact.pk, facilitator.pk], "attended": [member.pk]}
    )
    assert messages_of(response) == ["Läsnäoloon ei tullut muutoksia: 1 / 3 jäsentä osallistui."]


def test_the_message_counts_instead_of_naming_many(client, people):
    network, _other, people = people
    workshop = started(network)
    many = [make_membership(network, make_user()).user.pk for _ in range(NAMES_SHOWN + 1)]
    client = client_for(client, people["facilitator"])

    response = client.post(attendance_url(workshop), {"people": many, "attended": many})

    assert messages_of(response) == [
        f"Läsnäolo tallennettu. Merkitty osallistuneeksi: {NAMES_SHOWN + 1}. "
        f"Osallistui nyt {NAMES_SHOWN + 1} / {NAMES_SHOWN + 1} jäsentä."
    ]


def test_the_save_button_stays_within_reach(client, people):
    network, _other, people = people
    workshop = started(network)
    content = client_for(client, people["facilitator"]).get(attendance_url(workshop)).content.decode()
    assert 'class="form-actions form-actions--sticky"' in content


def test_ids_of_people_outside_the_network_are_ignored_with_a_message(client, people):
    network, _other, people = people
    workshop = started(network)
    former = make_membership(network, make_user("entinen@example.fi"))
    end_membership(former)
    outsiders = [people["outsider"].pk, people["other_member"].pk, people["staff"].pk, former.user_id, 999999]
    client = client_for(client, people["facilitator"])

    response = client.post(
        attendance_url(workshop),
        {"people": [people["member"].pk, *outsiders], "attended": [people["member"].pk, *outsiders]},
    )

    assert messages_of(response) == [
        "5 henkilöä ohitettiin, koska he eivät ole verkoston jäseniä.",
        "Läsnäolo tallennettu. Merkitty osallistuneeksi: 1 (jasen@example.fi). Osallistui nyt 1 / 1 jäsentä.",
    ]
    assert attended(workshop) == {people["member"].pk: True}


@pytest.mark.parametrize("value", ["abc", "-3", "0", "1.5"])
def test_garbage_changes_nothing(client, people, value):
    network, _other, people = people
    workshop = started(network)
    response = client_for(client, people["facilitator"]).post(
        attendance_url(workshop), {"people": [people["member"].pk, value], "attended": [people["member"].pk]}
    )
    assert messages_of(response) == ["Läsnäoloa ei tallennettu: lomakkeessa oli virheellisiä tietoja. Yritä uudelleen."]
    assert attended(workshop) == {}


def test_the_page_groups_members_by_organisation_and_sums_up(client, site_tree):
    _home, index = site_tree
    alpha, beta = make_organisation("Alfan kunta"), make_organisation("Betan kaupunki")
    network = make_network(index, "Lean-verkosto")
    facilitator = make_membership(network, make_user("f@example.fi", first_name="Fanni"), "facilitator").user
    by_membership = make_membership(network, make_user("a@example.fi", first_name="Aino"), "member", beta).user
    by_profile = make_membership(network, make_user("b@example.fi", first_name="Bertta", organisation=alpha)).user
    waiting_first = make_membership(network, make_user("c@example.fi", first_name="Cecilia"), "member", alpha).user
    waiting_second = make_membership(network, make_user("d@example.fi", first_name="Dora"), "member", beta).user
    undecided = make_membership(network, make_user("e@example.fi", first_name="Eeva"), "member", beta).user
    workshop = make_workshop(network, capacity=1)
    registrations.respond(workshop, by_membership, "yes")
    registrations.respond(workshop, waiting_first, "yes")
    registrations.respond(workshop, waiting_second, "yes")
    registrations.respond(workshop, undecided, "maybe")
    registrations.respond(workshop, by_profile, "no")

    response = client_for(client, facilitator).get(attendance_url(workshop))

    groups = [(org.name if org else None, [row.user.email for row in rows]) for org, rows in response.context["groups"]]
    assert groups == [
        ("Alfan kunta", ["c@example.fi"]),
        ("Betan kaupunki", ["a@example.fi", "d@example.fi", "e@example.fi"]),
        (None, ["b@example.fi", "f@example.fi"]),  # a profile's organisation is no membership's
    ]
    summary = {"places": 1, "waiting": 2, "maybe": 1, "no": 1, "none": 1, "attended": 0, "answered": 5}
    assert response.context["summary"] == summary
    assert [r.user_id for r in response.context["waiting"]] == [waiting_first.pk, waiting_second.pk]
    content = response.content.decode()
    assert "1 / 1 paikkaa varattu" in content
    waiting_list = content.split('id="waiting-heading"')[1]
    assert waiting_list.index("Cecilia") < waiting_list.index("Dora")
    assert '<th scope="col">Osallistui</th>' in content


# --- Cost -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("is_started", [False, True])
def test_queries_stay_constant_as_members_grow(client, people, is_started):
    network, _other, people = people
    workshop = started(network, capacity=3) if is_started else make_workshop(network, capacity=3)
    client = client_for(client, people["facilitator"])

    def grow(count, prefix):
        organisation = make_organisation()
        for n in range(count):
            user = make_user(f"{prefix}{n}@example.fi", organisation=make_organisation() if n % 2 else None)
            make_membership(network, user, "member", organisation if n % 3 == 0 else None)
            Registration.objects.create(
                workshop=workshop,
                user=user,
                response=("yes", "maybe", "no", "")[n % 4],
                waitlisted=n % 8 == 0,
                attended=(True, False, None)[n % 3] if is_started else None,
            )

    grow(4, "a")
    small = queries_for(client, attendance_url(workshop))
    grow(40, "b")
    large = queries_for(client, attendance_url(workshop))
    assert_queries(ATTENDANCE_PAGE_QUERIES[is_started], small=small, large=large)


def test_saving_queries_stay_constant_as_members_grow(client, people):
    network, _other, people = people
    workshop = started(network)
    client = client_for(client, people["facilitator"])

    def save():
        ids = list(network.memberships.filter(left__isnull=True).values_list("user_id", flat=True))
        Registration.objects.filter(workshop=workshop).delete()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(attendance_url(workshop), {"people": ids, "attended": ids[::2]})
        assert response.status_code == 302
        return len(queries)

    for n in range(3):
        make_membership(network, make_user(f"s{n}@example.fi"))
    save()
    small = save()
    for n in range(30):
        make_membership(network, make_user(f"l{n}@example.fi"))
    assert_queries(ATTENDANCE_SAVE_QUERIES, small=small, large=save())
