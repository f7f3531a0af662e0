"""Public events: the programme's regional days, webinars and fair stands, open to anyone.

An event is a Wagtail page under the one event index. Anyone may register without an account (name,
organisation, e-mail, optional dietary and accessibility needs); beyond the capacity they wait in line by the
workshops' rules. Registrations hold personal data for a purpose that ends with the event: a set time after it
they are deleted and only the counts stay on the event (`registered_count`, `attended_count`), for the figures.
Times are stored in UTC and shown in Helsinki time.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from core.blocks import BaseStreamBlock
from core.forms import PageForm
from networks.models import Theme
from workshops.blocks import AgendaBlock


class EventIndexPage(RoutablePageMixin, Page):
    """ "Tapahtumat": the coming events first, then the past ones."""

    intro = RichTextField(_("johdanto"), features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1
    base_form_class = PageForm
    template = "events/event_index_page.html"

    class Meta:
        verbose_name = _("tapahtumasivu")
        verbose_name_plural = _("tapahtumasivut")

    def events_parent(self):
        """The page whose children are the listed events: this one, or for a translated index (/sv/…) the Finnish
        one, whose events the translation lists (as the Tori lists its acts)."""
        if self.locale.language_code != settings.LANGUAGE_CODE:
            default = self.get_translation_or_none(Locale.get_default())
            if default is not None:
                return default
        return self

    def events(self):
        """The index's live, public events (no order: events.public splits them into coming and past)."""
        return EventPage.objects.live().public().child_of(self.events_parent())

    def get_context(self, request, *args, **kwargs):
        # Late import: the public views use these models (events.public imports events.models).
        from .public import index_context

        context = super().get_context(request, *args, **kwargs)
        return index_context(self, request, context)


