import re

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page, Site

from config.middleware import path_language
from core.pagination import paginate

from .languages import url_in_language

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
MAX_RESULTS = 200  # the best matches read, of which each page's translations are shown once


def search(request):
    """Search the public pages of the site."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    # Only words reach the search backend: quotes and operators would be syntax to SQLite's FTS5.
    terms = " ".join(re.findall(r"\w+", query))
    if terms:
        pages = Page.objects.live().public().specific().search(terms)[:MAX_RESULTS]
        results = paginate(request, once_per_translation(pages, translation.get_language()), RESULTS_PER_PAGE)
    return TemplateResponse(request, "pages/search.html", {"query": query, "results": results})


def once_per_translation(pages, language):
    """The pages in their order, each group of translations once: the page in `language` if it was found, else the
    one in the default language, else the first found. One query (the locales)."""
    codes = dict(Locale.objects.values_list("pk", "language_code"))

    def preference(page):
        code = codes.get(page.locale_id)
        return 0 if code == language else 1 if code == settings.LANGUAGE_CODE else 2

    chosen = {}
    for page in pages:
        current = chosen.get(page.translation_key)
        if current is None or preference(page) < preference(current):
            chosen[page.translation_key] = page
    return [chosen[key] for key in dict.fromkeys(page.translation_key for page in pages)]


def serve(request, path):
    """Wagtail's serve; under /sv/ or /en/, a page without a translation is its Finnish page.

    Wagtail routes "/sv/<path>" from the Swedish translation of the site's root page. When that finds nothing
    (the page exists only in Finnish), the same path is routed from the site's root page in the default language:
    the Finnish page is served with the interface in Swedish, and base.html says the page is only in Finnish
    (request.untranslated_page, set in home.wagtail_hooks) and gives its Finnish address as canonical.
    """
    if translation.get_language() == settings.LANGUAGE_CODE or Page.route_for_request(request, path) is not None:
        return wagtail_views.serve(request, path)
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    components = [component for component in path.split("/") if component]
    # Raises Http404 when the Finnish tree has no such page either; Page.route_for_request reads the cache.
    request._wagtail_route_for_request = site.root_page.specific.route(request, components)
    return wagtail_views.serve(request, path)


@require_POST
def set_language(request):
    """Django's set_language (the cookie), and on a public page its translation in the chosen language.

    The switcher posts ``page`` (the id of the Wagtail page being read) besides ``language`` and ``next``: the
    person goes to that page's live translation, or to the Finnish page under the language's prefix, where it says
    that the page is only in Finnish. Elsewhere (member spaces, accounts) ``next`` is kept, as Django does, and the
    cookie decides the language.
    """
    language = request.POST.get("language", "")
    page_id = request.POST.get("page", "")
    valid_language = language in dict(settings.LANGUAGES)
    if valid_language and page_id.isdigit():
        page = Page.objects.live().public().filter(pk=int(page_id)).first()
        target = url_in_language(page, language, request) if page is not None else ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            response = HttpResponseRedirect(target)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
            return response
    # Django translates ``next`` to the chosen language by resolving it in the active language: activate the
    # language that ``next``'s address is in (its prefix, Finnish for an unprefixed public page), if it says one.
    next_language = path_language(request.POST.get("next", "").split("?")[0] or "/")
    with translation.override(next_language or translation.get_language()):
        return django_set_language(request)
