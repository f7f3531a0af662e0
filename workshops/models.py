from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import AgendaBlock


class WorkshopPage(Page):
    """One workshop (työpaja) in a network's series. Times are stored in UTC, shown in Europe/Helsinki."""

    number = models.PositiveSmallIntegerField(_("järjestysnumero"), help_text=_("Monesko työpaja sarjassa."))
    start = models.DateTimeField(_("alkaa"))
    end = models.DateTimeField(_("päättyy"))
    place = models.CharField(_("paikka"), max_length=255, blank=True, help_text=_("Osoite tai tilan nimi."))
    online_url = models.URLField(_("etäyhteyden osoite"), blank=True)
    summary = RichTextField(_("julkinen tiivistelmä"), features=["bold", "italic", "link", "ul", "ol"], blank=True)
    agenda = StreamField(AgendaBlock(), verbose_name=_("ohjelma"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("number"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading=_("Aika")),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("online_url")], heading=_("Paikka")),
        FieldPanel("summary"),
        FieldPanel("agenda"),
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

    @property
    def is_past(self):
        return self.end < timezone.now()

    @property
    def network(self):
        return self.get_parent().specific
