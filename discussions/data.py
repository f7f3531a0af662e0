"""The discussion's share of a person's data export, and what goes with a deleted account (accounts.data)."""

from django.dispatch import receiver

from accounts.data import account_deleted, register_exporter

from .models import Message, RoomAttention


@register_exporter("discussion_messages")
def export_messages(user):
    messages = Message.objects.filter(author=user).select_related("room__network").order_by("created")
    return [
        {
            "network": message.room.network.title,
            "room": message.room.title,
            "created": message.created.isoformat(),
            "edited": message.edited.isoformat() if message.edited else None,
            "deleted": message.deleted.isoformat() if message.deleted else None,
            "body": message.body,
        }
        for message in messages
    ]


@register_exporter("room_attention")
def export_room_attention(user):
    """The rooms the person follows or muted."""
    attention = RoomAttention.objects.filter(user=user).select_related("room__network").order_by("pk")
    return [{"network": a.room.network.title, "room": a.room.title, "level": a.level} for a in attention]


@receiver(account_deleted)
def forget_room_attention(sender, user, **kwargs):
    RoomAttention.objects.filter(user=user).delete()
