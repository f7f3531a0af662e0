from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import TopList


class TopListViewSet(SnippetViewSet):
    """The sectors' TOP lists (tori.toplists: at most 12 published acts of the list's sector, none twice)."""

    model = TopList
    icon = "list-ol"
    list_display = ["title", "sector", "slug"]
    list_filter = ["sector"]
    search_fields = ["title"]


class ToriSnippetsGroup(SnippetViewSetGroup):
    menu_label = _("Tekojen Tori")
    menu_icon = "pick"
    menu_order = 310
    items = (TopListViewSet,)


register_snippet(ToriSnippetsGroup)
