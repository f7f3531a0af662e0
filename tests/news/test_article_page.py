"""An article's page: what it says and who wrote it, its image with its alternative text, the themes, networks and
Tori acts it relates to (only those a reader may open), its structured data, hostile text inert, a preview with
unsaved choices, and the same queries however many relations it has."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from wagtail.models import Collection, PageViewRestriction

from news.models import ArticlePage
from tests.conftest import assert_queries, queries_for
from tests.factories import make_act, make_image, make_network, make_organisation, make_theme
from tests.news.news_site import build_news_site, make_article

pytestmark = pytest.mark.django_db

ARTICLE_PAGE_QUERIES = 20  # anonymous, at every size (tests.conftest.assert_queries)


@pytest.fixture
def news_site(site_tree):
    return build_news_site(site_tree)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def json_ld(html):
    """The page's JSON-LD objects by their @type."""
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {data["@type"]: data for data in map(json.loads, scripts)}


def test_the_article_says_what_who_and_when(client, news_site):
    story = news_site["story"]
    story.body = [("paragraph", "<p>Huoneentaulu kertoo, kuka tekee mitäkin.</p>")]
    story.save_revision().publish()
    html = client.get(story.url).content.decode()
    assert "<h1>Laskut kulkevat nyt 29 tunnissa</h1>" in html
    assert "Tarina" in html
    assert "Maija Viestijä, Viestintäpäällikkö, KunTeko" in html
    assert f'<time datetime="{story.date:%Y-%m-%d}">' in html
    assert '<p class="lead">Suupohjassa laskujen käsittely nopeutui.</p>' in html
    assert "Huoneentaulu kertoo, kuka tekee mitäkin." in html
    assert f'<a href="{news_site["index"].url}"><span aria-hidden="true">←</span> Kaikki artikkelit</a>' in html
    assert '<meta name="description" content="Suupohjassa laskujen käsittely nopeutui.">' in html


def test_the_related_themes_networks_and_acts(client, news_site):
    story, index = news_site["story"], news_site["index"]
    html = client.get(story.url).content.decode()
    assert f'<a href="{index.url}?theme={news_site["lean"].slug}">Lean</a>' in html
    assert f'<a href="{news_site["network"].url}">Lean-oppimisverkosto</a>' in html
    assert f'<a href="{news_site["act"].url}">Ostolaskujen käsittely nopeutui</a>' in html


def test_only_pages_a_reader_may_open_are_related(client, news_site):
    story = news_site["story"]
    news_site["network"].unpublish()
    PageViewRestriction.objects.create(page=news_site["act"], restriction_type=PageViewRestriction.LOGIN)
    html = client.get(story.url).content.decode()
    assert "Lean-oppimisverkosto" not in html
    assert "Ostolaskujen käsittely nopeutui" not in html
    assert "Lean" in html  # the theme still
    news_site["story"].themes.clear()
    news_site["story"].save()
    assert "Liittyy aiheisiin" not in client.get(story.url).content.decode()


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        (ArticlePage.Kind.NEWS, "NewsArticle"),
        (ArticlePage.Kind.BLOG, "BlogPosting"),
        (ArticlePage.Kind.STORY, "Article"),
    ],
)
def test_structured_data_by_kind(client, news_site, kind, schema_type):
    article = make_article(
        news_site["index"], "Rakenteinen", kind=kind, author="Aino Kirjoittaja", themes=[news_site["lean"]]
    )
    data = json_ld(client.get(article.url).content.decode())
    main = data[schema_type]
    assert main["@context"] == "https://schema.org"
    assert main["headline"] == "Rakenteinen"
    assert main["description"] == article.lead
    assert main["datePublished"] == article.date.isoformat()
    assert "dateModified" in main
    assert main["author"] == {"@type": "Person", "name": "Aino Kirjoittaja", "jobTitle": article.author_title}
    assert main["publisher"]["name"].startswith("Verkostamo")
    assert main["about"] == [{"@type": "Thing", "name": "Lean"}]
    assert main["inLanguage"] == "fi"
    assert main["url"] == main["mainEntityOfPage"]["@id"] == "http://testserver" + article.url
    trail = data["BreadcrumbList"]["itemListElement"]
    assert [(item["position"], item["name"]) for item in trail] == [
        (1, "Verkostamo"),
        (2, "Ajankohtaista"),
        (3, "Rakenteinen"),
    ]
    assert trail[2]["item"] == "http://testserver" + article.url


