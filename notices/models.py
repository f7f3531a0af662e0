"""What a person wants to hear about, and what they have been told.

A notice is one piece of news for one person (a mention, a reply, a new message in a room they follow, workshop
news, a task, the day-before reminder). Whether it is e-mailed at once, gathered into their digest, or dropped is
the person's choice per kind (`Preference`, else `DEFAULT_DELIVERY`), and following or muting a network
(`NetworkAttention`; rooms: discussions.RoomAttention) decides whether the news of that network reach them at all.
`Notice` remembers each item once per person (`key`), so nothing is e-mailed twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MENTION = "mention", _("Maininnat")
    REPLY = "reply", _("Vastaukset viesteihini")
    ROOM_MESSAGES = "room_messages", _("Uudet viestit seuraamissani huoneissa")
    WORKSHOP_NEWS = "workshop_news", _("Työpajojen uutiset")
    TASKS = "tasks", _("Tehtävät ja määräajat")
    REMINDER = "reminder", _("Muistutus työpajaa edeltävänä päivänä")
    REPORTS = "reports", _("Ilmoitetut viestit (fasilitaattoreille)")


class Delivery(models.TextChoices):
    NOW = "now", _("Heti")
    DIGEST = "digest", _("Koosteessa")
    NEVER = "never", _("Ei koskaan")


DEFAULT_DELIVERY = {
    Kind.MENTION: Delivery.NOW,
    Kind.REPLY: Delivery.NOW,
    Kind.ROOM_MESSAGES: Delivery.DIGEST,
    Kind.WORKSHOP_NEWS: Delivery.DIGEST,
    Kind.TASKS: Delivery.NOW,
    Kind.REMINDER: Delivery.NOW,
    Kind.REPORTS: Delivery.NOW,
}

# What muting a network (or a room) silences. Mentions, replies, tasks and reminders concern the person
# themselves and still come, as the person's choice for that kind says.
MUTABLE_KINDS = frozenset({Kind.ROOM_MESSAGES, Kind.WORKSHOP_NEWS})


class Preference(models.Model):
    """A person's choice for one kind of notice; without a row, DEFAULT_DELIVERY holds."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences")
    kind = models.CharField(_("ilmoituksen laji"), max_length=20, choices=Kind.choices)
    delivery = models.CharField(_("toimitus"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("ilmoitusvalinta")
        verbose_name_plural = _("ilmoitusvalinnat")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_delivery_display()}"


class DigestSettings(models.Model):
    """How often a person's digest comes, and when the last one was sent; without a row, daily."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Päivittäin")
        WEEKLY = "weekly", _("Viikoittain")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="digest_settings"
    )
    frequency = models.CharField(_("koosteen tiheys"), max_length=10, choices=Frequency.choices, default="daily")
    last_sent = models.DateTimeField(_("edellinen kooste"), null=True, blank=True)

    class Meta:
        verbose_name = _("koosteen asetus")
        verbose_name_plural = _("koosteen asetukset")

    def __str__(self):
        return str(self.get_frequency_display())


class Attention(models.TextChoices):
    FOLLOW = "follow", _("Seuraa")
    MUTE = "mute", _("Hiljennetty")


class NetworkAttention(models.Model):
    """Following (the default for a member) or muting a whole network."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_attention")
    network = models.ForeignKey("networks.NetworkPage", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("seuranta"), max_length=10, choices=Attention.choices)

    class Meta:
        verbose_name = _("verkoston seuranta")
        verbose_name_plural = _("verkostojen seuranta")
        constraints = [models.UniqueConstraint(fields=["user", "network"], name="one_attention_per_network")]

    def __str__(self):
        return str(self.get_level_display())


class Notice(models.Model):
    """One item of news for one person, recorded once (`key`, e.g. "message:123" or "workshop:5:cancelled").

    `payload` holds what the e-mail shows, as plain data rendered with `template` (`email/<template>.txt`) in the
    recipient's language when sent; `scope` groups notices for the cap on immediate e-mails (e.g. "room:12": at
    most one per room and hour). `delivered` is set when the item went out, at once or in a digest (`via`), or
    when it was withdrawn before it went out (the person read the message first).
    """

    class Via(models.TextChoices):
        NOW = "now", _("Heti")
        DIGEST = "digest", _("Kooste")
        WITHDRAWN = "withdrawn", _("Luettu ennen lähetystä")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    network = models.ForeignKey("networks.NetworkPage", on_delete=models.CASCADE, null=True, related_name="+")
    scope = models.CharField(max_length=40, blank=True)
    key = models.CharField(max_length=120)
    template = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    delivered = models.DateTimeField(null=True, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices, blank=True)

    class Meta:
        verbose_name = _("ilmoitus")
        verbose_name_plural = _("ilmoitukset")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notice_per_item")]
        indexes = [
            models.Index(fields=["user", "created"], condition=models.Q(delivered__isnull=True), name="notice_pending"),
            models.Index(fields=["user", "scope", "delivered"], name="notice_scope_delivered"),
        ]

    def __str__(self):
        return self.key
