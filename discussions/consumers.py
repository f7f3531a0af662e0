"""The discussion websocket: one per open member space page, `ws(s)://HOST/ws/networks/<slug>/`.

Access is decided in `connect()` with the same function the HTTP views use (networks.access), and decided
again whenever it may have changed: before every client frame the socket compares the access versions it
remembers with the shared cache (core.access), and a change, a missing version, a push to the person's or
the network's group, or ACCESS_RECHECK_SECONDS without a check mean a fresh database check. Lost access
closes the socket (4401 signed out, 4403 no longer a member). Every client frame is validated and answered;
a refusal (core.errors.ActionError) is an `error` frame and the connection stays open.

This module is the transport only: it parses and checks a frame, calls an action (discussions.actions) or a
read (discussions.queries), and answers its own client. Whoever else must hear of a change hears of it from the
action's event after the commit (discussions.events); presence and typing are discussions.presence. Fan-out
costs the receivers nothing: the group carries the finished text, and a receiving consumer writes it to its
socket without touching the database (`dispatch`). docs/realtime.md describes the protocol frame by frame.
"""

import asyncio
import json
import logging
import random
import time
from collections import defaultdict
from typing import NamedTuple
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.sessions import session_user_ids, signed_in_users
from core import metrics
from core.access import network_version_key, user_version_key, versions_for_check, versions_unchanged
from core.errors import ActionError
from core.logs import LoggedSocket, scope_header
from core.outages import DATABASE_DOWN
from core.waves import Together
from networks.access import current_access, current_accesses, live_network_id
from networks.models import NetworkPage

from . import actions, open_sockets, presence, queries, reports
from .events import FRAME, frame, network_group, user_group
from .models import Room
from .queries import RoomObject

logger = logging.getLogger(__name__)

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_MEMBER = 4403
CLOSE_UNAVAILABLE = 4503  # the database did not answer: the client reconnects with backoff
MAX_FRAME_BYTES = 64 * 1024
# A database check of access at least this often, whatever the versions say: catches what nobody announced
# (a session that expired, a password set outside allauth) and a socket that only listens.
ACCESS_RECHECK_SECONDS = 300

# Group events that only write finished text to the socket: no database, so no thread hop (see dispatch).
FAN_OUT_EVENTS = {FRAME}


class ScopeRequest:
    """Just enough of a request for Django's language negotiation: the language cookie, Accept-Language."""

    def __init__(self, scope, cookies):
        self.META = {"HTTP_ACCEPT_LANGUAGE": scope_header(scope, b"accept-language")}
        self.COOKIES = cookies


def socket_language(scope, cookies):
    """The language the socket's errors are written in: that of the page that opened it (`?lang=`, which the room's
    page adds), else Django's negotiation. A browser's WebSocket handshake may carry another Accept-Language than
    its pages' requests, and the page's language is the one the person reads."""
    asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[0]
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language_from_request(ScopeRequest(scope, cookies), check_path=False)


class Arrival(NamedTuple):
    """What a connecting socket learns in its one trip to the database thread (`admit`)."""

    refused: int | None  # the close code, or None
    rooms: list[RoomObject] = []  # noqa: RUF012 - never changed: every refusal shares it
    unread: dict[int, int] = {}  # noqa: RUF012 - as rooms
    drafts: dict[int, str] = {}  # noqa: RUF012 - as rooms


@database_sync_to_async
def admit(wave):
    """The sockets of a wave of connects [(consumer, network slug)], decided together: an Arrival for each.

    The session cookies name the people and the slugs the networks; their access versions are read next, and
    only then is access decided (decide_access, the check every later frame may repeat), so that a change
    committed meanwhile shows at the next comparison. The same queries for one socket as for a hundred: the
    sessions (a cache read with SESSION_ENGINE cached_db), a network id per slug, the access check, the rooms with
    everyone's unread counts, and everyone's drafts. A socket keeps its session's key, not the session.
    """
    user_ids = session_user_ids(consumer.session_key for consumer, _slug in wave)
    network_ids = {slug: live_network_id(slug) for slug in {slug for _consumer, slug in wave}}
    arrivals, candidates = {}, []
    for consumer, slug in wave:
        user_id, network_id = user_ids.get(consumer.session_key), network_ids[slug]
        if user_id is None:
            arrivals[consumer] = Arrival(CLOSE_NOT_SIGNED_IN)
        elif network_id is None:
            arrivals[consumer] = Arrival(CLOSE_NOT_MEMBER)
        else:
            consumer.user_id, consumer.network_id = user_id, network_id
            consumer.version_keys = [user_version_key(user_id), network_version_key(network_id)]
            candidates.append(consumer)
    admitted = defaultdict(list)
    for consumer, refused in zip(candidates, decide_access(candidates), strict=True):
        if refused:
            arrivals[consumer] = Arrival(refused)
        else:
            admitted[consumer.network_id].append(consumer)
    for network_id, consumers in admitted.items():
        users = [consumer.user for consumer in consumers]
        rooms, unread = queries.rooms_with_unread(network_id, users)
        drafts = queries.drafts_of((room["id"] for room in rooms), users)
        for consumer in consumers:
            arrivals[consumer] = Arrival(None, rooms, unread[consumer.user_id], drafts[consumer.user_id])
    return [arrivals[consumer] for consumer, _slug in wave]


