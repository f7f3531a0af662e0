"""The Tori's feeds: the newest published acts as RSS 2.0 (`syote/rss/`) and Atom (`syote/atom/`), routes of the
Tori index page (ToriIndexPage). Only live, public acts: a draft or an unpublished act never appears."""

from django.utils.translation import gettext as _

from core.feeds import FEED_ITEMS, PageFeed


class ActsFeed(PageFeed):
    def title(self, index):
        return _("%(title)s – uusimmat kehittämisteot") % {"title": index.title}

    def description(self, index):
        return _("Kuntien kehittämistekoja, jotka työpaikat ovat julkaisseet Verkostamossa.")

    def items(self, index):
        return index.acts().select_related("organisation").prefetch_related("themes")[:FEED_ITEMS]

    def item_description(self, act):
        return act.summary  # plain text: the feed generator escapes it

    def item_author_name(self, act):
        return act.organisation.name

    def item_categories(self, act):
        return [act.get_sector_display(), *(theme.name for theme in act.themes.all())]
