"""The discussion's share of a person's data export (accounts.data): their messages, reports and drafts and the
rooms they followed or muted; and what goes with a deleted account."""

from django.dispatch import receiver

from accounts.data import account_deleted, iso_date, register_exporter

from .models import Draft, Message, Report, RoomAttention


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


@register_exporter("discussion_reports")
def export_reports(user):
    """The messages the person reported, with what they said and the outcome; the reported message by its room,
    time and address only: its text is its author's data, not the reporter's."""
    reports = Report.objects.filter(reporter=user).select_related("message__room__network").order_by("created", "pk")
    return [
        {
            "network": report.message.room.network.title,
            "room": report.message.room.title,
            "message_id": report.message_id,
            "message_created": iso_date(report.message.created),
            "reason": report.reason,
            "reason_label": str(report.get_reason_display()),
            "text": report.text,
            "created": iso_date(report.created),
            "status": report.status,
            "status_label": str(report.get_status_display()),
            "handled": iso_date(report.handled_at),
            "decision_note": report.decision_note,
        }
        for report in reports
    ]


@receiver(account_deleted, dispatch_uid="discussions.data.forget_reports")
def forget_reports(sender, user, **kwargs):
    """The person's reports stay, anonymised: no reporter and no free text (which may say who wrote it), so that
    an open one still brings the message before the facilitators and a handled one still records the decision.
    Nobody is e-mailed the outcome of an anonymised report."""
    Report.objects.filter(reporter=user).update(reporter=None, text="")


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


@register_exporter("room_attention")
def export_room_attention(user):
    choices = RoomAttention.objects.filter(user=user).select_related("room__network").order_by("pk")
    return [
        {"network": choice.room.network.title, "room": choice.room.title, "level": choice.level} for choice in choices
    ]


@receiver(account_deleted, dispatch_uid="discussions.data.forget_room_attention")
def forget_room_attention(sender, user, **kwargs):
    RoomAttention.objects.filter(user=user).delete()
