"""Hostile message texts, and a check that a piece of HTML holds nothing that runs, loads or navigates."""

from html.parser import HTMLParser

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '"><iframe src=//evil>',
    "<b><i>x</b>",
    "A" * 5000,
    "<style>body{display:none}</style>",
    "[klikkaa](JaVaScRiPt:alert(1)) ja <a href='data:text/html,<script>alert(1)</script>'>y</a>",
    "**<img src=x onerror=alert(1)>** `<script>` > <iframe>",
]
ACTIVE_TAGS = {"script", "style", "svg", "iframe", "img", "object", "embed", "math", "link", "meta", "base", "frame"}


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def active_html(fragment):
    """Problems in an HTML fragment: tags that run or load something, event handler attributes, and links
    that are not http(s) or mailto."""
    collector = TagCollector()
    collector.feed(fragment)
    problems = []
    for tag, attrs in collector.tags:
        if tag in ACTIVE_TAGS:
            problems.append(f"<{tag}>")
        problems += [f"{tag} {name}=" for name in attrs if name.startswith("on")]
        href = (attrs.get("href") or "").strip().lower()
        if href and not href.startswith(("http://", "https://", "mailto:", "#", "?", "/")):
            problems.append(f"{tag} href={href}")
    for raw in ("<script", "<svg", "<iframe", "<style"):
        if raw in fragment.lower():
            problems.append(raw)
    return problems
