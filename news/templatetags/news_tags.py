"""The article page's structured data: schema.org NewsArticle, BlogPosting or Article, and the BreadcrumbList of the
pages above it, as JSON-LD (core.structured_data escapes it for <script>).

`{% article_structured_data page %}` renders the two `<script type="application/ld+json">` elements.
"""

from django import template
from django.utils.html import format_html_join

from core.pages import url_here
from core.structured_data import absolute, json_ld, publisher, without_empty
from news.models import ArticlePage

register = template.Library()

SCHEMA_TYPES = {
    ArticlePage.Kind.NEWS: "NewsArticle",
    ArticlePage.Kind.BLOG: "BlogPosting",
    ArticlePage.Kind.STORY: "Article",
}
IMAGE_RENDITION = "width-1200"  # the one the page shows, so that its rendition is made once


def article_data(article, themes, request=None) -> dict:
    """The article as schema.org data: a dict ready for json.dumps."""
    url = absolute(request, url_here(article, request))
    author = without_empty({"@type": "Person", "name": article.author, "jobTitle": article.author_title})
    names = [theme.name for theme in themes]
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(article.kind, "Article"),
        "headline": article.title[:110],
        "description": article.lead,
        "inLanguage": article.locale.language_code,
        "datePublished": article.date,
        "dateModified": article.last_published_at or article.latest_revision_created_at or article.first_published_at,
        "author": author,
        "publisher": publisher(request),
        "articleSection": str(article.get_kind_display()),
        "keywords": ", ".join(names),
        "about": [{"@type": "Thing", "name": name} for name in names],
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    if article.image is not None:
        data["image"] = [absolute(request, article.image.get_rendition(IMAGE_RENDITION).url)]
    return without_empty(data)


def breadcrumb_data(article, trail, request=None) -> dict:
    """The pages above the article and the article itself as a schema.org BreadcrumbList."""
    steps = [(page.title, url) for page, url in trail] + [(article.title, url_here(article, request))]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute(request, url)}
            for position, (name, url) in enumerate(steps, start=1)
        ],
    }


@register.simple_tag(takes_context=True)
def article_structured_data(context, article):
    request = context.get("request")
    scripts = [
        json_ld(article_data(article, context.get("themes", []), request)),
        json_ld(breadcrumb_data(article, context.get("trail", []), request)),
    ]
    return format_html_join("\n", "{}", ((script,) for script in scripts))
