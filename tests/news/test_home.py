"""The front page's "Ajankohtaista": the three newest published articles by their date, linked, with the way to the
news index; nothing of drafts, unpublished or private articles; no section before there are articles."""

import pytest
from wagtail.models import PageViewRestriction

from news.public import latest_articles
from tests.news.news_site import build_news_site, make_article, make_news_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def news_site(site_tree):
    return build_news_site(site_tree)


def test_the_three_newest_articles_on_the_home_page(client, news_site):
    index = news_site["index"]
    newest = make_article(index, "Tuorein uutinen", kind="blogi", days_ago=0)
    html = client.get(news_site["home"].url).content.decode()
    assert '<h2 id="latest-articles-heading">Ajankohtaista</h2>' in html
    for article in (newest, news_site["news"], news_site["blog"]):
        assert f'<a href="{article.url}">{article.title}</a>' in html
    assert "Laskut kulkevat nyt 29 tunnissa" not in html  # the fourth
    assert "Luonnos uutisesta" not in html
    assert f'<a href="{index.url}">Kaikki uutiset, blogit ja tarinat</a>' in html


def test_unpublished_and_private_articles_stay_off_the_home_page(news_site):
    news_site["news"].unpublish()
    PageViewRestriction.objects.create(page=news_site["blog"], restriction_type=PageViewRestriction.LOGIN)
    assert [article.title for article in latest_articles()] == ["Laskut kulkevat nyt 29 tunnissa"]


def test_no_section_without_articles(client, site_tree):
    home, _network_index = site_tree
    assert "latest-articles-heading" not in client.get(home.url).content.decode()
    make_news_index(home)
    assert "latest-articles-heading" not in client.get(home.url).content.decode()
