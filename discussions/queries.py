"""Reads of the discussion: rooms, unread counts, pages of messages, and the protocol's objects.

Views, the consumer and the events all read through these; none of them changes anything (the writes are in
discussions.actions). Each runs a fixed number of queries, however many messages, rooms or members there are.
"""

from collections.abc import Iterable, Sequence
from typing import TypedDict

from django.db.models import Case, F, IntegerField, Value, When

from accounts.models import User
from networks.models import NetworkPage

from .models import Message, ReadMarker, Room

SYNC_PAGE_SIZE = 100

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


class RoomObject(TypedDict):
    id: int
    title: str
    kind: str
    closed: bool
    pinned: int | None  # the pinned message's id
    last_seq: int


def network_rooms(network: NetworkPage) -> list[Room]:
    """The network's rooms in the order people look for them (one query)."""
    return list(Room.objects.filter(network=network).order_by(*ROOM_ORDER))


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
