"""The discussion websocket: one per open member space page, `ws(s)://HOST/ws/networks/<slug>/`.

Access is decided in `connect()` with the same function the HTTP views use (networks.access), and decided
again whenever it may have changed: before every client frame the socket compares the access versions it
remembers with the shared cache (core.access), and a change, a missing version, a push to the person's or
the network's group, or ACCESS_RECHECK_SECONDS without a check mean a fresh database check. Lost access
closes the socket (4401 signed out, 4403 no longer a member). Every client frame is validated and answered;
a refusal is an `error` frame and the connection stays open.

Fan-out costs the receivers nothing: the sender's consumer serialises the frame once, the group carries
the finished text, and a receiving consumer writes it to its socket without touching the database.
docs/realtime.md describes the protocol frame by frame.
"""

import asyncio
import json
import logging
import random
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.sessions import signed_in_user
from core.access import network_version_key, user_version_key, versions_for_check, versions_unchanged
from networks.access import current_access, network_access
from networks.models import Membership, NetworkPage

from . import actions
from .actions import DiscussionError
from .models import Message, Room

logger = logging.getLogger(__name__)

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_MEMBER = 4403
MAX_FRAME_BYTES = 64 * 1024
TYPING_INTERVAL = 3.0  # seconds between typing frames of one person in one room
PRESENCE_TTL = 24 * 3600
PRESENCE_COALESCE_SECONDS = 0.25
# A database check of access at least this often, whatever the versions say: catches what nobody announced
# (a session that expired, a password set outside allauth) and a socket that only listens.
ACCESS_RECHECK_SECONDS = 300

# Group events that only write finished text to the socket: no database, so no thread hop (see dispatch).
FAN_OUT_EVENTS = {"discussion.frame"}


def room_group(room_id):
    return f"room.{room_id}"


def network_group(network_id):
    return f"network.{network_id}"


def user_group(user_id):
    """Every socket of one person: a change of their access makes them re-check at once."""
    return f"user.{user_id}"


class ScopeRequest:
    """Just enough of a request for Django's language negotiation: the language cookie, Accept-Language."""

    def __init__(self, scope):
        headers = {key.decode("latin1").lower(): value.decode("latin1") for key, value in scope.get("headers", [])}
        self.META = {"HTTP_ACCEPT_LANGUAGE": headers.get("accept-language", "")}
        self.COOKIES = scope.get("cookies", {})


def frame(type_, **fields):
    return json.dumps({"type": type_, **fields}, ensure_ascii=False, separators=(",", ":"))


