from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Organisation, Theme


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "kind", "municipality", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "municipality"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug"]


class NetworkSnippetsGroup(SnippetViewSetGroup):
    menu_label = _("Verkostojen tiedot")
    menu_icon = "group"
    menu_order = 300
    items = (OrganisationViewSet, ThemeViewSet)


register_snippet(NetworkSnippetsGroup)
