"""Reactions: a small fixed set, each kind once per person, stated rather than toggled (a repeat changes
nothing), over the websocket and without JavaScript, told to the network only when they changed."""

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from discussions import actions
from discussions.models import Message, Reaction, Room
from tests.conftest import ROLES, assert_queries, client_for, queries_for, refused
from tests.discussions.sockets import frames_within, joined, receive_until
from tests.factories import make_membership, make_user


def general_room(network):
    return Room.objects.get(network=network, kind=Room.Kind.GENERAL)


def post(network, author, body="Miten laskujen käsittely sujuu?", client_id="r1"):
    message, _created = actions.create_message(general_room(network), author, body, client_id)
    return message


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_reaction_counts_once_per_person_and_a_repeat_tells_nobody(connect, network_people):
    network, other_network, people = network_people
    member, rooms = await joined(connect, people["member"], network)
    facilitator, _rooms = await joined(connect, people["facilitator"], network)
    await member.send_json_to({"type": "message.send", "room": rooms[0]["id"], "body": "Hei", "client_id": "m1"})
    ack, _ = await receive_until(member, "ack")

    for _attempt in range(2):  # a retry of the same frame
        await facilitator.send_json_to({"type": "message.react", "id": ack["id"], "kind": "peukku", "on": True})
    told, _ = await receive_until(member, "message.reactions")
    assert told["id"] == ack["id"] and told["room"] == rooms[0]["id"]
    assert told["reactions"] == [
        {
            "kind": "peukku",
            "emoji": "👍",
            "people": [{"id": people["facilitator"].pk, "name": people["facilitator"].display_name}],
        }
    ]
    assert [frame for frame in await frames_within(member, 0.5) if frame["type"] == "message.reactions"] == []
    assert await sync_to_async(Reaction.objects.filter(message_id=ack["id"]).count)() == 1

    await facilitator.send_json_to({"type": "message.react", "id": ack["id"], "kind": "peukku", "on": False})
    told, _ = await receive_until(member, "message.reactions")
    assert told["reactions"] == []

    # A sync after a reconnect carries each message's reactions.
    await member.send_json_to({"type": "message.react", "id": ack["id"], "kind": "idea", "on": True})
    await receive_until(member, "message.reactions")
    await member.send_json_to({"type": "sync", "room": rooms[0]["id"], "after": 0})
    synced, _ = await receive_until(member, "sync.result")
    assert [reaction["kind"] for reaction in synced["messages"][-1]["reactions"]] == ["idea"]
    for communicator in (member, facilitator):
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"kind": "ukko", "on": True}, "invalid"),
        ({"kind": "<script>", "on": True}, "invalid"),
        ({"kind": "peukku", "on": "yes"}, "invalid"),
        ({"kind": "peukku"}, "invalid"),
        ({"kind": ["peukku"], "on": True}, "invalid"),
    ],
)
async def test_a_wrong_reaction_is_refused(connect, network_people, frame, code):
    network, _other, people = network_people
    member, rooms = await joined(connect, people["member"], network)
    await member.send_json_to({"type": "message.send", "room": rooms[0]["id"], "body": "Hei", "client_id": "m1"})
    ack, _ = await receive_until(member, "ack")
    await member.send_json_to({"type": "message.react", "id": ack["id"], **frame})
    error, _ = await receive_until(member, "error")
    assert error["code"] == code and error["detail"]
    assert not await sync_to_async(Reaction.objects.exists)()
    await member.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_another_networks_message_cannot_be_reacted_to(connect, network_people):
    network, other_network, people = network_people
    stranger = await sync_to_async(post)(other_network, people["other_member"], "Meidän juttu", "o1")
    member, _rooms = await joined(connect, people["member"], network)
    await member.send_json_to({"type": "message.react", "id": stranger.pk, "kind": "peukku", "on": True})
    assert (await receive_until(member, "error"))[0]["code"] == "not_found"
    assert not await sync_to_async(Reaction.objects.exists)()
    await member.disconnect()


