"""Notices' share of a person's own data (accounts.data): their choices per kind of notice (with the defaults they
never changed), the digest's frequency, the language of their e-mails, the networks they muted and what they were
told of; and deleting an account removes them (the rooms' choices are discussions.data's)."""

from django.dispatch import receiver

from accounts.data import account_deleted, iso_date, register_exporter

from .choices import digest_frequency
from .models import DEFAULT_DELIVERY, DigestSettings, NetworkAttention, Notice, Preference
from .preferences import preferences_of


@register_exporter("notice_settings")
def export_notice_settings(user):
    chosen = set(Preference.objects.filter(user=user).values_list("kind", flat=True))
    last_digest = DigestSettings.objects.filter(user=user).values_list("last_sent", flat=True).first()
    muted = NetworkAttention.objects.filter(user=user).select_related("network").order_by("network__title", "pk")
    return {
        "deliveries": [
            {"kind": kind.value, "delivery": delivery.value, "chosen": kind in chosen}
            for kind, delivery in preferences_of(user).items()
        ],
        "defaults": {kind.value: delivery.value for kind, delivery in DEFAULT_DELIVERY.items()},
        "digest_frequency": digest_frequency(user).value,
        "last_digest": iso_date(last_digest),
        "email_language": user.language or None,
        "networks": [{"network": choice.network.title, "level": choice.level} for choice in muted],
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


@receiver(account_deleted, dispatch_uid="notices.data.forget_notices")
def forget_notices(sender, user, **kwargs):
    for model in (Notice, Preference, DigestSettings, NetworkAttention):
        model.objects.filter(user=user).delete()
