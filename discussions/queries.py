"""Reads of the discussion: rooms, unread counts, pages of messages, and the protocol's objects.

Views, the consumer and the events all read through these; none of them changes anything (the writes are in
discussions.actions). Each runs a fixed number of queries, however many messages, rooms or members there are.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import unescape
from typing import NotRequired, TypedDict

from django.db.models import BooleanField, Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from accounts.models import User
from core.text import mention_handle
from networks.models import NetworkPage
from notices.attention import Followed
from notices.models import Attention, NetworkAttention

from .models import Draft, Message, Reaction, ReadMarker, Room, RoomAttention

SYNC_PAGE_SIZE = 100
EXCERPT_LENGTH = 80  # characters of a message shown where it is quoted: a reply, the start page
BLOCK_BOUNDARY = re.compile(r"</?(?:p|br|li|ul|ol|blockquote)\b[^>]*>")

# General first, then the workshops' rooms in the order of the workshops, then topics oldest first.
KIND_ORDER = Case(
    When(kind=Room.Kind.GENERAL, then=Value(0)),
    When(kind=Room.Kind.WORKSHOP, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
ROOM_ORDER = (KIND_ORDER, F("workshop__start").asc(nulls_last=True), "created", "pk")


# The protocol's objects (docs/realtime.md), as the frames carry them.


class PersonObject(TypedDict):
    """A message's author, who is typing, one of who is online."""

    id: int
    name: str


class ReactionObject(TypedDict):
    """One kind of reaction to a message, with who reacted (in the order they did)."""

    kind: str
    emoji: str
    people: list[PersonObject]


class MessageObject(TypedDict):
    id: int
    room: int
    seq: int
    author: PersonObject
    body: str  # "" once deleted or hidden
    body_html: str
    created: str  # ISO 8601
    edited: str | None
    deleted: bool
    hidden_reason: str
    reply_to: int | None
    client_id: str
    reactions: NotRequired[list[ReactionObject]]  # in `sync.result`; `message.updated` leaves them as they are


class RoomObject(TypedDict):
    id: int
    title: str
    kind: str
    closed: bool
    pinned: int | None  # the pinned message's id
    last_seq: int


