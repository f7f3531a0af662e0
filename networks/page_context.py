"""What a network's public page and the network index show beside the page's own fields.

The page models hold data; what a page shows a particular visitor (their access, the join form, the filtered
list of networks) and what other apps add to a network's page (its workshops and their feedback, later its
results) come from Wagtail hooks, so that the models import no views or forms and this app imports no app
above it:

- `construct_network_page_context`: `fn(page, request, context)` for a NetworkPage. It may set context keys
  and append a `PageSection` (a template and its context) to `context["sections"]`, which the page renders
  in `order` after its description.
- `construct_network_index_context`: `fn(page, request, context)` for the NetworkIndexPage.
- `network_has_results`: `fn()` returning a filter condition on NetworkPage rows (a `Q` or a boolean expression
  such as `Exists(...)` with `OuterRef` to the network page) that is true for a network with results of that app:
  tori's published acts. `has_results()` combines them with the page's own results summary, for the network
  index's "has results" filter (networks.forms.NetworkFilterForm).

networks.wagtail_hooks registers this app's own; workshops.wagtail_hooks its section. Each function should
cost a fixed number of queries, whatever the size of the network.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from wagtail import hooks

NETWORK_PAGE_HOOK = "construct_network_page_context"
NETWORK_INDEX_HOOK = "construct_network_index_context"
NETWORK_RESULTS_HOOK = "network_has_results"


@dataclass(frozen=True)
class PageSection:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def construct_context(hook_name, page, request, context):
    context.setdefault("sections", [])
    for construct in hooks.get_hooks(hook_name):
        construct(page, request, context)
    context["sections"].sort(key=lambda section: section.order)
    return context


def has_results() -> Q:
    """The condition on NetworkPage rows for "the network has results": a results summary written by its
    facilitators, or what the apps above add through the `network_has_results` hook (tori: a published act).
    A condition, not a query: the index filters with it in the database."""
    condition = ~Q(results_summary="")
    for contribute in hooks.get_hooks(NETWORK_RESULTS_HOOK):
        condition |= contribute()
    return condition
