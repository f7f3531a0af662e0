from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from events.models import EventIndexPage, EventPage
from home.models import HomePage, StandardPage
from networks.models import NetworkIndexPage, NetworkPage
from news.models import ArticleIndexPage, ArticlePage
from services.models import ServicesPage
from tori.models import ToriIndexPage
from workshops.models import WorkshopPage


class PageTreeRulesTests(WagtailPageTestCase):
    """Where each page type may stand: the tree editors can build is the tree the site expects."""

    def test_home_page_only_under_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(
            HomePage, {NetworkIndexPage, ToriIndexPage, ServicesPage, ArticleIndexPage, EventIndexPage, StandardPage}
        )

    def test_the_news_index_holds_articles_only(self):
        self.assertAllowedParentPageTypes(ArticleIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ArticleIndexPage, {ArticlePage})
        self.assertAllowedParentPageTypes(ArticlePage, {ArticleIndexPage})
        self.assertAllowedSubpageTypes(ArticlePage, set())

    def test_the_event_index_holds_events_only(self):
        self.assertAllowedParentPageTypes(EventIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(EventIndexPage, {EventPage})
        self.assertAllowedParentPageTypes(EventPage, {EventIndexPage})
        self.assertAllowedSubpageTypes(EventPage, set())

    def test_standard_pages_nest_under_home_and_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_network_index_only_under_home_and_holds_networks(self):
        self.assertAllowedParentPageTypes(NetworkIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(ServicesPage, {HomePage})
        self.assertAllowedSubpageTypes(ServicesPage, set())
        self.assertAllowedSubpageTypes(NetworkIndexPage, {NetworkPage})

    def test_networks_hold_workshops_only(self):
        self.assertAllowedParentPageTypes(NetworkPage, {NetworkIndexPage})
        self.assertAllowedSubpageTypes(NetworkPage, {WorkshopPage})

    def test_workshops_are_leaves(self):
        self.assertAllowedParentPageTypes(WorkshopPage, {NetworkPage})
        self.assertAllowedSubpageTypes(WorkshopPage, set())

    def test_one_home_page_and_one_network_index(self):
        self.assertEqual(HomePage.max_count, 1)
        self.assertEqual(NetworkIndexPage.max_count, 1)
