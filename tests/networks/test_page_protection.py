"""Facilitators cannot destroy their network's history: in the Wagtail admin, a page that holds members' data
is deleted or moved by superusers only — through the page's delete and move views and the bulk actions —
with a message that says what the page holds and what to do instead. A workshop made by mistake, with no
data yet, its facilitator may still delete."""

import html
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from discussions.actions import create_message
from discussions.models import Message, Room
from networks.models import Membership, NetworkPage
from networks.protection import PageProtected, check_delete, describe_member_data
from tests.conftest import ADMIN_ROLES, client_for
from tests.factories import make_membership, make_network, make_workshop
from workshops.models import Feedback, Registration, Submission, Task, WorkshopPage

pytestmark = pytest.mark.django_db

ONLY_SUPERUSER = "Vain pääkäyttäjä voi siirtää verkoston sivuja ja poistaa sivuja, joissa on jäsenten tietoja."
INSTEAD = "poista se julkaisusta; työpajan, joka ei toteudu, voi merkitä perutuksi."


def add_member_data(workshop, member):
    """A task with an answer, a registration, feedback and a message in the workshop's room."""
    task = Task.objects.create(
        workshop=workshop, title="Nykytila", instructions="Kuvatkaa nykytila.", due=timezone.now() + timedelta(days=3)
    )
    Submission.objects.create(task=task, user=member, text="Kotihoidon nykytila")
    Registration.objects.create(workshop=workshop, user=member, response="yes")
    Feedback.objects.create(workshop=workshop, overall=4)
    cache.clear()  # the discussion's rate limit counts across tests
    create_message(workshop.room, member, "Tervetuloa työpajaan!", "viesti-1")


def data_counts(workshop):
    return (
        Task.objects.filter(workshop=workshop).count(),
        Submission.objects.filter(task__workshop=workshop).count(),
        Registration.objects.filter(workshop=workshop).count(),
        Feedback.objects.filter(workshop=workshop).count(),
        Message.objects.filter(room__workshop=workshop).count(),
    )


def admin_messages(response):
    return [html.unescape(strip_tags(str(message))).strip() for message in get_messages(response.wsgi_request)]


@pytest.fixture
def workshop_with_data(admin_people):
    network, _other, people = admin_people
    workshop = make_workshop(network, title="Toinen työpaja")
    add_member_data(workshop, people["member"])
    return workshop


def delete(client, page):
    return client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))


def move(client, page, destination):
    return client.post(reverse("wagtailadmin_pages:move_confirm", args=[page.pk, destination.pk]))


def bulk(client, action, pages, **data):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    query = "&".join(f"id={page.pk}" for page in pages)
    return client.post(f"{url}?{query}&next=/admin/pages/", data)


# ---------- What a page holds ----------


def test_each_app_describes_its_part_of_a_workshops_data(workshop_with_data):
    assert describe_member_data(workshop_with_data) == [
        "1 tehtävä",
        "1 vastaus",
        "1 ilmoittautuminen",
        "1 palaute",
        "1 keskusteluviesti",
    ]


def test_a_new_workshop_with_its_empty_room_holds_nothing(admin_people):
    network, _other, _people = admin_people
    workshop = make_workshop(network)
    assert Room.objects.filter(workshop=workshop).exists()
    assert describe_member_data(workshop) == []


def test_a_network_holds_its_memberships_and_its_workshops_data(admin_people, workshop_with_data):
    network, _other, _people = admin_people
    memberships = Membership.objects.filter(network=network).count()
    assert describe_member_data(network) == [
        f"{memberships} jäsenyyttä",
        "1 tehtävä",
        "1 vastaus",
        "1 ilmoittautuminen",
        "1 palaute",
        "1 keskusteluviesti",
    ]


# ---------- The attack: a facilitator deletes the workshop, then the network ----------


