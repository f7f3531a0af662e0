"""The content blocks that every StreamField of the site shares."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Otsikko"), max_length=200)
    level = blocks.ChoiceBlock(label=_("Taso"), choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")], default="h2")

    class Meta:
        icon = "title"
        template = "components/blocks/heading_block.html"
        preview_value = {"text": "Verkoston tavoitteet", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Kuva"))
    alt_text = blocks.CharBlock(
        label=_("Vaihtoehtoinen teksti"), required=False, help_text=_("Kuvaile kuva ruudunlukijan käyttäjälle.")
    )
    caption = blocks.CharBlock(label=_("Kuvateksti"), required=False)

    class Meta:
        icon = "image"
        template = "components/blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Lainaus"))
    attribution = blocks.CharBlock(label=_("Lähde"), required=False)

    class Meta:
        icon = "openquote"
        template = "components/blocks/quote_block.html"
        preview_value = {"text": "Pienin askelin eteenpäin asia kerrallaan.", "attribution": "Verkoston osallistuja"}


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Teksti"),
        icon="pilcrow",
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4"],
        template="components/blocks/paragraph_block.html",
        preview_value="<p>Verkosto kokoaa 4–10 kuntaorganisaatiota yhteisen teeman ympärille.</p>",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(
        label=_("Upote"),
        icon="media",
        help_text=_("Esimerkiksi YouTube- tai Vimeo-videon osoite."),
        template="components/blocks/embed_block.html",
    )
