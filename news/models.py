"""Articles: the programme office's news, blogs and stories from the workplaces, under the one news index.

An article is a Wagtail page written in the admin by editors; its body uses the site's shared blocks
(core.blocks), its listing image always has an alternative text, and it may point at the themes, networks and
Tekojen Tori acts it tells about.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
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
from networks.access import in_private_section
from networks.models import NetworkPage, Theme
from tori.models import ActPage


class ArticleIndexPage(RoutablePageMixin, Page):
    """ "Ajankohtaista": lists the articles, newest first, filtered by theme and kind; its feeds are routes of the
    page, so that the language prefixes work for them too."""

    intro = RichTextField(_("johdanto"), features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.ArticlePage"]
    max_count_per_parent = 1
    base_form_class = PageForm
    template = "news/article_index_page.html"
    articles_per_page = 12

    class Meta:
        verbose_name = _("ajankohtaista-sivu")
        verbose_name_plural = _("ajankohtaista-sivut")

    def articles_parent(self):
        """The page whose children are the listed articles: this one, or for a translated index (/sv/…) the Finnish
        one, since articles are written and published in Finnish (as the Tori's acts are)."""
        if self.locale.language_code != settings.LANGUAGE_CODE:
            default = self.get_translation_or_none(Locale.get_default())
            if default is not None:
                return default
        return self

    def articles(self):
        """The published articles of the index (live, outside private sections), newest first by their date; no
        relations loaded (news.filters adds what a card shows)."""
        return (
            ArticlePage.objects.live()
            .exclude(in_private_section())
            .child_of(self.articles_parent())
            .order_by(*ArticlePage.NEWEST_FIRST)
        )

    def get_context(self, request, *args, **kwargs):
        # Late import: the public views use these models (news.public imports news.models).
        from .public import index_context

        context = super().get_context(request, *args, **kwargs)
        return index_context(self, request, context)

    @path("syote/rss/", name="feed-rss")
    def rss_feed(self, request):
        from .feeds import ArticlesFeed

        return ArticlesFeed(self)(request)

    @path("syote/atom/", name="feed-atom")
    def atom_feed(self, request):
        from .feeds import ArticlesFeed

        return ArticlesFeed(self, atom=True)(request)


class ArticlePage(Page):
    """One article: a news item, a blog post or a story, with its author, date and lead."""

    class Kind(models.TextChoices):
        NEWS = "uutinen", _("Uutinen")
        BLOG = "blogi", _("Blogi")
        STORY = "tarina", _("Tarina")

    kind = models.CharField(_("tyyppi"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    author = models.CharField(_("kirjoittaja"), max_length=150)
    author_title = models.CharField(
        _("kirjoittajan titteli"), max_length=200, blank=True, help_text=_("Esim. ”Kehittämiskonsultti, KEVA”.")
    )
    date = models.DateField(_("päivämäärä"), default=timezone.localdate)
    lead = models.TextField(
        _("ingressi"), max_length=400, help_text=_("Yksi tai kaksi virkettä. Näkyy listauksessa, syötteessä ja haussa.")
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("pääkuva"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    image_alt = models.CharField(
        _("pääkuvan vaihtoehtoinen teksti"),
        max_length=250,
        blank=True,
        help_text=_("Mitä kuvassa on, näkövammaiselle lukijalle. Pakollinen, jos kuva on valittu."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("sisältö"), blank=True)
    themes = ParentalManyToManyField(Theme, verbose_name=_("teemat"), related_name="articles", blank=True)
    networks = ParentalManyToManyField(NetworkPage, verbose_name=_("verkostot"), related_name="articles", blank=True)
    acts = ParentalManyToManyField(ActPage, verbose_name=_("kehittämisteot"), related_name="articles", blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("author"), FieldPanel("author_title")], heading=_("Kirjoittaja")),
        FieldPanel("date"),
        FieldPanel("lead"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Pääkuva")),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("themes"), FieldPanel("networks"), FieldPanel("acts")], heading=_("Liittyy aiheisiin")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("kind"),
        index.FilterField("date"),
    ]

    parent_page_types = ["news.ArticleIndexPage"]
    subpage_types: list[str] = []
    base_form_class = PageForm
    template = "news/article_page.html"

    # The order of every list of articles: by the article's date, then by when it was first published.
    NEWEST_FIRST = ("-date", models.F("first_published_at").desc(nulls_last=True), "-pk")

    class Meta:
        verbose_name = _("artikkeli")
        verbose_name_plural = _("artikkelit")

    def get_context(self, request, *args, **kwargs):
        from .public import article_context

        context = super().get_context(request, *args, **kwargs)
        return article_context(self, request, context)

    def clean(self):
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Kerro, mitä kuvassa on: vaihtoehtoinen teksti on pakollinen.")})
