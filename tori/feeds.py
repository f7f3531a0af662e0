"""The Tori's feeds: the newest published acts as RSS 2.0 (`syote/rss/`) and Atom (`syote/atom/`), routes of the
Tori index page (ToriIndexPage). Only live, public acts: a draft or an unpublished act never appears."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core.pages import url_here

FEED_ITEMS = 30


class ActsFeed(Feed):
    def __init__(self, index):
        super().__init__()
        self.index = index
        self.request = None

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index

    def title(self, index):
        return _("%(title)s – uusimmat kehittämisteot") % {"title": index.title}

    def link(self, index):
        return url_here(index, self.request)

    def description(self, index):
        return _("Kuntien kehittämistekoja, jotka työpaikat ovat julkaisseet Verkostamossa.")

    def feed_url(self, index):
        return self.request.build_absolute_uri() if self.request else None

    def items(self, index):
        return index.acts().select_related("organisation").prefetch_related("themes")[:FEED_ITEMS]

    def item_title(self, act):
        return act.title

    def item_description(self, act):
        return act.summary  # plain text: the feed generator escapes it

    def item_link(self, act):
        return url_here(act, self.request)

    def item_guid(self, act):
        return act.get_full_url(self.request)

    item_guid_is_permalink = True

    def item_pubdate(self, act):
        return act.first_published_at

    def item_updateddate(self, act):
        return act.last_published_at or act.first_published_at

    def item_author_name(self, act):
        return act.organisation.name

    def item_categories(self, act):
        return [act.get_sector_display(), *(theme.name for theme in act.themes.all())]


class ActsAtomFeed(ActsFeed):
    feed_type = Atom1Feed

    def subtitle(self, index):
        return self.description(index)