class DiscussionConsumer(AsyncWebsocketConsumer):
    async def dispatch(self, message):
        # Channels 4.3 hops to the database thread (to close old connections) before every handler.
        # A fan-out frame touches no database, so it skips that hop and costs only the socket write.
        if message["type"] in FAN_OUT_EVENTS:
            await self.send(text_data=message["text"])
            return
        await super().dispatch(message)

    # -- connecting -------------------------------------------------------------------------------------

    async def connect(self):
        self.user = self.scope["user"]
        self.language = translation.get_language_from_request(ScopeRequest(self.scope), check_path=False)
        self.access_lost = False
        await self.accept()
        if not self.user.is_authenticated:
            await self.lose_access(CLOSE_NOT_SIGNED_IN)
            return
        refused, rooms, unread = await self.load_state(self.scope["url_route"]["kwargs"]["network_slug"])
        if refused:
            await self.lose_access(refused)
            return
        self.rooms = {room["id"]: room for room in rooms}
        self.last_typing = {}
        self.joined_groups = [network_group(self.network_id), user_group(self.user.pk)]
        self.joined_groups += [room_group(room_id) for room_id in self.rooms]
        for group in self.joined_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.send(text_data=frame("rooms", rooms=rooms))
        for room_id, count in unread.items():
            await self.send(text_data=frame("unread", room=room_id, count=count))
        online = await database_sync_to_async(self.update_presence)(+1)
        await self.send(text_data=frame("presence", online=online))
        announce_presence(self.channel_layer, self.network_id)
        self.schedule_recheck()

    @database_sync_to_async
    def load_state(self, slug):
        """(close code or None, the rooms, their unread counts). Access is decided by check_access, the check
        every later frame may repeat."""
        network = NetworkPage.objects.live().public().filter(slug=slug).first()
        if network is None:
            return CLOSE_NOT_MEMBER, None, None
        self.network_id = network.pk
        self.session_key = self.scope["session"].session_key
        self.version_keys = [user_version_key(self.user.pk), network_version_key(network.pk)]
        refused = self.check_access()
        if refused:
            return refused, None, None
        actions.ensure_general_room(network)
        rooms = actions.network_rooms(network)
        unread = actions.unread_counts(self.user, rooms)
        return None, [room_summary(room) for room in rooms], unread

    async def disconnect(self, code):
        if hasattr(self, "recheck_timer"):
            self.recheck_timer.cancel()
        if getattr(self, "recheck_task", None) is not None:
            self.recheck_task.cancel()
        if not hasattr(self, "joined_groups"):
            return
        for group in self.joined_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        await database_sync_to_async(self.update_presence)(-1)
        announce_presence(self.channel_layer, self.network_id)

    # -- access, for as long as the socket is open ----------------------------------------------------------

    def check_access(self):
        """Decides from the database whether this socket may still read and write: None, or the close code.

        The session must still exist and be signed in as this person with their current password (so sign-out
        and a password change end it), the account must be active, and the network live and public with the
        person a member or staff. The versions are read first, so a change committed during the check shows
        at the next comparison. Constant cost: the session, the user, the network and the membership.
        """
        versions = versions_for_check(self.version_keys)
        user = signed_in_user(self.session_key)
        if user is None or user.pk != self.user.pk:
            return CLOSE_NOT_SIGNED_IN
        access = current_access(user, self.network_id)
        if access is None or not access.is_member:
            return CLOSE_NOT_MEMBER
        self.user = user
        self.access_versions = versions
        self.access_checked = time.monotonic()
        return None

    @database_sync_to_async
    def access_refused(self, recheck=False):
        """None while access holds, else the close code. One cache read, and the database only when a version
        changed or went missing, when ACCESS_RECHECK_SECONDS have passed, or when `recheck` asks for it."""
        recent = time.monotonic() - self.access_checked < ACCESS_RECHECK_SECONDS
        if not recheck and recent and versions_unchanged(self.version_keys, self.access_versions):
            return None
        return self.check_access()

    async def lose_access(self, code, client_id=None, refused_frame=False):
        """Closes the socket: 4401 when the session no longer holds, 4403 when the network is no longer open to
        the person. A refused frame gets an error first, so the client knows its text was not stored."""
        self.access_lost = True
        if refused_frame:
            if code == CLOSE_NOT_SIGNED_IN:
                await self.send_error("signed_out", _("Istuntosi on päättynyt. Kirjaudu sisään uudelleen."), client_id)
            else:
                await self.send_error(
                    "not_member", _("Sinulla ei ole enää pääsyä tämän verkoston keskusteluun."), client_id
                )
        await self.close(code=code)

    def schedule_recheck(self):
        """The periodic check, also for a socket that only listens; spread out so that sockets opened together
        do not all check at once. A timer, not a task per socket: a few hundred bytes per connection."""
        delay = ACCESS_RECHECK_SECONDS * random.uniform(1.0, 1.2)  # noqa: S311 - spreading load, not a secret
        self.recheck_timer = asyncio.get_running_loop().call_later(delay, self.start_recheck)

    def start_recheck(self):
        self.recheck_task = asyncio.ensure_future(self.periodic_recheck())  # held, so it is not collected mid-run

    async def periodic_recheck(self):
        try:
            holds = await self.close_if_refused()
        except Exception:
            logger.exception("Periodic access check failed")
            holds = not self.access_lost
        if holds:
            self.schedule_recheck()

    async def close_if_refused(self, recheck=False):
        """Checks access (see access_refused) and closes the socket when it is lost; whether it still holds."""
        if self.access_lost:
            return False
        refused = await self.access_refused(recheck=recheck)
        if self.access_lost:  # closed by a frame meanwhile
            return False
        if refused:
            await self.lose_access(refused)
            return False
        return True

    # -- receiving --------------------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.access_lost:
            return  # closed: whatever the client still sends is not read
        with translation.override(self.language):
            client_id = None
            try:
                if text_data is None or len(text_data.encode()) > MAX_FRAME_BYTES:
                    raise DiscussionError("too_large", _("Viesti on liian suuri lähetettäväksi."))
                try:
                    data = json.loads(text_data)
                except ValueError:
                    raise DiscussionError("malformed", _("Viesti ei ole kelvollista JSONia.")) from None
                if not isinstance(data, dict) or not isinstance(data.get("type"), str):
                    raise DiscussionError("malformed", _("Viestistä puuttuu tyyppi."))
                client_id = data.get("client_id") if isinstance(data.get("client_id"), str) else None
                handler = self.HANDLERS.get(data["type"])
                if handler is None:
                    raise DiscussionError("unknown_type", _("Tuntematon viestityyppi."))
                refused = await self.access_refused()
                if refused:
                    await self.lose_access(refused, client_id, refused_frame=True)
                    return
                await handler(self, data)
            except DiscussionError as error:
                await self.send_error(error.code, error.detail, client_id)
            except Exception:
                logger.exception("Discussion frame failed")
                await self.send_error("server_error", _("Palvelimella tapahtui virhe. Yritä uudelleen."), client_id)

    async def send_error(self, code, detail, client_id=None):
        fields = {"code": code, "detail": str(detail)}
        if client_id is not None:
            fields["client_id"] = client_id
        await self.send(text_data=frame("error", **fields))

    def room_id(self, data, key="room"):
        """A room of this network, by id. Ids the server did not give this socket are refused."""
        room_id = data.get(key)
        if not isinstance(room_id, int) or room_id not in self.rooms:
            raise DiscussionError("unknown_room", _("Huonetta ei löydy tästä verkostosta."))
        return room_id

    @staticmethod
    def positive_int(data, key):
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise DiscussionError("invalid", _("Kenttä %(field)s puuttuu tai on virheellinen.") % {"field": key})
        return value

    async def broadcast(self, group, text, event="discussion.frame"):
        """Tells a group, after the change has been committed. A channel layer failure never loses the
        message: it is stored, the sender was acked, and others get it with their next sync."""
        try:
            await self.channel_layer.group_send(group, {"type": event, "text": text})
        except Exception:
            logger.exception("Broadcast to %s failed", group)

    # -- message.send / edit / delete -------------------------------------------------------------------

    async def on_send(self, data):
        room_id = self.room_id(data)
        body = data.get("body")
        reply_to = data.get("reply_to")
        message, created = await self.store_message(room_id, body, data.get("client_id"), reply_to)
        await self.send(text_data=frame("ack", client_id=message.client_id, id=message.id, seq=message.seq))
        if created:
            await self.broadcast(room_group(room_id), frame("message.new", message=actions.serialise_message(message)))

    @database_sync_to_async
    def store_message(self, room_id, body, client_id, reply_to):
        return actions.create_message(Room.objects.get(pk=room_id), self.user, body, client_id, reply_to)

    async def on_edit(self, data):
        message = await self.change_message(data, "edit")
        updated = frame("message.updated", message=actions.serialise_message(message))
        await self.broadcast(room_group(message.room_id), updated)

    async def on_delete(self, data):
        message = await self.change_message(data, "delete")
        await self.broadcast(room_group(message.room_id), deleted_frame(message))

    @database_sync_to_async
    def change_message(self, data, action):
        message_id = self.positive_int(data, "id")
        message = Message.objects.select_related("author").filter(pk=message_id, room_id__in=self.rooms).first()
        if message is None:
            raise DiscussionError("not_found", _("Viestiä ei löydy."))
        if action == "edit":
            return actions.edit_message(message, self.user, data.get("body"))
        is_facilitator = message.author_id != self.user.pk and self.is_facilitator_now()
        return actions.delete_message(message, self.user, is_facilitator=is_facilitator, reason=data.get("reason", ""))

    def is_facilitator_now(self):
        """Fresh from the database: a facilitator's rights are checked when used, not trusted from connect."""
        return network_access(self.user, NetworkPage.objects.get(pk=self.network_id)).is_facilitator

    # -- typing, read, sync -----------------------------------------------------------------------------

    async def on_typing(self, data):
        room_id = self.room_id(data)
        now = time.monotonic()
        if now - self.last_typing.get(room_id, 0) < TYPING_INTERVAL:
            return  # throttled: one typing frame per person and room every few seconds
        self.last_typing[room_id] = now
        user = {"id": self.user.pk, "name": self.user.display_name}
        await self.broadcast(room_group(room_id), frame("typing", room=room_id, user=user))

    async def on_read(self, data):
        room_id = self.room_id(data)
        seq = self.positive_int(data, "message_id" if "message_id" in data else "seq")
        count = await database_sync_to_async(self.store_read)(room_id, seq)
        await self.send(text_data=frame("unread", room=room_id, count=count))

    def store_read(self, room_id, seq):
        return actions.mark_read(self.user, Room.objects.get(pk=room_id), seq)

    async def on_sync(self, data):
        room_id = self.room_id(data)
        after = self.positive_int(data, "after")
        messages, complete = await database_sync_to_async(self.load_after)(room_id, after)
        await self.send(text_data=frame("sync.result", room=room_id, messages=messages, complete=complete))

    def load_after(self, room_id, after):
        messages, complete = actions.messages_after(Room(pk=room_id), after)
        return [actions.serialise_message(message) for message in messages], complete

    # -- rooms ------------------------------------------------------------------------------------------

    async def on_room_create(self, data):
        room = await database_sync_to_async(self.create_room)(data.get("title"))
        created = frame("room.created", room=room_summary(room))
        await self.broadcast(network_group(self.network_id), created, event="room.created")

    def create_room(self, title):
        if not isinstance(title, str):
            raise DiscussionError("invalid", _("Anna aiheelle otsikko."))
        return actions.create_topic_room(NetworkPage.objects.get(pk=self.network_id), self.user, title)

    async def on_room_close(self, data):
        room = await database_sync_to_async(self.close_room)(self.room_id(data), bool(data.get("closed", True)))
        await self.broadcast(network_group(self.network_id), frame("room.updated", room=room_summary(room)))

    def close_room(self, room_id, closed):
        self.require_facilitator()
        return actions.set_room_closed(Room.objects.get(pk=room_id), closed)

    async def on_pin(self, data):
        room = await database_sync_to_async(self.pin)(self.room_id(data), data.get("id"))
        await self.broadcast(network_group(self.network_id), frame("room.updated", room=room_summary(room)))

    def pin(self, room_id, message_id):
        self.require_facilitator()
        room = Room.objects.get(pk=room_id)
        message = None
        if message_id is not None:
            message = Message.objects.filter(pk=message_id, room=room).first() if isinstance(message_id, int) else None
            if message is None:
                raise DiscussionError("not_found", _("Viestiä ei löydy."))
        return actions.pin_message(room, message)

    def require_facilitator(self):
        if not self.is_facilitator_now():
            raise DiscussionError("forbidden", _("Vain fasilitaattori voi tehdä tämän."))

    HANDLERS = {
        "message.send": on_send,
        "message.edit": on_edit,
        "message.delete": on_delete,
        "message.pin": on_pin,
        "typing": on_typing,
        "read": on_read,
        "sync": on_sync,
        "room.create": on_room_create,
        "room.close": on_room_close,
    }

    # -- group events -----------------------------------------------------------------------------------

    async def room_created(self, event):
        """A new room of this network: join its group, then pass the frame on."""
        room = json.loads(event["text"])["room"]
        self.rooms[room["id"]] = room
        await self.channel_layer.group_add(room_group(room["id"]), self.channel_name)
        self.joined_groups.append(room_group(room["id"]))
        await self.send(text_data=event["text"])

    async def access_changed(self, event):
        """Someone's access changed (this person's, or the network's): check now, not only at the next frame."""
        await self.close_if_refused(recheck=True)

    # -- presence ---------------------------------------------------------------------------------------

    def update_presence(self, delta):
        """Counts this person's open connections in the shared cache; returns who of the network is online."""
        key = f"presence:{self.network_id}:{self.user.pk}"
        cache.add(key, 0, timeout=PRESENCE_TTL)
        try:
            cache.incr(key, delta)
        except ValueError:
            cache.set(key, max(0, delta), timeout=PRESENCE_TTL)
        return online_members(self.network_id)