def network_rooms(network: NetworkPage, user: User | None = None) -> list[Room]:
    """The network's rooms in the order people look for them (one query). With `user`, each room also says what the
    person chose for it (`attention_level`: FOLLOW, MUTE or None for the network's choice), whether they muted the
    network (`network_muted`) and so whether the room is `muted` for them — muted itself, or in a network they
    muted and not followed itself — in the same query."""
    rooms = Room.objects.filter(network=network).order_by(*ROOM_ORDER)
    if user is None:
        return list(rooms)
    own = RoomAttention.objects.filter(user=user, room=OuterRef("pk")).values("level")[:1]
    network_muted = NetworkAttention.objects.filter(user=user, network=OuterRef("network"), level=Attention.MUTE)
    annotated: list[Room] = list(
        rooms.annotate(attention_level=Subquery(own), network_muted=Exists(network_muted)).annotate(
            muted=Case(
                When(attention_level=Attention.MUTE, then=Value(True)),
                When(attention_level__isnull=True, network_muted=True, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    return annotated


def followed_rooms(user: User, networks: Sequence[NetworkPage]) -> list[Followed]:
    """The rooms of these networks that the person followed or muted themselves, by network and title, as the
    notice settings page lists them (notices.attention): one query."""
    choices = (
        RoomAttention.objects.filter(user=user, room__network__in=networks)
        .select_related("room__network")
        .order_by("room__network__title", "room__title", "room_id")
    )
    return [
        Followed(
            source="room",
            id=choice.room_id,
            title=choice.room.title,
            where=choice.room.network.title,
            url=reverse("discussion-room", args=[choice.room.network.slug, choice.room_id]),
            level=choice.level,
        )
        for choice in choices
    ]


def unread_counts(user: User, rooms: Sequence[Room]) -> dict[int, int]:
    """{room id: unread count} for the given rooms, in one query."""
    read = dict(ReadMarker.objects.filter(user=user, room__in=rooms).values_list("room_id", "last_read_seq"))
    return {room.pk: max(0, room.last_seq - read.get(room.pk, 0)) for room in rooms}


def rooms_with_unread(network_id: int, users: Sequence[User]) -> tuple[list[RoomObject], dict[int, dict[int, int]]]:
    """The network's rooms as room objects (in network_rooms' order) and each person's unread count in each
    ({user id: {room id: count}}): two queries however many people, for the sockets of a wave that connects."""
    rooms = list(Room.objects.filter(network_id=network_id).order_by(*ROOM_ORDER))
    markers = ReadMarker.objects.filter(room__in=rooms, user__in=users).values_list(
        "user_id", "room_id", "last_read_seq"
    )
    read: dict[int, dict[int, int]] = {user.pk: {} for user in users}
    for user_id, room_id, seq in markers:
        read[user_id][room_id] = seq
    unread = {
        user.pk: {room.pk: max(0, room.last_seq - read[user.pk].get(room.pk, 0)) for room in rooms} for user in users
    }
    return [room_summary(room) for room in rooms], unread


def drafts_of(room_ids: Iterable[int], users: Sequence[User]) -> dict[int, dict[int, str]]:
    """Each person's drafts in these rooms ({user id: {room id: text}}): one query however many people, for the
    sockets of a wave that connects (each gets its own person's only)."""
    drafts: dict[int, dict[int, str]] = {user.pk: {} for user in users}
    rows = Draft.objects.filter(room_id__in=list(room_ids), user__in=users).values_list("user_id", "room_id", "body")
    for user_id, room_id, body in rows:
        drafts[user_id][room_id] = body
    return drafts


def draft_body(user: User, room: Room) -> str:
    """The person's draft of the room, or "": what the room page puts in its message box (one query)."""
    return Draft.objects.filter(user=user, room=room).values_list("body", flat=True).first() or ""


def messages_after(room: Room, after: int, limit: int = SYNC_PAGE_SIZE) -> tuple[list[Message], bool]:
    """The room's messages with seq > after, oldest first, at most `limit`; and whether that was all."""
    batch = list(Message.objects.filter(room=room, seq__gt=after).select_related("author").order_by("seq")[: limit + 1])
    return batch[:limit], len(batch) <= limit


def messages_before(room: Room, before: int | None = None, limit: int = 50) -> list[Message]:
    """A page of history, newest first: keyset pagination on (room, seq), as fast at 100 000 as at 100."""
    messages = Message.objects.filter(room=room).select_related("author").order_by("-seq")
    if before is not None:
        messages = messages.filter(seq__lt=before)
    return list(messages[:limit])


def message_in_rooms(message_id: int, room_ids: Iterable[int]) -> Message | None:
    """The message with its author and room (whose network hears of a change), if it is in one of these rooms (a
    socket's rooms): else None."""
    return Message.objects.select_related("author", "room").filter(pk=message_id, room_id__in=room_ids).first()


def serialise_message(message: Message) -> MessageObject:
    """The protocol's message object. Hidden and deleted messages keep their place but not their text."""
    removed = message.deleted is not None
    return {
        "id": message.id,
        "room": message.room_id,
        "seq": message.seq,
        "author": {"id": message.author_id, "name": message.author.display_name},
        "body": "" if removed else message.body,
        "body_html": "" if removed else message.body_html,
        "created": message.created.isoformat(),
        "edited": message.edited.isoformat() if message.edited else None,
        "deleted": removed,
        "hidden_reason": message.hidden_reason,
        "reply_to": message.reply_to_id,
        "client_id": message.client_id,
    }


def room_summary(room: Room) -> RoomObject:
    """The protocol's room object (in `rooms`, `room.created` and `room.updated`)."""
    return {
        "id": room.pk,
        "title": room.title,
        "kind": room.kind,
        "closed": room.is_closed,
        "pinned": room.pinned_message_id,
        "last_seq": room.last_seq,
    }


def excerpt(message: Message) -> str:
    """The message as plain text, cut to EXCERPT_LENGTH characters."""
    if message.deleted is not None:
        return _("Viesti poistettu")
    text = plain_text(message)
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def plain_text(message: Message) -> str:
    """The message as read, without the markdown: block boundaries become spaces so list items do not run
    together; the whitespace is collapsed. Plain text, not HTML: whoever shows it escapes it."""
    return " ".join(unescape(strip_tags(BLOCK_BOUNDARY.sub(" ", message.body_html))).split())


def _read_seq(user: User, room: OuterRef) -> Coalesce:
    """How far the person has read the room `room` refers to (0 if never opened), for an annotation."""
    return Coalesce(Subquery(ReadMarker.objects.filter(Q(room=room), user=user).values("last_read_seq")[:1]), 0)


@dataclass
class UnreadRoom:
    room: Room
    unread: int
    latest: Message | None  # the newest message, with its author

    @property
    def excerpt(self) -> str:
        return excerpt(self.latest) if self.latest else ""


def unread_rooms(user: User, networks: Sequence[NetworkPage]) -> list[UnreadRoom]:
    """The rooms of these networks with messages the person has not read, the most recently active first: two
    queries however many."""
    rooms = list(
        Room.objects.filter(network__in=networks)
        .annotate(read_seq=_read_seq(user, OuterRef("pk")))
        .filter(last_seq__gt=F("read_seq"))
    )
    latest = {
        message.room_id: message
        for message in Message.objects.filter(room__in=rooms, seq=F("room__last_seq")).select_related("author")
    }
    unread = [UnreadRoom(room, room.last_seq - room.read_seq, latest.get(room.pk)) for room in rooms]
    return sorted(unread, key=lambda entry: entry.latest.created if entry.latest else entry.room.created, reverse=True)


@dataclass
class Notice:
    """A message that mentions the person or replies to one of theirs."""

    message: Message
    unread: bool
    replies_to_me: bool  # else it mentions them

    @property
    def excerpt(self) -> str:
        return excerpt(self.message)


def mentions_and_replies(user: User, networks: Sequence[NetworkPage], limit: int) -> list[Notice]:
    """The newest messages in these networks that mention the person or reply to them (not their own, not
    removed), with their authors, rooms and `network_slug`: one query."""
    mentioning = Message.mentions.through.objects.filter(user=user).values("message_id")
    messages = (
        Message.objects.filter(Q(pk__in=mentioning) | Q(reply_to__author=user), room__network__in=networks)
        .filter(deleted__isnull=True)
        .exclude(author=user)
        .annotate(
            read_seq=_read_seq(user, OuterRef("room")),
            replied_author=F("reply_to__author"),
            network_slug=F("room__network__slug"),
        )
        .select_related("author", "room")
        .order_by("-created", "-pk")[:limit]
    )
    return [Notice(message, message.seq > message.read_seq, message.replied_author == user.pk) for message in messages]


def reactions_of(message_ids: Iterable[int]) -> dict[int, list[ReactionObject]]:
    """{message id: its reactions, kinds in the fixed order} for these messages: one query."""
    ids = list(message_ids)
    if not ids:
        return {}
    by_message: dict[int, dict[str, ReactionObject]] = {}
    for reaction in (
        Reaction.objects.filter(message_id__in=ids).select_related("user").order_by("created", "pk").iterator()
    ):
        kinds = by_message.setdefault(reaction.message_id, {})
        entry = kinds.setdefault(
            reaction.kind,
            {"kind": reaction.kind, "emoji": Reaction.EMOJI[Reaction.Kind(reaction.kind)], "people": []},
        )
        entry["people"].append({"id": reaction.user_id, "name": reaction.user.display_name})
    order = list(Reaction.Kind.values)
    return {
        message_id: sorted(kinds.values(), key=lambda entry: order.index(entry["kind"]))
        for message_id, kinds in by_message.items()
    }


def last_read_seq(user: User, room: Room) -> int:
    """How far the person had read the room (0 if never opened)."""
    return ReadMarker.objects.filter(user=user, room=room).values_list("last_read_seq", flat=True).first() or 0


def mentioning(user: User, message_ids: Iterable[int]) -> list[int]:
    """Which of these messages mention the person: one query."""
    return list(
        Message.mentions.through.objects.filter(user=user, message_id__in=list(message_ids)).values_list(
            "message_id", flat=True
        )
    )


def mentionable_people(network: NetworkPage, user: User) -> list[dict[str, str]]:
    """The network's other members as the mention autocomplete offers them, [{name, handle}] by name: one query."""
    people = User.objects.filter(memberships__network=network, memberships__left__isnull=True, is_active=True).exclude(
        pk=user.pk
    )
    return [
        {"name": person.display_name, "handle": mention_handle(person)}
        for person in people.order_by("first_name", "last_name", "pk")
    ]
