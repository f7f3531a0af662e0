"""The public news: the index's filtered list, an article's related pages and trail, and the latest articles for the
front page. The page models' get_context (news.models) and the home page call these.

A published article is live and outside private sections (networks.access.in_private_section), and listed once
whatever its translations (core.pages.one_per_translation) where articles of the whole site are listed.
"""

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When

from core.pages import one_per_translation, url_here
from core.pagination import paginate
from networks.access import in_private_section

from .filters import ArticleFilterForm, with_card_data
from .models import ArticleIndexPage, ArticlePage

LATEST_ON_HOME = 3


def subpage_url(page, request, name) -> str:
    return url_here(page, request) + page.reverse_subpage(name)


def index_context(index, request, context):
    """The filtered and paginated articles, the filters' form and the feeds to link to."""
    articles = index.articles()
    form = ArticleFilterForm(request.GET, articles=articles)
    context["filter_form"] = form
    context["articles"] = paginate(request, with_card_data(form.filter(articles)), index.articles_per_page)
    context["querystring_without_page"] = form.querystring()
    context["rss_url"] = subpage_url(index, request, "feed-rss")
    context["atom_url"] = subpage_url(index, request, "feed-atom")
    context["default_language"] = settings.LANGUAGE_CODE
    return context


def shown_pages(related, is_preview) -> list:
    """The pages of one of the article's relations that a reader may follow: live and outside private sections.
    A preview holds its unsaved choices in memory, where only `live` can be read."""
    if is_preview:
        return sorted((page for page in related.all() if page.live), key=lambda page: page.title)
    return list(related.live().exclude(in_private_section()).order_by("title"))


def article_context(article, request, context):
    """The article's themes, networks and Tori acts; the pages above it with their addresses (`trail`)."""
    is_preview = getattr(request, "is_preview", False)
    context["themes"] = list(article.themes.all())
    context["related_networks"] = shown_pages(article.networks, is_preview)
    context["related_acts"] = shown_pages(article.acts, is_preview)
    # The home page and the index (an article's parent is always the index: ArticlePage.parent_page_types).
    context["trail"] = [(page, url_here(page, request)) for page in article.get_ancestors().filter(depth__gte=2)]
    context["index_url"] = context["trail"][-1][1] if context["trail"] else ""
    context["default_language"] = settings.LANGUAGE_CODE
    return context


def published_articles() -> QuerySet[ArticlePage]:
    """Every published article of the site, each once (the page in the default language, else the oldest)."""
    return one_per_translation(ArticlePage.objects.live().exclude(in_private_section()))


def latest_articles(limit: int = LATEST_ON_HOME) -> list[ArticlePage]:
    """The newest published articles with what their cards show: two queries."""
    return list(with_card_data(published_articles()).order_by(*ArticlePage.NEWEST_FIRST)[:limit])


def news_index(locale_id) -> ArticleIndexPage | None:
    """The news index in the given locale, else the Finnish one: one query."""
    here_first = Case(When(locale_id=locale_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    return ArticleIndexPage.objects.live().exclude(in_private_section()).order_by(here_first, "pk").first()
