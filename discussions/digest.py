"""The daily e-mail digest of unread discussion messages (for people who chose it in their profile).

A message is e-mailed to a person at most once: the digest remembers, per person and room, the newest
seq it has told them of (`ReadMarker.last_emailed_seq`), and leaves out messages that mentioned them
(those were e-mailed at once) and messages they have already read.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from home.email import send_templated_email

from .models import Message, ReadMarker, Room

MAX_MESSAGES_PER_DIGEST = 50


def digest_recipients():
    User = get_user_model()  # noqa: N806
    return User.objects.filter(
        discussion_email=User.DiscussionEmail.DAILY,
        is_active=True,
        deleted__isnull=True,
        memberships__left__isnull=True,
    ).distinct()


def already_seen(marker):
    """The newest seq of a room the person has read or been e-mailed about."""
    return max(marker.last_read_seq, marker.last_emailed_seq) if marker else 0


@transaction.atomic
def send_digest(user):
    """Queues one e-mail listing the person's new unread messages; returns how many it listed."""
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
    messages = list(
        Message.objects.filter(after, deleted__isnull=True)
        .exclude(author=user)
        .exclude(mentions=user)
        .select_related("author", "room__network")
        .order_by("room_id", "seq")[:MAX_MESSAGES_PER_DIGEST]
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