def test_a_facilitator_cannot_delete_a_workshop_that_holds_members_data(client, admin_people, workshop_with_data):
    network, _other, people = admin_people
    before = data_counts(workshop_with_data)

    response = delete(client_for(client, people["facilitator"]), workshop_with_data)

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_explore", args=[network.pk])
    [message] = admin_messages(response)
    assert message.startswith("Sivua ”Toinen työpaja” ei voi poistaa, koska siinä on jäsenten tietoja: 1 tehtävä,")
    assert "1 vastaus" in message and "1 palaute ja 1 keskusteluviesti." in message
    assert ONLY_SUPERUSER in message and INSTEAD in message
    assert WorkshopPage.objects.filter(pk=workshop_with_data.pk).exists()
    assert data_counts(workshop_with_data) == before


def test_the_refusal_comes_before_the_confirmation_page(client, admin_people, workshop_with_data):
    _network, _other, people = admin_people
    response = client_for(client, people["facilitator"]).get(
        reverse("wagtailadmin_pages:delete", args=[workshop_with_data.pk])
    )
    assert response.status_code == 302
    assert "ei voi poistaa" in admin_messages(response)[0]


def test_a_facilitator_may_delete_a_workshop_made_by_mistake(client, admin_people):
    network, _other, people = admin_people
    mistake = make_workshop(network, title="Vahingossa tehty")

    response = delete(client_for(client, people["facilitator"]), mistake)

    assert response.status_code == 302
    assert not WorkshopPage.objects.filter(pk=mistake.pk).exists()
    assert not Room.objects.filter(workshop_id=mistake.pk).exists()


def test_a_facilitator_cannot_delete_their_network(client, admin_people):
    network, _other, people = admin_people  # no workshops: Wagtail itself would let its editor delete it

    response = delete(client_for(client, people["facilitator"]), network)

    assert response.status_code == 302
    [message] = admin_messages(response)
    assert message.startswith(f"Sivua ”{network.title}” ei voi poistaa, koska siinä on jäsenten tietoja: ")
    assert "3 jäsenyyttä" in message and ONLY_SUPERUSER in message
    assert NetworkPage.objects.filter(pk=network.pk).exists()
    assert Membership.objects.filter(network=network).count() == 3


def test_a_network_without_any_data_is_protected_all_the_same(admin_people):
    """A network always holds its groups and collection; only a superuser deletes it."""
    network, _other, people = admin_people
    empty = make_network(network.get_parent(), "Uusi verkosto")
    assert describe_member_data(empty) == []

    with pytest.raises(PageProtected) as refused:
        check_delete(people["staff"], empty)
    assert str(refused.value).startswith("Sivua ”Uusi verkosto” ei voi poistaa, koska se on verkoston sivu")
    assert ONLY_SUPERUSER in str(refused.value)
    check_delete(people["superuser"], empty)  # no refusal


def test_a_network_with_workshops_cannot_be_deleted_by_its_facilitator(client, admin_people, workshop_with_data):
    network, _other, people = admin_people
    response = delete(client_for(client, people["facilitator"]), network)
    assert response.status_code in (302, 403)  # Wagtail refuses a subtree to an editor without bulk deletion
    assert NetworkPage.objects.filter(pk=network.pk).exists()
    assert WorkshopPage.objects.filter(pk=workshop_with_data.pk).exists()


# ---------- Moving: a workshop's data would go to another network's members ----------


@pytest.fixture
def facilitator_of_both(admin_people):
    network, other, people = admin_people
    make_membership(other, people["facilitator"], "facilitator")
    return people["facilitator"]


def test_a_facilitator_cannot_move_a_workshop_to_another_network(
    client, admin_people, workshop_with_data, facilitator_of_both
):
    network, other, _people = admin_people
    before = data_counts(workshop_with_data)

    response = move(client_for(client, facilitator_of_both), workshop_with_data, other)

    assert response.status_code == 302
    [message] = admin_messages(response)
    assert message.startswith("Sivua ”Toinen työpaja” ei voi siirtää, koska siinä on jäsenten tietoja: 1 tehtävä")
    assert "toisen verkoston jäsenten nähtäville" in message and ONLY_SUPERUSER in message
    workshop_with_data.refresh_from_db()
    assert workshop_with_data.get_parent().pk == network.pk
    assert data_counts(workshop_with_data) == before


