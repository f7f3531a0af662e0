"""The daily e-mail digest of discussion messages the person has not read or been told of.

People who chose the digest get their new unread messages. Mentions are e-mailed at once, but at most once
per person and room in DISCUSSION_MENTION_EMAIL_SECONDS (discussions.actions.notify_mentions); a mention
held back that way comes in the digest, also to people who chose "mentions only".

A message is e-mailed to a person at most once: the digest remembers, per person and room, the newest seq it
has told them of (`ReadMarker.last_emailed_seq`), and leaves out the mentions that were e-mailed at once
(`MentionEmail`) and messages they have already read.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from core.email import send_templated_email

from .models import MentionEmail, Message, ReadMarker, Room

MAX_MESSAGES_PER_DIGEST = 50


def digest_recipients():
    User = get_user_model()  # noqa: N806
    return User.objects.notifiable().filter(memberships__left__isnull=True).distinct()


def already_seen(marker):
    """The newest seq of a room the person has read or been e-mailed about."""
    return max(marker.last_read_seq, marker.last_emailed_seq) if marker else 0


@transaction.atomic
def send_digest(user):
    """Queues one e-mail listing the person's new unread messages (only the mentions held back, for people who
    chose mentions only); returns how many it listed."""
    rooms = list(
        Room.objects.filter(network__memberships__user=user, network__memberships__left__isnull=True)
        .select_related("network")
        .distinct()
    )
    markers = {marker.room_id: marker for marker in ReadMarker.objects.filter(user=user, room__in=rooms)}
    seen = {room.pk: already_seen(markers.get(room.pk)) for room in rooms}
    unseen_rooms = [room for room in rooms if room.last_seq > seen[room.pk]]
    if not unseen_rooms:
        return 0
    after = Q()
    for room in unseen_rooms:
        after |= Q(room=room, seq__gt=seen[room.pk])
    messages = (
        Message.objects.filter(after, deleted__isnull=True)
        .exclude(author=user)
        .exclude(Exists(MentionEmail.objects.filter(message=OuterRef("pk"), user=user)))
        .annotate(mentions_you=Exists(Message.mentions.through.objects.filter(message=OuterRef("pk"), user=user)))
    )
    if user.discussion_email == user.DiscussionEmail.MENTIONS:
        messages = messages.filter(mentions_you=True)
    messages = list(
        messages.select_related("author", "room__network").order_by("room_id", "seq")[:MAX_MESSAGES_PER_DIGEST]
    )
    newest = {room.pk: room.last_seq for room in unseen_rooms}
    if len(messages) == MAX_MESSAGES_PER_DIGEST:  # the rest wait for the next digest
        newest = {}
        for message in messages:
            newest[message.room_id] = message.seq
    for room_id, seq in newest.items():
        ReadMarker.objects.update_or_create(user=user, room_id=room_id, defaults={"last_emailed_seq": seq})
    if messages:
        send_templated_email([user.email], "discussion_digest", {"user": user, "messages": messages})
    return len(messages)
