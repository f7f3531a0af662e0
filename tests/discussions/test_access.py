"""Sockets follow access at all times (issue 10, item 7), performed as the attacks they guard against.

A socket may stay open for days. Whatever takes someone's access away — removal from the network, losing staff
rights, signing out, a password change, the network unpublished or made private — closes their sockets at
once through a push, and a socket the push cannot reach (the channel layer forgot its groups after their
expiry) is refused at its next frame, with nothing stored.
"""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from discussions import actions, consumers
from discussions.models import Message, ReadMarker, Room
from networks.actions import add_member, end_membership
from networks.models import Membership
from tests.conftest import ROLES
from tests.discussions.conftest import signed_in
from tests.discussions.sockets import (
    closed_with,
    expire_group_memberships,
    joined,
    nothing_but_presence,
    receive_until,
    still_open,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

NEW_PASSWORD = "Uusi-salasana-2026!"


@pytest.fixture
def setup(network_people):
    """The network, its general room with one message by the member and two by the facilitator, the people."""
    network, other_network, people = network_people
    room = actions.ensure_general_room(network)
    actions.create_message(room, people["member"], "Jäsenen viesti", "own-1")
    for n in range(2):
        actions.create_message(room, people["facilitator"], f"Fasilitaattorin viesti {n}", f"fac-{n}")
    return network, other_network, people, room


def take_access_away(network, user):
    """Ends the person's membership, or for staff without one, their staff rights."""
    membership = Membership.objects.active().filter(network=network, user=user).first()
    if membership is not None:
        end_membership(membership)
    else:
        user.is_staff = False
        user.save()


def stored_state(room, user):
    """What a refused frame must not change."""
    marker = ReadMarker.objects.filter(room=room, user=user).values_list("last_read_seq", flat=True).first()
    messages = list(Message.objects.order_by("pk").values_list("pk", "body", "edited", "deleted"))
    return messages, marker, list(Room.objects.order_by("pk").values_list("pk", "title"))


def frames_for(room, own_message):
    return {
        "message.send": {"type": "message.send", "room": room.pk, "body": "Vielä täällä", "client_id": "late"},
        "message.edit": {"type": "message.edit", "id": own_message.pk, "body": "Muutettu poistamisen jälkeen"},
        "message.delete": {"type": "message.delete", "id": own_message.pk},
        "read": {"type": "read", "room": room.pk, "message_id": 3},
        "sync": {"type": "sync", "room": room.pk, "after": 0},
        "room.create": {"type": "room.create", "title": "Salainen aihe"},
        "typing": {"type": "typing", "room": room.pk},
    }


# -- removal while the channel layer forgot the socket's groups ---------------------------------------------


@pytest.mark.parametrize(
    "frame_type", ["message.send", "message.edit", "message.delete", "read", "sync", "room.create", "typing"]
)
async def test_a_removed_member_whose_groups_expired_is_refused_and_closed(connect, setup, frame_type):
    network, _other, people, room = setup
    member = people["member"]
    own_message = await sync_to_async(Message.objects.get)(client_id="own-1")
    alice, _rooms = await joined(connect, member, network)
    expire_group_memberships()
    await sync_to_async(take_access_away)(network, member)
    assert await nothing_but_presence(alice, 0.3), "the push cannot reach a socket the layer forgot"
    before = await sync_to_async(stored_state)(room, member)

    frame = frames_for(room, own_message)[frame_type]
    await alice.send_json_to(frame)
    code, frames = await closed_with(alice)

    assert code == consumers.CLOSE_NOT_MEMBER
    assert [f["type"] for f in frames] == ["error"], "no ack, no sync result, no unread count: only the refusal"
    assert frames[0]["code"] == "not_member"
    assert frames[0]["detail"] == "Sinulla ei ole enää pääsyä tämän verkoston keskusteluun."
    if "client_id" in frame:
        assert frames[0]["client_id"] == frame["client_id"]
    assert await sync_to_async(stored_state)(room, member) == before
    await alice.send_json_to(frames_for(room, own_message)["message.send"])  # after the close: not read at all
    assert await nothing_but_presence(alice, 0.3)
    assert await sync_to_async(stored_state)(room, member) == before
    await alice.disconnect()


# -- the matrix: every role, what its socket does, and what losing access does ------------------------------


@pytest.mark.parametrize("role", ROLES)
async def test_socket_permission_matrix_and_losing_access(connect, setup, role):
    """Anonymous: 4401 at once; outsiders: 4403 at once. Members, contact people, facilitators and staff get in,
    and taking their access away closes their socket with 4403 at once (the push), no frame needed."""
    network, _other, people, room = setup
    user = people[role]
    communicator, connected = await connect(user, network)
    assert connected
    if role == "anonymous":
        assert (await closed_with(communicator))[0] == consumers.CLOSE_NOT_SIGNED_IN
        return
    if role in ("outsider", "other_member"):
        assert (await closed_with(communicator))[0] == consumers.CLOSE_NOT_MEMBER
        return
    await receive_until(communicator, "presence")
    assert await still_open(communicator, room.pk)
    before = await sync_to_async(stored_state)(room, user)
    await sync_to_async(take_access_away)(network, user)
    code, _frames = await closed_with(communicator)
    assert code == consumers.CLOSE_NOT_MEMBER
    assert await sync_to_async(stored_state)(room, user) == before
    await communicator.disconnect()


async def test_staff_who_lose_is_staff_keep_only_the_networks_they_are_members_of(connect, setup):
    network, other_network, people, room = setup
    staff = people["staff"]
    await sync_to_async(add_member)(other_network, staff, "member", None)
    other_room = await sync_to_async(actions.ensure_general_room)(other_network)
    browser = await sync_to_async(signed_in)(staff)
    visiting, _rooms = await joined(connect, staff, network, browser=browser)
    own, _rooms = await joined(connect, staff, other_network, browser=browser)

    expire_group_memberships()  # the frame, not the push, has to refuse it
    await sync_to_async(take_access_away)(network, staff)
    await visiting.send_json_to({"type": "message.send", "room": room.pk, "body": "Vielä?", "client_id": "s1"})
    code, frames = await closed_with(visiting)
    assert (code, frames[0]["code"]) == (consumers.CLOSE_NOT_MEMBER, "not_member")
    assert not await sync_to_async(Message.objects.filter(client_id="s1").exists)()

    frame = {"type": "message.send", "room": other_room.pk, "body": "Omassa verkostossa", "client_id": "s2"}
    await own.send_json_to(frame)
    ack, _ = await receive_until(own, "ack")
    assert ack["client_id"] == "s2"
    await visiting.disconnect()
    await own.disconnect()


async def test_a_role_change_is_re_checked_and_keeps_the_socket(connect, setup):
    """A facilitator made a member stays in the discussion, without the facilitator's tools."""
    network, _other, people, room = setup
    facilitator = people["facilitator"]
    communicator, _rooms = await joined(connect, facilitator, network)

    def demote():
        membership = Membership.objects.get(network=network, user=facilitator, left__isnull=True)
        membership.role = Membership.Role.MEMBER
        membership.save()

    await sync_to_async(demote)()
    await communicator.send_json_to({"type": "room.close", "room": room.pk})
    error, _ = await receive_until(communicator, "error")
    assert error["code"] == "forbidden"
    assert await still_open(communicator, room.pk)
    await communicator.disconnect()


# -- sessions: sign-out and password changes -------------------------------------------------------------


async def test_signing_out_closes_that_sessions_sockets_and_no_others(connect, setup):
    network, _other, people, room = setup
    member = people["member"]
    laptop = await sync_to_async(signed_in)(member)
    phone = await sync_to_async(signed_in)(member)
    laptop_socket, _rooms = await joined(connect, member, network, browser=laptop)
    phone_socket, _rooms = await joined(connect, member, network, browser=phone)

    response = await sync_to_async(laptop.post)("/tili/logout/")  # signing out in another tab of the laptop
    assert response.status_code == 302

    assert (await closed_with(laptop_socket))[0] == consumers.CLOSE_NOT_SIGNED_IN
    assert await still_open(phone_socket, room.pk)
    again, connected = await connect(member, network, browser=laptop)
    assert connected and (await closed_with(again))[0] == consumers.CLOSE_NOT_SIGNED_IN
    await laptop_socket.disconnect()
    await phone_socket.disconnect()


async def test_a_signed_out_sessions_socket_that_the_push_missed_is_refused_at_its_next_frame(connect, setup):
    network, _other, people, room = setup
    member = people["member"]
    laptop = await sync_to_async(signed_in)(member)
    phone = await sync_to_async(signed_in)(member)
    laptop_socket, _rooms = await joined(connect, member, network, browser=laptop)
    phone_socket, _rooms = await joined(connect, member, network, browser=phone)
    expire_group_memberships()

    await sync_to_async(laptop.post)("/tili/logout/")
    await laptop_socket.send_json_to({"type": "message.send", "room": room.pk, "body": "Ulos?", "client_id": "o1"})
    code, frames = await closed_with(laptop_socket)
    assert code == consumers.CLOSE_NOT_SIGNED_IN
    assert (frames[0]["code"], frames[0]["client_id"]) == ("signed_out", "o1")
    assert frames[0]["detail"] == "Istuntosi on päättynyt. Kirjaudu sisään uudelleen."
    assert not await sync_to_async(Message.objects.filter(client_id="o1").exists)()

    await phone_socket.send_json_to({"type": "message.send", "room": room.pk, "body": "Puhelimesta", "client_id": "o2"})
    assert (await receive_until(phone_socket, "ack"))[0]["client_id"] == "o2"
    await laptop_socket.disconnect()
    await phone_socket.disconnect()


async def test_a_password_change_closes_the_other_sessions_sockets(connect, setup):
    network, _other, people, room = setup
    member = people["member"]
    laptop = await sync_to_async(signed_in)(member)
    stolen = await sync_to_async(signed_in)(member)  # a session someone else holds
    laptop_socket, _rooms = await joined(connect, member, network, browser=laptop)
    stolen_socket, _rooms = await joined(connect, member, network, browser=stolen)

    response = await sync_to_async(laptop.post)(
        "/tili/password/change/",
        {"oldpassword": "salasana-123", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert (await closed_with(stolen_socket))[0] == consumers.CLOSE_NOT_SIGNED_IN
    again, connected = await connect(member, network, browser=stolen)
    assert connected and (await closed_with(again))[0] == consumers.CLOSE_NOT_SIGNED_IN
    # The session that changed the password continues under a new key (Django rotates it), so its old socket
    # closes too; the browser's one reconnect (discussion.js) gets straight back in.
    assert (await closed_with(laptop_socket))[0] == consumers.CLOSE_NOT_SIGNED_IN
    reconnected, _rooms = await joined(connect, member, network, browser=laptop)
    assert await still_open(reconnected, room.pk)
    for communicator in (laptop_socket, stolen_socket, reconnected):
        await communicator.disconnect()


async def test_a_deactivated_account_is_signed_out_of_its_sockets(connect, setup):
    network, _other, people, _room = setup
    member = people["member"]
    communicator, _rooms = await joined(connect, member, network)

    def deactivate():
        member.is_active = False
        member.save()

    await sync_to_async(deactivate)()
    assert (await closed_with(communicator))[0] == consumers.CLOSE_NOT_SIGNED_IN
    await communicator.disconnect()


# -- the network itself ---------------------------------------------------------------------------------------


def unpublish(network):
    network.unpublish()


def make_private(network):
    PageViewRestriction.objects.create(page=network, restriction_type=PageViewRestriction.LOGIN)


def make_section_private(network):
    """A view restriction on a page above the network: the whole section, the network included, is private."""
    PageViewRestriction.objects.create(page=network.get_parent(), restriction_type=PageViewRestriction.LOGIN)


def delete(network):
    network.delete()


@pytest.mark.parametrize("change", [unpublish, make_private, make_section_private, delete])
@pytest.mark.parametrize("reached", [True, False], ids=["push", "next-frame"])
async def test_a_network_taken_off_the_public_site_closes_its_sockets(connect, setup, change, reached):
    network, _other, people, room = setup
    member, _rooms = await joined(connect, people["member"], network)
    facilitator, _rooms = await joined(connect, people["facilitator"], network)
    if not reached:
        expire_group_memberships()
    messages_before = await sync_to_async(Message.objects.count)()

    await sync_to_async(change)(network)

    if not reached:
        for communicator in (member, facilitator):
            assert await nothing_but_presence(communicator, 0.2)
            await communicator.send_json_to({"type": "sync", "room": room.pk, "after": 0})
    for communicator in (member, facilitator):
        code, frames = await closed_with(communicator)
        assert code == consumers.CLOSE_NOT_MEMBER
        assert "sync.result" not in [frame["type"] for frame in frames]
        await communicator.disconnect()
    if change is not delete:
        assert await sync_to_async(Message.objects.count)() == messages_before


# -- what nobody announced ------------------------------------------------------------------------------------


def end_membership_unannounced(network, user):
    """A change that no signal reports (a raw update): only a version gone missing or the periodic check finds it."""
    Membership.objects.filter(network=network, user=user).update(left=timezone.localdate())


async def test_a_missing_access_version_means_a_fresh_database_check(connect, setup):
    from django.core.cache import cache

    network, _other, people, room = setup
    communicator, _rooms = await joined(connect, people["member"], network)
    await sync_to_async(end_membership_unannounced)(network, people["member"])
    await sync_to_async(cache.clear)()  # Redis restarted, or the versions were evicted
    await communicator.send_json_to({"type": "sync", "room": room.pk, "after": 0})
    code, frames = await closed_with(communicator)
    assert (code, [frame["type"] for frame in frames]) == (consumers.CLOSE_NOT_MEMBER, ["error"])
    await communicator.disconnect()


async def test_a_socket_that_only_listens_is_re_checked_periodically(connect, setup, monkeypatch):
    network, _other, people, _room = setup
    monkeypatch.setattr(consumers, "ACCESS_RECHECK_SECONDS", 0.3)
    communicator, _rooms = await joined(connect, people["member"], network)
    await sync_to_async(end_membership_unannounced)(network, people["member"])
    code, _frames = await closed_with(communicator, timeout=3)
    assert code == consumers.CLOSE_NOT_MEMBER
    await communicator.disconnect()


async def test_a_password_set_outside_allauth_is_noticed_by_the_periodic_check(connect, setup, monkeypatch):
    network, _other, people, _room = setup
    monkeypatch.setattr(consumers, "ACCESS_RECHECK_SECONDS", 0.3)
    communicator, _rooms = await joined(connect, people["member"], network)

    def change_password():  # as `manage.py changepassword` does
        user = get_user_model().objects.get(pk=people["member"].pk)
        user.set_password(NEW_PASSWORD)
        user.save()

    await sync_to_async(change_password)()
    code, _frames = await closed_with(communicator, timeout=3)
    assert code == consumers.CLOSE_NOT_SIGNED_IN
    assert await sync_to_async(Client().login)(email=people["member"].email, password=NEW_PASSWORD)
    await communicator.disconnect()


@pytest.mark.parametrize("change", [unpublish, make_private, make_section_private])
async def test_a_network_off_the_public_site_refuses_new_sockets(connect, setup, change):
    """Also right after a socket was let in: the process remembers a network's state only per access version."""
    network, _other, people, _room = setup
    earlier, _rooms = await joined(connect, people["contact"], network)
    await sync_to_async(change)(network)
    for role in ("member", "facilitator", "staff"):
        communicator, connected = await connect(people[role], network)
        assert connected
        assert (await closed_with(communicator))[0] == consumers.CLOSE_NOT_MEMBER
        await communicator.disconnect()
    await earlier.disconnect()