arriving = Together(admit)


@database_sync_to_async
def recheck(sockets):
    return decide_access(sockets)


# A network's access changed: every socket of it checks at once (`access_changed`), together, not one trip each.
rechecking = Together(recheck)


def decide_access(sockets):
    """Decides from the database whether these sockets may still read and write: for each, None or the close code.

    The session must still exist and be signed in as the socket's person with their current password (so
    sign-out and a password change end it), the account must be active, and the network live and public with
    the person a member or staff. The versions are read first, so a change committed during the check shows at
    the next comparison. A socket that may stay learns its person, whether it is listed in presence, and the
    versions it remembers. Constant cost however many sockets: the versions and the sessions (cache reads with
    SESSION_ENGINE cached_db), the people, and per network the memberships, with the network unless this process
    read it under the same version moments ago (networks.access.live_public_network).
    """
    versions = versions_for_check(sorted({key for socket in sockets for key in socket.version_keys}))
    users = signed_in_users(socket.session_key for socket in sockets)
    people = defaultdict(dict)  # network id → {user id: user} of the sockets signed in as their person
    for socket in sockets:
        user = users.get(socket.session_key)
        if user is not None and user.pk == socket.user_id:
            people[socket.network_id][user.pk] = user
    accesses = {
        network_id: current_accesses(list(them.values()), network_id, versions.get(network_version_key(network_id)))
        for network_id, them in people.items()
    }
    checked, refusals = time.monotonic(), []
    for socket in sockets:
        user = users.get(socket.session_key)  # each socket by its own session: one person may have several
        access = accesses.get(socket.network_id, {}).get(socket.user_id)
        if user is None or user.pk != socket.user_id:
            refusals.append(CLOSE_NOT_SIGNED_IN)
        elif access is None or not access.is_member:
            refusals.append(CLOSE_NOT_MEMBER)
        else:
            socket.user = user
            socket.listed = access.membership is not None  # shown in presence: staff outside the network are not
            socket.access_versions = {key: versions[key] for key in socket.version_keys if key in versions}
            socket.access_checked = checked
            refusals.append(None)
    return refusals


