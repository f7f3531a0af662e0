"""The feeds of an index page (RSS 2.0 and Atom), as routes of the page so that the language prefixes work for them:
the Tekojen Tori's acts (tori.feeds) and the news (news.feeds). A subclass says what the index lists (`items`) and
how an item is described; links and identifiers are the pages' own addresses on the host of the request."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from core.pages import url_here

FEED_ITEMS = 30


class PageFeed(Feed):
    """A feed of an index page's child pages: RSS 2.0, or with `atom=True` Atom."""

    item_guid_is_permalink = True

    def __init__(self, index, atom=False):
        super().__init__()
        self.index = index
        self.request = None
        if atom:
            self.feed_type = Atom1Feed

    def subtitle(self, index):
        """Atom's subtitle; RSS has only the description."""
        return self.description(index)

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index

    def link(self, index):
        return url_here(index, self.request)

    def feed_url(self, index):
        return self.request.build_absolute_uri() if self.request else None

    def item_title(self, page):
        return page.title

    def item_link(self, page):
        return url_here(page, self.request)

    def item_guid(self, page):
        return page.get_full_url(self.request)

    def item_updateddate(self, page):
        return page.last_published_at or self.item_pubdate(page)

    def item_pubdate(self, page):
        return page.first_published_at
