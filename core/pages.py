"""Translated pages counted and listed once.

With Wagtail's localisation a network translated to Swedish and English is three pages sharing one
`translation_key`. The programme has one network, not three: `one_per_translation(pages)` keeps, of each
group of translations in `pages`, the page in the default language (settings.LANGUAGE_CODE), else the oldest.
It is a filter in the database (a NOT EXISTS subquery), so counts, joins and pagination stay queries.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import translation


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


def fallback_url(page, language: str, request=None) -> str:
    """The address of ``page`` (a page in the default language) under ``language``'s prefix: "/sv/<its path>",
    where it is served with the interface in that language and a notice that it is only in Finnish
    (home.views.serve; docs/architecture.md, "Languages")."""
    url = page.get_url(request)
    if not url:
        return ""
    parts = urlsplit(url)
    with translation.override(language):
        path = reverse("wagtail_serve", args=[parts.path.lstrip("/")])
    return urlunsplit(parts._replace(path=path))


def url_here(page, request=None) -> str:
    """The page's address in the active language: its own, or, for a Finnish page (unprefixed address) listed on a
    Swedish or English one because it has no translation, its fallback address under the prefix. No query."""
    url = page.get_url(request)
    language = translation.get_language()
    if not url or language == settings.LANGUAGE_CODE or translation.get_language_from_path(urlsplit(url).path):
        return url
    return fallback_url(page, language, request)
