"""Discussion events: who hears of a change, the frame they get, and sending it once the change is committed.

Each action in discussions.actions emits the event of what it changed (`message_created(message)`, …) with
`send_on_commit`: nobody hears of a row that was rolled back (persist, then broadcast), and a channel layer
failure is logged and loses nothing — the change is stored, the sender is answered, and the other sockets
catch up with their next `sync`.

Every event names its audience:

- a network's group, `network.<id>`: everything that happens in its discussion — the messages of its rooms
  (new, updated, deleted), who is typing where, its rooms (created, updated), who is online, a change of its
  access. Every socket of a network follows all of its rooms, so a group per room would hold the same sockets:
  one group is one membership to add and remove per socket instead of one per room;
- a person's group, `user.<id>`: a change of their access, so every socket of theirs checks it at once; their
  draft of a room, which only their own sockets ever receive; a room they followed or muted, so every control of
  theirs shows it.

Fan-out costs the receivers nothing: a frame is serialised once, here, on the sender's side, and the group
carries the finished text as a `discussion.frame` event, which a receiving socket only writes to its client
(DiscussionConsumer.dispatch). The replies to one socket (`ack`, `unread`, `sync.result`, `error`, …) are the
consumer's, built with `frame()` too; they are not events.
"""

import json
import logging
from collections.abc import Iterable
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.db import transaction

from accounts.models import User
from core import metrics

from .models import Message, Room
from .queries import PersonObject, ReactionObject, room_summary, serialise_message

logger = logging.getLogger(__name__)

FRAME = "discussion.frame"  # finished text that a receiving socket writes as it is
ROOM_CREATED = "room.created"  # finished text too, but the socket first learns the new room's id
ACCESS_CHANGED = "access.changed"  # no text: the socket checks its access now
DRAFT_CHANGED = "draft.changed"  # finished text for the person's sockets of the room's network, but its origin


# -- audiences ----------------------------------------------------------------------------------------------


def network_group(network_id: int) -> str:
    return f"network.{network_id}"


def user_group(user_id: int) -> str:
    """Every socket of one person: a change of their access makes them re-check at once."""
    return f"user.{user_id}"


# -- frames ---------------------------------------------------------------------------------------------------


def frame(type_: str, **fields: object) -> str:
    """A protocol frame as the text sent on the socket."""
    return json.dumps({"type": type_, **fields}, ensure_ascii=False, separators=(",", ":"))


def message_frame(type_: str, message: Message) -> str:
    """`message.new` or `message.updated`: the whole message object."""
    return frame(type_, message=serialise_message(message))


def deleted_frame(message: Message) -> str:
    return frame("message.deleted", id=message.id, room=message.room_id, hidden_reason=message.hidden_reason)


def room_frame(type_: str, room: Room) -> str:
    """`room.created` or `room.updated`: the room object, as in `rooms`."""
    return frame(type_, room=room_summary(room))


def typing_frame(room_id: int, user: User) -> str:
    return frame("typing", room=room_id, user={"id": user.pk, "name": user.display_name})


def presence_frame(online: list[PersonObject]) -> str:
    return frame("presence", online=online)


def presence_update_frame(joined: list[PersonObject], left: list[int]) -> str:
    """Who came (with their names) and who went (their ids) since the socket's last list."""
    return frame("presence.update", joined=joined, left=left)


# -- the events of actions (sent after the commit) ------------------------------------------------------------


def message_created(message: Message) -> None:
    send_on_commit(network_group(message.room.network_id), message_frame("message.new", message))


def message_updated(message: Message) -> None:
    send_on_commit(network_group(message.room.network_id), message_frame("message.updated", message))


def message_deleted(message: Message) -> None:
    """A deletion by its author, or a facilitator's hiding (with the reason shown in its place)."""
    send_on_commit(network_group(message.room.network_id), deleted_frame(message))


def reactions_changed(message: Message, reactions: list[ReactionObject]) -> None:
    """A message's reactions, all of them: a client that missed a change is right again with the next."""
    text = frame("message.reactions", id=message.id, room=message.room_id, reactions=reactions)
    send_on_commit(network_group(message.room.network_id), text)


def room_created(room: Room) -> None:
    """To the whole network: every open socket adds the room to its rooms (DiscussionConsumer.room_created)."""
    send_on_commit(network_group(room.network_id), room_frame("room.created", room), event=ROOM_CREATED)


def room_updated(room: Room) -> None:
    """Closed or opened, a message pinned or unpinned: to the whole network, which lists the room."""
    send_on_commit(network_group(room.network_id), room_frame("room.updated", room))


def draft_changed(user_id: int, room_id: int, body: str, origin: str = "") -> None:
    """The person's draft of a room (empty: gone) to their own sockets only, never to the network: each socket of
    the room's network passes it on, except `origin`, the socket that saved it (DiscussionConsumer.draft_changed)."""
    text = frame("draft", room=room_id, body=body)
    transaction.on_commit(
        partial(send, user_group(user_id), {"type": DRAFT_CHANGED, "text": text, "room": room_id, "origin": origin})
    )


def attention_changed(user_id: int, room_id: int, level: str) -> None:
    """The person followed or muted a room, or left it to the network: every socket of theirs shows it (the frame
    names the room; a socket of another network's page has no control for it and ignores it)."""
    send_on_commit(user_group(user_id), frame("attention", room=room_id, level=level))


def access_changed(user_ids: Iterable[int], network_ids: Iterable[int]) -> None:
    """The open sockets of these people and networks check their access now (it changed and is committed)."""
    for group in [user_group(pk) for pk in user_ids] + [network_group(pk) for pk in network_ids]:
        send(group, {"type": ACCESS_CHANGED})


# -- sending --------------------------------------------------------------------------------------------------


def send_on_commit(group: str, text: str, event: str = FRAME) -> None:
    """Sends a finished frame to a group once the current transaction has committed (at once outside one)."""
    transaction.on_commit(partial(send, group, {"type": event, "text": text}))


def send(group: str, event: dict[str, object]) -> None:
    """Sends an event to a group now, from synchronous code (an action's commit, a signal). A channel layer
    failure is logged, never raised: what changed is stored, and the sockets catch up with their next sync."""
    try:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, event)
    except Exception:
        metrics.CHANNEL_LAYER_FAILURES.inc()
        logger.exception("Sending to %s failed", group)


async def send_now(channel_layer: BaseChannelLayer, group: str, text: str) -> None:
    """Sends a finished frame from the consumer's event loop: presence and typing, which store nothing."""
    try:
        await channel_layer.group_send(group, {"type": FRAME, "text": text})
    except Exception:
        metrics.CHANNEL_LAYER_FAILURES.inc()
        logger.exception("Sending to %s failed", group)
