"""Drafts of messages: saved with the `draft` frame, back on connect and in the room page's box, passed to the
person's other sockets and to nobody else, deleted by the send, refused like a message, pruned after 30 days,
exported with the person's data and deleted with the account."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.data import delete_account
from core.access import network_version_key, new_version
from discussions import actions
from discussions.models import Draft, Room
from networks.models import Membership
from tests.conftest import ROLES, client_for
from tests.discussions.conftest import signed_in
from tests.discussions.sockets import PRESENCE_FRAMES, closed_with, frames_within, joined, receive_until
from tests.factories import make_membership

MEMBERS = ("member", "contact", "facilitator", "staff")


def drafts():
    return {(draft.user_id, draft.room_id): draft.body for draft in Draft.objects.all()}


async def stored():
    return await sync_to_async(drafts)()


async def not_presence(communicator, seconds=0.3):
    """The frames of the next `seconds`, lists of who is online left out."""
    return [frame for frame in await frames_within(communicator, seconds) if frame["type"] not in PRESENCE_FRAMES]


async def rooms_frame(connect, user, network, browser=None):
    """(socket, its `rooms` frame), for a person who connects."""
    communicator, connected = await connect(user, network, browser=browser)
    assert connected
    rooms, _ = await receive_until(communicator, "rooms")
    await receive_until(communicator, "presence")
    return communicator, rooms


# -- over the websocket ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_draft_is_saved_and_comes_back_when_the_person_connects_again(connect, network_people, role):
    network, _other, people = network_people
    user = people[role]
    first, rooms = await joined(connect, user, network)
    room = rooms[0]["id"]
    await first.send_json_to({"type": "draft", "room": room, "body": "Kirjoitan vielä  \n- ensimmäinen kohta"})
    answer, _ = await receive_until(first, "draft.saved")
    assert answer == {"type": "draft.saved", "room": room}
    assert await stored() == {(user.pk, room): "Kirjoitan vielä  \n- ensimmäinen kohta"}, "kept as typed"
    await first.disconnect()

    again, frame = await rooms_frame(connect, user, network)
    assert frame["drafts"] == {str(room): "Kirjoitan vielä  \n- ensimmäinen kohta"}
    await again.send_json_to({"type": "draft", "room": room, "body": "Toinen versio"})
    await receive_until(again, "draft.saved")
    assert await stored() == {(user.pk, room): "Toinen versio"}, "one draft per person and room"
    await again.send_json_to({"type": "draft", "room": room, "body": "  \n "})
    await receive_until(again, "draft.saved")
    assert await stored() == {}, "an empty box deletes the draft"
    await again.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_draft_reaches_the_persons_other_sockets_of_the_network_and_nobody_else(connect, network_people):
    network, other_network, people = network_people
    member = people["member"]
    await sync_to_async(make_membership)(other_network, member)  # in both networks
    laptop, rooms = await joined(connect, member, network)
    phone, _rooms = await joined(connect, member, network)  # a session of its own, as another device
    same_person_elsewhere, _rooms = await joined(connect, member, other_network)
    others = {role: (await joined(connect, people[role], network))[0] for role in ("contact", "facilitator", "staff")}
    others["other_member"] = (await joined(connect, people["other_member"], other_network))[0]
    for communicator in (laptop, phone, same_person_elsewhere, *others.values()):
        await frames_within(communicator, 0.4)  # the presence lists of the joins are over
    room = rooms[0]["id"]

    await laptop.send_json_to({"type": "draft", "room": room, "body": "Salainen luonnos"})
    await receive_until(laptop, "draft.saved")
    arrived, _ = await receive_until(phone, "draft")
    assert arrived == {"type": "draft", "room": room, "body": "Salainen luonnos"}
    assert await not_presence(laptop) == [], "the socket it came from already has it"
    assert await not_presence(same_person_elsewhere) == [], "another network's socket does not list the room"
    for role, communicator in others.items():
        frames = await not_presence(communicator)
        assert frames == [], f"{role} received {frames}"
        assert "Salainen luonnos" not in json.dumps(frames)
    for communicator in (laptop, phone, same_person_elsewhere, *others.values()):
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_another_persons_connect_never_carries_the_draft(connect, network_people):
    network, _other, people = network_people
    room = await sync_to_async(actions.ensure_general_room)(network)
    await sync_to_async(actions.save_draft)(room, people["member"], "Vain minun")
    for role in ("contact", "facilitator", "staff"):
        communicator, frame = await rooms_frame(connect, people[role], network)
        assert frame["drafts"] == {}, role
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_sending_the_message_deletes_the_draft_and_empties_the_other_devices_box(connect, network_people):
    network, _other, people = network_people
    member = people["member"]
    laptop, rooms = await joined(connect, member, network)
    phone, _rooms = await joined(connect, member, network)
    room = rooms[0]["id"]
    await laptop.send_json_to({"type": "draft", "room": room, "body": "Valmis viesti"})
    await receive_until(phone, "draft")

    await laptop.send_json_to({"type": "message.send", "room": room, "body": "Valmis viesti", "client_id": "d1"})
    await receive_until(laptop, "ack")
    emptied, _ = await receive_until(phone, "draft")
    assert emptied == {"type": "draft", "room": room, "body": ""}
    assert await stored() == {}
    assert "draft" not in [frame["type"] for frame in await not_presence(laptop)], "the sender's box is empty already"

    # A send with no draft to delete tells nobody of one.
    await laptop.send_json_to({"type": "message.send", "room": room, "body": "Toinen", "client_id": "d2"})
    await receive_until(phone, "message.new")
    await receive_until(phone, "message.new")
    assert "draft" not in [frame["type"] for frame in await not_presence(phone)]
    await laptop.disconnect()
    await phone.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "draft", "room": "OTHER", "body": "Toisen verkoston huoneeseen"}, "unknown_room"),
        ({"type": "draft", "room": 999_999, "body": "Ei huonetta"}, "unknown_room"),
        ({"type": "draft", "room": "ROOM", "body": "x" * 10_001}, "too_long"),
        ({"type": "draft", "room": "ROOM", "body": 12}, "invalid"),
        ({"type": "draft", "room": "ROOM"}, "invalid"),
    ],
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_refused_draft_is_an_error_frame_and_nothing_is_stored(connect, network_people, frame, code):
    network, other_network, people = network_people
    other_room = await sync_to_async(actions.ensure_general_room)(other_network)
    member, rooms = await joined(connect, people["member"], network)
    room = rooms[0]["id"]
    await sync_to_async(actions.save_draft)(Room(pk=room), people["member"], "Edellinen")
    substitute = {"ROOM": room, "OTHER": other_room.pk}
    await member.send_json_to({**frame, "room": substitute.get(frame["room"], frame["room"])})
    error, before = await receive_until(member, "error")
    assert error["code"] == code
    assert error["detail"]
    assert "draft.saved" not in [f["type"] for f in before]
    assert await stored() == {(people["member"].pk, room): "Edellinen"}, "nothing changed"
    await member.send_json_to({"type": "draft", "room": room, "body": "x" * 10_000})  # the limit itself is fine
    await receive_until(member, "draft.saved")
    await member.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_closed_room_keeps_no_draft(connect, network_people):
    network, _other, people = network_people
    member, rooms = await joined(connect, people["member"], network)
    room = await sync_to_async(Room.objects.get)(pk=rooms[0]["id"])
    await sync_to_async(actions.set_room_closed)(room, True)
    await member.send_json_to({"type": "draft", "room": room.pk, "body": "Myöhässä"})
    error, _ = await receive_until(member, "error")
    assert error["code"] == "room_closed"
    assert await stored() == {}
    await member.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_draft_after_the_membership_ended_is_refused_and_the_socket_closes(connect, network_people):
    """The access check before every frame holds for drafts too: the membership ended (and the push that would
    have closed the socket at once was lost), so the frame is refused, nothing is stored, the socket closes."""
    network, _other, people = network_people
    member, rooms = await joined(connect, people["member"], network)
    await sync_to_async(Membership.objects.filter(user=people["member"], network=network).update)(
        left=timezone.localdate() - timedelta(days=1)
    )
    await sync_to_async(cache.set)(network_version_key(network.pk), new_version())
    await member.send_json_to({"type": "draft", "room": rooms[0]["id"], "body": "Enää en pääse"})
    code, frames = await closed_with(member)
    assert code == 4403
    assert [(frame["type"], frame.get("code")) for frame in frames] == [("error", "not_member")]
    assert await stored() == {}


# -- the room page --------------------------------------------------------------------------------------------


def room_page(client, network, room):
    return client.get(reverse("discussion-room", args=[network.slug, room.pk]))


@pytest.mark.django_db
def test_the_room_page_puts_the_persons_own_draft_in_the_box(client, network_people):
    network, _other, people = network_people
    room = actions.ensure_general_room(network)
    actions.save_draft(room, people["member"], "Keskeneräinen <b>ajatus</b>")
    page = room_page(client_for(client, people["member"]), network, room)
    assert page.context["form"]["body"].value() == "Keskeneräinen <b>ajatus</b>"
    assert "Keskeneräinen &lt;b&gt;ajatus&lt;/b&gt;</textarea>" in page.content.decode(), "escaped, never markup"
    for role in ("contact", "facilitator", "staff"):
        page = room_page(client_for(client, people[role]), network, room)
        assert "Keskeneräinen" not in page.content.decode(), role


@pytest.mark.django_db
def test_a_message_posted_without_javascript_deletes_the_draft(client, network_people):
    network, _other, people = network_people
    room = actions.ensure_general_room(network)
    actions.save_draft(room, people["member"], "Lähetän tämän")
    actions.save_draft(room, people["contact"], "Toisen luonnos")
    response = client_for(client, people["member"]).post(
        reverse("discussion-room", args=[network.slug, room.pk]), {"body": "Lähetän tämän", "client_id": "form-d"}
    )
    assert response.status_code == 302
    assert drafts() == {(people["contact"].pk, room.pk): "Toisen luonnos"}, "only the sender's own draft goes"


@pytest.mark.django_db
def test_a_refused_message_keeps_the_draft(client, network_people):
    network, _other, people = network_people
    room = actions.ensure_general_room(network)
    actions.save_draft(room, people["member"], "Liian pitkä")
    response = client_for(client, people["member"]).post(
        reverse("discussion-room", args=[network.slug, room.pk]), {"body": "x" * 10_001, "client_id": "form-e"}
    )
    assert response.status_code == 400
    assert drafts() == {(people["member"].pk, room.pk): "Liian pitkä"}


# -- pruning, the person's data -------------------------------------------------------------------------------


def draft_of_age(room, user, days):
    actions.save_draft(room, user, f"{days} päivää vanha")
    Draft.objects.filter(room=room, user=user).update(updated=timezone.now() - timedelta(days=days))


@pytest.mark.django_db
def test_drafts_untouched_for_thirty_days_are_pruned(network_people):
    network, _other, people = network_people
    room = actions.ensure_general_room(network)
    topic = actions.create_topic_room(network, people["member"], "Aihe")
    draft_of_age(room, people["member"], 31)
    draft_of_age(topic, people["member"], 29)
    draft_of_age(room, people["contact"], 45)
    output = StringIO()
    call_command("prune_drafts", stdout=output)
    assert drafts() == {(people["member"].pk, topic.pk): "29 päivää vanha"}
    assert "2 in rooms" in output.getvalue()
    assert actions.prune_drafts() == 0, "a rerun deletes nothing more"
    assert actions.prune_drafts(now=timezone.now() + timedelta(days=2)) == 1


@pytest.mark.django_db
def test_drafts_are_in_the_persons_data_export_and_go_with_the_account(client, network_people):
    network, _other, people = network_people
    room = actions.ensure_general_room(network)
    actions.save_draft(room, people["member"], "Oma luonnos")
    actions.save_draft(room, people["contact"], "Toisen luonnos")
    data = json.loads(client_for(client, people["member"]).get("/tili/omat-tiedot/").content)
    assert [(draft["network"], draft["room"], draft["body"]) for draft in data["discussion_drafts"]] == [
        (network.title, room.title, "Oma luonnos")
    ]
    delete_account(people["member"])
    assert drafts() == {(people["contact"].pk, room.pk): "Toisen luonnos"}


@pytest.mark.parametrize("role", [role for role in ROLES if role not in MEMBERS])
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_no_socket_of_an_outsider_opens_to_send_a_draft(connect, network_people, role):
    """The draft frame's matrix starts at the handshake: anonymous is closed with 4401, people outside the network
    (another network's members included) with 4403, before any frame is read."""
    network, _other, people = network_people
    user = people[role]
    browser = await sync_to_async(signed_in)(user) if user else None
    communicator, connected = await connect(user, network, browser=browser)
    assert connected
    await communicator.send_json_to({"type": "draft", "room": 1, "body": "Ulkopuolelta"})
    code, _frames = await closed_with(communicator)
    assert code == (4401 if role == "anonymous" else 4403)
    assert await stored() == {}
