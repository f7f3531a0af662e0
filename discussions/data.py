"""The discussion's share of a person's data export (accounts.data)."""

from accounts.data import register_exporter

from .models import Message


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