def online_members(network_id):
    """Who of the network has at least one open socket (in any process): one query and one cache read."""
    members = list(
        Membership.objects.active()
        .filter(network_id=network_id)
        .values_list("user_id", "user__first_name", "user__last_name", "user__email")
    )
    counts = cache.get_many([f"presence:{network_id}:{member[0]}" for member in members])
    return [
        {"id": user_id, "name": f"{first} {last}".strip() or email}
        for user_id, first, last, email in members
        if counts.get(f"presence:{network_id}:{user_id}", 0) > 0
    ]


# network id → the pending broadcast of its presence in this process (see announce_presence)
_presence_broadcasts = {}


def announce_presence(channel_layer, network_id):
    """Tells the network who is online, once per PRESENCE_COALESCE_SECONDS however many sockets came or went.

    A wave of N members connecting would otherwise send N lists to up to N sockets: O(N²) frames. The
    joining socket gets the list at once from connect(); everyone else gets one list per window.
    """
    loop = asyncio.get_running_loop()
    pending = _presence_broadcasts.get(network_id)
    if pending is not None and not pending.done() and pending.get_loop() is loop:
        return
    _presence_broadcasts[network_id] = loop.create_task(_broadcast_presence(channel_layer, network_id))


async def _broadcast_presence(channel_layer, network_id):
    await asyncio.sleep(PRESENCE_COALESCE_SECONDS)
    # From here on a change schedules a broadcast of its own: this one may have read the list before it.
    if _presence_broadcasts.get(network_id) is asyncio.current_task():
        del _presence_broadcasts[network_id]
    try:
        online = await database_sync_to_async(online_members)(network_id)
        text = frame("presence", online=online)
        await channel_layer.group_send(network_group(network_id), {"type": "discussion.frame", "text": text})
    except Exception:
        logger.exception("Presence broadcast to network %s failed", network_id)


def deleted_frame(message):
    return frame("message.deleted", id=message.id, room=message.room_id, hidden_reason=message.hidden_reason)


def room_summary(room):
    return {
        "id": room.pk,
        "title": room.title,
        "kind": room.kind,
        "closed": room.is_closed,
        "pinned": room.pinned_message_id,
        "last_seq": room.last_seq,
    }
