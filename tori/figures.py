"""The Tori's share of the front page: its key figure and the acts the programme office features there.

A published act is live and public, and counted once whatever its translations (core.pages.one_per_translation):
a draft, an act waiting for review, an unpublished act or one under a private section is never counted or shown.
"""

from django.db.models import QuerySet

from core.pages import one_per_translation
from networks.access import in_private_section

from .filters import with_card_data
from .models import ActPage

FEATURED_ON_HOME = 3


def public_acts() -> QuerySet[ActPage]:
    """The live acts outside private sections. Wagtail's `public()` would read the view restrictions in a query of
    its own each time; `in_private_section` is a subquery of the same query."""
    return ActPage.objects.live().exclude(in_private_section())


def published_acts() -> QuerySet[ActPage]:
    """The published acts, each once (the page in the default language, else the oldest translation)."""
    return one_per_translation(public_acts())


def acts_published() -> int:
    """How many acts the Tori has published: one COUNT query."""
    return published_acts().count()


def featured_acts(limit: int = FEATURED_ON_HOME) -> list[ActPage]:
    """The featured acts (ActPage.featured), newest first, at most `limit`, with what their cards show: two queries."""
    acts = with_card_data(published_acts().filter(featured=True))
    return list(acts.order_by("-first_published_at", "-pk")[:limit])
