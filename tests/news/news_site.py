"""The data of the news tests: an index under the home page and articles that differ in kind, theme, date and what
they relate to. Each module has its fixture from `build_news_site`."""

import itertools
from datetime import timedelta

from django.utils import timezone

from news.models import ArticleIndexPage, ArticlePage
from tests.factories import make_act, make_network, make_organisation, make_theme, make_tori

_counter = itertools.count(1)


def make_news_index(home, title="Ajankohtaista"):
    return home.add_child(instance=ArticleIndexPage(title=title, slug="ajankohtaista"))


def make_article(index, title=None, *, live=True, themes=(), networks=(), acts=(), days_ago=0, **fields):
    """An article under `index`, dated `days_ago` days before today: published as an editor publishes it (a
    revision), unless live=False (then a draft)."""
    n = next(_counter)
    values = {
        "kind": ArticlePage.Kind.NEWS,
        "author": "Maija Viestijä",
        "author_title": "Viestintäpäällikkö, KunTeko",
        "lead": "Ohjelma kertoo ajankohtaisista asioista.",
        "date": timezone.localdate() - timedelta(days=days_ago),
        **fields,
    }
    article = ArticlePage(title=title or f"Artikkeli {n}", slug=f"artikkeli-{n}", live=False, **values)
    index.add_child(instance=article)
    article.themes.set(themes)
    article.networks.set(networks)
    article.acts.set(acts)
    revision = article.save_revision()
    if live:
        revision.publish()
    return ArticlePage.objects.get(pk=article.pk)


def build_news_site(site_tree):
    """An index with a news item, a blog post and a story (and a draft), themes, a network and an act."""
    home, network_index = site_tree
    index = make_news_index(home)
    lean = make_theme("Lean")
    latu = make_theme("LATU")
    network = make_network(network_index, "Lean-oppimisverkosto")
    tori = make_tori(home)
    act = make_act(
        tori,
        make_organisation("Suupohjan peruspalveluliikelaitoskuntayhtymä"),
        title="Ostolaskujen käsittely nopeutui",
        themes=[lean],
    )
    news = make_article(
        index,
        "Sparrausta voi hakea ensi vuodelle",
        kind=ArticlePage.Kind.NEWS,
        themes=[latu],
        lead="Haku on auki joulukuun loppuun.",
        days_ago=1,
    )
    blog = make_article(
        index,
        "Lean ei ole säästökuuri",
        kind=ArticlePage.Kind.BLOG,
        author="Leena Lean",
        themes=[lean],
        networks=[network],
        days_ago=5,
    )
    story = make_article(
        index,
        "Laskut kulkevat nyt 29 tunnissa",
        kind=ArticlePage.Kind.STORY,
        themes=[lean],
        networks=[network],
        acts=[act],
        lead="Suupohjassa laskujen käsittely nopeutui.",
        days_ago=10,
    )
    draft = make_article(index, "Luonnos uutisesta", live=False, themes=[latu])
    return {
        "home": home,
        "index": index,
        "lean": lean,
        "latu": latu,
        "network": network,
        "tori": tori,
        "act": act,
        "news": news,
        "blog": blog,
        "story": story,
        "draft": draft,
    }
