"""Writes to the discussion: views, the consumer and management commands all go through these.

Each function validates, saves in one transaction and returns what the caller needs to tell others; the
consumer broadcasts only after these have returned (and so committed): persist, then broadcast.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.email import send_templated_email
from core.ratelimit import RateLimit, RateLimited
from core.text import mention_handle, mentioned_handles, render_markdown
from networks.models import Membership

from .models import MentionEmail, Message, ReadMarker, Room

MAX_BODY_LENGTH = 10_000
MAX_CLIENT_ID_LENGTH = 64
SYNC_PAGE_SIZE = 100


class DiscussionError(Exception):
    """A refused action: `code` for programs (the error frame's code), the message for people."""

    def __init__(self, code, detail):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def validate_body(body):
    if not isinstance(body, str) or not body.strip():
        raise DiscussionError("empty", _("Viesti on tyhjä."))
    if len(body) > MAX_BODY_LENGTH:
        raise DiscussionError(
            "too_long",
            _("Viesti on liian pitkä: enintään %(max)s merkkiä.")
            % {"max": number_format(MAX_BODY_LENGTH, force_grouping=True)},
        )
    return body.strip()


# General first, then the workshops' rooms in the order of the workshops, then topics oldest first.
KIND_ORDER = Case(
    When(kind=Room.Kind.GENERAL, then=Value(0)),
    When(kind=Room.Kind.WORKSHOP, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def network_rooms(network):
    """The network's rooms in the order people look for them (one query)."""
    return list(
        Room.objects.filter(network=network).order_by(
            KIND_ORDER, F("workshop__start").asc(nulls_last=True), "created", "pk"
        )
    )


def serialise_message(message):
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


def create_message(room, author, body, client_id, reply_to=None):
    """Stores a message once per (author, client_id) and returns (message, created).

    A retry with the same client_id returns the stored message and created=False, so the sender gets the
    same ack and nobody hears of it twice.
    """
    if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise DiscussionError("invalid", _("Viestin tunniste puuttuu tai on virheellinen."))
    existing = Message.objects.select_related("author").filter(author=author, client_id=client_id).first()
    if existing is not None:
        return existing, False
    body = validate_body(body)
    if room.is_closed:
        raise DiscussionError("room_closed", _("Huone on suljettu uusilta viesteiltä."))
    check_message_rate(author)  # after validation and the idempotency check: only new, valid messages count
    reply_to_id = None
    if reply_to is not None:
        if not isinstance(reply_to, int) or not Message.objects.filter(pk=reply_to, room=room).exists():
            raise DiscussionError("invalid", _("Viestiä, johon vastaat, ei löydy tästä huoneesta."))
        reply_to_id = reply_to
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
            ReadMarker.objects.update_or_create(user=author, room=room, defaults={"last_read_seq": seq})
            mentioned_users = [user for user, _url in mentioned.values() if user.pk != author.pk]
            if mentioned_users:
                message.mentions.set(mentioned_users)
                notify_mentions(message, room, author, mentioned_users)
    except IntegrityError:
        # The same client_id raced in from another connection: that one won.
        return Message.objects.select_related("author").get(author=author, client_id=client_id), False
    message.author = author
    return message, True


def mentionable_members(network_id, body):
    """{handle: (user, directory URL)} of the network's members that `body` mentions; one query, and none
    when the text mentions nobody."""
    handles = mentioned_handles(body)
    if not handles:
        return {}
    members = Membership.objects.active().filter(network_id=network_id).select_related("user", "network")
    found = {}
    for membership in members:
        handle = mention_handle(membership.user)
        if handle in handles:
            url = reverse("space-directory", args=[membership.network.slug]) + f"#jasen-{membership.user_id}"
            found[handle] = (membership.user, url)
    return found


def notify_mentions(message, room, author, users):
    """E-mails the mentioned people at once (after commit): at most one e-mail per person and room in
    DISCUSSION_MENTION_EMAIL_SECONDS, and none to people who asked for no discussion e-mail. A mention that
    is not e-mailed now reaches the person in the digest. Two queries, however many people are mentioned.

    Runs inside create_message's transaction after it has locked the room's row, so the messages of one room
    decide one after the other: the second always sees the e-mail the first recorded.
    """
    wanting = [user for user in users if user.discussion_email != user.DiscussionEmail.NEVER]
    if not wanting:
        return
    since = timezone.now() - timedelta(seconds=settings.DISCUSSION_MENTION_EMAIL_SECONDS)
    recently_told = set(
        MentionEmail.objects.filter(room=room, user__in=wanting, sent__gt=since).values_list("user_id", flat=True)
    )
    told = [user for user in wanting if user.pk not in recently_told]
    MentionEmail.objects.bulk_create([MentionEmail(user=user, room=room, message=message) for user in told])
    for user in told:
        send_templated_email(
            [user.email], "discussion_mention", {"message": message, "room": room, "author": author, "user": user}
        )


@transaction.atomic
def edit_message(message, editor, body):
    if message.author_id != editor.pk:
        raise DiscussionError("forbidden", _("Voit muokata vain omia viestejäsi."))
    if message.deleted is not None:
        raise DiscussionError("forbidden", _("Poistettua viestiä ei voi muokata."))
    body = validate_body(body)
    check_edit_rate(editor)  # after validation: only edits that would be saved count
    message.body = body
    mentioned = mentionable_members(message.room.network_id, message.body)
    message.body_html = render_markdown(
        message.body, {handle: (handle, url) for handle, (_u, url) in mentioned.items()}
    )
    message.edited = timezone.now()
    message.save(update_fields=["body", "body_html", "edited"])
    return message


@transaction.atomic
def delete_message(message, user, *, is_facilitator=False, reason=""):
    """The author deletes their own message; a facilitator may hide anyone's, with a reason."""
    if message.author_id != user.pk and not is_facilitator:
        raise DiscussionError("forbidden", _("Voit poistaa vain omia viestejäsi."))
    if message.deleted is not None:
        raise DiscussionError("not_found", _("Viesti on jo poistettu."))
    message.deleted = timezone.now()
    if message.author_id != user.pk:
        message.hidden_reason = (reason or _("Fasilitaattori piilotti viestin.")).strip()[:300]
    message.save(update_fields=["deleted", "hidden_reason"])
    return message


def mark_read(user, room, seq):
    """Moves the read marker forward (never back) and returns the room's unread count for the person."""
    seq = max(0, min(int(seq), room.last_seq))
    marker, _created = ReadMarker.objects.get_or_create(user=user, room=room)
    if seq > marker.last_read_seq:
        ReadMarker.objects.filter(pk=marker.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
        marker.last_read_seq = seq
    return room.last_seq - marker.last_read_seq


def unread_counts(user, rooms):
    """{room id: unread count} for the given rooms, in one query."""
    read = dict(ReadMarker.objects.filter(user=user, room__in=rooms).values_list("room_id", "last_read_seq"))
    return {room.pk: max(0, room.last_seq - read.get(room.pk, 0)) for room in rooms}


def messages_after(room, after, limit=SYNC_PAGE_SIZE):
    """The room's messages with seq > after, oldest first, at most `limit`; and whether that was all."""
    batch = list(Message.objects.filter(room=room, seq__gt=after).select_related("author").order_by("seq")[: limit + 1])
    return batch[:limit], len(batch) <= limit


def messages_before(room, before=None, limit=50):
    """A page of history, newest first: keyset pagination on (room, seq), as fast at 100 000 as at 100."""
    messages = Message.objects.filter(room=room).select_related("author").order_by("-seq")
    if before is not None:
        messages = messages.filter(seq__lt=before)
    return list(messages[:limit])


@transaction.atomic
def create_topic_room(network, user, title):
    title = (title or "").strip()
    if not title:
        raise DiscussionError("invalid", _("Anna aiheelle otsikko."))
    check_room_rate(user)
    return Room.objects.create(network=network, kind=Room.Kind.TOPIC, title=title[:200], created_by=user)


def ensure_general_room(network):
    room, _created = Room.objects.get_or_create(
        network=network, kind=Room.Kind.GENERAL, defaults={"title": _("Yleinen keskustelu")}
    )
    return room


def ensure_workshop_room(workshop):
    network = workshop.get_parent().specific
    room, _created = Room.objects.get_or_create(
        workshop=workshop, defaults={"network": network, "kind": Room.Kind.WORKSHOP, "title": workshop.title[:200]}
    )
    return room


@transaction.atomic
def set_room_closed(room, closed):
    room.is_closed = bool(closed)
    room.save(update_fields=["is_closed"])
    return room


@transaction.atomic
def pin_message(room, message):
    if message is not None and (message.room_id != room.pk or message.deleted is not None):
        raise DiscussionError("invalid", _("Viestiä ei voi kiinnittää."))
    room.pinned_message = message
    room.save(update_fields=["pinned_message"])
    return room


def check_message_rate(user):
    """Refuses a send beyond DISCUSSION_RATE_LIMIT = (messages, seconds) per person, saying when to retry."""
    hit_rate_limit("discussion-message", settings.DISCUSSION_RATE_LIMIT, user, _("Lähetät viestejä liian tiheään."))


def check_room_rate(user):
    """Refuses a topic room beyond DISCUSSION_ROOM_RATE_LIMIT = (rooms, seconds) per person."""
    hit_rate_limit("discussion-room", settings.DISCUSSION_ROOM_RATE_LIMIT, user, _("Avaat aiheita liian tiheään."))


def check_edit_rate(user):
    """Refuses an edit beyond DISCUSSION_EDIT_RATE_LIMIT = (edits, seconds) per person."""
    hit_rate_limit("discussion-edit", settings.DISCUSSION_EDIT_RATE_LIMIT, user, _("Muokkaat viestejä liian tiheään."))


def hit_rate_limit(name, limit_and_window, user, reason):
    limit, window = limit_and_window
    try:
        RateLimit(name, limit, window).hit(user.pk, reason=reason)
    except RateLimited as limited:
        raise DiscussionError(limited.code, limited.message) from None
