from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock


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


class LinkBlock(blocks.StructBlock):
    """A link to material elsewhere: a shared folder, a form, an article."""

    title = blocks.CharBlock(label=_("Linkin teksti"), max_length=200)
    url = blocks.URLBlock(label=_("Osoite"))

    class Meta:
        icon = "link"
        template = "components/blocks/link_block.html"
        preview_value = {"title": "Työpajan muistio", "url": "https://example.org/"}


class MembersContentBlock(blocks.StreamBlock):
    """A workshop's materials for the network's members only: text, documents, links and videos."""

    paragraph = blocks.RichTextBlock(
        label=_("Teksti"),
        icon="pilcrow",
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4"],
        template="components/blocks/paragraph_block.html",
    )
    document = DocumentChooserBlock(
        label=_("Tiedosto"),
        icon="doc-full",
        help_text=_("Lisää tiedosto verkoston omaan kokoelmaan, niin se näkyy vain jäsenille."),
        template="components/blocks/document_block.html",
    )
    link = LinkBlock(label=_("Linkki"))
    video = EmbedBlock(
        label=_("Video"),
        icon="media",
        help_text=_("Esimerkiksi YouTube- tai Vimeo-videon osoite."),
        template="components/blocks/embed_block.html",
    )
