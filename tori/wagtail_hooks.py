"""What the Tori adds to the admin (the TOP lists' snippets) and to the pages of the apps below it, through
their hooks (the networks app imports no tori): a network page's "Tulokset" section, and the network index's
"has results" filter."""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.pages import one_per_translation
from networks.page_context import NETWORK_PAGE_HOOK, NETWORK_RESULTS_HOOK, PageSection

from .figures import public_acts
from .filters import with_card_data
from .models import ActPage, TopList


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


def network_acts(network) -> list[ActPage]:
    """The published acts of `network`, newest first, with what their cards show: two queries whatever their number.
    Acts point at the Finnish network page; a translated network page gets the acts of its Finnish original (the
    same translation_key), and a translated act is listed once."""
    acts = one_per_translation(public_acts().filter(network__translation_key=network.translation_key))
    return list(with_card_data(acts).order_by("-first_published_at", "-pk"))


@hooks.register(NETWORK_PAGE_HOOK)
def add_results_section(page, request, context):
    """The network's "Tulokset": its published acts and the results summary its facilitators wrote after the
    network ended; no section when there is neither."""
    acts = network_acts(page)
    if acts or page.results_summary:
        section = {"acts": acts, "summary": page.results_summary, "default_language": settings.LANGUAGE_CODE}
        context["sections"].append(PageSection("tori/parts/network_results.html", section, order=20))


@hooks.register(NETWORK_RESULTS_HOOK)
def network_has_published_acts():
    """A network has results when a published act points at it or at its Finnish original."""
    return Exists(public_acts().filter(network__translation_key=OuterRef("translation_key")))
