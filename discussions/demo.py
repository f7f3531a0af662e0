"""The discussions app's demo content (with the demo accounts): a conversation in the demo networks' rooms.
core.demo loads it after the demo accounts and their activity (the orders are in docs/architecture.md).

``discussions.json``
    ``networks``: by network slug, a list of rooms, each ``{room, messages}``: ``room`` is ``"general"`` or a
    workshop's number. A message is ``{key, author, days_ago, time, text, reply_to?}``:

    - ``key`` names it within its room (its ``client_id`` is ``demo:<network>:<room>:<key>``, which is how a
      second load finds it);
    - ``author`` is the part of a demo e-mail address before ``@demo.verkostamo.fi``, an active member of the
      network;
    - ``days_ago`` (at least 1) and ``time`` (``"HH:MM"``, Europe/Helsinki) say when it was written, counted from
      the day of the load, so the conversation stays recent and its days show apart; the messages of a room go
      in the order they were written;
    - ``text`` is markdown; ``@{person}`` (a person named as ``author`` is) becomes that member's mention handle
      (core.text.mention_handle), so the mention links to them as a typed one would;
    - ``reply_to`` is the ``key`` of an earlier message of the same room.

The messages are stored through discussions.actions.create_message, as typed ones are: seqs, the sanitised HTML,
the mentions and the search index come out the same. Their mentions e-mail nobody (the conversation is old news).
A message is only ever created: one that someone trying the demo edited or deleted stays as they left it, and a
second load writes nothing.
"""

import re
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.demo import HELSINKI, DemoContentError, steps
from core.errors import ActionError
from core.text import mention_handle
from networks.demo import demo_networks
from networks.models import Membership
from workshops.models import WorkshopPage

from .actions import MAX_CLIENT_ID_LENGTH, create_message, ensure_general_room, ensure_workshop_room
from .models import Message

DEMO_EMAIL_DOMAIN = "@demo.verkostamo.fi"
MENTION = re.compile(r"@\{([\w.-]+)\}")


@steps.register("discussions", order=700, files=("discussions.json",), users=True)
def load_discussions(load):
    """Each demo network's conversations, room by room."""
    spec = load.read("discussions.json")
    networks = demo_networks()
    people = {
        user.email.removesuffix(DEMO_EMAIL_DOMAIN): user
        for user in get_user_model().objects.filter(email__endswith=DEMO_EMAIL_DOMAIN)
    }
    today = timezone.localdate(timezone=HELSINKI)
    for network_slug, rooms in spec["networks"].items():
        network = networks.get(network_slug)
        if network is None:
            raise DemoContentError(f"Discussions: network {network_slug!r} is unknown.")
        members = set(Membership.objects.active().filter(network=network).values_list("user_id", flat=True))
        workshops = {workshop.number: workshop for workshop in WorkshopPage.objects.child_of(network)}
        for room_spec in rooms:
            where = f"Discussion of {network_slug} room {room_spec['room']}"
            if room_spec["room"] == "general":
                room = ensure_general_room(network)
            elif int(room_spec["room"]) in workshops:
                room = ensure_workshop_room(workshops[int(room_spec["room"])])
            else:
                raise DemoContentError(f"{where}: the network has no such workshop.")
            conversation = Conversation(load, where, people, members, today)
            for message_spec in room_spec["messages"]:
                conversation.add(room, f"demo:{network_slug}:{room_spec['room']}", message_spec)


class Conversation:
    """The messages of one room, in the order they were written."""

    def __init__(self, load, where, people, members, today):
        self.load = load
        self.where = where
        self.people = people
        self.members = members
        self.today = today
        self.by_key: dict[str, Message] = {}
        self.last_written: datetime | None = None

    def person(self, name):
        user = self.people.get(name)
        if user is None or user.pk not in self.members:
            raise DemoContentError(f"{self.where}: {name!r} is not a member of the network among the demo accounts.")
        return user

    def written(self, spec):
        days_ago = int(spec["days_ago"])
        if days_ago < 1:
            raise DemoContentError(f"{self.where}, message {spec['key']!r}: days_ago must be at least 1.")
        hours, minutes = (int(part) for part in spec["time"].split(":"))
        moment = datetime.combine(self.today - timedelta(days=days_ago), time(hours, minutes), tzinfo=HELSINKI)
        if self.last_written is not None and moment < self.last_written:
            raise DemoContentError(f"{self.where}, message {spec['key']!r}: written before the message above it.")
        self.last_written = moment
        return moment

    def add(self, room, prefix, spec):
        where = f"{self.where}, message {spec['key']!r}"
        author = self.person(spec["author"])
        text = MENTION.sub(lambda match: "@" + mention_handle(self.person(match.group(1))), spec["text"])
        reply_to = None
        if "reply_to" in spec:
            if spec["reply_to"] not in self.by_key:
                raise DemoContentError(f"{where}: replies to {spec['reply_to']!r}, which is not above it in the room.")
            reply_to = self.by_key[spec["reply_to"]].pk
        client_id = f"{prefix}:{spec['key']}"
        if len(client_id) > MAX_CLIENT_ID_LENGTH:
            raise DemoContentError(f"{where}: its client id {client_id!r} is too long; use a shorter key.")
        try:
            message, created = create_message(room, author, text, client_id, reply_to, sent_at=self.written(spec))
        except ActionError as refusal:
            raise DemoContentError(f"{where}: {refusal.message}") from None
        self.by_key[spec["key"]] = message
        self.load.report.add("messages", "created" if created else "unchanged")
