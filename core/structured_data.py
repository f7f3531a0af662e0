"""Structured data (schema.org as JSON-LD) that pages put in their <head>, safe inside a <script> element.

`json_ld(data)` renders `<script type="application/ld+json">…</script>`. The JSON is escaped as Django's json_script
escapes it (`<`, `>` and `&` as \\u003C, \\u003E, \\u0026), so that no text in it — a title with "</script>" — can
end the element or start markup; JSON parsers read the escapes back as the characters.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
PUBLISHER = "Verkostamo – KunTeko"


def absolute(request, url: str) -> str:
    """`url` as an absolute address when there is a request to take the host from."""
    if not url:
        return ""
    return request.build_absolute_uri(url) if request is not None else url


def publisher(request) -> dict:
    """The site as the schema.org Organization that publishes its articles."""
    return {
        "@type": "Organization",
        "name": PUBLISHER,
        "url": absolute(request, "/"),
        "logo": {"@type": "ImageObject", "url": absolute(request, static("img/logo.svg"))},
    }


def without_empty(data: dict) -> dict:
    """`data` without the keys whose value is None, "" or []: schema.org wants absent rather than empty."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def json_ld(data) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