class EventPage(RoutablePageMixin, Page):
    """One public event with its time, place or online address, programme, capacity and registration deadline."""

    start = models.DateTimeField(_("alkaa"))
    end = models.DateTimeField(_("päättyy"))
    place = models.CharField(_("paikka"), max_length=255, blank=True, help_text=_("Tilan nimi ja osoite."))
    city = models.CharField(_("paikkakunta"), max_length=100, blank=True)
    online = models.BooleanField(_("verkossa"), default=False, help_text=_("Tapahtumaan voi osallistua verkossa."))
    online_url = models.URLField(
        _("etäyhteyden osoite"), blank=True, help_text=_("Lähetetään ilmoittautuneille; ei näy sivulla.")
    )
    audience = models.CharField(
        _("kenelle"), max_length=300, help_text=_("Esim. ”Kuntien esihenkilöille, henkilöstölle ja HR:lle”.")
    )
    lead = models.TextField(_("ingressi"), max_length=400, help_text=_("Näkyy listauksessa ja haussa."))
    body = StreamField(BaseStreamBlock(), verbose_name=_("kuvaus"), blank=True)
    programme = StreamField(AgendaBlock(), verbose_name=_("ohjelma"), blank=True)
    themes = ParentalManyToManyField(Theme, verbose_name=_("teemat"), related_name="events", blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("paikkoja"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Jätä tyhjäksi, jos osallistujamäärää ei rajata. Täyteen tapahtumaan ilmoittautuvat pääsevät jonoon."
        ),
    )
    registration_deadline = models.DateTimeField(
        _("ilmoittautuminen päättyy"),
        null=True,
        blank=True,
        help_text=_("Tyhjä: ilmoittautuminen päättyy, kun tapahtuma alkaa."),
    )
    registration_open = models.BooleanField(
        _("ilmoittautuminen sivustolla"),
        default=True,
        help_text=_("Pois, jos tapahtumaan ei ilmoittauduta (esim. messuosasto)."),
    )
    cancelled = models.BooleanField(
        _("peruttu"), default=False, help_text=_("Peruttu tapahtuma näkyy sivulla peruttuna.")
    )
    contact_email = models.EmailField(
        _("järjestäjän sähköposti"),
        blank=True,
        help_text=_("Ilmoittautuneiden kysymykset ohjataan tähän osoitteeseen."),
    )

    # What stays after the registrations are deleted (events.registrations): the counts, for the figures.
    registered_count = models.PositiveIntegerField(_("ilmoittautuneita"), default=0, editable=False)
    attended_count = models.PositiveIntegerField(_("osallistuneita"), default=0, editable=False)
    registrations_deleted = models.DateTimeField(_("ilmoittautumiset poistettu"), null=True, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading=_("Aika (Suomen aikaa)")),
        MultiFieldPanel(
            [FieldPanel("place"), FieldPanel("city"), FieldPanel("online"), FieldPanel("online_url")],
            heading=_("Paikka"),
        ),
        FieldPanel("audience"),
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("programme"),
        FieldPanel("themes"),
        MultiFieldPanel(
            [
                FieldPanel("registration_open"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")]),
                FieldPanel("contact_email"),
                FieldPanel("cancelled"),
            ],
            heading=_("Ilmoittautuminen"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("city"),
        index.FilterField("start"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []
    base_form_class = PageForm
    template = "events/event_page.html"

    class Meta:
        verbose_name = _("tapahtuma")
        verbose_name_plural = _("tapahtumat")

    # What the registrations leave on the page: not content, so neither a revision nor an editor's publish from an
    # older revision may change it (with_content_json).
    KEPT_FIELDS = ("registered_count", "attended_count", "registrations_deleted")

    def with_content_json(self, content):
        """The page as a revision has it, with the counts of deleted registrations kept from the page itself: they
        are written once, after the event, when no revision has them (events.registrations.delete_registrations)."""
        page = super().with_content_json(content)
        for name in self.KEPT_FIELDS:
            setattr(page, name, getattr(self, name))
        return page

    @property
    def registration_closes(self):
        """When registration ends: the deadline, or the start."""
        return self.registration_deadline or self.start

    @property
    def is_past(self):
        return self.end < timezone.now()

    def get_context(self, request, *args, **kwargs):
        from .public import event_context

        context = super().get_context(request, *args, **kwargs)
        return event_context(self, request, context)

    @path("ilmoittaudu/", name="register")
    def register_route(self, request):
        from .public import register_view

        return register_view(self, request)

    @path("kalenteri/", name="calendar")
    def calendar_route(self, request):
        from .public import calendar_view

        return calendar_view(self, request)

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("Päättymisajan pitää olla alkamisajan jälkeen.")
        if not self.place and not self.online:
            errors["place"] = _("Anna paikka tai merkitse tapahtuma verkossa pidettäväksi.")
        if self.registration_deadline and self.start and self.registration_deadline > self.start:
            errors["registration_deadline"] = _("Ilmoittautumisen pitää päättyä viimeistään, kun tapahtuma alkaa.")
        if errors:
            raise ValidationError(errors)


def registration_key() -> str:
    return secrets.token_urlsafe(24)


class EventRegistration(models.Model):
    """One person's registration, by address, without an account. `key` is the secret of the link in the
    confirmation e-mail (cancelling). A registration beyond the capacity waits in line (`waitlisted`), in the
    order of `created`; a cancelled one is deleted, so that a place or the line moves on at once."""

    event = models.ForeignKey(
        EventPage, verbose_name=_("tapahtuma"), on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("nimi"), max_length=150)
    organisation = models.CharField(_("organisaatio"), max_length=200)
    email = models.EmailField(_("sähköposti"))
    diet = models.CharField(_("erityisruokavalio"), max_length=300, blank=True)
    accessibility = models.CharField(_("saavutettavuustarpeet"), max_length=300, blank=True)
    language = models.CharField(_("kieli"), max_length=8, default="fi")
    created = models.DateTimeField(_("ilmoittautunut"), default=timezone.now)
    waitlisted = models.BooleanField(_("jonossa"), default=False)
    attended = models.BooleanField(_("osallistui"), null=True, blank=True)
    key = models.CharField(max_length=64, unique=True, default=registration_key, editable=False)

    class Meta:
        verbose_name = _("ilmoittautuminen")
        verbose_name_plural = _("ilmoittautumiset")
        ordering = ["created", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="one_registration_per_address")]

    def __str__(self):
        return f"{self.name} – {self.event}"
