from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class AgendaItemBlock(blocks.StructBlock):
    """One item of a workshop's programme: a time, a title and what happens."""

    time = blocks.TimeBlock(label=_("Kellonaika"), required=False)
    title = blocks.CharBlock(label=_("Ohjelmanumero"), max_length=200)
    description = blocks.TextBlock(label=_("Kuvaus"), required=False)

    class Meta:
        icon = "time"
        template = "components/blocks/agenda_item_block.html"
        preview_value = {"time": "09:00", "title": "Aamukahvi ja tervetuloa", "description": ""}


class AgendaBlock(blocks.StreamBlock):
    item = AgendaItemBlock()
