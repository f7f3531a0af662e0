"""Following or muting a room, or leaving it to the network's choice: the room's control over the websocket (an
`attention` frame, answered to every socket of the person) and without JavaScript (a small form), who may, what is
refused with nothing changed, and the "hiljennetty" marks of the room lists."""

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from discussions import actions
from discussions.models import Room, RoomAttention
from notices.actions import set_network_attention, set_preferences
from tests.conftest import ROLES, client_for, refused
from tests.discussions.sockets import closed_with, frames_within, joined, receive_until
from tests.factories import make_membership, make_user

MEMBER_ROLES = ("member", "contact", "facilitator")


def general_room(network):
    return actions.ensure_general_room(network)


def attention_url(network, room):
    return reverse("discussion-attention", args=[network.slug, room.pk])


def levels():
    return sorted(RoomAttention.objects.values_list("user_id", "room_id", "level"))


# -- without JavaScript ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_rooms_form_follows_the_permission_matrix(client, network_people, role):
    network, _other, people = network_people
    room = general_room(network)
    room_url = reverse("discussion-room", args=[network.slug, room.pk])
    client_for(client, people[role])
    response = client.post(attention_url(network, room), {"level": "mute"})
    if role == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response.url
    elif role in ("outsider", "other_member"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and response.url == room_url
    member = role in MEMBER_ROLES
    assert levels() == ([(people[role].pk, room.pk, "mute")] if member else [])
    assert client.get(attention_url(network, room)).status_code in (302, 403, 405)
    if member:
        page = client.get(room_url).content.decode()
        assert "Huone on hiljennetty: et saa sähköpostia sen uusista viesteistä." in page
        assert 'type="radio" name="level" value="mute" checked' in page
    elif role == "staff":
        # Programme staff outside the network hear nothing of its rooms: no control, and a clear refusal.
        page = client.get(room_url).content.decode()
        assert "Vain verkoston jäsenet voivat seurata tai hiljentää sen huoneita." in page
        assert "data-attention>" not in page and 'name="level"' not in page


@pytest.mark.django_db
def test_follow_mute_and_back_to_the_network(client, network_people):
    network, _other, people = network_people
    room = general_room(network)
    client_for(client, people["member"])
    client.post(attention_url(network, room), {"level": "follow"})
    assert levels() == [(people["member"].pk, room.pk, "follow")]
    client.post(attention_url(network, room), {"level": "mute"})
    assert levels() == [(people["member"].pk, room.pk, "mute")]
    response = client.post(attention_url(network, room), {"level": "network"}, follow=True)
    assert levels() == []  # no row: the network's choice decides
    assert "Huoneen seuranta noudattaa nyt verkoston valintaa." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["loud", "", "Follow", None])
def test_an_unknown_level_is_refused_with_a_message(client, network_people, level):
    network, _other, people = network_people
    room = general_room(network)
    actions.set_room_attention(people["member"], room, "follow")
    before = levels()
    data = {} if level is None else {"level": level}
    response = client_for(client, people["member"]).post(attention_url(network, room), data, follow=True)
    assert (
        "Valitse, seuraatko huonetta, hiljennätkö sen vai noudatatko verkoston valintaa." in response.content.decode()
    )
    assert levels() == before


@pytest.mark.django_db
def test_another_networks_room_is_not_found(client, network_people):
    network, other_network, people = network_people
    theirs = general_room(other_network)
    url = reverse("discussion-attention", args=[network.slug, theirs.pk])
    assert client_for(client, people["member"]).post(url, {"level": "mute"}).status_code == 404
    assert levels() == []


@pytest.mark.django_db
def test_the_action_refuses_whom_it_must(network_people):
    network, _other, people = network_people
    room = general_room(network)
    for role in ("outsider", "other_member", "staff"):
        refused("forbidden", actions.set_room_attention, people[role], room, "follow")
    refused("invalid", actions.set_room_attention, people["member"], room, ["mute"])
    refused("forbidden", actions.set_room_levels, people["other_member"], {room.pk: "mute"})
    refused("invalid", actions.set_room_levels, people["member"], {room.pk: "silent"})
    assert levels() == []


@pytest.mark.django_db
def test_the_room_lists_mark_the_rooms_muted_for_the_person(client, network_people):
    network, _other, people = network_people
    member = people["member"]
    general = general_room(network)
    topic = actions.create_topic_room(network, member, "Kokeilut")
    quiet = actions.create_topic_room(network, member, "Hiljainen")
    actions.set_room_attention(member, quiet, "mute")
    client_for(client, member)
    rooms_url = reverse("discussion", args=[network.slug])

    def marked(url):
        page = client.get(url).content.decode()
        return {room.pk for room in (general, topic, quiet) if f'data-room-muted="{room.pk}">' in page}

    assert marked(rooms_url) == {quiet.pk}
    # A muted network mutes its rooms, except the one the person follows.
    set_network_attention(member, network, "mute")
    actions.set_room_attention(member, topic, "follow")
    assert marked(rooms_url) == {general.pk, quiet.pk}
    assert marked(reverse("discussion-room", args=[network.slug, topic.pk])) == {general.pk, quiet.pk}
    page = client.get(reverse("discussion-room", args=[network.slug, general.pk])).content.decode()
    assert "Verkoston mukaan (verkosto hiljennetty)" in page
    # Someone else's choices mark nothing for another member.
    client_for(client, people["contact"])
    assert marked(rooms_url) == set()