class DiscussionConsumer(LoggedSocket, AsyncWebsocketConsumer):
    typing = None  # this socket's presence.Typing, made when it first types
    closing = False  # set once this consumer has closed the socket

    async def send(self, text_data=None, bytes_data=None, close=False):
        """Nothing more goes out once the socket is closing: a fan-out frame can arrive between the close and the
        disconnect, and daphne raises on a send to a socket in its closing handshake."""
        if not self.closing:
            await super().send(text_data, bytes_data, close)

    async def close(self, code=None, reason=None):
        self.closing = True
        await super().close(code, reason)

    async def dispatch(self, message):
        # Channels 4.3 hops to the database thread (to close old connections) before every handler. This
        # consumer touches the database only through database_sync_to_async, which closes them itself around
        # each call, so no handler needs that hop: a fan-out frame costs only the socket write, and a connect
        # one trip to the database thread fewer (in a wave of reconnects that thread is the queue).
        if message["type"] in FAN_OUT_EVENTS:
            if not self.closing:
                await self.send(text_data=message["text"])
                metrics.FRAMES_DELIVERED.inc()
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # -- connecting -------------------------------------------------------------------------------------

    async def connect(self):
        started = time.monotonic()
        cookies = parse_cookie(scope_header(self.scope, b"cookie"))
        self.language = socket_language(self.scope, cookies)
        self.access_lost = False
        self.session_key = cookies.get(settings.SESSION_COOKIE_NAME)
        await self.accept()
        metrics.OPEN_SOCKETS.inc()
        try:
            state = await arriving((self, self.scope["url_route"]["kwargs"]["network_slug"]))
        except DATABASE_DOWN as error:
            logger.warning("A discussion socket could not connect: the database is unavailable (%s)", error)
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        if state.refused:
            await self.lose_access(state.refused)
            return
        self.room_ids = {room["id"] for room in state.rooms}
        open_sockets.opened(self)
        await open_sockets.join_groups(self)
        await self.send(text_data=frame("rooms", rooms=state.rooms, unread=state.unread, drafts=state.drafts))
        await presence.join(self, self.user.display_name, listed=self.listed)  # the list follows
        self.schedule_recheck()
        metrics.SOCKET_CONNECT_SECONDS.observe(time.monotonic() - started)

    def groups_joined(self):
        return [network_group(self.network_id), user_group(self.user_id)]

    async def disconnect(self, code):
        metrics.OPEN_SOCKETS.dec()
        if hasattr(self, "recheck_timer"):
            self.recheck_timer.cancel()
        if getattr(self, "recheck_task", None) is not None:
            self.recheck_task.cancel()
        if not hasattr(self, "room_ids"):
            return
        open_sockets.closed(self)
        await presence.leave(self)
        await open_sockets.leave_groups(self.channel_layer, self.channel_name, self.groups_joined())

    # -- access, for as long as the socket is open ----------------------------------------------------------

    def check_access(self):
        """Decides from the database whether this socket may still read and write: None, or the close code."""
        return decide_access([self])[0]

    @database_sync_to_async
    def access_refused(self):
        """None while access holds, else the close code. One cache read, and the database only when a version
        changed or went missing, or when ACCESS_RECHECK_SECONDS have passed."""
        recent = time.monotonic() - self.access_checked < ACCESS_RECHECK_SECONDS
        if recent and versions_unchanged(self.version_keys, self.access_versions):
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
        """Checks access (see access_refused; with `recheck`, from the database whatever the versions say, together
        with the other sockets rechecking now) and closes the socket when it is lost; whether it still holds."""
        if self.access_lost:
            return False
        refused = await (rechecking(self) if recheck else self.access_refused())
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
                    raise ActionError("too_large", _("Viesti on liian suuri lähetettäväksi."))
                try:
                    data = json.loads(text_data)
                except ValueError:
                    raise ActionError("malformed", _("Viesti ei ole kelvollista JSONia.")) from None
                if not isinstance(data, dict) or not isinstance(data.get("type"), str):
                    raise ActionError("malformed", _("Viestistä puuttuu tyyppi."))
                client_id = data.get("client_id") if isinstance(data.get("client_id"), str) else None
                handler = self.HANDLERS.get(data["type"])
                if handler is None:
                    raise ActionError("unknown_type", _("Tuntematon viestityyppi."))
                refused = await self.access_refused()
                if refused:
                    await self.lose_access(refused, client_id, refused_frame=True)
                    return
                await handler(self, data)
            except ActionError as error:
                await self.send_error(error.code, error.message, client_id)
            except DATABASE_DOWN as error:
                logger.warning("A discussion frame waits for the database (%s)", error)
                detail = _("Palvelu ei juuri nyt tavoita tietokantaa. Yritä hetken kuluttua uudelleen.")
                await self.send_error("unavailable", detail, client_id)
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
        if not isinstance(room_id, int) or room_id not in self.room_ids:
            raise ActionError("unknown_room", _("Huonetta ei löydy tästä verkostosta."))
        return room_id

    @staticmethod
    def positive_int(data, key):
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ActionError("invalid", _("Kenttä %(field)s puuttuu tai on virheellinen.") % {"field": key})
        return value

    # -- message.send / edit / delete -------------------------------------------------------------------

    async def on_send(self, data):
        room_id = self.room_id(data)
        message, _created = await self.store_message(
            room_id, data.get("body"), data.get("client_id"), data.get("reply_to")
        )
        await self.send(text_data=frame("ack", client_id=message.client_id, id=message.id, seq=message.seq))

    @database_sync_to_async
    def store_message(self, room_id, body, client_id, reply_to):
        room = Room.objects.get(pk=room_id)
        return actions.create_message(room, self.user, body, client_id, reply_to, origin=self.channel_name)

    async def on_edit(self, data):
        await database_sync_to_async(self.edit)(self.positive_int(data, "id"), data.get("body"))

    def edit(self, message_id, body):
        actions.edit_message(self.find_message(message_id), self.user, body)

    async def on_delete(self, data):
        await database_sync_to_async(self.delete)(self.positive_int(data, "id"), data.get("reason", ""))

    def delete(self, message_id, reason):
        message = self.find_message(message_id)
        is_facilitator = message.author_id != self.user.pk and self.is_facilitator_now()
        actions.delete_message(message, self.user, is_facilitator=is_facilitator, reason=reason)

    def find_message(self, message_id, room_ids=None):
        """A message of this socket's rooms (or of `room_ids`), by id."""
        message = queries.message_in_rooms(message_id, self.room_ids if room_ids is None else room_ids)
        if message is None:
            raise ActionError("not_found", _("Viestiä ei löydy."))
        return message

    def is_facilitator_now(self):
        """Fresh from the database: a facilitator's rights are checked when used, not trusted from connect."""
        access = current_access(self.user, self.network_id)
        return access is not None and access.is_facilitator

    def require_facilitator(self):
        if not self.is_facilitator_now():
            raise ActionError("forbidden", _("Vain fasilitaattori voi tehdä tämän."))

    async def on_react(self, data):
        await database_sync_to_async(self.react)(self.positive_int(data, "id"), data.get("kind"), data.get("on"))

    def react(self, message_id, kind, on):
        actions.set_reaction(self.find_message(message_id), self.user, kind, on)

    async def on_report(self, data):
        message_id = self.positive_int(data, "message")
        await database_sync_to_async(self.report)(message_id, data.get("reason"), data.get("text", ""))
        await self.send(text_data=frame("report.received", message=message_id))

    def report(self, message_id, reason, text):
        reports.report_message(self.user, self.find_message(message_id), reason, text)

    # -- typing, read, sync -----------------------------------------------------------------------------

    async def on_typing(self, data):
        room_id = self.room_id(data)
        if self.typing is None:
            self.typing = presence.Typing(self.channel_layer, self.network_id)
        await self.typing.announce(room_id, self.user)

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
        metrics.SYNC_REQUESTS.inc()
        messages, complete = await database_sync_to_async(self.load_after)(room_id, after)
        await self.send(text_data=frame("sync.result", room=room_id, messages=messages, complete=complete))

    def load_after(self, room_id, after):
        messages, complete = queries.messages_after(Room(pk=room_id), after)
        reactions = queries.reactions_of(message.pk for message in messages)
        return [
            {**queries.serialise_message(message), "reactions": reactions.get(message.pk, [])} for message in messages
        ], complete

    # -- drafts -----------------------------------------------------------------------------------------

    async def on_draft(self, data):
        room_id = self.room_id(data)
        await database_sync_to_async(self.store_draft)(room_id, data.get("body"))
        await self.send(text_data=frame("draft.saved", room=room_id))

    def store_draft(self, room_id, body):
        actions.save_draft(Room.objects.get(pk=room_id), self.user, body, origin=self.channel_name)

    # -- rooms ------------------------------------------------------------------------------------------

    async def on_room_create(self, data):
        await database_sync_to_async(self.create_room)(data.get("title"))

    def create_room(self, title):
        if not isinstance(title, str):
            raise ActionError("invalid", _("Anna aiheelle otsikko."))
        actions.create_topic_room(NetworkPage.objects.get(pk=self.network_id), self.user, title)

    async def on_room_close(self, data):
        await database_sync_to_async(self.close_room)(self.room_id(data), bool(data.get("closed", True)))

    def close_room(self, room_id, closed):
        self.require_facilitator()
        actions.set_room_closed(Room.objects.get(pk=room_id), closed)

    async def on_pin(self, data):
        await database_sync_to_async(self.pin)(self.room_id(data), data.get("id"))

    def pin(self, room_id, message_id):
        self.require_facilitator()
        message = None
        if message_id is not None:
            if not isinstance(message_id, int):
                raise ActionError("not_found", _("Viestiä ei löydy."))
            message = self.find_message(message_id, room_ids=[room_id])
        actions.pin_message(Room.objects.get(pk=room_id), message)

    # -- following and muting a room ---------------------------------------------------------------------------

    async def on_attention(self, data):
        """The answer is the action's `attention` event, to every socket of the person (this one included)."""
        await database_sync_to_async(self.set_attention)(self.room_id(data), data.get("level"))

    def set_attention(self, room_id, level):
        # One of this socket's rooms, so of its network: the action needs nothing more of it.
        actions.set_room_attention(self.user, Room(pk=room_id, network_id=self.network_id), level)

    HANDLERS = {
        "message.send": on_send,
        "message.edit": on_edit,
        "message.delete": on_delete,
        "message.pin": on_pin,
        "message.react": on_react,
        "report": on_report,
        "typing": on_typing,
        "read": on_read,
        "sync": on_sync,
        "draft": on_draft,
        "room.create": on_room_create,
        "room.close": on_room_close,
        "attention": on_attention,
    }

    # -- group events -----------------------------------------------------------------------------------

    async def room_created(self, event):
        """A new room of this network: one of this socket's rooms from now on (its messages come to the network's
        group, which the socket is in), then the frame passed on."""
        self.room_ids.add(json.loads(event["text"])["room"]["id"])
        await self.send(text_data=event["text"])

    async def draft_changed(self, event):
        """The person's draft of a room, saved from another of their sockets (or emptied by a send): passed on if
        the room is one of this socket's, and not back to the socket it came from, whose box already holds it."""
        if event["origin"] != self.channel_name and event["room"] in self.room_ids:
            await self.send(text_data=event["text"])

    async def access_changed(self, event):
        """Someone's access changed (this person's, or the network's): check now, not only at the next frame."""
        await self.close_if_refused(recheck=True)
