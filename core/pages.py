"""Translated pages counted and listed once.

With Wagtail's localisation a network translated to Swedish and English is three pages sharing one
`translation_key`. The programme has one network, not three: `one_per_translation(pages)` keeps, of each
group of translations in `pages`, the page in the default language (settings.LANGUAGE_CODE), else the oldest.
It is a filter in the database (a NOT EXISTS subquery), so counts, joins and pagination stay queries.
`original(page)` is the same choice for one page: the translation that the site's data points at.
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


def in_default_language(page) -> bool | None:
    """Whether the page is in the default language, if that is known without a query: from its `language_rank`
    annotation or its loaded locale (Wagtail's serving loads the served page's). None when it is not known."""
    rank = getattr(page, "language_rank", None)
    if rank is not None:
        return rank == 0
    if type(page).locale.is_cached(page):
        return page.locale.language_code == settings.LANGUAGE_CODE
    return None


def original(page):
    """Of the page's translations, the one that the site's data points at — memberships, rooms, registrations,
    feedback: the page in the default language, else the oldest (as `one_per_translation` keeps). An editor's
    translation is a copy for readers of another language, never another network or workshop.

    `page` itself, without a query, when it is known to be in the default language (in_default_language); else one
    query."""
    if in_default_language(page):
        return page
    return originals_first(type(page), page.translation_key).first() or page


def originals_first(model, translation_key) -> QuerySet:
    """The pages of `model` in one group of translations, the original first (`original`)."""
    return model.objects.filter(translation_key=translation_key).order_by(language_rank(), "pk")


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
