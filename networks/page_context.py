"""What a network's public page and the network index show beside the page's own fields.

The page models hold data; what a page shows a particular visitor (their access, the join form, the filtered
list of networks) and what other apps add to a network's page (its workshops and their feedback, later its
results) come from Wagtail hooks, so that the models import no views or forms and this app imports no app
above it:

- `construct_network_page_context`: `fn(page, request, context)` for a NetworkPage. It may set context keys
  and append a `PageSection` (a template and its context) to `context["sections"]`, which the page renders
  in `order` after its description.
- `construct_network_index_context`: `fn(page, request, context)` for the NetworkIndexPage.

networks.wagtail_hooks registers this app's own; workshops.wagtail_hooks its section. Each function should
cost a fixed number of queries, whatever the size of the network.
"""

from dataclasses import dataclass, field

from wagtail import hooks

NETWORK_PAGE_HOOK = "construct_network_page_context"
NETWORK_INDEX_HOOK = "construct_network_index_context"


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