def test_not_even_an_empty_workshop_moves_to_another_network(client, admin_people, facilitator_of_both):
    network, other, _people = admin_people
    empty = make_workshop(network, title="Tyhjä")

    response = move(client_for(client, facilitator_of_both), empty, other)

    [message] = admin_messages(response)
    assert "ei voi siirtää, koska se kuuluu verkostolle" in message
    assert "tee se oikeaan verkostoon ja poista tämä" in message
    empty.refresh_from_db()
    assert empty.get_parent().pk == network.pk


def test_reordering_a_networks_workshops_is_no_move(client, admin_people, workshop_with_data):
    network, _other, people = admin_people
    first = make_workshop(network)
    response = client_for(client, people["facilitator"]).post(
        reverse("wagtailadmin_pages:set_page_position", args=[first.pk]) + "?position=0"
    )
    assert response.status_code == 200
    assert network.get_children().first().pk == first.pk


# ---------- Bulk actions ----------


def test_bulk_deletion_is_refused_and_nothing_is_deleted(client, admin_people, workshop_with_data):
    network, _other, people = admin_people
    empty = make_workshop(network, title="Tyhjä")

    response = bulk(client_for(client, people["facilitator"]), "delete", [empty, workshop_with_data])

    assert response.status_code == 302
    [message] = admin_messages(response)
    assert "Sivua ”Toinen työpaja” ei voi poistaa" in message
    assert WorkshopPage.objects.filter(pk__in=[empty.pk, workshop_with_data.pk]).count() == 2


def test_bulk_moving_is_refused_and_nothing_moves(client, admin_people, workshop_with_data, facilitator_of_both):
    network, other, _people = admin_people

    response = bulk(client_for(client, facilitator_of_both), "move", [workshop_with_data], chooser=other.pk)

    assert response.status_code == 302
    assert "ei voi siirtää" in admin_messages(response)[0]
    workshop_with_data.refresh_from_db()
    assert workshop_with_data.get_parent().pk == network.pk


def test_a_superuser_may_bulk_delete(client, admin_people, workshop_with_data):
    _network, _other, people = admin_people
    response = bulk(client_for(client, people["superuser"]), "delete", [workshop_with_data])
    assert response.status_code == 302
    assert not WorkshopPage.objects.filter(pk=workshop_with_data.pk).exists()


# ---------- The matrix: every role × the admin's delete and move views ----------


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_delete_view_matrix(client, admin_people, workshop_with_data, role):
    _network, _other, people = admin_people
    response = delete(client_for(client, people[role]), workshop_with_data)
    exists = WorkshopPage.objects.filter(pk=workshop_with_data.pk).exists()
    if role == "superuser":
        assert not exists
        assert not Task.objects.filter(workshop_id=workshop_with_data.pk).exists()
    else:
        assert exists
        assert data_counts(workshop_with_data) == (1, 1, 1, 1, 1)
        if role == "facilitator":
            assert "ei voi poistaa" in admin_messages(response)[0]
        else:  # no admin at all: sent to sign in, or turned away
            assert response.status_code in (302, 403)


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_move_view_matrix(client, admin_people, workshop_with_data, role):
    network, other, people = admin_people
    make_membership(other, people["facilitator"], "facilitator")
    response = move(client_for(client, people[role]), workshop_with_data, other)
    workshop_with_data.refresh_from_db()
    if role == "superuser":
        assert workshop_with_data.get_parent().pk == other.pk
    else:
        assert workshop_with_data.get_parent().pk == network.pk
        assert response.status_code in (302, 403)
        if role == "facilitator":
            assert "ei voi siirtää" in admin_messages(response)[0]
