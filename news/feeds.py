"""The news feeds: the newest published articles as RSS 2.0 (`syote/rss/`) and Atom (`syote/atom/`), routes of the
news index (ArticleIndexPage), in the tori.feeds style. Only live articles outside private sections: a draft or an
unpublished article never appears."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core.pages import url_here

from .filters import with_card_data

FEED_ITEMS = 30


def published_moment(article) -> datetime:
    """When the article counts as published: its date, at the time it was first published if that was on the same
    day (Helsinki time), else at midnight. An editor may date an article before or after publishing it."""
    first = article.first_published_at
    if first is not None and timezone.localtime(first).date() == article.date:
        return first
    return timezone.make_aware(datetime.combine(article.date, time()))


class ArticlesFeed(Feed):
    def __init__(self, index):
        super().__init__()
        self.index = index
        self.request = None

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index

    def title(self, index):
        return _("%(title)s – KunTeko-ohjelman uutiset, blogit ja tarinat") % {"title": index.title}

    def link(self, index):
        return url_here(index, self.request)

    def description(self, index):
        return _("KunTeko-ohjelman uutisia, asiantuntijoiden blogeja ja tarinoita kuntatyöpaikoilta.")

    def feed_url(self, index):
        return self.request.build_absolute_uri() if self.request else None

    def items(self, index):
        return with_card_data(index.articles())[:FEED_ITEMS]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.lead  # plain text: the feed generator escapes it

    def item_link(self, article):
        return url_here(article, self.request)

    def item_guid(self, article):
        return article.get_full_url(self.request)

    item_guid_is_permalink = True

    def item_pubdate(self, article):
        return published_moment(article)

    def item_updateddate(self, article):
        return article.last_published_at or published_moment(article)

    def item_author_name(self, article):
        return article.author

    def item_categories(self, article):
        return [article.get_kind_display(), *(theme.name for theme in article.themes.all())]


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, index):
        return self.description(index)
