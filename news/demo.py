"""The news's demo content, from ``news.json`` (core.demo loads it; the orders are listed in docs/architecture.md).

``index``
    the ArticleIndexPage's page fields and ``intro`` (rich text), put under the default site's root page (the home
    page) right after the services page (else the Tori, else the networks), so that the main menu lists it there.
``articles``
    the published articles: page fields, ``kind`` (an ArticlePage.Kind value: uutinen, blogi, tarina), ``author``,
    ``author_title``, ``date`` (ISO date), ``published`` (optional local time of first publication; default the
    date at 9.00), ``lead`` (plain text), ``body`` (a StreamField of core.blocks.BaseStreamBlock), ``themes``
    (slugs in themes.json), ``networks`` (slugs of Finnish networks in networks.json) and ``acts`` (slugs of acts in
    tori.json). No images: the demo ships no photos.
"""

from datetime import date

from core.demo import DemoContentError, local_datetime, page_values, steps
from networks.demo import demo_networks, site_root_page
from networks.models import NetworkIndexPage, Theme
from services.models import ServicesPage
from tori.demo import tori_index
from tori.models import ActPage, ToriIndexPage

from .models import ArticleIndexPage, ArticlePage


def news_index():
    index = ArticleIndexPage.objects.child_of(site_root_page()).first()  # max_count_per_parent = 1
    if index is None:
        raise DemoContentError("There is no news index under the site's root page: load it first.")
    return index


@steps.register("news index", order=482, files=("news.json",))
def load_news_index(load):
    home = site_root_page()
    spec = load.read("news.json")["index"]
    values = page_values(spec, intro=spec.get("intro", ""))
    index = load.sync_page(
        "news index", home, ArticleIndexPage, values, existing=ArticleIndexPage.objects.child_of(home).first()
    )
    after = (model.objects.child_of(home).first() for model in (ServicesPage, ToriIndexPage, NetworkIndexPage))
    load.place_after(index, after, "moved the news index after the services")


@steps.register("articles", order=483, files=("news.json",))
def load_articles(load):
    """The published articles under the news index, with their themes, networks and acts."""
    specs = load.read("news.json")["articles"]
    index = news_index()
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    networks = demo_networks()
    acts = {act.slug: act for act in ActPage.objects.child_of(tori_index())}
    for spec in specs:
        if spec["kind"] not in ArticlePage.Kind.values:
            raise DemoContentError(f"Article {spec['slug']!r}: kind {spec['kind']!r} is not an ArticlePage.Kind.")
        load.sync_page(
            "articles",
            index,
            ArticlePage,
            page_values(
                spec,
                kind=spec["kind"],
                author=spec["author"],
                author_title=spec.get("author_title", ""),
                date=date.fromisoformat(spec["date"]),
                lead=spec["lead"],
                body=spec.get("body", []),
                first_published_at=local_datetime(spec.get("published", f"{spec['date']}T09:00")),
            ),
            relations={
                "themes": [known(themes, slug, spec, "theme") for slug in spec.get("themes", [])],
                "networks": [known(networks, slug, spec, "network") for slug in spec.get("networks", [])],
                "acts": [known(acts, slug, spec, "act") for slug in spec.get("acts", [])],
            },
        )


def known(objects, key, spec, what):
    try:
        return objects[key]
    except KeyError:
        raise DemoContentError(f"Article {spec['slug']!r}: {what} {key!r} is unknown.") from None
