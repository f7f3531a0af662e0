"""The discussion's share of a person's data export (accounts.data), and what goes with a deleted account."""

from django.dispatch import receiver

from accounts.data import account_deleted, register_exporter

from .models import Draft, Message


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


@register_exporter("discussion_drafts")
def export_drafts(user):
    """What the person has typed in rooms and not sent: theirs too."""
    drafts = Draft.objects.filter(user=user).select_related("room__network").order_by("updated", "pk")
    return [
        {
            "network": draft.room.network.title,
            "room": draft.room.title,
            "updated": draft.updated.isoformat(),
            "body": draft.body,
        }
        for draft in drafts
    ]


@receiver(account_deleted, dispatch_uid="discussions.data.forget_drafts")
def forget_drafts(sender, user, **kwargs):
    """Messages stay (as "poistettu käyttäjä"); what was never sent goes with the account."""
    Draft.objects.filter(user=user).delete()
