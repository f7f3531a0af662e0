"""An issue's items as a reader of one language sees them, in the e-mail and in the web version.

The blocks (newsletter.blocks) store the chosen pages' ids. `IssueContent` fetches them once — live and public only:
a page unpublished or made private since it was chosen is left out — and, per language, their live translations in
one query more; a page without a translation in the reader's language is given in Finnish, marked with its
language and linked under the language's prefix (core.pages.url_here: the interface in the reader's language). A
free text is for everyone or for one language's readers. So an issue costs a few queries per language, whatever
the number of items or readers.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from core.pages import url_here

PAGE_BLOCKS = ("article", "act", "event")


@dataclass(frozen=True)
class Item:
    """One item of an issue. `kind` is the block's type; `language` the language of the page's text when it is
    not the reader's (a Finnish page for a Swedish reader), else ""."""

    kind: str
    label: str
    title: str
    text: str
    url: str = ""
    language: str = ""
    start: datetime | None = None
    end: datetime | None = None
    place: str = ""
    online: bool = False
    cancelled: bool = False


def absolute(url: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL + url if url.startswith("/") else url


class IssueContent:
    """The items of one issue, resolved once per language (see the module's docstring)."""

    def __init__(self, issue: Any) -> None:
        self.issue = issue
        self.blocks = [dict(block) for block in issue.body.raw_data]
        ids = {block["value"] for block in self.blocks if block["type"] in PAGE_BLOCKS and block["value"]}
        pages = Page.objects.live().public().filter(pk__in=ids).specific() if ids else []
        self.pages = {page.pk: page for page in pages}
        self.languages = dict(Locale.objects.values_list("pk", "language_code")) if self.pages else {}
        self.cache: dict[str, list[Item]] = {}

    def translations(self, language: str) -> dict[Any, Page]:
        """The chosen pages' live, public translations in `language`, by translation key (one query)."""
        keys = [page.translation_key for page in self.pages.values()]
        if not keys or language == settings.LANGUAGE_CODE:
            return {}
        found = Page.objects.live().public().filter(translation_key__in=keys, locale__language_code=language)
        return {page.translation_key: page for page in found.specific()}

    def items(self, language: str) -> list[Item]:
        """The items for a reader of `language`, in the issue's order (labels in that language)."""
        if language not in self.cache:
            translated = self.translations(language)
            with translation.override(language):
                self.cache[language] = [
                    item for block in self.blocks if (item := self.item(block, language, translated)) is not None
                ]
        return self.cache[language]

    def item(self, block: dict, language: str, translated: dict[Any, Page]) -> Item | None:
        kind, value = block["type"], block["value"]
        if kind == "text":
            if value.get("language") and value["language"] != language:
                return None
            return Item(kind, "", value.get("heading", ""), value.get("text", ""))
        chosen = self.pages.get(value)
        if chosen is None:
            return None
        page = translated.get(chosen.translation_key, chosen)
        page_language = self.languages.get(page.locale_id, settings.LANGUAGE_CODE)
        common = {
            "title": page.title,
            "url": absolute(url_here(page)),
            "language": "" if page_language == language else page_language,
        }
        if kind == "article":
            return Item(kind, page.get_kind_display(), text=page.lead, **common)
        if kind == "act":
            return Item(kind, _("Kehittämisteko"), text=page.summary, **common)
        return Item(
            kind,
            _("Tapahtuma"),
            text=page.lead,
            start=page.start,
            end=page.end,
            place=", ".join(part for part in (page.place, page.city) if part),
            online=page.online,
            cancelled=page.cancelled,
            **common,
        )


def web_context(issue: Any, language: str | None = None, content: IssueContent | None = None) -> dict[str, Any]:
    """What the web version (and the admin's preview) shows of `issue` in `language` (default: the active one)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    content = content or IssueContent(issue)
    own_words = language == settings.LANGUAGE_CODE or bool(getattr(issue, f"subject_{language}", ""))
    return {
        "issue": issue,
        "subject": issue.subject_in(language),
        "intro": issue.intro_in(language),
        "items": content.items(language),
        # The language of the subject and intro when it is not the reader's (no Swedish version written).
        "text_language": "" if own_words else settings.LANGUAGE_CODE,
    }
