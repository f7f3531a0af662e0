"""The discussion's pages without JavaScript: who may do what, posting, history, hostile text, query counts."""

import asyncio
import re

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.urls import reverse

from core.text import ALLOWED_TAGS
from discussions import actions, queries, views
from discussions.events import network_group
from discussions.models import Message, Room
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.discussions.hostile import HOSTILE, TagCollector, active_html
from tests.factories import make_membership, make_user, make_workshop

# Queries pinned at both data sizes (tests.conftest.assert_queries).
QUERIES = {"member": (23, 15), "facilitator": (23, 15)}  # (a room with the person's draft, the rooms)


pytestmark = pytest.mark.django_db

MEMBERS = ("member", "contact", "facilitator", "staff")
OUTSIDERS = ("outsider", "other_member")
FACILITATORS = ("facilitator", "staff")


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    settings.DISCUSSION_RATE_LIMIT = (100_000, 10)
    cache.clear()


@pytest.fixture
def setup(network_people):
    network, other_network, people = network_people
    room = actions.ensure_general_room(network)
    return network, other_network, people, room


def urls(network, room, message=None):
    slug = network.slug
    result = {
        "rooms": reverse("discussion", args=[slug]),
        "room": reverse("discussion-room", args=[slug, room.pk]),
        "pin": reverse("discussion-pin", args=[slug, room.pk]),
        "close": reverse("discussion-close", args=[slug, room.pk]),
    }
    if message is not None:
        result["edit"] = reverse("discussion-edit", args=[slug, room.pk, message.pk])
        result["delete"] = reverse("discussion-delete", args=[slug, room.pk, message.pk])
        result["hide"] = reverse("discussion-hide", args=[slug, room.pk, message.pk])
    return result


def post_message(client, network, room, body, client_id="form-1", **extra):
    return client.post(
        reverse("discussion-room", args=[network.slug, room.pk]), {"body": body, "client_id": client_id, **extra}
    )


def assert_refused(response, role):
    """Anonymous → the sign-in page; outsiders → the 403 page that explains the network."""
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
        assert "networks/space/not_member.html" in [template.name for template in response.templates]


