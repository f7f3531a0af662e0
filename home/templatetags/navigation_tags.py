"""Template tags for the site's chrome: the main menu, the footer's legal links and search excerpts.

Each tag runs a fixed number of queries, whatever the size of the page tree.
"""

import html

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page, Site

from core.pages import fallback_url, url_here

register = template.Library()

# Slugs of the StandardPages linked from every page's footer, in display order.
FOOTER_PAGE_SLUGS = ("saavutettavuusseloste", "tietosuojaseloste")


def _default_root(request):
    """The current site's root page (the home page, in Finnish), or None. Cached on the Site object of the request."""
    if request is None:
        return None
    site = Site.find_for_request(request)
    return site.root_page if site is not None else None


def _site_root(request):
    """The site's root page in the request's language (its live translation, else the Finnish one), or None.

    Remembered on the request; no query in Finnish, one (the translation) under /sv/ and /en/.
    """
    if request is None:
        return None
    if not hasattr(request, "_localized_site_root"):
        root = _default_root(request)
        if root is not None and translation.get_language() != settings.LANGUAGE_CODE:
            root = root.localized
        request._localized_site_root = root
    return request._localized_site_root


@register.inclusion_tag("components/navigation/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page's live children that are marked "show in menus"; one query for the children."""
    request = context.get("request")
    root = _site_root(request)
    items = []
    if root is not None:
        current_path = request.path
        for child in root.get_children().live().public().in_menu():
            url = child.get_url(request=request)
            if not url:
                continue
            items.append(
                {
                    "title": child.title,
                    "url": url,
                    "current": current_path == url,
                    "ancestor": current_path != url and current_path.startswith(url),
                }
            )
    return {"items": items, "request": request}


@register.simple_tag(takes_context=True)
def home_url(context):
    """The URL of the current site's root page, "/" when it cannot be found."""
    request = context.get("request")
    root = _site_root(request)
    if root is not None:
        url = root.get_url(request=request)
        if url:
            return url
    return "/"


@register.simple_tag(takes_context=True)
def footer_pages(context):
    """The accessibility statement and the privacy notice, if they exist: a list of (slug, title, url).

    One query; pages that are missing, unpublished or private are left out.
    """
    request = context.get("request")
    root = _site_root(request)
    if root is None:
        return []
    default_root = _default_root(request)
    in_trees = Page.objects.descendant_of(root)
    if default_root is not None and default_root.pk != root.pk:
        in_trees = in_trees | Page.objects.descendant_of(default_root)  # a page not translated: the Finnish one
    candidates = in_trees.live().public().filter(slug__in=FOOTER_PAGE_SLUGS)
    pages: dict = {}
    for page in candidates:
        if page.path.startswith(root.path) or page.slug not in pages:
            pages[page.slug] = page
    links = []
    for slug in FOOTER_PAGE_SLUGS:
        page = pages.get(slug)
        if page is not None:
            if page.path.startswith(root.path):
                url = page.get_url(request=request)
            else:  # in Finnish, under this language's prefix, with the notice
                url = fallback_url(page, translation.get_language(), request)
            if url:
                links.append({"slug": slug, "title": page.title, "url": url})
    return links


@register.simple_tag(takes_context=True)
def page_alternates(context):
    """The live translations of the page Wagtail serves, for <link rel="alternate" hreflang>: a list of
    {language, url} with absolute URLs, in the order of settings.LANGUAGES, then x-default (Finnish). One query."""
    request = context.get("request")
    page = getattr(request, "public_page", None)
    if page is None:
        return []
    order = [code for code, _name in settings.LANGUAGES]
    translations = page.get_translations(inclusive=True).live().select_related("locale")
    links = []
    for translated in translations:
        url = translated.get_full_url(request)
        if url and translated.locale.language_code in order:
            links.append({"language": translated.locale.language_code, "url": url})
    links.sort(key=lambda link: order.index(link["language"]))
    default = [link["url"] for link in links if link["language"] == settings.LANGUAGE_CODE]
    if default:
        links.append({"language": "x-default", "url": default[0]})
    return links


@register.simple_tag(takes_context=True)
def page_url_here(context, page):
    """The page's address in the interface's language (core.pages.url_here): a Finnish page listed under /sv/
    links to its /sv/ address, where it says that it is only in Finnish."""
    return url_here(page, context.get("request"))


@register.filter
def search_excerpt(page, words=30):
    """A plain-text excerpt of a (specific) page: its search description, else its summary, intro or lead.

    Rich text is reduced to plain text; the result is escaped by the template as usual.
    """
    text = getattr(page, "search_description", "") or ""
    if not text:
        for attribute in ("summary", "intro", "lead"):
            value = getattr(page, attribute, None)
            if value:
                text = str(value)
                break
    text = html.unescape(strip_tags(text)).strip()
    return Truncator(" ".join(text.split())).words(int(words), truncate="…")
