"""Writes to the discussion: views, the consumer and management commands all go through these.

Each function validates (a refusal is a core.errors.ActionError, and changes nothing), saves in one
transaction, and emits the event of what it changed once that has committed (discussions.events): persist,
then broadcast. The callers answer their own client — a redirect, an `ack` — and tell nobody else. The reads
are in discussions.queries.
"""

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from core import metrics
from core.errors import ActionError
from core.ratelimit import RateLimit
from core.text import mention_handle, mentioned_handles, render_markdown
from networks.models import Membership, NetworkPage
from notices.attention import AS_NETWORK, LEVELS
from notices.delivery import notify, withdraw
from notices.models import Attention, Kind
from workshops.models import WorkshopPage

from . import events
from .models import Draft, Message, Reaction, ReadMarker, Room, RoomAttention
from .queries import ReactionObject, reactions_of

MAX_BODY_LENGTH = 10_000
MAX_CLIENT_ID_LENGTH = 64


def validate_body(body: object) -> str:
    """The message text stripped, or an ActionError: `body` may be anything a socket sent."""
    if not isinstance(body, str) or not body.strip():
        raise ActionError("empty", _("Viesti on tyhjä."))
    check_length(body)
    return body.strip()


def check_length(body: str) -> None:
    """Refuses a text over the message size limit: a message, or the draft of one."""
    if len(body) > MAX_BODY_LENGTH:
        raise ActionError(
            "too_long",
            _("Viesti on liian pitkä: enintään %(max)s merkkiä.")
            % {"max": number_format(MAX_BODY_LENGTH, force_grouping=True)},
        )


def create_message(
    room: Room,
    author: User,
    body: object,
    client_id: object,
    reply_to: object = None,
    *,
    sent_at: datetime | None = None,
    origin: str = "",
) -> tuple[Message, bool]:
    """Stores a message once per (author, client_id) and returns (message, created); the room hears of it.

    A retry with the same client_id returns the stored message and created=False, so the sender gets the
    same ack and nobody hears of it twice.

    `sent_at` stores a message written earlier with that time (the demo content's conversations): it counts
    against no rate limit and notifies nobody, being old news (its mentions are recorded all the same, so they
    show among the person's mentions).

    The author's draft of the room became the message: it is deleted with it, and their other sockets (all but
    `origin`, the socket that sent it, whose box is already empty) are told so.
    """
    if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise ActionError("invalid", _("Viestin tunniste puuttuu tai on virheellinen."))
    existing = Message.objects.select_related("author").filter(author=author, client_id=client_id).first()
    if existing is not None:
        return existing, False
    body = validate_body(body)
    if room.is_closed:
        raise ActionError("room_closed", _("Huone on suljettu uusilta viesteiltä."))
    if sent_at is None:
        check_message_rate(author)  # after validation and the idempotency check: only new, valid messages count
    reply_to_id = None
    replied = None
    if reply_to is not None:
        replied = Message.objects.filter(pk=reply_to, room=room).first() if isinstance(reply_to, int) else None
        if replied is None:
            raise ActionError("invalid", _("Viestiä, johon vastaat, ei löydy tästä huoneesta."))
        reply_to_id = replied.pk
    mentioned = mentionable_members(room.network_id, body)
    html = render_markdown(body, {handle: (handle, url) for handle, (_user, url) in mentioned.items()})
    try:
        with transaction.atomic():
            # Taking the room's row lock here also serialises concurrent sends to one room.
            Room.objects.filter(pk=room.pk).update(last_seq=F("last_seq") + 1)
            seq = Room.objects.values_list("last_seq", flat=True).get(pk=room.pk)
            message = Message.objects.create(
                room=room,
                seq=seq,
                author=author,
                client_id=client_id,
                body=body,
                body_html=html,
                reply_to_id=reply_to_id,
            )
            if sent_at is not None:
                Message.objects.filter(pk=message.pk).update(created=sent_at)
                message.created = sent_at
            ReadMarker.objects.update_or_create(user=author, room=room, defaults={"last_read_seq": seq})
            if Draft.objects.filter(user=author, room=room).delete()[0]:
                events.draft_changed(author.pk, room.pk, "", origin=origin)
            withdraw(author.pk, f"room:{room.pk}", seq)  # writing in the room, they have read it
            mentioned_users = [user for user, _url in mentioned.values() if user.pk != author.pk]
            if mentioned_users:
                message.mentions.set(mentioned_users)
            if sent_at is None:
                notify_message(message, room, author, mentioned_users, replied)
            events.message_created(message)
    except IntegrityError:
        # The same client_id raced in from another connection: that one won.
        return Message.objects.select_related("author").get(author=author, client_id=client_id), False
    metrics.MESSAGES_STORED.inc()
    message.author = author
    return message, True


