"""The act page's structured data: schema.org Article as JSON-LD, safe inside a <script> element.

`{% act_structured_data page %}` renders `<script type="application/ld+json">…</script>`. The JSON is escaped as
Django's json_script escapes it (`<`, `>` and `&` as \\u003C, \\u003E, \\u0026), so that no text in it — a title
with "</script>" — can end the element or start markup; JSON parsers read the escapes back as the characters.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.pages import url_here

register = template.Library()

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
PUBLISHER = "Verkostamo – KunTeko"


def absolute(request, url):
    if not url:
        return ""
    return request.build_absolute_uri(url) if request is not None else url


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
        "publisher": {
            "@type": "Organization",
            "name": PUBLISHER,
            "url": absolute(request, "/"),
            "logo": {"@type": "ImageObject", "url": absolute(request, static("img/logo.svg"))},
        },
        "articleSection": str(act.get_sector_display()),
        "keywords": ", ".join([str(act.get_sector_display()), *themes]),
        "about": [{"@type": "Thing", "name": name} for name in themes],
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    images = [absolute(request, item.image.get_rendition("max-1200x1200").url) for item in act.images.all()]
    if images:
        data["image"] = images
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def json_ld(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def act_structured_data(context, act):
    return json_ld(article_data(act, context.get("request")))
