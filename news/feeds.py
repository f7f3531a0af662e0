"""The news feeds: the newest published articles as RSS 2.0 (`syote/rss/`) and Atom (`syote/atom/`), routes of the
news index (ArticleIndexPage), in the tori.feeds style. Only live articles outside private sections: a draft or an
unpublished article never appears."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from core.feeds import FEED_ITEMS, PageFeed

from .filters import with_card_data


def published_moment(article) -> datetime:
    """When the article counts as published: its date, at the time it was first published if that was on the same
    day (Helsinki time), else at midnight. An editor may date an article before or after publishing it."""
    first = article.first_published_at
    if first is not None and timezone.localtime(first).date() == article.date:
        return first
    return timezone.make_aware(datetime.combine(article.date, time()))


class ArticlesFeed(PageFeed):
    def title(self, index):
        return _("%(title)s – KunTeko-ohjelman uutiset, blogit ja tarinat") % {"title": index.title}

    def description(self, index):
        return _("KunTeko-ohjelman uutisia, asiantuntijoiden blogeja ja tarinoita kuntatyöpaikoilta.")

    def items(self, index):
        return with_card_data(index.articles())[:FEED_ITEMS]

    def item_description(self, article):
        return article.lead  # plain text: the feed generator escapes it

    def item_pubdate(self, article):
        return published_moment(article)

    def item_author_name(self, article):
        return article.author

    def item_categories(self, article):
        return [article.get_kind_display(), *(theme.name for theme in article.themes.all())]
