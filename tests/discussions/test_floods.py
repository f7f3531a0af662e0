"""Floods are refused (issue 10, item 8): opening topic rooms and editing messages, over the websocket and the
pages, are rate limited per person with a message that says when to try again, and nothing is changed."""

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from discussions import actions
from discussions.models import Message, Room
from tests.conftest import client_for
from tests.discussions.sockets import joined, receive_until

ROOM_LIMIT = (2, 3600)
EDIT_LIMIT = (2, 600)


@pytest.fixture(autouse=True)
def tight_limits(settings):
    settings.DISCUSSION_ROOM_RATE_LIMIT = ROOM_LIMIT
    settings.DISCUSSION_EDIT_RATE_LIMIT = EDIT_LIMIT


def topic_titles(network):
    return sorted(Room.objects.filter(network=network, kind=Room.Kind.TOPIC).values_list("title", flat=True))


# -- over the websocket ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_flood_of_rooms_over_the_websocket_is_refused(connect, network_people):
    network, _other, people = network_people
    flooder, _rooms = await joined(connect, people["member"], network)
    for n in range(ROOM_LIMIT[0]):
        await flooder.send_json_to({"type": "room.create", "title": f"Aihe {n}"})
        await receive_until(flooder, "room.created")
    await flooder.send_json_to({"type": "room.create", "title": "Yksi liikaa"})
    error, skipped = await receive_until(flooder, "error")

    assert error["code"] == "rate_limited"
    assert error["detail"] == "Avaat aiheita liian tiheään. Yritä uudelleen 60 minuutin kuluttua."
    assert "room.created" not in [frame["type"] for frame in skipped]
    assert await sync_to_async(topic_titles)(network) == ["Aihe 0", "Aihe 1"]
    # Per person: someone else in the network still opens a room.
    other, _rooms = await joined(connect, people["contact"], network)
    await other.send_json_to({"type": "room.create", "title": "Toisen aihe"})
    await receive_until(other, "room.created")
    await flooder.disconnect()
    await other.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_flood_of_edits_over_the_websocket_is_refused(connect, network_people):
    network, _other, people = network_people
    room = await sync_to_async(actions.ensure_general_room)(network)
    message, _created = await sync_to_async(actions.create_message)(room, people["member"], "Alku", "e1")
    flooder, _rooms = await joined(connect, people["member"], network)
    for n in range(EDIT_LIMIT[0]):
        await flooder.send_json_to({"type": "message.edit", "id": message.pk, "body": f"Versio {n}"})
        await receive_until(flooder, "message.updated")
    await flooder.send_json_to({"type": "message.edit", "id": message.pk, "body": "Versio liikaa"})
    error, skipped = await receive_until(flooder, "error")

    assert error["code"] == "rate_limited"
    assert error["detail"] == "Muokkaat viestejä liian tiheään. Yritä uudelleen 10 minuutin kuluttua."
    assert "message.updated" not in [frame["type"] for frame in skipped]
    stored = await sync_to_async(Message.objects.get)(pk=message.pk)
    assert stored.body == "Versio 1"
    # The refusal leaves the connection open: other frames still work.
    await flooder.send_json_to({"type": "sync", "room": room.pk, "after": 0})
    await receive_until(flooder, "sync.result")
    await flooder.disconnect()


# -- over the pages -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_flood_of_rooms_over_the_page_gets_429_with_the_title_kept(client, network_people):
    network, _other, people = network_people
    url = reverse("discussion", args=[network.slug])
    client_for(client, people["member"])
    for n in range(ROOM_LIMIT[0]):
        assert client.post(url, {"title": f"Aihe {n}"}).status_code == 302

    response = client.post(url, {"title": "Yksi liikaa"})

    content = response.content.decode()
    assert response.status_code == 429
    assert "Avaat aiheita liian tiheään. Yritä uudelleen 60 minuutin kuluttua." in content
    assert 'value="Yksi liikaa"' in content
    assert topic_titles(network) == ["Aihe 0", "Aihe 1"]


@pytest.mark.django_db
def test_a_flood_of_edits_over_the_page_gets_429_with_the_text_kept(client, network_people):
    network, _other, people = network_people
    room = actions.ensure_general_room(network)
    message, _created = actions.create_message(room, people["member"], "Alku", "e1")
    url = reverse("discussion-edit", args=[network.slug, room.pk, message.pk])
    client_for(client, people["member"])
    for n in range(EDIT_LIMIT[0]):
        assert client.post(url, {"body": f"Versio {n}"}).status_code == 302

    response = client.post(url, {"body": "Versio liikaa"})

    content = response.content.decode()
    assert response.status_code == 429
    assert "Muokkaat viestejä liian tiheään. Yritä uudelleen 10 minuutin kuluttua." in content
    assert "Versio liikaa</textarea>" in content
    message.refresh_from_db()
    assert message.body == "Versio 1"


@pytest.mark.django_db
def test_edits_over_both_transports_count_together(client, network_people):
    """One limit per person, whichever way the edits come: the pages do not open a second allowance."""
    network, _other, people = network_people
    room = actions.ensure_general_room(network)
    message, _created = actions.create_message(room, people["member"], "Alku", "e1")
    for n in range(EDIT_LIMIT[0]):
        actions.edit_message(message, people["member"], f"Versio {n}")  # as the consumer does
    client_for(client, people["member"])
    response = client.post(reverse("discussion-edit", args=[network.slug, room.pk, message.pk]), {"body": "Lomake"})
    assert response.status_code == 429
    message.refresh_from_db()
    assert message.body == "Versio 1"