# -- the permission matrix ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_rooms_list_and_a_room_are_for_members(client, setup, role):
    network, _other, people, room = setup
    client_for(client, people[role])
    for url in (urls(network, room)["rooms"], urls(network, room)["room"]):
        response = client.get(url)
        if role in MEMBERS:
            assert response.status_code == 200
            assert room.title in response.content.decode()
        else:
            assert_refused(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_posting_is_for_members(client, setup, role):
    network, _other, people, room = setup
    client_for(client, people[role])
    response = post_message(client, network, room, f"Viesti roolista {role}")
    if role in MEMBERS:
        message = Message.objects.get(body=f"Viesti roolista {role}")
        assert response.status_code == 302
        assert response.url == f"{urls(network, room)['room']}#viesti-{message.pk}"
    else:
        assert_refused(response, role)
        assert not Message.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_editing_is_for_the_author(client, setup, role):
    network, _other, people, room = setup
    author = people[role] if role in MEMBERS else people["member"]
    message, _ = actions.create_message(room, author, "Alkuperäinen", f"edit-{role}")
    client_for(client, people[role])
    edit_url = urls(network, room, message)["edit"]
    page = client.get(edit_url)
    response = client.post(edit_url, {"body": "Korjattu **teksti**"})
    message.refresh_from_db()
    if role in MEMBERS:
        assert page.status_code == 200
        assert "Alkuperäinen" in page.content.decode()
        assert response.status_code == 302
        assert message.body_html == "<p>Korjattu <strong>teksti</strong></p>"
        assert message.edited is not None
    else:
        assert_refused(page, role)
        assert_refused(response, role)
        assert message.body == "Alkuperäinen"


@pytest.mark.parametrize("role", ROLES)
def test_deleting_is_for_the_author(client, setup, role):
    network, _other, people, room = setup
    author = people[role] if role in MEMBERS else people["member"]
    message, _ = actions.create_message(room, author, "Poistettava", f"delete-{role}")
    client_for(client, people[role])
    response = client.post(urls(network, room, message)["delete"])
    message.refresh_from_db()
    if role in MEMBERS:
        assert response.status_code == 302
        assert message.deleted is not None
        assert message.hidden_reason == ""
        page = client.get(urls(network, room)["room"]).content.decode()
        assert "Viesti poistettu" in page
        assert "Poistettava" not in page
    else:
        assert_refused(response, role)
        assert message.deleted is None


@pytest.mark.parametrize("role", ROLES)
def test_hiding_is_for_facilitators(client, setup, role):
    network, _other, people, room = setup
    message, _ = actions.create_message(room, people["contact"], "Asiaton viesti", "hide-1")
    client_for(client, people[role])
    hide_url = urls(network, room, message)["hide"]
    page = client.get(hide_url)
    response = client.post(hide_url, {"reason": "Ei kuulu tänne <b>"})
    message.refresh_from_db()
    if role in FACILITATORS:
        assert page.status_code == 200
        assert response.status_code == 302
        assert message.deleted is not None
        room_page = client.get(urls(network, room)["room"]).content.decode()
        assert "Fasilitaattori piilotti viestin: Ei kuulu tänne &lt;b&gt;" in room_page
        assert "Asiaton viesti" not in room_page
    elif role in MEMBERS:
        assert page.status_code == response.status_code == 403
        assert message.deleted is None
    else:
        assert_refused(page, role)
        assert_refused(response, role)
        assert message.deleted is None


@pytest.mark.parametrize("role", ROLES)
def test_pinning_is_for_facilitators(client, setup, role):
    network, _other, people, room = setup
    message, _ = actions.create_message(room, people["member"], "Tärkeä ohje", "pin-1")
    client_for(client, people[role])
    response = client.post(urls(network, room)["pin"], {"message": message.pk})
    room.refresh_from_db()
    if role in FACILITATORS:
        assert response.status_code == 302
        assert room.pinned_message == message
        page = client.get(urls(network, room)["room"]).content.decode()
        assert "Kiinnitetty viesti" in page
        client.post(urls(network, room)["pin"], {"message": ""})
        room.refresh_from_db()
        assert room.pinned_message is None
    elif role in MEMBERS:
        assert response.status_code == 403
        assert room.pinned_message is None
    else:
        assert_refused(response, role)
        assert room.pinned_message is None


@pytest.mark.parametrize("role", ROLES)
def test_closing_is_for_facilitators(client, setup, role):
    network, _other, people, room = setup
    client_for(client, people[role])
    response = client.post(urls(network, room)["close"], {"closed": "1"})
    room.refresh_from_db()
    if role in FACILITATORS:
        assert response.status_code == 302
        assert room.is_closed
        client.post(urls(network, room)["close"], {"closed": "0"})
        room.refresh_from_db()
        assert not room.is_closed
    elif role in MEMBERS:
        assert response.status_code == 403
        assert not room.is_closed
    else:
        assert_refused(response, role)
        assert not room.is_closed


def test_facilitator_tools_are_shown_only_to_facilitators(client, setup):
    network, _other, people, room = setup
    actions.create_message(room, people["contact"], "Viesti", "tools-1")
    member_page = client_for(client, people["member"]).get(urls(network, room)["room"]).content.decode()
    facilitator_page = client_for(client, people["facilitator"]).get(urls(network, room)["room"]).content.decode()
    for marker in ("/kiinnita/", "/piilota/", "/sulje/"):
        assert marker not in member_page
        assert marker in facilitator_page


def test_edit_and_delete_of_someone_elses_message_are_not_found(client, setup):
    network, _other, people, room = setup
    message, _ = actions.create_message(room, people["contact"], "Yhteyshenkilön viesti", "others-1")
    client_for(client, people["facilitator"])  # even a facilitator edits only their own; they hide instead
    assert client.get(urls(network, room, message)["edit"]).status_code == 404
    assert client.post(urls(network, room, message)["delete"]).status_code == 404
    message.refresh_from_db()
    assert message.deleted is None


def test_a_room_of_another_network_is_not_found_under_this_networks_address(client, setup):
    network, other_network, people, _room = setup
    foreign = actions.ensure_general_room(other_network)
    message, _ = actions.create_message(foreign, people["other_member"], "Toisen verkoston viesti", "foreign-1")
    client_for(client, people["facilitator"])
    slug = network.slug
    assert client.get(reverse("discussion-room", args=[slug, foreign.pk])).status_code == 404
    assert post_message(client, network, foreign, "Väärä verkosto").status_code == 404
    assert client.post(reverse("discussion-close", args=[slug, foreign.pk]), {"closed": "1"}).status_code == 404
    assert client.post(reverse("discussion-pin", args=[slug, foreign.pk]), {"message": message.pk}).status_code == 404
    assert client.get(reverse("discussion-hide", args=[slug, foreign.pk, message.pk])).status_code == 404
    foreign.refresh_from_db()
    assert not foreign.is_closed
    assert not Message.objects.filter(body="Väärä verkosto").exists()


# -- posting -------------------------------------------------------------------------------------------------


def test_a_closed_room_refuses_a_post_clearly_and_stores_nothing(client, setup):
    network, _other, people, room = setup
    actions.set_room_closed(room, True)
    client_for(client, people["member"])
    page = client.get(urls(network, room)["room"]).content.decode()
    assert "Huone on suljettu uusilta viesteiltä." in page

    response = post_message(client, network, room, "Ehdin vielä?")
    content = response.content.decode()
    assert response.status_code == 400
    assert "Huone on suljettu uusilta viesteiltä." in content
    assert "Ehdin vielä?" in content  # the typed text is kept in the form
    assert not Message.objects.exists()


def test_submitting_the_same_form_twice_stores_one_message(client, setup):
    network, _other, people, room = setup
    client_for(client, people["member"])
    page = client.get(urls(network, room)["room"]).content.decode()
    client_id = re.search(r'name="client_id" value="([0-9a-f]{32})"', page).group(1)

    first = post_message(client, network, room, "Tuplaklikkaus", client_id)
    second = post_message(client, network, room, "Tuplaklikkaus", client_id)

    assert Message.objects.filter(body="Tuplaklikkaus").count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    # A new page gets a new client_id, so the next message is a new one.
    next_page = client.get(urls(network, room)["room"]).content.decode()
    assert f'name="client_id" value="{client_id}"' not in next_page


def test_an_oversize_message_is_refused_clearly_and_the_text_is_kept(client, setup):
    network, _other, people, room = setup
    client_for(client, people["member"])
    body = "alku " + "x" * actions.MAX_BODY_LENGTH + " loppu"
    response = post_message(client, network, room, body, "long-1")
    content = response.content.decode()
    assert response.status_code == 400
    assert "Viesti on liian pitkä" in content
    assert re.search(r"<textarea[^>]*>\s*alku x{10000} loppu</textarea>", content)
    assert 'name="client_id" value="long-1"' in content  # the same form can be sent again once shortened
    assert not Message.objects.exists()


def test_an_empty_message_is_refused(client, setup):
    network, _other, people, room = setup
    client_for(client, people["member"])
    response = post_message(client, network, room, "   \n ", "empty-1")
    assert response.status_code == 400
    assert "Viesti on tyhjä." in response.content.decode()
    assert not Message.objects.exists()


def test_rate_limited_posting_says_when_to_retry_and_keeps_the_text(client, setup, settings):
    network, _other, people, room = setup
    settings.DISCUSSION_RATE_LIMIT = (1, 60)
    client_for(client, people["member"])
    post_message(client, network, room, "Ensimmäinen", "rate-1")
    response = post_message(client, network, room, "Toinen liian pian", "rate-2")
    content = response.content.decode()
    assert response.status_code == 429
    assert "Lähetät viestejä liian tiheään" in content
    assert "Toinen liian pian" in content
    assert Message.objects.count() == 1


def test_a_reply_from_the_form(client, setup):
    network, _other, people, room = setup
    question, _ = actions.create_message(room, people["contact"], "Kuka tulee **työpajaan**?", "q-1")
    client_for(client, people["member"])
    page = client.get(urls(network, room)["room"] + f"?vastaa={question.pk}").content.decode()
    assert f'name="reply_to" value="{question.pk}"' in page
    assert "Vastaat viestiin" in page
    post_message(client, network, room, "Minä tulen", "a-1", reply_to=question.pk)
    answer = Message.objects.get(body="Minä tulen")
    assert answer.reply_to == question
    page = client.get(urls(network, room)["room"]).content.decode()
    assert f'href="#viesti-{question.pk}"' in page
    assert "yhteys@example.fi: Kuka tulee työpajaan?" in page  # the excerpt is plain text


def test_posting_tells_the_open_sockets_after_the_commit(client, setup, django_capture_on_commit_callbacks):
    network, _other, people, room = setup
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(network_group(network.pk), channel)
    client_for(client, people["member"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_message(client, network, room, "Kaikille heti", "live-1")
    assert len(callbacks) == 1  # nothing is sent before the commit
    callbacks[0]()
    event = async_to_sync(asyncio.wait_for)(layer.receive(channel), 5)
    assert event["type"] == "discussion.frame"
    assert '"type":"message.new"' in event["text"]
    assert "Kaikille heti" in event["text"]
    async_to_sync(layer.group_discard)(network_group(network.pk), channel)


def test_reading_the_room_marks_it_read(client, setup):
    network, _other, people, room = setup
    for n in range(3):
        actions.create_message(room, people["contact"], f"Viesti {n}", f"read-{n}")
    room.refresh_from_db()
    assert queries.unread_counts(people["member"], [room]) == {room.pk: 3}
    client_for(client, people["member"]).get(urls(network, room)["room"])
    room.refresh_from_db()
    assert queries.unread_counts(people["member"], [room]) == {room.pk: 0}


# -- rooms ---------------------------------------------------------------------------------------------------


def test_rooms_list_general_first_then_workshops_then_topics_with_unread_counts(client, setup):
    network, _other, people, room = setup
    topic = actions.create_topic_room(network, people["contact"], "Aikaisin avattu aihe")
    workshop = make_workshop(network, days_from_now=7)
    workshop_room = Room.objects.get(workshop=workshop)
    for n in range(2):
        actions.create_message(topic, people["contact"], f"Aiheen viesti {n}", f"topic-{n}")
    client_for(client, people["member"])
    response = client.get(urls(network, room)["rooms"])
    content = response.content.decode()
    order = [int(pk) for pk in re.findall(r'data-room-item="(\d+)"', content)]
    assert order == [room.pk, workshop_room.pk, topic.pk]
    badge = rf'data-unread-badge="{topic.pk}"><span class="unread-badge__count" aria-hidden="true">2<'
    assert re.search(badge, content)


def test_members_open_topic_rooms(client, setup):
    network, _other, people, _room = setup
    client_for(client, people["contact"])
    url = reverse("discussion", args=[network.slug])
    response = client.post(url, {"title": "Perhevapaat ja sijaisuudet"})
    topic = Room.objects.get(title="Perhevapaat ja sijaisuudet")
    assert topic.kind == Room.Kind.TOPIC and topic.network_id == network.pk
    assert response.url == reverse("discussion-room", args=[network.slug, topic.pk])
    empty = client.post(url, {"title": "  "})
    assert empty.status_code == 400
    assert "Anna aiheelle otsikko." in empty.content.decode()


# -- history -------------------------------------------------------------------------------------------------


def seqs_on(content):
    return [int(seq) for seq in re.findall(r'data-seq="(\d+)"', content)]


def test_history_pages_back_fifty_at_a_time_on_seq(client, setup):
    network, _other, people, room = setup
    for n in range(1, 121):
        actions.create_message(room, people["contact"], f"Historia {n}", f"history-{n}")
    client_for(client, people["member"])
    url = urls(network, room)["room"]

    newest = client.get(url).content.decode()
    assert seqs_on(newest) == list(range(71, 121))  # oldest → newest on the page
    assert 'href="?before=71"' in newest and "Vanhemmat viestit" in newest

    older = client.get(url + "?before=71").content.decode()
    assert seqs_on(older) == list(range(21, 71))
    assert 'href="?before=21"' in older
    assert f'<a href="{url}" rel="next">Uudemmat viestit</a>' in older  # 71–120 is the newest page
    assert 'data-live="false"' in older

    oldest = client.get(url + "?before=21").content.decode()
    assert seqs_on(oldest) == list(range(1, 21))
    assert "Vanhemmat viestit" not in oldest
    assert f'<a href="{url}?before=71" rel="next">Uudemmat viestit</a>' in oldest
    assert client.get(url + "?before=kissa").status_code == 200  # nonsense is the newest page


# -- hostile text ----------------------------------------------------------------------------------------------


def message_area(content):
    start = content.index("data-log>")
    return content[start : content.index('id="viesti-lomake"')]


def test_hostile_text_never_becomes_active_html_in_the_room(client, setup):
    network, _other, people, room = setup
    author = make_user("paha@example.fi", first_name='<img src=x onerror="alert(1)">', last_name="<script>")
    make_membership(network, author)
    client_for(client, author)
    for n, body in enumerate(HOSTILE):
        response = post_message(client, network, room, body, f"hostile-{n}")
        assert response.status_code == 302, body
    first = Message.objects.order_by("seq").first()
    client.post(urls(network, room)["room"], {"body": "vastaus", "client_id": "hostile-reply", "reply_to": first.pk})
    assert Message.objects.filter(room=room).count() == len(HOSTILE) + 1

    for viewer in (author, people["facilitator"]):
        content = client_for(client, viewer).get(urls(network, room)["room"]).content.decode()
        area = message_area(content)
        assert active_html(area) == []
        # Inside the messages' bodies, only the tags our markdown makes.
        for body in re.findall(r'<div class="dmsg__body">(.*?)</div>', area, flags=re.DOTALL):
            collector = TagCollector()
            collector.feed(body)
            assert {tag for tag, _attrs in collector.tags} <= ALLOWED_TAGS
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in area  # shown as text, not dropped silently
        assert "A" * 5000 in area


# -- queries ---------------------------------------------------------------------------------------------------


def grow(network, room, people, messages, members):
    authors = [people["member"], people["contact"], people["facilitator"]]
    for _ in range(members):
        authors.append(make_membership(network, make_user()).user)
    previous = None
    for n in range(messages):
        author = authors[n % len(authors)]
        previous, _ = actions.create_message(
            room,
            author,
            f"Viesti {room.last_seq + 1} **lihavoitu**",
            f"grow-{room.pk}-{Message.objects.count()}",
            previous.pk if previous is not None and n % 3 == 0 else None,
        )
        room.refresh_from_db()
    actions.create_topic_room(network, authors[-1], f"Aihe {Room.objects.count()}")


@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_room_and_rooms_pages_run_the_same_queries_at_ten_times_the_size(client, setup, role):
    network, _other, people, room = setup
    grow(network, room, people, messages=20, members=5)
    client_for(client, people[role])
    room_url = urls(network, room)["room"]
    rooms_url = urls(network, room)["rooms"]
    small = (queries_for(client, room_url), queries_for(client, rooms_url))

    grow(network, room, people, messages=180, members=45)
    large = (queries_for(client, room_url), queries_for(client, rooms_url))

    assert Message.objects.filter(room=room).count() == 200
    assert_queries(QUERIES[role], small=small, large=large)


@pytest.mark.parametrize("role", ROLES)
def test_a_message_has_an_address_of_its_own_for_members(client, setup, role):
    network, other_network, people, room = setup
    first, _created = actions.create_message(room, people["member"], "Ensimmäinen", "link-0")
    for n in range(views.PAGE_SIZE + 1):
        actions.create_message(room, people["contact"], f"Viesti {n}", f"link-{n + 1}")
    newest = Message.objects.filter(room=room).order_by("-seq").first()
    client_for(client, people[role])
    response = client.get(reverse("discussion-message", args=[network.slug, room.pk, first.pk]))
    if role in ("anonymous", "outsider", "other_member"):
        assert_refused(response, role)
        return
    room_address = reverse("discussion-room", args=[network.slug, room.pk])
    assert response.url == f"{room_address}?before={first.seq + 1}#viesti-{first.pk}"  # an older page shows it
    assert f'id="viesti-{first.pk}"' in client.get(response.url.split("#")[0]).content.decode()
    response = client.get(reverse("discussion-message", args=[network.slug, room.pk, newest.pk]))
    assert response.url == f"{room_address}#viesti-{newest.pk}"  # on the newest page: the live one
    stranger, _created = actions.create_message(
        actions.ensure_general_room(other_network), people["other_member"], "Toisen verkoston", "link-x"
    )
    assert client.get(reverse("discussion-message", args=[network.slug, room.pk, stranger.pk])).status_code == 404
