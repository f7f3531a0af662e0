from django.conf import settings
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.blocks import BaseStreamBlock
from core.forms import PageForm
from networks.models import NetworkIndexPage
from news.public import latest_articles, news_index
from tori.figures import featured_acts
from tori.models import ToriIndexPage

from .figures import key_figures


class HomePage(Page):
    """The programme's front page: what KunTeko's networks are, with live key figures."""

    intro = RichTextField(_("johdanto"), features=["bold", "italic", "link"], blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("sisältö"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "networks.NetworkIndexPage",
        "tori.ToriIndexPage",
        "services.ServicesPage",
        "news.ArticleIndexPage",
        "events.EventIndexPage",
        "home.StandardPage",
    ]
    max_count = 1
    base_form_class = PageForm
    template = "pages/home_page.html"

    class Meta:
        verbose_name = _("etusivu")
        verbose_name_plural = _("etusivut")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["figures"] = key_figures()
        context["network_index"] = NetworkIndexPage.objects.live().descendant_of(self).first()
        # Featured acts are Finnish pages: a translated home page lists them too (core.pages.url_here links them).
        context["featured_acts"] = featured_acts()
        context["tori_index"] = tori_index(self.locale_id)
        # The newest articles, Finnish like the featured acts (linked under the page's prefix on a translation).
        context["latest_articles"] = latest_articles()
        context["news_index"] = news_index(self.locale_id)
        context["default_language"] = settings.LANGUAGE_CODE
        return context


def tori_index(locale_id):
    """Tekojen Tori's index page in the given locale, else the Finnish one (max_count = 1 per tree): one query."""
    here_first = Case(When(locale_id=locale_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    return ToriIndexPage.objects.live().order_by(here_first, "pk").first()


class StandardPage(Page):
    """A plain content page: about the programme, the accessibility statement, the privacy notice."""

    intro = models.TextField(_("johdanto"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("sisältö"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    base_form_class = PageForm
    template = "pages/standard_page.html"

    class Meta:
        verbose_name = _("sisältösivu")
        verbose_name_plural = _("sisältösivut")


class SocialLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Palvelu"), max_length=40)
    url = blocks.URLBlock(label=_("Osoite"))

    class Meta:
        icon = "link"
        template = "components/blocks/social_link_block.html"
        preview_value = {"label": "LinkedIn", "url": "https://www.linkedin.com/"}


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """The footer and contact details, edited in the admin under Settings."""

    footer_text = models.TextField(_("alatunnisteen teksti"), blank=True)
    contact_email = models.EmailField(_("yhteystietojen sähköposti"), blank=True)
    contact_phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    address = models.TextField(_("osoite"), blank=True)
    social_links = StreamField([("link", SocialLinkBlock())], verbose_name=_("some-linkit"), blank=True)

    panels = [
        FieldPanel("footer_text"),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("address")], heading=_("Yhteystiedot")
        ),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = _("sivuston asetukset")
