from functools import cached_property

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Collection, Locale, Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.blocks import BaseStreamBlock
from core.forms import PageForm
from core.pages import one_per_translation, original

from .page_context import NETWORK_INDEX_HOOK, NETWORK_PAGE_HOOK, construct_context


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
    base_form_class = PageForm
    template = "pages/network_index_page.html"
    networks_per_page = 24

    class Meta:
        verbose_name = _("verkostojen hakemisto")
        verbose_name_plural = _("verkostojen hakemistot")

    def networks(self):
        """The index's networks; a translated index (/sv/verkostot/) also lists the Finnish networks that have no
        translation in its language (shown in Finnish, linked under its prefix: core.pages.url_here)."""
        pages = NetworkPage.objects.live().public().child_of(self)
        default = None
        if self.locale.language_code != settings.LANGUAGE_CODE:
            default = self.get_translation_or_none(Locale.get_default())
        if default is not None:
            translated = NetworkPage.objects.filter(
                locale_id=self.locale_id, translation_key=OuterRef("translation_key")
            )
            pages = pages | NetworkPage.objects.live().public().child_of(default).exclude(Exists(translated))
        return pages.select_related("theme", "partner").prefetch_related("organisations").order_by("title")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return construct_context(NETWORK_INDEX_HOOK, self, request, context)


class NetworkPageQuerySet(PageQuerySet):
    def programme(self):
        """The programme's networks: live, public, and each once however many translations it has (the page in
        the default language: the one the member space uses)."""
        return one_per_translation(self.live().public())


class NetworkPage(Page):
    """One network: its theme, status, partner, goals, people, organisations and workshops."""

    class Kind(models.TextChoices):
        DEVELOPMENT = "kehittamis", _("Kehittämisverkosto")
        LEARNING = "oppimis", _("Oppimisverkosto")
        # The internal developers' training: a network whose workshops are its days (docs/services.md).
        TRAINING = "koulutus", _("Sisäisten kehittäjien koulutus")

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
    results_summary = RichTextField(
        _("tulosten yhteenveto"),
        features=["bold", "italic", "link", "ul", "ol"],
        blank=True,
        help_text=_(
            "Fasilitaattorit kirjoittavat yhteenvedon verkoston päätyttyä: mitä verkostossa saatiin aikaan ja mitä "
            "opittiin. Näkyy verkoston sivun Tulokset-osiossa verkoston julkaistujen kehittämistekojen kanssa."
        ),
    )
    organisations = ParentalManyToManyField(
        Organisation, verbose_name=_("osallistuvat organisaatiot"), related_name="networks", blank=True
    )
    # Made when the network is created (networks.groups.ensure_network_groups): the Wagtail groups
    # that memberships are synchronised into, and the document collection only they can read.
    members_group = models.ForeignKey(
        "auth.Group", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    facilitators_group = models.ForeignKey(
        "auth.Group", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    contact_email = models.EmailField(
        _("yhteystietojen sähköposti"),
        blank=True,
        help_text=_("Näkyy verkoston sivulla. Jos kenttä on tyhjä, sivulla näkyy ohjelmatoimiston osoite."),
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
        FieldPanel("results_summary"),
        InlinePanel("facilitators", label=_("Fasilitaattorit")),
        FieldPanel("contact_email"),
        FieldPanel("organisations"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("goals"),
        index.SearchField("body"),
        index.SearchField("results_summary"),
        index.FilterField("kind"),
        index.FilterField("status"),
    ]

    parent_page_types = ["networks.NetworkIndexPage"]
    subpage_types = ["workshops.WorkshopPage"]
    objects = PageManager.from_queryset(NetworkPageQuerySet)()

    # A copy is a new network: it gets groups and a collection of its own, never the original's.
    exclude_fields_in_copy = ["members_group", "facilitators_group", "collection"]
    base_form_class = PageForm
    template = "pages/network_page.html"

    class Meta:
        verbose_name = _("verkosto")
        verbose_name_plural = _("verkostot")

    @property
    def is_training(self) -> bool:
        """An internal developers' training: its facilitators are its trainers, its workshops its days, and its
        participants' development projects its results (services.projects)."""
        return self.kind == self.Kind.TRAINING

    @cached_property
    def original(self) -> "NetworkPage":
        """The network this page is a page of: itself, or for a Swedish or English translation the page in the
        default language (core.pages.original), which memberships, roles, invitations, join requests, rooms and
        workshops' data point at. A translation is the same network for everyone on it: networks.access."""
        return original(self)

    def media_collections(self, parent=None):
        """The restricted collections this network's pages may show documents and images from (core.forms):
        its own, and those of its translations, since a translated workshop keeps the original's files."""
        translations = NetworkPage.objects.filter(translation_key=self.translation_key, collection__isnull=False)
        return Collection.objects.filter(pk__in=translations.values("collection"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["facilitator_list"] = self.facilitators.select_related("organisation")
        context["organisation_list"] = self.organisations.order_by("name")
        return construct_context(NETWORK_PAGE_HOOK, self, request, context)


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


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(left__isnull=True)

    def answering(self):
        """The facilitators who answer for their network: active facilitators with an active account. A network
        without any is answered by the programme office (networks.actions.answering_people)."""
        return self.active().filter(role=Membership.Role.FACILITATOR, user__is_active=True)


class Membership(models.Model):
    """A person's membership in a network, with their role and the organisation they represent.

    Saving or deleting one updates the person's Wagtail groups for the network (networks.signals);
    write through networks.actions so that the change and its consequences happen together.
    """

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

    objects = MembershipQuerySet.as_manager()

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

    @property
    def is_active(self):
        return self.left is None

    @property
    def is_facilitator(self):
        return self.role == self.Role.FACILITATOR


class Invitation(models.Model):
    """An invitation by e-mail into a network. The link works once and expires; only a hash of its token
    is stored, so the database alone cannot be used to accept invitations."""

    VALID_DAYS = 14

    network = models.ForeignKey(NetworkPage, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("sähköpostiosoite"))
    role = models.CharField(_("rooli"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisaatio"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("kutsuja")
    )
    created = models.DateTimeField(_("luotu"), auto_now_add=True)
    expires = models.DateTimeField(_("vanhenee"))
    accepted = models.DateTimeField(_("hyväksytty"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked = models.DateTimeField(_("peruttu"), null=True, blank=True)

    class Meta:
        verbose_name = _("kutsu")
        verbose_name_plural = _("kutsut")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.email} → {self.network}"

    @property
    def is_open(self):
        return self.accepted is None and self.revoked is None and self.expires > timezone.now()


class JoinRequest(models.Model):
    """An organisation's request, made by a signed-in person, to join a network open for applications."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Odottaa")
        ACCEPTED = "accepted", _("Hyväksytty")
        DECLINED = "declined", _("Hylätty")

    network = models.ForeignKey(NetworkPage, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisaatio"), on_delete=models.PROTECT, related_name="join_requests"
    )
    motivation = models.TextField(_("perustelu"), max_length=2000)
    status = models.CharField(_("tila"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(_("jätetty"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided = models.DateTimeField(_("käsitelty"), null=True, blank=True)

    class Meta:
        verbose_name = _("liittymispyyntö")
        verbose_name_plural = _("liittymispyynnöt")
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user"], condition=Q(status="pending"), name="one_pending_request_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.network} ({self.get_status_display()})"