def mentionable_members(network_id: int, body: str) -> dict[str, tuple[User, str]]:
    """{handle: (user, directory URL)} of the network's members that `body` mentions; one query, and none
    when the text mentions nobody."""
    handles = mentioned_handles(body)
    if not handles:
        return {}
    members = Membership.objects.active().filter(network_id=network_id).select_related("user", "network")
    found: dict[str, tuple[User, str]] = {}
    for membership in members:
        handle = mention_handle(membership.user)
        if handle in handles:
            url = reverse("space-directory", args=[membership.network.slug]) + f"#jasen-{membership.user_id}"
            found[handle] = (membership.user, url)
    return found


# The excerpt a notice keeps of a message: what an immediate e-mail shows, and the digest less of it.
NOTICE_EXCERPT_LENGTH = 1000


def excerpt(body: str, length: int = NOTICE_EXCERPT_LENGTH) -> str:
    return body if len(body) <= length else body[: length - 1].rstrip() + "…"


def notify_message(
    message: Message, room: Room, author: User, mentioned: Sequence[User], replied: Message | None
) -> None:
    """Tells people of a new message (notices.delivery.notify; each person once, by the first kind that reaches
    them): the mentioned people (kind mention), the author of the message replied to (reply; unless they wrote
    this one or are mentioned in it), and the room network's other active members (room messages), except those
    who muted the room, with those who follow it heard even if they muted the network. The notices' scope is the
    room: at most one immediate e-mail per person and room an hour, the rest in the digest.

    Runs inside create_message's transaction after it has locked the room's row, so the messages of one room are
    decided one after the other. A constant number of queries, however many members the network has.
    """
    network = room.network
    members = {
        user.pk: user
        for user in User.objects.filter(
            memberships__network_id=room.network_id, memberships__left__isnull=True
        ).annotate(
            attention_here=Subquery(RoomAttention.objects.filter(room=room, user=OuterRef("pk")).values("level")[:1])
        )
    }
    payload = {
        "author": author.display_name,
        "room": {"pk": room.pk, "title": room.title},
        "network": {"title": network.title, "slug": network.slug},
        "seq": message.seq,
        "url": reverse("discussion-room", args=[network.slug, room.pk]),
        "excerpt": excerpt(message.body),
    }
    key, scope = f"message:{message.pk}", f"room:{room.pk}"

    def tell(users: Sequence[User], kind: Kind, template: str, unmuted: Collection[int] = ()) -> None:
        notify(users, kind, network=network, key=key, template=template, payload=payload, scope=scope, unmuted=unmuted)

    tell(mentioned, Kind.MENTION, "discussion_mention")
    mentioned_ids = {user.pk for user in mentioned}
    if replied is not None and replied.author_id not in {author.pk, *mentioned_ids} and replied.author_id in members:
        tell([members[replied.author_id]], Kind.REPLY, "discussion_reply")
    others = [user for user in members.values() if user.pk != author.pk and user.attention_here != Attention.MUTE]
    followers = {user.pk for user in others if user.attention_here == Attention.FOLLOW}
    tell(others, Kind.ROOM_MESSAGES, "discussion_message", followers)


@transaction.atomic
def edit_message(message: Message, editor: User, body: object) -> Message:
    if message.author_id != editor.pk:
        raise ActionError("forbidden", _("Voit muokata vain omia viestejäsi."))
    if message.deleted is not None:
        raise ActionError("forbidden", _("Poistettua viestiä ei voi muokata."))
    body = validate_body(body)
    check_edit_rate(editor)  # after validation: only edits that would be saved count
    message.body = body
    mentioned = mentionable_members(message.room.network_id, message.body)
    message.body_html = render_markdown(
        message.body, {handle: (handle, url) for handle, (_u, url) in mentioned.items()}
    )
    message.edited = timezone.now()
    message.save(update_fields=["body", "body_html", "edited"])
    events.message_updated(message)
    return message


@transaction.atomic
def delete_message(message: Message, user: User, *, is_facilitator: bool = False, reason: object = "") -> Message:
    """The author deletes their own message; a facilitator may hide anyone's, with a reason (text, as a
    socket frame may carry anything)."""
    if not isinstance(reason, str):
        raise ActionError("invalid", _("Piilottamisen syyn pitää olla tekstiä."))
    if message.author_id != user.pk and not is_facilitator:
        raise ActionError("forbidden", _("Voit poistaa vain omia viestejäsi."))
    if message.deleted is not None:
        raise ActionError("not_found", _("Viesti on jo poistettu."))
    message.deleted = timezone.now()
    if message.author_id != user.pk:
        message.hidden_reason = (reason or _("Fasilitaattori piilotti viestin.")).strip()[:300]
    message.save(update_fields=["deleted", "hidden_reason"])
    events.message_deleted(message)
    return message


