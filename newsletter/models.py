"""The newsletter: its subscribers, its issues and who has been sent which issue (docs/newsletter.md).

A subscriber is an address without an account, active only after the link of the confirmation e-mail has been
used (double opt-in). An issue is composed in the admin (a snippet) and sent once, by the task worker in batches;
a `Delivery` per issue and subscriber (unique) is what makes "each subscriber gets each issue once" hold when the
worker is restarted half way.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import PreviewableMixin

from .blocks import IssueBlock
from .content import web_context


def subscriber_key() -> str:
    return secrets.token_urlsafe(24)


class Subscriber(models.Model):
    """One address on the list. `key` is the secret of its links (confirming, unsubscribing, its language); it
    never expires, so that an unsubscribe link of an old issue still works. `confirmation_sent` starts the
    cooling period within which a repeated subscription sends nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Odottaa vahvistusta")
        ACTIVE = "active", _("Tilaaja")
        UNSUBSCRIBED = "unsubscribed", _("Perunut tilauksen")

    email = models.EmailField(_("sähköposti"), unique=True)
    language = models.CharField(_("kieli"), max_length=8, choices=settings.LANGUAGES, default="fi")
    status = models.CharField(_("tila"), max_length=12, choices=Status.choices, default=Status.PENDING)
    key = models.CharField(max_length=64, unique=True, default=subscriber_key, editable=False)
    created = models.DateTimeField(_("tilattu"), default=timezone.now)
    confirmation_sent = models.DateTimeField(_("vahvistuspyyntö lähetetty"), null=True, blank=True)
    confirmed = models.DateTimeField(_("vahvistettu"), null=True, blank=True)
    unsubscribed = models.DateTimeField(_("peruttu"), null=True, blank=True)

    class Meta:
        verbose_name = _("uutiskirjeen tilaaja")
        verbose_name_plural = _("uutiskirjeen tilaajat")
        indexes = [models.Index(fields=["status"], name="newsletter_subscriber_status")]

    def __str__(self):
        return self.email


class NewsletterIssue(PreviewableMixin, models.Model):
    """One issue: a subject and an intro (in Finnish, with optional Swedish and English versions) and its items.

    Each subscriber gets it in their language: the subject and intro of that language where written (else the
    Finnish), the chosen pages in their translation where one is live (else the Finnish page), the free texts meant
    for everyone or for that language, and the e-mail's own words translated. An issue is sent once: `status` moves
    draft → sending → sent under a row lock, and a sent issue is no longer edited (its web version is what was
    sent)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Luonnos")
        SENDING = "sending", _("Lähetetään")
        SENT = "sent", _("Lähetetty")

    subject = models.CharField(_("aihe"), max_length=200, help_text=_("Sähköpostin otsikko ja verkkoversion otsikko."))
    intro = models.TextField(_("johdanto"), blank=True, help_text=_("Pelkkää tekstiä; näkyy ennen sisältöä."))
    subject_sv = models.CharField(_("aihe ruotsiksi"), max_length=200, blank=True)
    intro_sv = models.TextField(_("johdanto ruotsiksi"), blank=True)
    subject_en = models.CharField(_("aihe englanniksi"), max_length=200, blank=True)
    intro_en = models.TextField(_("johdanto englanniksi"), blank=True)
    body = StreamField(IssueBlock(), verbose_name=_("sisältö"), blank=True)

    status = models.CharField(_("tila"), max_length=8, choices=Status.choices, default=Status.DRAFT, editable=False)
    created = models.DateTimeField(_("luotu"), default=timezone.now, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lähettäjä"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    started = models.DateTimeField(_("lähetys aloitettu"), null=True, blank=True, editable=False)
    # When the latest batch began: a sending whose batch began long ago has stalled (the worker died) and is resumed.
    progressed = models.DateTimeField(_("viimeisin erä"), null=True, blank=True, editable=False)
    finished = models.DateTimeField(_("lähetetty"), null=True, blank=True, editable=False)

    panels = [
        FieldPanel("subject"),
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("subject_sv"), FieldPanel("intro_sv")],
            heading=_("Ruotsiksi (valinnainen)"),
            help_text=_("Ruotsinkieliset tilaajat saavat nämä; tyhjä: suomenkielinen."),
        ),
        MultiFieldPanel(
            [FieldPanel("subject_en"), FieldPanel("intro_en")],
            heading=_("Englanniksi (valinnainen)"),
            help_text=_("Englanninkieliset tilaajat saavat nämä; tyhjä: suomenkielinen."),
        ),
    ]

    class Meta:
        verbose_name = _("uutiskirje")
        verbose_name_plural = _("uutiskirjeet")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return self.subject

    def clean(self):
        super().clean()
        if self.pk and type(self).objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists():
            raise ValidationError(_("Lähetettyä uutiskirjettä ei voi enää muuttaa."))

    def subject_in(self, language: str) -> str:
        return {"sv": self.subject_sv, "en": self.subject_en}.get(language) or self.subject

    def intro_in(self, language: str) -> str:
        return {"sv": self.intro_sv, "en": self.intro_en}.get(language) or self.intro

    @property
    def is_published(self) -> bool:
        """The web version exists once the sending has begun."""
        return self.status != self.Status.DRAFT

    # Wagtail's preview in the admin: the web version as it will look, in the language of the admin.
    def get_preview_template(self, request, mode_name):
        return "newsletter/issue.html"

    def get_preview_context(self, request, mode_name):
        return {**super().get_preview_context(request, mode_name), **web_context(self), "preview": True}


class Delivery(models.Model):
    """An issue to one subscriber: made for every active subscriber when the sending starts, then claimed and sent
    one by one (newsletter.sending). The states a row can be in:

    - pending: not yet tried;
    - sending: claimed by a batch, the SMTP call under way — a row the worker left here when it died is not sent
      again (at most once at the SMTP boundary: docs/newsletter.md) and counts as uncertain;
    - sent, failed (the server refused the address), skipped (unsubscribed before their turn).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Odottaa")
        SENDING = "sending", _("Lähetetään")
        SENT = "sent", _("Lähetetty")
        FAILED = "failed", _("Epäonnistui")
        SKIPPED = "skipped", _("Ohitettu")

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    # A deleted (long unsubscribed) subscriber leaves the row without its address: the issue's counts stay.
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    changed = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uutiskirjeen lähetys")
        verbose_name_plural = _("uutiskirjeen lähetykset")
        constraints = [models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery_per_subscriber")]
        indexes = [models.Index(fields=["issue", "state"], name="newsletter_delivery_state")]

    def __str__(self):
        return f"{self.issue_id} → {self.subscriber_id}: {self.state}"
