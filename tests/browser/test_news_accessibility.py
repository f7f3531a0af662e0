"""axe in real Chromium finds no serious or critical violation on the news's pages: the index (plain, filtered,
nothing found, junk filters, under /sv/), an article with its related pages, an article with an image, an article
under /sv/ (only in Finnish), and the home page with its latest articles."""

import pytest
from wagtail.models import Collection, Page

from news.models import ArticleIndexPage, ArticlePage
from tests.browser.test_accessibility import scan
from tests.factories import make_image
from tests.news.news_site import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_news_pages_pass_axe(live_server, demo_site, page, media):
    index = ArticleIndexPage.objects.get(locale__language_code="fi")
    story = ArticlePage.objects.live().get(slug="ostolasku-kulkee-nyt-29-tunnissa")
    image = make_image(Collection.get_first_root_node(), title="Aluepäivä")
    pictured = make_article(
        index,
        "Aluepäivä kokosi kuntatyöpaikat",
        image=image,
        image_alt="Osallistujat keskustelevat pyöreän pöydän ääressä",
        body=[("paragraph", "<p>Päivän aikana kuultiin neljä tarinaa työpaikoilta.</p>")],
    )
    index = Page.objects.get(pk=index.pk).specific
    paths = {
        "news index": index.url,
        "news index, filtered": index.url + "?kind=tarina&theme=lean",
        "news index, nothing found": index.url + "?kind=blogi&theme=ergonomia",
        "news index, junk filters": index.url + "?kind=x&theme=y&page=z",
        "news index under /sv/": "/sv" + index.url,
        "story with related pages": story.url,
        "article with an image": pictured.url,
        "article under /sv/": "/sv" + story.url,
        "home with the latest articles": "/",
    }
    failures = {}
    for name, path in paths.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        scan(page, failures, name)
    assert not failures, failures
