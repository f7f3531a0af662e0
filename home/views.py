import re

from django.template.response import TemplateResponse
from wagtail.models import Page

from core.pagination import paginate

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    """Search the public pages of the site."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    # Only words reach the search backend: quotes and operators would be syntax to SQLite's FTS5.
    terms = " ".join(re.findall(r"\w+", query))
    if terms:
        pages = Page.objects.live().public().specific().search(terms)
        results = paginate(request, pages, RESULTS_PER_PAGE)
    return TemplateResponse(request, "pages/search.html", {"query": query, "results": results})
