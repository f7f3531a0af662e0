"""Tekojen Tori: the development acts (kehittämisteot) that workplaces publish with their organisation's consent.

An act is a Wagtail page under the one `ToriIndexPage`. A member writes it in the member space as a draft page
they own; submitting starts the "Tekojen Tori review" workflow, in which the programme office approves and
publishes it or asks for changes (docs/tori.md). Region and organisation kind come from the act's organisation,
so that the filters and the organisation's own record never disagree.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index

from core.forms import PageForm
from networks.models import NetworkPage, Organisation, Theme

from . import toplists


class Sector(models.TextChoices):
    """The municipal sector (toimiala) an act comes from: what the TOP lists are drawn up by."""

    EARLY_CHILDHOOD = "varhaiskasvatus", _("Varhaiskasvatus")
    EDUCATION = "opetus", _("Opetus ja koulutus")
    SOCIAL_HEALTH = "sote", _("Sosiaali- ja terveyspalvelut")
    RESCUE = "pelastus", _("Pelastustoimi")
    FINANCE_HR = "talous", _("Talous- ja henkilöstöhallinto")
    TECHNICAL = "tekninen", _("Tekniset ja ympäristöpalvelut")
    CULTURE_LEISURE = "vapaa-aika", _("Kulttuuri-, liikunta- ja nuorisopalvelut")
    MANAGEMENT = "johto", _("Johto ja yleishallinto")
    WHOLE_ORGANISATION = "koko", _("Koko organisaatio")


class ToriIndexPage(RoutablePageMixin, Page):
    """Tekojen Tori: lists the published acts, filtered on the server by sector, theme, region, organisation kind
    and network, and searched in full text; its feeds (RSS and Atom) and the TOP lists are routes of the page, so
    that the language prefixes work for them too (tori.public)."""

    intro = RichTextField(_("johdanto"), features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["tori.ActPage"]
    max_count = 1
    base_form_class = PageForm
    template = "pages/tori_index_page.html"
    acts_per_page = 24

    class Meta:
        verbose_name = _("Tekojen Tori")
        verbose_name_plural = _("Tekojen Torit")

    def acts_parent(self):
        """The page whose children are the listed acts: this one, or for a translated Tori (/sv/…) the Finnish one,
        since acts are written and published in Finnish only."""
        if self.locale.language_code != settings.LANGUAGE_CODE:
            default = self.get_translation_or_none(Locale.get_default())
            if default is not None:
                return default
        return self

    def acts(self):
        """The published acts of the Tori, newest first (no relations loaded: tori.filters adds what a list shows)."""
        newest = models.F("first_published_at").desc(nulls_last=True)
        return ActPage.objects.live().public().child_of(self.acts_parent()).order_by(newest, "-pk")

    def get_context(self, request, *args, **kwargs):
        # Late import: the public views use these models (tori.public imports tori.models).
        from .public import index_context

        context = super().get_context(request, *args, **kwargs)
        return index_context(self, request, context)

    @path("syote/rss/", name="feed-rss")
    def rss_feed(self, request):
        from .feeds import ActsFeed

        return ActsFeed(self)(request)

    @path("syote/atom/", name="feed-atom")
    def atom_feed(self, request):
        from .feeds import ActsFeed

        return ActsFeed(self, atom=True)(request)

    @path("top/<slug:slug>/", name="top-list")
    def top_list(self, request, slug):
        from .public import top_list_view

        return top_list_view(self, request, slug)

    def get_sitemap_urls(self, request=None):
        """The index and its TOP lists (the feeds are not pages)."""
        from .public import top_lists_with_items

        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if base and urls:
            urls += [
                {"location": base + self.reverse_subpage("top-list", args=[top_list.slug]).lstrip("/")}
                for top_list in top_lists_with_items()
            ]
        return urls


class ActPage(RoutablePageMixin, Page):
    """One development act: the problem, what was done and by whom, the result (with figures), how another
    workplace could copy it, and who to ask. The text fields are plain text (shown escaped, paragraphs kept):
    a member writes them, and nothing a member writes is ever stored as HTML.

    Its routes `kiinnostaa/` and `viesti/` take a signed-in visitor's "Kiinnostaa" and message to the contact person
    (POST only; tori.interest has the rules, tori.public the views). Wagtail routes only live pages: an unpublished
    act is 404 there as everywhere."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisaatio"), on_delete=models.PROTECT, related_name="acts"
    )
    sector = models.CharField(_("toimiala"), max_length=20, choices=Sector.choices)
    themes = ParentalManyToManyField(Theme, verbose_name=_("teemat"), related_name="acts", blank=True)
    network = models.ForeignKey(
        NetworkPage,
        verbose_name=_("verkosto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="acts",
        help_text=_("Verkosto, jossa teko syntyi (jos syntyi verkostossa)."),
    )
    summary = models.TextField(
        _("tiivistelmä"), max_length=300, help_text=_("Yksi tai kaksi virkettä. Näkyy listauksessa ja hakutuloksissa.")
    )
    problem = models.TextField(_("mikä oli ongelma"), max_length=4000)
    actions = models.TextField(_("mitä tehtiin"), max_length=6000)
    by_management = models.BooleanField(_("johto"), default=False)
    by_supervisors = models.BooleanField(_("esihenkilöt"), default=False)
    by_staff = models.BooleanField(_("henkilöstö"), default=False)
    result = models.TextField(_("tulos"), max_length=4000)
    how_to_copy = models.TextField(_("näin kopioit tämän"), max_length=4000)

    # The contact person's address is never shown: visitors write to them through the site.
    contact_name = models.CharField(_("yhteyshenkilön nimi"), max_length=150)
    contact_title = models.CharField(_("yhteyshenkilön tehtävänimike"), max_length=150, blank=True)
    contact_email = models.EmailField(_("yhteyshenkilön sähköposti"), help_text=_("Ei näy sivulla."))

    # The organisation's consent to publication: who gave it and when, and who recorded it here.
    consent_given_by = models.CharField(
        _("julkaisuluvan antaja"), max_length=200, help_text=_("Esim. ”Kunnanjohtaja Maija Meikäläinen”.")
    )
    consent_date = models.DateField(_("julkaisuluvan päivämäärä"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("luvan kirjannut"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    consent_recorded_at = models.DateTimeField(_("lupa kirjattu"), null=True, blank=True, editable=False)

    featured = models.BooleanField(
        _("nosto etusivulle"), default=False, help_text=_("Ohjelmatoimisto voi nostaa teon etusivulle.")
    )
    # The language the author wrote and submitted in (a language code of settings.LANGUAGES): the review's e-mails
    # to them are in it (tori.review). Users have no language of their own.
    author_language = models.CharField(_("kirjoittajan kieli"), max_length=8, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("organisation"), FieldPanel("sector"), FieldPanel("themes"), FieldPanel("network")],
            heading=_("Teon tiedot"),
        ),
        FieldPanel("problem"),
        FieldPanel("actions"),
        FieldRowPanel(
            [FieldPanel("by_management"), FieldPanel("by_supervisors"), FieldPanel("by_staff")],
            heading=_("Keitä oli mukana"),
        ),
        FieldPanel("result"),
        InlinePanel("figures", label=_("Tulosluvut"), max_num=6),
        FieldPanel("how_to_copy"),
        InlinePanel("images", label=_("Kuvat"), max_num=6),
        InlinePanel("attachments", label=_("Liitteet"), max_num=6),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_title"), FieldPanel("contact_email")],
            heading=_("Yhteyshenkilö"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("consent_given_by"),
                FieldPanel("consent_date"),
                FieldPanel("consent_recorded_by", read_only=True),
                FieldPanel("consent_recorded_at", read_only=True),
            ],
            heading=_("Julkaisulupa"),
        ),
        FieldPanel("featured"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("problem"),
        index.SearchField("actions"),
        index.SearchField("result"),
        index.SearchField("how_to_copy"),
        # The index's filters run inside the search (tori.filters): each filtered column is a FilterField.
        index.RelatedFields(
            "organisation", [index.SearchField("name"), index.FilterField("region"), index.FilterField("kind")]
        ),
        index.RelatedFields("themes", [index.FilterField("slug")]),
        index.FilterField("sector"),
        index.FilterField("organisation_id"),
        index.FilterField("network_id"),
    ]

    parent_page_types = ["tori.ToriIndexPage"]
    subpage_types: list[str] = []
    base_form_class = PageForm
    template = "pages/act_page.html"

    class Meta:
        verbose_name = _("kehittämisteko")
        verbose_name_plural = _("kehittämisteot")

    def get_context(self, request, *args, **kwargs):
        from .public import act_context

        context = super().get_context(request, *args, **kwargs)
        return act_context(self, request, context)

    @path("kiinnostaa/", name="interest")
    def interest_route(self, request):
        from .public import interest_view

        return interest_view(self, request)

    @path("viesti/", name="message")
    def message_route(self, request):
        from .public import message_view

        return message_view(self, request)

    @property
    def participants(self):
        """Who took part, in the order the programme names them: management, supervisors, staff."""
        return [
            label
            for taking_part, label in (
                (self.by_management, _("johto")),
                (self.by_supervisors, _("esihenkilöt")),
                (self.by_staff, _("henkilöstö")),
            )
            if taking_part
        ]


class ActFigure(Orderable):
    """A result in figures: "Laskun käsittelyaika: 120 h → 29 h"."""

    page = ParentalKey(ActPage, on_delete=models.CASCADE, related_name="figures")
    label = models.CharField(_("mittari"), max_length=120)
    before = models.CharField(_("ennen"), max_length=40, blank=True)
    after = models.CharField(_("jälkeen"), max_length=40)

    panels = [FieldRowPanel([FieldPanel("label"), FieldPanel("before"), FieldPanel("after")])]

    class Meta(Orderable.Meta):
        verbose_name = _("tulosluku")
        verbose_name_plural = _("tulosluvut")


class ActImage(Orderable):
    """An image of the act, always with its alternative text."""

    page = ParentalKey(ActPage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("kuva"), on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(
        _("vaihtoehtoinen teksti"), max_length=250, help_text=_("Mitä kuvassa on, näkövammaiselle lukijalle.")
    )
    caption = models.CharField(_("kuvateksti"), max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("kuva")
        verbose_name_plural = _("kuvat")


class ActAttachment(Orderable):
    """A file that helps another workplace copy the act: a template, a handbook, a presentation."""

    page = ParentalKey(ActPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("tiedosto"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("liite")
        verbose_name_plural = _("liitteet")


class Interest(models.Model):
    """A signed-in person's "Kiinnostaa": they want to try the act. Once per person and act."""

    act = models.ForeignKey(ActPage, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="act_interests")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kiinnostus")
        verbose_name_plural = _("kiinnostukset")
        constraints = [models.UniqueConstraint(fields=["act", "user"], name="one_interest_per_person")]

    def __str__(self):
        return f"{self.user} → {self.act}"


class TopList(ClusterableModel):
    """A sector's TOP list, curated by the programme office: at most TopList.MAX_ITEMS published acts of that
    sector, in order (e.g. early childhood education's TOP12). A snippet; tori.toplists checks its rules."""

    MAX_ITEMS = toplists.MAX_ITEMS

    title = models.CharField(_("otsikko"), max_length=150)
    slug = models.SlugField(_("tunniste"), max_length=150, unique=True)
    sector = models.CharField(_("toimiala"), max_length=20, choices=Sector.choices)
    intro = models.TextField(_("johdanto"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("sector"),
        FieldPanel("intro"),
        InlinePanel("items", label=_("Teot järjestyksessä"), max_num=MAX_ITEMS),
    ]
    base_form_class = toplists.TopListForm

    class Meta:
        verbose_name = _("TOP-lista")
        verbose_name_plural = _("TOP-listat")
        ordering = ["title"]

    def __str__(self):
        return self.title


class TopListItem(Orderable):
    top_list = ParentalKey(TopList, on_delete=models.CASCADE, related_name="items")
    act = models.ForeignKey(ActPage, verbose_name=_("kehittämisteko"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("act")]

    class Meta(Orderable.Meta):
        verbose_name = _("listan teko")
        verbose_name_plural = _("listan teot")