def test_hostile_text_is_inert_on_the_page_and_in_the_structured_data(client, news_site):
    hostile = '</script><script>alert("x")</script> & <!-- '
    article = make_article(
        news_site["index"],
        hostile,
        lead=hostile + "ingressi",
        author=hostile + "kirjoittaja",
        author_title="<b>titteli</b>",
    )
    html = client.get(article.url).content.decode()
    assert "<script>alert" not in html
    assert "<!-- " not in html
    assert "<b>titteli</b>" not in html
    data = json_ld(html)["NewsArticle"]
    assert data["headline"] == hostile
    assert data["author"]["name"] == hostile + "kirjoittaja"
    assert client.get(news_site["index"].url).content.decode().count("<script>alert") == 0
    assert "<script>alert" not in client.get(news_site["home"].url).content.decode()


def test_the_image_has_its_alternative_text(client, news_site, media):
    story = news_site["story"]
    story.image = make_image(Collection.get_first_root_node(), title="Huoneentaulu")
    story.image_alt = "Laskun käsittelyn vaiheet seinälle piirrettyinä"
    story.save_revision().publish()
    html = client.get(story.url).content.decode()
    assert re.search(r'<img alt="Laskun käsittelyn vaiheet seinälle piirrettyinä"[^>]*src="[^"]+"', html)
    image = json_ld(html)["Article"]["image"]
    assert len(image) == 1 and image[0].startswith("http://testserver/")


def test_an_image_without_alternative_text_is_refused(news_site, media):
    story = ArticlePage.objects.get(pk=news_site["story"].pk)
    story.image = make_image(Collection.get_first_root_node())
    story.image_alt = "  "
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert "vaihtoehtoinen teksti on pakollinen" in str(error.value.message_dict["image_alt"])


def test_a_preview_shows_its_unsaved_choices(news_site):
    story = ArticlePage.objects.get(pk=news_site["story"].pk)
    other = make_theme("Tulevaisuuden työ")
    story.title = "Esikatseltava"
    story.themes = [other]
    story.acts = []
    response = story.make_preview_request()
    html = response.rendered_content if hasattr(response, "rendered_content") else response.content.decode()
    assert response.status_code == 200
    assert "Esikatseltava" in html
    assert "Tulevaisuuden työ" in html
    assert "Ostolaskujen käsittely nopeutui" not in html
    assert "Lean-oppimisverkosto" in html  # unchanged: still related


def test_article_page_queries_do_not_grow_with_its_relations(news_site, site_tree):
    _home, network_index = site_tree
    story = ArticlePage.objects.get(pk=news_site["story"].pk)
    client = Client()
    small = queries_for(client, story.url)
    organisation = make_organisation()
    story.themes.add(*[make_theme() for _ in range(10)])
    story.networks.add(*[make_network(network_index) for _ in range(10)])
    story.acts.add(*[make_act(news_site["tori"], organisation) for _ in range(10)])
    story.save()
    assert ArticlePage.objects.get(pk=story.pk).networks.count() == 11
    large = queries_for(client, story.url)
    assert_queries(ARTICLE_PAGE_QUERIES, small=small, large=large)


def test_a_draft_is_not_served(client, news_site):
    assert client.get(news_site["draft"].url or "/ajankohtaista/artikkeli/").status_code == 404


def test_the_site_search_finds_an_article_by_its_lead_and_shows_the_lead(client, news_site):
    html = client.get("/haku/?q=Suupohjassa").content.decode()
    assert news_site["story"].title in html
    assert "Suupohjassa laskujen käsittely nopeutui." in html  # the lead as the excerpt (search_excerpt)
