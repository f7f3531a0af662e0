"""The news index: published articles as cards newest first by their date, the filters by kind and theme, junk
ignored, pagination carrying the valid filters, the empty result, unpublished and private articles nowhere, and the
same queries at two sizes."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.filters import ArticleFilterForm
from news.models import ArticlePage
from tests.conftest import assert_queries, queries_for
from tests.news.news_site import build_news_site, make_article

pytestmark = pytest.mark.django_db

INDEX_QUERIES = 18  # the index with a page of articles, at every size (tests.conftest.assert_queries)


@pytest.fixture
def news_site(site_tree):
    return build_news_site(site_tree)


def titles(client, index, **params):
    response = client.get(index.url + ("?" + urlencode(params) if params else ""))
    assert response.status_code == 200
    return [article.title for article in response.context["articles"]]


def test_the_index_lists_published_articles_newest_first_as_cards(client, news_site):
    index, story = news_site["index"], news_site["story"]
    response = client.get(index.url)
    html = response.content.decode()
    assert titles(client, index) == [
        "Sparrausta voi hakea ensi vuodelle",
        "Lean ei ole säästökuuri",
        "Laskut kulkevat nyt 29 tunnissa",
    ]
    assert "Luonnos uutisesta" not in html
    assert f'href="{story.url}"' in html
    assert "Suupohjassa laskujen käsittely nopeutui." in html  # the lead
    assert (
        f'<time datetime="{story.date:%Y-%m-%d}">{story.date.day}.{story.date.month}.{story.date.year}</time>' in html
    )
    assert "Tarina" in html and "Blogi" in html and "Uutinen" in html  # the kind badges
    assert "3 artikkelia" in html
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Ajankohtaista (RSS)" href="{index.url}syote/rss/">'
        in html
    )
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Ajankohtaista (Atom)" href="{index.url}syote/atom/">'
        in html
    )


def test_the_date_orders_the_list_not_the_publishing(client, news_site):
    """An editor may date an article back: it takes its place by its date."""
    make_article(news_site["index"], "Vanha uutinen julkaistiin vasta nyt", days_ago=7)
    assert titles(client, news_site["index"])[2] == "Vanha uutinen julkaistiin vasta nyt"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "uutinen"}, ["Sparrausta voi hakea ensi vuodelle"]),
        ({"kind": "blogi"}, ["Lean ei ole säästökuuri"]),
        ({"kind": "tarina"}, ["Laskut kulkevat nyt 29 tunnissa"]),
        ({"theme": "LEAN"}, ["Lean ei ole säästökuuri", "Laskut kulkevat nyt 29 tunnissa"]),
        ({"theme": "LATU"}, ["Sparrausta voi hakea ensi vuodelle"]),
        ({"theme": "LEAN", "kind": "tarina"}, ["Laskut kulkevat nyt 29 tunnissa"]),
        ({"theme": "LATU", "kind": "blogi"}, []),
    ],
)
def test_each_filter(client, news_site, params, expected):
    slugs = {"LEAN": news_site["lean"].slug, "LATU": news_site["latu"].slug}
    params = {name: slugs.get(value, value) for name, value in params.items()}
    assert titles(client, news_site["index"], **params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "lehdistötiedote"},
        {"theme": "ei-ole"},
        {"kind": ["uutinen", "blogi"]},
        {"theme": "<script>alert(1)</script>"},
        {"page": "x"},
        {"page": "999"},
    ],
)
def test_junk_in_the_query_string_is_ignored_never_an_error(client, news_site, params):
    response = client.get(news_site["index"].url + "?" + urlencode(params, doseq=True))
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert len(response.context["articles"]) >= 1


def test_a_junk_filter_drops_out_while_the_valid_one_applies(client, news_site):
    assert titles(client, news_site["index"], kind="blogi", theme="ei-ole") == ["Lean ei ole säästökuuri"]
    response = client.get(news_site["index"].url + "?kind=blogi&theme=ei-ole")
    assert response.context["querystring_without_page"] == "kind=blogi"
    assert "Tuntematon valinta jätettiin huomiotta." in response.content.decode()


def test_the_theme_choices_are_the_themes_of_published_articles(news_site):
    lean, latu = news_site["lean"], news_site["latu"]
    form = ArticleFilterForm({}, articles=news_site["index"].articles())
    assert list(form.fields["theme"].queryset) == [latu, lean]  # by name
    news_site["news"].unpublish()  # LATU is left on the draft only
    form = ArticleFilterForm({}, articles=news_site["index"].articles())
    assert list(form.fields["theme"].queryset) == [lean]


def test_pagination_carries_the_valid_filters(client, news_site):
    index = news_site["index"]
    for day in range(index.articles_per_page + 1):
        make_article(index, f"Blogi {day}", kind=ArticlePage.Kind.BLOG, days_ago=20 + day)
    response = client.get(index.url + "?kind=blogi&theme=ei-ole")
    html = response.content.decode()
    assert response.context["articles"].paginator.num_pages == 2
    assert 'href="?kind=blogi&amp;page=2"' in html
    second = client.get(index.url + "?kind=blogi&page=2")
    assert [article.title for article in second.context["articles"]] == ["Blogi 11", "Blogi 12"]


def test_nothing_found_says_so_and_offers_all(client, news_site):
    html = client.get(news_site["index"].url + f"?theme={news_site['latu'].slug}&kind=blogi").content.decode()
    assert "Valituilla suodattimilla ei löytynyt yhtään artikkelia." in html
    assert "Näytä kaikki artikkelit" in html


def test_an_empty_index(client, site_tree):
    from tests.news.news_site import make_news_index

    index = make_news_index(site_tree[0])
    html = client.get(index.url).content.decode()
    assert "Artikkeleita ei ole vielä julkaistu." in html


def test_unpublished_and_private_articles_are_never_listed(client, news_site):
    news_site["blog"].unpublish()
    PageViewRestriction.objects.create(page=news_site["story"], restriction_type=PageViewRestriction.LOGIN)
    assert titles(client, news_site["index"]) == ["Sparrausta voi hakea ensi vuodelle"]


def test_index_queries_do_not_grow_with_the_articles(news_site):
    index = news_site["index"]
    client = Client()
    measured = {}
    for size in (10, 100):
        while index.articles().count() < size:
            n = index.articles().count()
            make_article(
                index,
                kind=ArticlePage.Kind.values[n % 3],
                themes=[news_site["lean"], news_site["latu"]][: 1 + n % 2],
                days_ago=n,
            )
        measured[f"plain {size}"] = queries_for(client, index.url)
        measured[f"filtered {size}"] = queries_for(client, index.url + f"?kind=blogi&theme={news_site['lean'].slug}")
    assert_queries(INDEX_QUERIES, **{k: v for k, v in measured.items() if k.startswith("plain")})
    # The theme's slug is looked up once more.
    assert_queries(INDEX_QUERIES + 1, **{k: v for k, v in measured.items() if k.startswith("filtered")})


def test_a_future_date_is_shown_as_written(client, news_site):
    tomorrow = timezone.localdate() + timedelta(days=1)
    make_article(news_site["index"], "Huomisen uutinen", date=tomorrow)
    assert titles(client, news_site["index"])[0] == "Huomisen uutinen"
