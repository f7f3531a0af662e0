"""The news's demo content: the index "Ajankohtaista" in the menu right after the services (moved there once on an
older site), about ten articles of every kind from the programme's facts with their themes, networks and acts by
natural keys, the newest three on the home page (also the Swedish one); loaded idempotently."""

import json
import shutil

import pytest
from wagtail.models import Locale, PageLogEntry, Revision

from core.demo import DemoContentError, default_content_dir, load_demo_content
from home.models import HomePage
from news.models import ArticleIndexPage, ArticlePage
from services.models import ServicesPage


def snapshot():
    return {model.__name__: model.objects.count() for model in (ArticlePage, Revision, PageLogEntry)}


@pytest.fixture
def loaded(db):
    load_demo_content()
    return snapshot()


def copy_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content)
    return content, json.loads((content / "news.json").read_text(encoding="utf-8"))


def write(content, data):
    (content / "news.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def menu():
    home = HomePage.objects.get(locale=Locale.get_default())
    return list(home.get_children().live().in_menu().specific())


def test_the_news_come_right_after_the_services_in_the_menu(loaded):
    pages = menu()
    position = [type(page) for page in pages].index(ServicesPage)
    index = pages[position + 1]
    assert isinstance(index, ArticleIndexPage)
    assert (index.slug, index.title) == ("ajankohtaista", "Ajankohtaista") and index.intro


def test_an_older_site_has_the_index_moved_there_once(loaded):
    index = ArticleIndexPage.objects.get()
    index.move(index.get_parent(), pos="last-child")
    report = load_demo_content()
    assert "moved the news index after the services" in report.notes
    assert isinstance(menu()[[type(page) for page in menu()].index(ServicesPage) + 1], ArticleIndexPage)
    assert not load_demo_content().changed


def test_articles_of_every_kind_with_their_relations(loaded, client):
    articles = ArticlePage.objects.live()
    assert 8 <= articles.count() <= 12
    assert {article.kind for article in articles} == set(ArticlePage.Kind.values)
    assert all(article.author and article.lead and article.body for article in articles)
    story = articles.get(slug="ostolasku-kulkee-nyt-29-tunnissa")
    assert [theme.slug for theme in story.themes.all()] == ["lean"]
    assert [network.slug for network in story.networks.all()] == ["lean"]
    assert [act.slug for act in story.acts.all()] == ["ostolaskun-kasittely-120-tunnista-29-tuntiin"]
    response = client.get(story.url)
    assert response.status_code == 200
    assert "Suupohjan peruspalveluliikelaitoskuntayhtymässä" in response.content.decode()


def test_the_newest_three_on_the_finnish_and_swedish_home_page(loaded, client):
    newest = list(ArticlePage.objects.live().order_by(*ArticlePage.NEWEST_FIRST)[:3])
    html = client.get("/").content.decode()
    assert all(article.title in html for article in newest)
    swedish = client.get("/sv/").content.decode()
    assert f'lang="fi"><a href="/sv{newest[0].url}">{newest[0].title}</a>' in swedish


def test_a_second_load_writes_nothing(loaded):
    report = load_demo_content()
    assert not report.changed
    assert snapshot() == loaded


def test_an_unknown_act_stops_the_load(db, tmp_path):
    content, data = copy_content(tmp_path)
    data["articles"][0]["acts"] = ["ei-ole"]
    write(content, data)
    with pytest.raises(DemoContentError, match="act 'ei-ole' is unknown"):
        load_demo_content(content)
    assert not ArticlePage.objects.exists()


def test_an_unknown_kind_stops_the_load(db, tmp_path):
    content, data = copy_content(tmp_path)
    data["articles"][0]["kind"] = "tiedote"
    write(content, data)
    with pytest.raises(DemoContentError, match="kind 'tiedote'"):
        load_demo_content(content)