def mark_read(user: User, room: Room, seq: int) -> int:
    """Moves the read marker forward (never back) and returns the room's unread count for the person; the notices
    of the messages now read that still wait for the digest are withdrawn (notices.delivery.withdraw). No event:
    the count is the answer to the person's own socket."""
    seq = max(0, min(int(seq), room.last_seq))
    marker, _created = ReadMarker.objects.get_or_create(user=user, room=room)
    if seq > marker.last_read_seq:
        ReadMarker.objects.filter(pk=marker.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
        marker.last_read_seq = seq
        withdraw(user.pk, f"room:{room.pk}", seq)
    return room.last_seq - marker.last_read_seq


@transaction.atomic
def create_topic_room(network: NetworkPage, user: User, title: str) -> Room:
    title = (title or "").strip()
    if not title:
        raise ActionError("invalid", _("Anna aiheelle otsikko."))
    check_room_rate(user)
    room = Room.objects.create(network=network, kind=Room.Kind.TOPIC, title=title[:200], created_by=user)
    events.room_created(room)
    return room


def ensure_general_room(network: NetworkPage) -> Room:
    """The network's general room. No event: it is made with the network, and every socket makes sure of it
    before it lists the rooms."""
    room, _created = Room.objects.get_or_create(
        network=network, kind=Room.Kind.GENERAL, defaults={"title": _("Yleinen keskustelu")}
    )
    return room


def ensure_workshop_room(workshop: WorkshopPage) -> Room:
    """The workshop's room, made with the workshop page. No event: open sockets list it when they next connect."""
    network = workshop.get_parent().specific
    room, _created = Room.objects.get_or_create(
        workshop=workshop, defaults={"network": network, "kind": Room.Kind.WORKSHOP, "title": workshop.title[:200]}
    )
    return room


@transaction.atomic
def set_room_closed(room: Room, closed: bool) -> Room:
    room.is_closed = bool(closed)
    room.save(update_fields=["is_closed"])
    events.room_updated(room)
    return room


@transaction.atomic
def pin_message(room: Room, message: Message | None) -> Room:
    if message is not None and (message.room_id != room.pk or message.deleted is not None):
        raise ActionError("invalid", _("Viestiä ei voi kiinnittää."))
    room.pinned_message = message
    room.save(update_fields=["pinned_message"])
    events.room_updated(room)
    return room


def save_draft(room: Room, user: User, body: object, *, origin: str = "") -> None:
    """Keeps what the person has typed in the room's message box (an empty or blank text deletes it), and tells
    their other sockets in the network, except `origin` (the socket it came from), so that another tab or device
    shows it. The caller has checked the person's access to the room's network; a closed room and a text over the
    message size limit are refused, storing nothing. A draft is its author's alone: no one else hears of it.
    """
    if not isinstance(body, str):
        raise ActionError("invalid", _("Kenttä %(field)s puuttuu tai on virheellinen.") % {"field": "body"})
    check_length(body)
    if room.is_closed:
        raise ActionError("room_closed", _("Huone on suljettu uusilta viesteiltä."))
    if not body.strip():
        if Draft.objects.filter(user=user, room=room).delete()[0]:
            events.draft_changed(user.pk, room.pk, "", origin=origin)
        return
    now = timezone.now()
    if not Draft.objects.filter(user=user, room=room).update(body=body, updated=now):
        try:
            with transaction.atomic():
                Draft.objects.create(user=user, room=room, body=body, updated=now)
        except IntegrityError:  # the person's other tab created it a moment ago: this text is the newer
            Draft.objects.filter(user=user, room=room).update(body=body, updated=now)
    events.draft_changed(user.pk, room.pk, body, origin=origin)


def prune_drafts(now: datetime | None = None) -> int:
    """Deletes the drafts untouched for DRAFT_KEEP_DAYS; how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.DRAFT_KEEP_DAYS)
    deleted, _by_model = Draft.objects.filter(updated__lt=cutoff).delete()
    return deleted


def check_message_rate(user: User) -> None:
    """Refuses a send beyond DISCUSSION_RATE_LIMIT = (messages, seconds) per person, saying when to retry."""
    hit_rate_limit("discussion-message", settings.DISCUSSION_RATE_LIMIT, user, _("Lähetät viestejä liian tiheään."))


def check_room_rate(user: User) -> None:
    """Refuses a topic room beyond DISCUSSION_ROOM_RATE_LIMIT = (rooms, seconds) per person."""
    hit_rate_limit("discussion-room", settings.DISCUSSION_ROOM_RATE_LIMIT, user, _("Avaat aiheita liian tiheään."))


@transaction.atomic
def set_reaction(message: Message, user: User, kind: object, on: object) -> list[ReactionObject]:
    """Adds (`on`) or takes back the person's reaction of `kind` and returns the message's reactions. The frame
    states the wanted state rather than toggling it, so a repeat (a retry, a double click, a second tab) changes
    nothing; only a change counts towards DISCUSSION_REACTION_RATE_LIMIT and is told to the network."""
    if not isinstance(kind, str) or kind not in Reaction.Kind.values:
        raise ActionError("invalid", _("Tuntematon reaktio."))
    if not isinstance(on, bool):
        raise ActionError("invalid", _("Kenttä %(field)s puuttuu tai on virheellinen.") % {"field": "on"})
    if message.deleted is not None:
        raise ActionError("not_found", _("Viesti on poistettu."))
    if message.room.is_closed:
        raise ActionError("room_closed", _("Huone on suljettu uusilta viesteiltä."))
    mine = Reaction.objects.filter(message=message, user=user, kind=kind)
    if mine.exists() != on:
        hit_rate_limit(
            "discussion-reaction", settings.DISCUSSION_REACTION_RATE_LIMIT, user, _("Reagoit liian tiheään.")
        )
        if on:
            Reaction.objects.get_or_create(message=message, user=user, kind=kind)
        else:
            mine.delete()
        reactions = reactions_of([message.pk]).get(message.pk, [])
        events.reactions_changed(message, reactions)
        return reactions
    return reactions_of([message.pk]).get(message.pk, [])


def check_edit_rate(user: User) -> None:
    """Refuses an edit beyond DISCUSSION_EDIT_RATE_LIMIT = (edits, seconds) per person."""
    hit_rate_limit("discussion-edit", settings.DISCUSSION_EDIT_RATE_LIMIT, user, _("Muokkaat viestejä liian tiheään."))


def hit_rate_limit(name: str, limit_and_window: tuple[int, int], user: User, reason: str) -> None:
    """Counts one attempt of the person's; RateLimited (an ActionError) when the limit is reached."""
    limit, window = limit_and_window
    RateLimit(name, limit, window).hit(user.pk, reason=reason)


# -- following and muting rooms -----------------------------------------------------------------------------


def check_room_level(level: object) -> str:
    """The level as one of "follow", "mute" and "network" (the person's own choice removed: the network's decides)."""
    if not isinstance(level, str) or level not in LEVELS:
        raise ActionError(
            "invalid", _("Valitse, seuraatko huonetta, hiljennätkö sen vai noudatatko verkoston valintaa.")
        )
    return level


@transaction.atomic
def set_room_attention(user: User, room: Room, level: object) -> str:
    """Follows or mutes one room, or leaves it to the network's choice (the room's control, over the websocket or
    the page). Only an active member of the room's network may: programme staff outside it hear nothing of it
    anyway. Every socket of the person is told the level (`attention`), also when it was already so, so that the
    control that asked shows the answer."""
    level = check_room_level(level)
    if not Membership.objects.active().filter(user=user, network_id=room.network_id).exists():
        raise ActionError("forbidden", _("Vain verkoston jäsenet voivat seurata tai hiljentää sen huoneita."))
    save_room_levels(user, {room.pk: level})
    events.attention_changed(user.pk, room.pk, level)
    return level


@transaction.atomic
def set_room_levels(user: User, levels: Mapping[int, object]) -> None:
    """The rooms of the notice settings page (registered with notices.attention in discussions/attention.py): each room
    must be in a network the person is an active member of; what changed is told to their sockets. Three queries,
    however many rooms."""
    checked = {room_id: check_room_level(level) for room_id, level in levels.items()}
    if not checked:
        return
    theirs = set(
        Room.objects.filter(
            pk__in=checked, network__in=Membership.objects.active().filter(user=user).values("network")
        ).values_list("pk", flat=True)
    )
    if set(checked) - theirs:
        raise ActionError("forbidden", _("Voit valita seurannan vain omien verkostojesi huoneille."))
    before = dict(RoomAttention.objects.filter(user=user, room_id__in=checked).values_list("room_id", "level"))
    changed = {room_id: level for room_id, level in checked.items() if before.get(room_id, AS_NETWORK) != level}
    save_room_levels(user, changed)
    for room_id, level in changed.items():
        events.attention_changed(user.pk, room_id, level)


def save_room_levels(user: User, levels: Mapping[int, str]) -> None:
    """Rows only for the person's own choices: "network" removes the row. Two queries at most."""
    resets = [room_id for room_id, level in levels.items() if level == AS_NETWORK]
    if resets:
        RoomAttention.objects.filter(user=user, room_id__in=resets).delete()
    rows = [
        RoomAttention(user=user, room_id=room_id, level=level)
        for room_id, level in levels.items()
        if level != AS_NETWORK
    ]
    if rows:
        RoomAttention.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "room"], update_fields=["level"]
        )
