from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import AgendaBlock, MembersContentBlock


def login_url():
    """The sign-in page's address, or None while no sign-in view is installed."""
    try:
        return resolve_url(settings.LOGIN_URL)
    except NoReverseMatch:
        return None


class WorkshopPage(Page):
    """One workshop (työpaja) in a network's series. Times are stored in UTC, shown in Europe/Helsinki."""

    number = models.PositiveSmallIntegerField(_("järjestysnumero"), help_text=_("Monesko työpaja sarjassa."))
    start = models.DateTimeField(_("alkaa"))
    end = models.DateTimeField(_("päättyy"))
    place = models.CharField(_("paikka"), max_length=255, blank=True, help_text=_("Osoite tai tilan nimi."))
    online_url = models.URLField(_("etäyhteyden osoite"), blank=True)
    summary = RichTextField(_("julkinen tiivistelmä"), features=["bold", "italic", "link", "ul", "ol"], blank=True)
    agenda = StreamField(AgendaBlock(), verbose_name=_("ohjelma"), blank=True)
    # Only the network's members (and the programme office) see this; it is kept out of the search index.
    members_content = StreamField(
        MembersContentBlock(),
        verbose_name=_("vain jäsenille"),
        blank=True,
        help_text=_("Materiaalit, linkit ja videot, jotka näkyvät vain verkoston jäsenille."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("number"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading=_("Aika")),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("online_url")], heading=_("Paikka")),
        FieldPanel("summary"),
        FieldPanel("agenda"),
        MultiFieldPanel([FieldPanel("members_content")], heading=_("Vain jäsenille")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.FilterField("start")]

    parent_page_types = ["networks.NetworkPage"]
    subpage_types = []
    template = "pages/workshop_page.html"

    class Meta:
        verbose_name = _("työpaja")
        verbose_name_plural = _("työpajat")

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("Päättymisajan pitää olla alkamisajan jälkeen.")
        if not self.place and not self.online_url:
            errors["place"] = _("Anna paikka tai etäyhteyden osoite.")
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from networks.access import network_access
        from networks.models import NetworkPage

        context = super().get_context(request, *args, **kwargs)
        # The parent network in one query (get_parent().specific would take two), then the membership.
        network = NetworkPage.objects.filter(path=self.path[: -self.steplen]).first()
        context["network"] = network
        context["can_see_members_content"] = network is not None and network_access(request.user, network).is_member
        context["login_url"] = login_url()
        return context

    @property
    def is_past(self):
        return self.end < timezone.now()

    @property
    def network(self):
        return self.get_parent().specific
