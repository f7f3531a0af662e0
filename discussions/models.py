from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices.models import Attention


class Room(models.Model):
    """A conversation of one network: its general room, a room per workshop, and topics members open."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("Yleinen keskustelu")
        WORKSHOP = "workshop", _("Työpajan keskustelu")
        TOPIC = "topic", _("Aihe")

    network = models.ForeignKey("networks.NetworkPage", on_delete=models.CASCADE, related_name="rooms")
    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices, default=Kind.TOPIC)
    title = models.CharField(_("otsikko"), max_length=200)
    workshop = models.OneToOneField(
        "workshops.WorkshopPage", on_delete=models.CASCADE, null=True, blank=True, related_name="room"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    is_closed = models.BooleanField(_("suljettu"), default=False)
    pinned_message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("kiinnitetty")
    )
    # The seq of the newest message; incremented in the transaction that inserts a message.
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("keskusteluhuone")
        verbose_name_plural = _("keskusteluhuoneet")
        ordering = ["kind", "created"]
        constraints = [
            models.UniqueConstraint(
                fields=["network"], condition=models.Q(kind="general"), name="one_general_room_per_network"
            )
        ]

    def __str__(self):
        return self.title


class Message(models.Model):
    """One message. `seq` is its place in the room (1, 2, 3, … in commit order) and the sync cursor;
    `body_html` is rendered and sanitised once, when the text is saved."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages")
    client_id = models.CharField(max_length=64)
    body = models.TextField()
    body_html = models.TextField()
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    edited = models.DateTimeField(null=True, blank=True)
    deleted = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")

    class Meta:
        verbose_name = _("viesti")
        verbose_name_plural = _("viestit")
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="message_seq_unique_in_room"),
            models.UniqueConstraint(fields=["author", "client_id"], name="message_client_id_unique_per_author"),
        ]

    def __str__(self):
        return f"{self.room} #{self.seq}"

    @property
    def is_deleted(self):
        return self.deleted is not None


class ReadMarker(models.Model):
    """How far a person has read a room. Reading withdraws the notices of the messages read that still wait for
    the digest (discussions.actions.mark_read)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_markers")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="read_markers")
    last_read_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "room"], name="one_read_marker_per_room")]

    def __str__(self):
        return f"{self.user} / {self.room}: {self.last_read_seq}"


class Reaction(models.Model):
    """One person's reaction to a message, from a small fixed set: each kind counts once per person."""

    class Kind(models.TextChoices):
        THUMBS_UP = "peukku", _("Peukku ylös")
        HEART = "sydan", _("Sydän")
        IDEA = "idea", _("Hyvä idea")
        CLAP = "taputus", _("Hienoa")
        THANKS = "kiitos", _("Kiitos")

    EMOJI = {  # noqa: RUF012 - a constant of the class, never changed
        Kind.THUMBS_UP: "👍",
        Kind.HEART: "❤️",
        Kind.IDEA: "💡",
        Kind.CLAP: "👏",
        Kind.THANKS: "🙏",
    }

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reaktio")
        verbose_name_plural = _("reaktiot")
        constraints = [
            models.UniqueConstraint(fields=["message", "user", "kind"], name="one_reaction_of_a_kind_per_person")
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.message}"


class RoomAttention(models.Model):
    """Following or muting one room, over what the person chose for the room's network (notices.NetworkAttention):
    a followed room of a muted network still tells them of new messages; a muted room of a followed one does not."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_attention")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="attention")
    level = models.CharField(_("seuranta"), max_length=10, choices=Attention.choices)

    class Meta:
        verbose_name = _("huoneen seuranta")
        verbose_name_plural = _("huoneiden seuranta")
        constraints = [models.UniqueConstraint(fields=["user", "room"], name="one_attention_per_room")]

    def __str__(self):
        return str(self.get_level_display())


class Report(models.Model):
    """A member's report of a message to the network's own facilitators (and the programme office), who hide
    the message or dismiss the report; the reporter is told which. One report per person and message.

    The author of the message is never told who reported it. When the reporter's account is deleted the report
    stays, anonymised (no reporter, no free text), so that the facilitators still look at the message."""

    class Reason(models.TextChoices):
        OFFENSIVE = "asiaton", _("Asiaton tai loukkaava")
        PERSONAL_DATA = "henkilotietoja", _("Sisältää henkilötietoja")
        HARASSMENT = "hairinta", _("Häirintää")
        SPAM = "roskaposti", _("Roskapostia tai mainontaa")
        OTHER = "muu", _("Muu syy")

    class Status(models.TextChoices):
        OPEN = "open", _("Käsittelemättä")
        HIDDEN = "hidden", _("Viesti piilotettu")
        DISMISSED = "dismissed", _("Ilmoitus hylätty")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("syy"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("lisätiedot"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("tila"), max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("perustelu"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ilmoitettu viesti")
        verbose_name_plural = _("ilmoitetut viestit")
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="one_report_per_person")]
        indexes = [models.Index(fields=["status", "message"], name="report_open")]

    def __str__(self):
        return f"{self.reporter} / {self.message}: {self.reason}"


class Draft(models.Model):
    """What a person has typed in a room's message box and not sent: kept on the server so that it comes back
    after a reload, a dropped connection or on another device. Private to its author; sending a message in the
    room deletes it, and drafts untouched for DRAFT_KEEP_DAYS are pruned (`manage.py prune_drafts`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("luonnos")
        verbose_name_plural = _("luonnokset")
        constraints = [models.UniqueConstraint(fields=["user", "room"], name="one_draft_per_room")]
        indexes = [models.Index(fields=["updated"], name="discussion_draft_updated")]

    def __str__(self):
        return f"{self.user} / {self.room}"
