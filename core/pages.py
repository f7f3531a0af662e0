"""Translated pages counted and listed once.

With Wagtail's localisation a network translated to Swedish and English is three pages sharing one
`translation_key`. The programme has one network, not three: `one_per_translation(pages)` keeps, of each
group of translations in `pages`, the page in the default language (settings.LANGUAGE_CODE), else the oldest.
It is a filter in the database (a NOT EXISTS subquery), so counts, joins and pagination stay queries.
"""

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When


def language_rank() -> Case:
    """0 for a page in the default language, 1 for a translation."""
    return Case(
        When(locale__language_code=settings.LANGUAGE_CODE, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def one_per_translation(pages: QuerySet) -> QuerySet:
    ranked = pages.annotate(language_rank=language_rank())
    earlier = ranked.filter(translation_key=OuterRef("translation_key")).filter(
        Q(language_rank__lt=OuterRef("language_rank"))
        | Q(language_rank=OuterRef("language_rank"), pk__lt=OuterRef("pk"))
    )
    return ranked.filter(~Exists(earlier))
