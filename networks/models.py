from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.pagination import paginate


class Organisation(index.Indexed, models.Model):
    """A municipal organisation taking part in networks, or a partner that runs them."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "kunta", _("Kunta")
        CITY = "kaupunki", _("Kaupunki")
        JOINT_AUTHORITY = "kuntayhtyma", _("Kuntayhtymä")
        MUNICIPAL_ENTERPRISE = "liikelaitos", _("Liikelaitos")
        HOSPITAL_DISTRICT = "sairaanhoitopiiri", _("Sairaanhoitopiiri")
        PARTNER = "kumppani", _("Yhteistyökumppani")
        OTHER = "muu", _("Muu organisaatio")

    name = models.CharField(_("nimi"), max_length=200, unique=True)
    kind = models.CharField(_("tyyppi"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY)
    municipality = models.CharField(_("kunta"), max_length=100, blank=True)
    region = models.CharField(_("maakunta"), max_length=100, blank=True)
    website = models.URLField(_("verkkosivut"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        MultiFieldPanel([FieldPanel("municipality"), FieldPanel("region")], heading=_("Sijainti")),
        FieldPanel("website"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("kind")]

    class Meta:
        verbose_name = _("organisaatio")
        verbose_name_plural = _("organisaatiot")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Theme(models.Model):
    """What a network works on: Lean, LATU, the future of public work, family-friendly workplaces, …"""

    name = models.CharField(_("nimi"), max_length=120, unique=True)
    slug = models.SlugField(_("tunniste"), max_length=120, unique=True, allow_unicode=False)
    description = models.TextField(_("kuvaus"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        verbose_name = _("teema")
        verbose_name_plural = _("teemat")
        ordering = ["name"]

    def __str__(self):
        return self.name


class NetworkIndexPage(Page):
    """Lists the networks, filtered on the server by kind, theme, status and partner."""

    intro = RichTextField(_("johdanto"), features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["networks.NetworkPage"]
    max_count = 1
    template = "pages/network_index_page.html"
    networks_per_page = 24

    class Meta:
        verbose_name = _("verkostojen hakemisto")
        verbose_name_plural = _("verkostojen hakemistot")

    def networks(self):
        return (
            NetworkPage.objects.live()
            .public()
            .child_of(self)
            .select_related("theme", "partner")
            .prefetch_related("organisations")
            .order_by("title")
        )

    def get_context(self, request, *args, **kwargs):
        from .forms import NetworkFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = NetworkFilterForm(request.GET)
        networks = form.filter(self.networks())
        context["filter_form"] = form
        context["networks"] = paginate(request, networks, self.networks_per_page)
        context["querystring_without_page"] = form.querystring()
        return context


class NetworkPage(Page):
    """One network: its theme, status, partner, goals, people, organisations and workshops."""

    class Kind(models.TextChoices):
        DEVELOPMENT = "kehittamis", _("Kehittämisverkosto")
        LEARNING = "oppimis", _("Oppimisverkosto")

    class Status(models.TextChoices):
        FORMING = "kokoontumassa", _("Kokoontumassa")
        OPEN = "haku", _("Haku käynnissä")
        RUNNING = "kaynnissa", _("Käynnissä")
        ENDED = "paattynyt", _("Päättynyt")

    kind = models.CharField(_("verkoston laji"), max_length=20, choices=Kind.choices, default=Kind.LEARNING)
    theme = models.ForeignKey(
        Theme, verbose_name=_("teema"), on_delete=models.PROTECT, related_name="networks", null=True, blank=True
    )
    status = models.CharField(_("tila"), max_length=20, choices=Status.choices, default=Status.FORMING)
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("yhteistyökumppani"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_networks",
        limit_choices_to={"kind": Organisation.Kind.PARTNER},
        help_text=_("Organisaatio, jonka kanssa verkosto toteutetaan (esim. Keva)."),
    )
    summary = models.TextField(
        _("tiivistelmä"),
        max_length=400,
        validators=[MaxLengthValidator(400)],
        help_text=_("Näkyy verkostojen listauksessa."),
    )
    goals = RichTextField(_("tavoitteet"), features=["bold", "italic", "link", "ul", "ol"], blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("kuvaus"), blank=True)
    organisations = ParentalManyToManyField(
        Organisation, verbose_name=_("osallistuvat organisaatiot"), related_name="networks", blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("theme"), FieldPanel("status"), FieldPanel("partner")],
            heading=_("Verkoston tiedot"),
        ),
        FieldPanel("goals"),
        FieldPanel("body"),
        InlinePanel("facilitators", label=_("Fasilitaattorit")),
        FieldPanel("organisations"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("goals"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("status"),
    ]

    parent_page_types = ["networks.NetworkIndexPage"]
    subpage_types = ["workshops.WorkshopPage"]
    template = "pages/network_page.html"

    class Meta:
        verbose_name = _("verkosto")
        verbose_name_plural = _("verkostot")

    def workshops(self):
        from workshops.models import WorkshopPage

        return WorkshopPage.objects.live().public().child_of(self).order_by("start")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        workshops = list(self.workshops())
        context["upcoming_workshops"] = [w for w in workshops if w.end >= now]
        context["past_workshops"] = [w for w in reversed(workshops) if w.end < now]
        context["facilitator_list"] = self.facilitators.select_related("organisation")
        context["organisation_list"] = self.organisations.order_by("name")
        return context


class NetworkFacilitator(Orderable):
    """A facilitator, trainer or sparring partner shown on the network's public page."""

    page = ParentalKey(NetworkPage, on_delete=models.CASCADE, related_name="facilitators")
    name = models.CharField(_("nimi"), max_length=150)
    title = models.CharField(_("tehtävänimike"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisaatio"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    panels = [FieldPanel("name"), FieldPanel("title"), FieldPanel("organisation")]

    class Meta(Orderable.Meta):
        verbose_name = _("fasilitaattori")
        verbose_name_plural = _("fasilitaattorit")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's membership in a network, with their role and the organisation they represent."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Jäsen")
        CONTACT = "contact", _("Yhteyshenkilö")
        FACILITATOR = "facilitator", _("Fasilitaattori")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("käyttäjä"), on_delete=models.CASCADE, related_name="memberships"
    )
    network = models.ForeignKey(
        NetworkPage, verbose_name=_("verkosto"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rooli"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisaatio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    joined = models.DateField(_("liittynyt"), default=timezone.localdate)
    left = models.DateField(_("eronnut"), null=True, blank=True)

    class Meta:
        verbose_name = _("jäsenyys")
        verbose_name_plural = _("jäsenyydet")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network"], condition=Q(left__isnull=True), name="one_active_membership_per_network"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.network} ({self.get_role_display()})"
