from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import BaseViewRestriction
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


@hooks.register("before_serve_document", order=-1)
def refuse_signed_in_outsiders(document, request):
    """A signed-in person without access to a network's private document gets a 403 page. Wagtail's own
    check (which runs after this) would send them to sign in, which they already are."""
    if not request.user.is_authenticated:
        return
    for restriction in document.collection.get_view_restrictions():
        if restriction.restriction_type == BaseViewRestriction.GROUPS and not restriction.accept_request(request):
            raise PermissionDenied