# -- over the websocket ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_attention_frame_answers_every_socket_of_the_person(connect, network_people):
    network, _other, people = network_people
    member, rooms = await joined(connect, people["member"], network)
    second_tab, _rooms = await joined(connect, people["member"], network)
    someone_else, _rooms = await joined(connect, people["contact"], network)
    room_id = rooms[0]["id"]

    await member.send_json_to({"type": "attention", "room": room_id, "level": "mute"})
    for communicator in (member, second_tab):
        told, _ = await receive_until(communicator, "attention")
        assert told == {"type": "attention", "room": room_id, "level": "mute"}
    assert [frame for frame in await frames_within(someone_else, 0.3) if frame["type"] == "attention"] == []
    assert await sync_to_async(levels)() == [(people["member"].pk, room_id, "mute")]

    # A repeat is answered too (the control that asked shows the answer), and changes nothing.
    await second_tab.send_json_to({"type": "attention", "room": room_id, "level": "mute"})
    assert (await receive_until(second_tab, "attention"))[0]["level"] == "mute"
    await member.send_json_to({"type": "attention", "room": room_id, "level": "network"})
    assert (await receive_until(second_tab, "attention"))[0]["level"] == "network"
    assert await sync_to_async(levels)() == []
    for communicator in (member, second_tab, someone_else):
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"level": "loud"}, "invalid"),
        ({"level": None}, "invalid"),
        ({"level": ["mute"]}, "invalid"),
        ({}, "invalid"),
        ({"room": "1", "level": "mute"}, "unknown_room"),
        ({"room": None, "level": "mute"}, "unknown_room"),
        ({"room": 999_999, "level": "mute"}, "unknown_room"),
        ({"room": "other", "level": "mute"}, "unknown_room"),
    ],
)
async def test_a_wrong_attention_frame_is_an_error_and_changes_nothing(connect, network_people, frame, code):
    network, other_network, people = network_people
    theirs = await sync_to_async(general_room)(other_network)
    member, rooms = await joined(connect, people["member"], network)
    sent = {"type": "attention", "room": rooms[0]["id"], "client_id": "attention-1", **frame}
    if frame.get("room") == "other":
        sent["room"] = theirs.pk  # a room of another network
    await member.send_json_to(sent)
    error, skipped = await receive_until(member, "error")
    assert error["code"] == code and error["detail"] and error["client_id"] == "attention-1"
    assert [frame for frame in skipped if frame["type"] == "attention"] == []
    assert await sync_to_async(levels)() == []
    assert await sync_to_async(RoomAttention.objects.exists)() is False
    await member.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize("role", ROLES)
async def test_the_attention_frame_follows_the_permission_matrix(connect, network_people, role):
    network, _other, people = network_people
    room = await sync_to_async(general_room)(network)
    communicator, connected = await connect(people[role], network)
    if role in ("anonymous", "outsider", "other_member"):
        # Refused at the door: the socket closes before any frame is read.
        assert connected
        code, _frames = await closed_with(communicator)
        assert code == (4401 if role == "anonymous" else 4403)
        assert await sync_to_async(levels)() == []
        return
    await receive_until(communicator, "rooms")
    await communicator.send_json_to({"type": "attention", "room": room.pk, "level": "follow"})
    if role == "staff":
        error, _ = await receive_until(communicator, "error")
        assert error["code"] == "forbidden"
        assert await sync_to_async(levels)() == []
    else:
        told, _ = await receive_until(communicator, "attention")
        assert told["level"] == "follow"
        assert await sync_to_async(levels)() == [(people[role].pk, room.pk, "follow")]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_resetting_a_room_on_the_settings_page_tells_the_persons_sockets(connect, network_people):
    network, _other, people = network_people
    member_user = people["member"]
    room = await sync_to_async(general_room)(network)
    await sync_to_async(actions.set_room_attention)(member_user, room, "mute")
    member, _rooms = await joined(connect, member_user, network)
    await sync_to_async(set_preferences)(member_user, followed={"room": {room.pk: "network"}})
    told, _ = await receive_until(member, "attention")
    assert told == {"type": "attention", "room": room.pk, "level": "network"}
    # Saving the page again with nothing changed tells nobody.
    await sync_to_async(set_preferences)(member_user, followed={"room": {}})
    assert [frame for frame in await frames_within(member, 0.3) if frame["type"] == "attention"] == []
    await member.disconnect()


@pytest.mark.django_db
def test_a_room_of_a_network_one_left_is_refused(network_people):
    network, _other, people = network_people
    person = make_user()
    membership = make_membership(network, person)
    room = general_room(network)
    actions.set_room_attention(person, room, "follow")
    membership.left = membership.joined
    membership.save()
    refused("forbidden", actions.set_room_attention, person, room, "mute")
    refused("forbidden", actions.set_room_levels, person, {room.pk: "mute"})
    assert list(RoomAttention.objects.values_list("level", flat=True)) == ["follow"]
    assert Room.objects.filter(attention__user=person).count() == 1
