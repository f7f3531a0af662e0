"""The public pages' addresses per language (docs/architecture.md, "Languages").

Finnish pages are served unprefixed, their Swedish and English translations under /sv/ and /en/ (Wagtail's
localisation with Django's i18n_patterns). A page without a translation in a language is still served under that
language's prefix — the Finnish page, with the interface in the language and a notice (home.views.serve).
"""

from django.conf import settings
from wagtail.models import Locale, Page

from core.pages import fallback_url

__all__ = ["fallback_url", "url_in_language"]


def url_in_language(page: Page, language: str, request=None) -> str:
    """Where the switcher sends someone who reads ``page`` and picks ``language``.

    The page's live translation in that language, else the default language's page under that language's prefix
    (served with the notice "only in Finnish"), else the page itself.
    """
    locale = Locale.objects.filter(language_code=language).first()
    translated = page.get_translation_or_none(locale) if locale is not None else None
    if translated is not None and translated.live:
        return translated.get_url(request)
    default_locale = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
    original = page.get_translation_or_none(default_locale) if default_locale is not None else None
    if original is None or not original.live:
        return page.get_url(request)
    if language == settings.LANGUAGE_CODE:
        return original.get_url(request)
    return fallback_url(original, language, request)
