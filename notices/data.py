"""The notices' share of a person's data export, and what goes with a deleted account (accounts.data)."""

from django.dispatch import receiver

from accounts.data import account_deleted, iso_date, register_exporter

from .models import DigestSettings, NetworkAttention, Notice, Preference
from .preferences import preferences_of


@register_exporter("notice_settings")
def export_settings(user):
    """Their choice per kind (the defaults where they chose nothing), the digest's frequency, the networks they
    follow or muted: four queries."""
    digest = DigestSettings.objects.filter(user=user).first()
    return {
        "deliveries": {str(kind): str(delivery) for kind, delivery in preferences_of(user).items()},
        "digest_frequency": digest.frequency if digest else DigestSettings.Frequency.DAILY.value,
        "digest_last_sent": iso_date(digest.last_sent) if digest else None,
        "networks": [
            {"network": attention.network.title, "level": attention.level}
            for attention in NetworkAttention.objects.filter(user=user).select_related("network").order_by("pk")
        ],
    }


@register_exporter("notices")
def export_notices(user):
    """What they were told of, and when and how (never the news's text, which others wrote): one query."""
    return [
        {
            "kind": notice.kind,
            "network": notice.network.title if notice.network else None,
            "created": iso_date(notice.created),
            "delivered": iso_date(notice.delivered),
            "via": notice.via or None,
        }
        for notice in Notice.objects.filter(user=user).select_related("network").order_by("created", "pk")
    ]


@receiver(account_deleted)
def forget_notices(sender, user, **kwargs):
    for model in (Notice, Preference, DigestSettings, NetworkAttention):
        model.objects.filter(user=user).delete()
