"""The act page's structured data: schema.org Article as JSON-LD (core.structured_data escapes it for <script>).

`{% act_structured_data page %}` renders `<script type="application/ld+json">…</script>`.
"""

from django import template

from core.pages import url_here
from core.structured_data import absolute, json_ld, publisher, without_empty

register = template.Library()


def article_data(act, request=None):
    """The act as a schema.org Article: a dict ready for json.dumps."""
    url = absolute(request, url_here(act, request))
    themes = [theme.name for theme in act.themes.all()]
    organisation = act.organisation
    author = {"@type": "Organization", "name": organisation.name}
    if organisation.website:
        author["url"] = organisation.website
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": act.title[:110],
        "description": act.summary,
        "inLanguage": act.locale.language_code,
        "datePublished": act.first_published_at,
        "dateModified": act.last_published_at or act.latest_revision_created_at or act.first_published_at,
        "author": author,
        "publisher": publisher(request),
        "articleSection": str(act.get_sector_display()),
        "keywords": ", ".join([str(act.get_sector_display()), *themes]),
        "about": [{"@type": "Thing", "name": name} for name in themes],
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    images = [absolute(request, item.image.get_rendition("max-1200x1200").url) for item in act.images.all()]
    if images:
        data["image"] = images
    return without_empty(data)


@register.simple_tag(takes_context=True)
def act_structured_data(context, act):
    return json_ld(article_data(act, context.get("request")))
