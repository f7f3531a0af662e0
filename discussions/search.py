"""Search within one network's discussion: the messages of its rooms that contain the words asked for.

The search page calls one function, :func:`search_messages`; the backend follows the database:

- **PostgreSQL**: full-text search with the `finnish` text search configuration, which stems words ("laskut"
  finds "laskujen"), through websearch_to_tsquery (of the words, so only `or` between them is an operator), on the
  GIN expression index `message_body_finnish` (migration 0003).
- **SQLite** (the embedded default): the FTS5 table `discussions_message_fts` (tokenizer `unicode61
  remove_diacritics 0`, so "ä" and "a" stay apart), which triggers keep in step with `discussions_message`
  (migration 0003). Each word is a prefix, which is how Finnish inflection is found there ("lasku" finds
  "laskujen"), and each is quoted, so nothing typed is FTS5 syntax.

Only the query's words reach either backend: quotes, asterisks, parentheses and the like are dropped, and a query
that is empty, too long, holds a NUL byte or has no word at all is refused with a sentence (an ActionError) before
any query is made. Deleted and hidden messages keep their text in the table (`actions.delete_message` sets
`deleted` and leaves `body`), so the search leaves them out by `deleted`.

Results are newest first, RESULTS_PER_PAGE to a page, each with its author, room, a highlighted excerpt and the
address that shows it in its room: two queries however many messages there are (three on PostgreSQL, which also
gives the stems to highlight).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.errors import ActionError
from networks.models import NetworkPage

from .models import Message
from .queries import plain_text

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12  # words beyond these are ignored
RESULTS_PER_PAGE = 20
EXCERPT_LENGTH = 200  # characters of a found message shown
EXCERPT_LEAD = 60  # of which at most these before the first match

SEARCH_CONFIG = "finnish"  # PostgreSQL's text search configuration, the same as the GIN index's
# SQLite's FTS5 table (migration 0003): the ids of the messages that match.
FTS_MATCH = "SELECT rowid FROM discussions_message_fts WHERE discussions_message_fts MATCH %s"

# A word: letters and digits, as FTS5's unicode61 tokenizer and PostgreSQL's parser see them (no underscore).
WORD = re.compile(r"[^\W_]+")


def search_terms(query: object) -> list[str]:
    """The words of the query in lower case, each once; an ActionError with a sentence when there is nothing to
    search for or the query cannot be searched."""
    if not isinstance(query, str) or not query.strip():
        raise ActionError("empty", _("Kirjoita hakusana ja valitse Hae."))
    if len(query) > MAX_QUERY_LENGTH:
        raise ActionError(
            "too_long", _("Hakusana on liian pitkä: enintään %(max)s merkkiä.") % {"max": MAX_QUERY_LENGTH}
        )
    if "\x00" in query:
        raise ActionError("invalid", _("Hakusanassa on merkkejä, joilla ei voi hakea."))
    terms = list(dict.fromkeys(word.lower() for word in WORD.findall(query)))
    if not terms:
        raise ActionError("no_words", _("Hae sanoilla: pelkillä välimerkeillä ei löydy mitään."))
    return terms[:MAX_TERMS]


def fts5_query(terms: Iterable[str]) -> str:
    """FTS5 MATCH syntax: every word as a quoted prefix ("lasku"*), all of them required. Inside FTS5's quotes
    only a double quote is special, and it is doubled (the words have none, but the query must not depend on it)."""
    return " ".join('"{}"*'.format(term.replace('"', '""')) for term in terms)


def matching_messages(network: NetworkPage, terms: list[str]) -> "QuerySet[Message]":
    """The network's messages, neither deleted nor hidden, that contain every word (in this database's way)."""
    return containing(Message.objects.filter(room__network=network, deleted__isnull=True), terms)


def containing(messages: "QuerySet[Message]", terms: list[str]) -> "QuerySet[Message]":
    """`messages` narrowed to those that contain every word: through the `finnish` GIN index on PostgreSQL, the
    FTS5 table on SQLite."""
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(terms), config=SEARCH_CONFIG, search_type="websearch")
        # The same expression as the GIN index of migration 0003, so that the index is used.
        return messages.alias(found=SearchVector("body", config=SEARCH_CONFIG)).filter(found=query)
    found = RawSQL(FTS_MATCH, [fts5_query(terms)])  # noqa: S611 - a constant statement; the words are a parameter
    return messages.filter(pk__in=found)


def highlight_prefixes(terms: list[str]) -> list[str]:
    """What a found word begins with: the words themselves, and on PostgreSQL also their stems (`finnish`
    finds "laskujen" for "laskut" through the stem "lasku"). One query on PostgreSQL, none on SQLite."""
    if connection.vendor != "postgresql":
        return terms
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM unnest(to_tsvector(%s::regconfig, %s))", [SEARCH_CONFIG, " ".join(terms)])
        stems = [row[0] for row in cursor.fetchall()]
    return list(dict.fromkeys([*terms, *stems]))


def highlighted_excerpt(text: str, prefixes: Iterable[str]) -> SafeString:
    """`text` (plain text, never HTML) cut to EXCERPT_LENGTH characters around its first match, escaped, with
    every word that begins with one of `prefixes` in <mark>. Only the marks are markup: each piece of the text
    goes through format_html's escaping."""
    alternatives = "|".join(re.escape(prefix) for prefix in sorted(set(prefixes), key=len, reverse=True) if prefix)
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE) if alternatives else None
    first = pattern.search(text) if pattern else None
    start = 0
    if first is not None and first.start() > EXCERPT_LEAD:
        start = text.rfind(" ", 0, first.start() - EXCERPT_LEAD) + 1  # at the beginning of a word
    end = len(text)
    if end - start > EXCERPT_LENGTH:
        end = text.rfind(" ", start, start + EXCERPT_LENGTH)
        if end <= start:
            end = start + EXCERPT_LENGTH
    window = text[start:end]
    pieces: list[str] = ["…"] if start else []
    position = 0
    for match in pattern.finditer(window) if pattern else ():
        pieces.append(window[position : match.start()])
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        position = match.end()
    pieces.append(window[position:])
    if end < len(text):
        pieces.append("…")
    # format_html_join escapes the plain pieces and leaves the marks (SafeStrings) as they are.
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@dataclass
class Found:
    """One found message: with its author and room, its excerpt and the address that shows it in its room."""

    message: Message
    excerpt: SafeString
    url: str


@dataclass
class SearchResults:
    terms: list[str]
    page: Page  # the paginator's page of Messages, for the page links
    found: list[Found]

    @property
    def count(self) -> int:
        return self.page.paginator.count


def message_url(network: NetworkPage, message: Message) -> str:
    """The message's own address (views.message_link: the room's page that shows it)."""
    return reverse("discussion-message", args=[network.slug, message.room_id, message.pk])


def search_messages(network: NetworkPage, query: object, page: int | str | None = None) -> SearchResults:
    """The messages of the network's rooms that contain the query's words, newest first: the page `page`
    (a number; anything else gives the nearest page) of RESULTS_PER_PAGE. An ActionError with a sentence for
    a query that cannot be searched (empty, too long, a NUL byte, no words)."""
    terms = search_terms(query)
    messages = matching_messages(network, terms).select_related("author", "room").order_by("-created", "-pk")
    results = Paginator(messages, RESULTS_PER_PAGE).get_page(page)
    page_messages = list(results.object_list)
    prefixes = highlight_prefixes(terms) if page_messages else terms
    found = [
        Found(message, highlighted_excerpt(plain_text(message), prefixes), message_url(network, message))
        for message in page_messages
    ]
    return SearchResults(terms, results, found)
