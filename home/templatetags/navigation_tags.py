"""Template tags for the site's chrome: the main menu, the footer's legal links and search excerpts.

Each tag runs a fixed number of queries, whatever the size of the page tree.
"""

import html

from django import template
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page, Site

register = template.Library()

# Slugs of the StandardPages linked from every page's footer, in display order.
FOOTER_PAGE_SLUGS = ("saavutettavuusseloste", "tietosuojaseloste")


def _site_root(request):
    """The current site's root page (the home page), or None. Cached on the Site object of the request."""
    if request is None:
        return None
    site = Site.find_for_request(request)
    return site.root_page if site is not None else None


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
    pages = {
        page.slug: page for page in Page.objects.live().public().descendant_of(root).filter(slug__in=FOOTER_PAGE_SLUGS)
    }
    links = []
    for slug in FOOTER_PAGE_SLUGS:
        page = pages.get(slug)
        if page is not None:
            url = page.get_url(request=request)
            if url:
                links.append({"slug": slug, "title": page.title, "url": url})
    return links


@register.filter
def search_excerpt(page, words=30):
    """A plain-text excerpt of a (specific) page: its search description, else its summary or intro.

    Rich text is reduced to plain text; the result is escaped by the template as usual.
    """
    text = getattr(page, "search_description", "") or ""
    if not text:
        for attribute in ("summary", "intro"):
            value = getattr(page, attribute, None)
            if value:
                text = str(value)
                break
    text = html.unescape(strip_tags(text)).strip()
    return Truncator(" ".join(text.split())).words(int(words), truncate="…")