@pytest.mark.django_db
def test_a_deleted_message_or_a_closed_room_takes_no_reaction(network_people):
    network, _other, people = network_people
    message = post(network, people["member"])
    kept = post(network, people["member"], "Toinen", "r2")
    actions.delete_message(message, people["member"])
    refused("not_found", actions.set_reaction, message, people["contact"], "peukku", True)
    actions.set_room_closed(kept.room, True)
    kept.refresh_from_db()
    refused("room_closed", actions.set_reaction, kept, people["contact"], "peukku", True)
    assert not Reaction.objects.exists()


@pytest.mark.django_db
def test_changes_are_rate_limited_and_repeats_are_not_counted(network_people, settings):
    network, _other, people = network_people
    settings.DISCUSSION_REACTION_RATE_LIMIT = (2, 60)
    message = post(network, people["member"])
    for _repeat in range(5):
        actions.set_reaction(message, people["contact"], "sydan", True)  # one change, four repeats
    actions.set_reaction(message, people["contact"], "sydan", False)
    refused("rate_limited", actions.set_reaction, message, people["contact"], "sydan", True)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_reacting_without_javascript_follows_the_permission_matrix(client, network_people, role):
    network, _other, people = network_people
    message = post(network, people["member"])
    url = reverse("discussion-react", args=[network.slug, message.room_id, message.pk])
    response = client_for(client, people[role]).post(url, {"reaction": "kiitos:on"})
    if role == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response.url
    elif role in ("outsider", "other_member"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and response.url.endswith(f"#viesti-{message.pk}")
    assert Reaction.objects.filter(kind="kiitos").count() == (
        0 if role in ("anonymous", "outsider", "other_member") else 1
    )
    assert client.get(url).status_code in (302, 403, 405)


@pytest.mark.django_db
def test_the_room_page_shows_who_reacted_and_a_double_submit_counts_once(client, network_people):
    network, _other, people = network_people
    message = post(network, people["member"])
    url = reverse("discussion-react", args=[network.slug, message.room_id, message.pk])
    client_for(client, people["contact"])
    client.post(url, {"reaction": "kiitos:on"})
    client.post(url, {"reaction": "kiitos:on"})
    page = client.get(reverse("discussion-room", args=[network.slug, message.room_id])).content.decode()
    name = people["contact"].display_name
    assert f'value="kiitos:off" class="reaction reaction--mine" aria-pressed="true" title="{name}"' in page
    assert Reaction.objects.count() == 1
    response = client.post(url, {"reaction": "juhla:on"}, follow=True)
    assert "Tuntematon reaktio." in response.content.decode()


@pytest.mark.django_db
def test_the_room_page_arranges_days_groups_mentions_and_the_first_unread(client, network_people):
    from datetime import timedelta

    from django.utils import timezone

    network, _other, people = network_people
    me, other = people["member"], people["contact"]
    room = general_room(network)
    first = post(network, other, "Eilinen viesti", "a")
    Message.objects.filter(pk=first.pk).update(created=timezone.now() - timedelta(days=1))
    actions.mark_read(me, room, first.seq)
    post(network, other, "Tämän päivän ensimmäinen", "b")
    post(network, other, "ja jatko samaan ryhmään", "c")
    from core.text import mention_handle

    post(network, other, f"@{mention_handle(me)} katso tätä", "d")
    page = client_for(client, me).get(reverse("discussion-room", args=[network.slug, room.pk])).content.decode()
    assert page.count('class="discussion__day"') == 2
    assert page.count('id="uudet"') == 1
    assert page.index('id="uudet"') < page.index("Tämän päivän ensimmäinen")
    assert page.count("dmsg--continued") == 2
    assert page.count("dmsg--mentions-me") == 1


@pytest.mark.django_db
def test_the_room_pages_queries_do_not_grow_with_reactions(client, network_people):
    network, _other, people = network_people
    client_for(client, people["member"])
    url = reverse("discussion-room", args=[network.slug, general_room(network).pk])

    def add(count):
        for _n in range(count):
            person = make_user()
            make_membership(network, person)
            message = post(network, person, "Viesti", f"x{person.pk}")
            for kind in ("peukku", "idea"):
                actions.set_reaction(message, person, kind, True)
                actions.set_reaction(message, people["contact"], kind, True)

    add(1)
    small = queries_for(client, url)
    add(6)
    large = queries_for(client, url)
    assert_queries(small, small=small, large=large)
