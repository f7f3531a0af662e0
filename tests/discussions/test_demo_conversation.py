"""The demo networks' conversations (discussions/demo.py, site/content/discussions.json): believable rooms, stored
as typed messages are, found by the search, and a second load writes nothing."""

import json
import shutil
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.demo import HELSINKI, DemoContentError, default_content_dir, load_demo_content
from core.text import mention_handle
from discussions.models import Message, ReadMarker, Room
from discussions.search import search_messages
from networks.models import Membership, NetworkPage
from notices.models import Notice

pytestmark = pytest.mark.django_db

DEMO_NETWORKS = ("latu", "perheystavalliset-kuntatyopaikat")


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    mail.outbox.clear()
    load_demo_content(users=True)


def counts():
    return {model.__name__: model.objects.count() for model in (Message, Room, ReadMarker, Notice)} | {
        "mentions": Message.mentions.through.objects.count()
    }


def test_each_demo_network_talks_in_its_general_room_and_a_workshops_room(demo):
    for slug in DEMO_NETWORKS:
        network = NetworkPage.objects.get(locale__language_code="fi", slug=slug)
        members = set(Membership.objects.active().filter(network=network).values_list("user_id", flat=True))
        rooms = {room.kind: room for room in Room.objects.filter(network=network) if room.last_seq}
        assert set(rooms) == {Room.Kind.GENERAL, Room.Kind.WORKSHOP}, slug
        for room in rooms.values():
            messages = list(Message.objects.filter(room=room).order_by("seq"))
            assert 8 <= len(messages) <= 15, room
            assert [message.seq for message in messages] == list(range(1, len(messages) + 1))
            assert room.last_seq == len(messages)
            assert {message.author_id for message in messages} <= members
            assert len({message.author_id for message in messages}) >= 4, "a conversation, not a monologue"
            assert sum(message.reply_to_id is not None for message in messages) >= 3
            assert all(message.reply_to.room_id == room.pk for message in messages if message.reply_to_id)
            # Written in order over several recent days, none in the future: the room shows its days apart.
            times = [message.created for message in messages]
            assert times == sorted(times)
            assert times[-1] < timezone.now()
            assert times[0] > timezone.now() - timedelta(days=8)
            assert len({moment.astimezone(HELSINKI).date() for moment in times}) >= 3
            assert all(message.body_html.startswith(("<p>", "<ul>")) for message in messages)


def test_mentions_are_handles_of_members_and_link_to_them_but_email_nobody(demo):
    mentioned = Message.mentions.through.objects.select_related("message__room__network", "user")
    assert mentioned.count() >= 6
    for row in mentioned:
        message = row.message
        assert f"@{mention_handle(row.user)}" in message.body
        assert f"#jasen-{row.user_id}" in message.body_html
        assert Membership.objects.active().filter(network=message.room.network, user=row.user).exists()
    assert not Message.objects.filter(body__contains="@{").exists(), "every placeholder became a handle"
    assert Notice.objects.count() == 0, "old news notifies nobody"
    assert not [email for email in mail.outbox if "mainitsi" in email.subject.lower()]


def test_the_conversation_draws_on_the_programmes_themes_and_is_found_by_the_search(demo):
    latu = NetworkPage.objects.get(locale__language_code="fi", slug="latu")
    family = NetworkPage.objects.get(locale__language_code="fi", slug="perheystavalliset-kuntatyopaikat")
    texts = " ".join(Message.objects.filter(room__network=latu).values_list("body", flat=True))
    for fact in ("Sipoo", "120 tunnista", "29 tuntiin", "Suupohja", "Fiksu kuntatyö", "strategia", "Työhyvinvointi"):
        assert fact in texts, fact
    assert [found.message.room.network_id for found in search_messages(latu, "lasku").found]
    assert {found.message.room.network_id for found in search_messages(family, "vuoro").found} == {family.pk}
    assert not search_messages(family, "Suupohja").found, "never another network's messages"


def test_loading_again_writes_nothing(demo):
    before = counts()
    report = load_demo_content(users=True)
    assert counts() == before
    assert report.total("created") == 0 and report.total("updated") == 0
    assert report.counts["messages"]["unchanged"] == before["Message"]


def test_a_deleted_demo_message_stays_deleted(demo):
    message = Message.objects.filter(room__network__slug="latu").order_by("pk").last()
    message.deleted = timezone.now()
    message.save(update_fields=["deleted"])
    load_demo_content(users=True)
    message.refresh_from_db()
    assert message.deleted is not None


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda room: room["messages"][1].update(author="kaisa.porvoo"), "is not a member"),
        (lambda room: room["messages"][1].update(reply_to="ei-tallaista"), "not above it"),
        (lambda room: room["messages"][1].update(days_ago=0), "at least 1"),
        (lambda room: room["messages"][1].update(days_ago=99), "before the message above it"),
        (lambda room: room["messages"][1].update(text="Hei @{ei.kukaan}"), "is not a member"),
        (lambda room: room.update(room=99), "no such workshop"),
    ],
)
def test_inconsistent_content_writes_nothing(settings, tmp_path, change, complaint):
    settings.MEDIA_ROOT = tmp_path / "media"
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content)
    spec = json.loads((content / "discussions.json").read_text(encoding="utf-8"))
    change(spec["networks"]["latu"][0])
    (content / "discussions.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(DemoContentError, match=complaint):
        load_demo_content(content, users=True)
    assert Message.objects.count() == 0
