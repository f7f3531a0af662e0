"""What an issue is made of: the site's articles, Tekojen Tori's acts and events, chosen as pages, and free text.

The blocks store only what the editor chose (a page's id, a text); `newsletter.content` turns them into the items of
an e-mail or of the web version, in each reader's language, with a constant number of queries. So the blocks have no
templates of their own.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

# Who a free text is for: everyone, or the subscribers of one language (the office may write a paragraph in
# Swedish for its Swedish readers).
AUDIENCES = [
    ("", _("Kaikille")),
    ("fi", _("Suomenkielisille")),
    ("sv", _("Ruotsinkielisille")),
    ("en", _("Englanninkielisille")),
]


class TextItemBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Otsikko"), max_length=200, required=False)
    text = blocks.TextBlock(label=_("Teksti"), help_text=_("Pelkkää tekstiä; osoitteet muuttuvat linkeiksi."))
    language = blocks.ChoiceBlock(
        label=_("Kenelle"),
        choices=AUDIENCES,
        required=False,
        help_text=_("Kaikille, tai vain tämän kielen tilaajille (esim. ruotsinkielinen tervehdys)."),
    )

    class Meta:
        icon = "pilcrow"
        label = _("Vapaa teksti")
        preview_value = {"heading": "Kesätauko", "text": "Ohjelmatoimisto on kiinni heinäkuun.", "language": ""}


class IssueBlock(blocks.StreamBlock):
    article = blocks.PageChooserBlock(page_type="news.ArticlePage", label=_("Artikkeli"), icon="doc-full")
    act = blocks.PageChooserBlock(page_type="tori.ActPage", label=_("Kehittämisteko"), icon="pick")
    event = blocks.PageChooserBlock(page_type="events.EventPage", label=_("Tapahtuma"), icon="date")
    text = TextItemBlock()
