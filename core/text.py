"""Message text: a small markdown subset rendered to HTML once, at save, and cleaned by one function.

`clean_html` is the project's only sanitiser (nh3, the ammonia sanitiser; bleach is unmaintained since
2026). Everything that stores user-supplied HTML passes through it; templates mark only its output safe.
"""

import re

import nh3
from django.utils.html import escape, urlize

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

CODE_SPAN = re.compile(r"`([^`\n]+)`")
MARKDOWN_LINK = re.compile(r"\[([^\]\n]{1,300})\]\(((?:https?://|mailto:)[^\s)]{1,2000})\)")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")
BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
QUOTE = re.compile(r"^\s*>\s?(.*)$")
MENTION = re.compile(r"(?<![\w@/])@([\w][\w.-]{0,80})")


def clean_html(html):
    """The allowlist: the tags our markdown makes, links only to http(s) and mailto, rel=nofollow noopener."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def mention_handle(user):
    """How members mention a person: @etunimi.sukunimi (lower case, spaces as hyphens)."""
    name = f"{user.first_name}.{user.last_name}" if user.first_name or user.last_name else user.email.split("@")[0]
    return re.sub(r"[^\w.-]", "", name.strip(".").lower().replace(" ", "-"))


def render_inline(text, mentions):
    """Escapes `text` and turns code spans, links, bare URLs, mentions, bold and italic into HTML."""
    parts = []
    position = 0
    for match in re.finditer(f"{CODE_SPAN.pattern}|{MARKDOWN_LINK.pattern}", text):
        parts.append(_plain(text[position : match.start()], mentions))
        code, label, url = match.groups()
        if code is not None:
            parts.append(f"<code>{escape(code)}</code>")
        else:
            parts.append(f'<a href="{escape(url)}">{_emphasis(escape(label))}</a>')
        position = match.end()
    parts.append(_plain(text[position:], mentions))
    return "".join(parts)


def _plain(text, mentions):
    html = urlize(text, nofollow=True, autoescape=True)
    if mentions:
        html = MENTION.sub(lambda match: _mention_link(match, mentions), html)
    return _emphasis(html)


def _mention_link(match, mentions):
    person = mentions.get(match.group(1).lower().rstrip("."))
    if person is None:
        return match.group(0)
    handle, url = person
    return f'<a href="{escape(url)}">@{escape(handle)}</a>'


def mentioned_handles(source):
    return {handle.lower().rstrip(".") for handle in MENTION.findall(source)}


def _emphasis(html):
    return ITALIC.sub(r"<em>\1</em>", BOLD.sub(r"<strong>\1</strong>", html))


def every_line(pattern, lines):
    """The first group of `pattern` in each line if every line matches it, else an empty list."""
    matches = [pattern.match(line) for line in lines]
    return [match.group(1) for match in matches if match] if all(matches) else []


def render_markdown(source, mentions=None):
    """Renders message source text to clean HTML: paragraphs, line breaks, bold, italic, lists, quotes,
    inline code and links (bare URLs become links too). `mentions` maps a handle to (shown handle, URL):
    those @-mentions become links."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", source.replace("\r\n", "\n").strip()):
        lines = chunk.split("\n")
        if quoted := every_line(QUOTE, lines):
            inner = "<br>".join(render_inline(text, mentions) for text in quoted)
            blocks.append(f"<blockquote><p>{inner}</p></blockquote>")
        elif bullets := every_line(BULLET, lines):
            items = "".join(f"<li>{render_inline(text, mentions)}</li>" for text in bullets)
            blocks.append(f"<ul>{items}</ul>")
        elif numbered := every_line(NUMBERED, lines):
            items = "".join(f"<li>{render_inline(text, mentions)}</li>" for text in numbered)
            blocks.append(f"<ol>{items}</ol>")
        elif chunk.strip():
            blocks.append("<p>" + "<br>".join(render_inline(line, mentions) for line in lines) + "</p>")
    return clean_html("".join(blocks))
