"""Tekojen Tori's index: median and p95 render time and queries with 2 000 published acts — plain, filtered, searched,
filtered and searched — beside the network index with the demo content; then an act page and the RSS feed. Run on
the embedded SQLite (search by FTS5), then, when PostgreSQL answers on loopback (--postgres-url, else
VERKOSTAMO_TEST_POSTGRES_URL), on a temporary PostgreSQL database (search by its Finnish full-text configuration),
each in a process of its own. Prints figures; asserts nothing (machines here are shared and noisy)."""

import argparse
import os
import subprocess
import sys
import tempfile

from bench.fanout import reachable_postgres, temporary_postgres_database
from bench.pages import measure, setup_django

ACTS = 2000
WORDS = ["laskujen", "käsittely", "päiväkodin", "aamut", "työhyvinvointi", "mittari", "esihenkilöt", "prosessi"]


def grow_acts(tori, count):
    """`count` published acts under `tori` (a share of them with a theme and a network), each indexed for search."""
    from django.utils import timezone

    from networks.models import NetworkPage, Organisation, Theme
    from tori.models import ActPage, Sector

    organisations = list(Organisation.objects.exclude(kind=Organisation.Kind.PARTNER)[:20])
    themes = list(Theme.objects.all())
    networks = list(NetworkPage.objects.programme())
    sectors = [value for value, _label in Sector.choices]
    now = timezone.now()
    for n in range(count - ActPage.objects.live().child_of(tori).count()):
        words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(3))
        act = ActPage(
            title=f"Kehittämisteko {n}: {words}",
            slug=f"bench-teko-{n}",
            organisation=organisations[n % len(organisations)],
            sector=sectors[n % len(sectors)],
            network=networks[n % len(networks)] if networks and n % 3 == 0 else None,
            summary=f"Tiivistelmä: {words}.",
            problem=f"Ongelma: {words}.",
            actions="Johto, esihenkilöt ja henkilöstö kuvasivat prosessin yhdessä.",
            result="Käsittelyaika lyheni neljäsosaan.",
            how_to_copy="Aloita kuvaamalla nykyinen prosessi seinälle.",
            contact_name="Maija Meikäläinen",
            contact_email=f"bench{n}@example.fi",
            consent_given_by="Kunnanjohtaja",
            consent_date=now.date(),
            first_published_at=now,
            live=True,
        )
        tori.add_child(instance=act)
        if themes and n % 2 == 0:
            act.themes.set([themes[n % len(themes)]])


def run(database_url=""):
    with tempfile.TemporaryDirectory() as folder:
        setup_django(os.path.join(folder, "bench.sqlite3"), database_url)
        from django.db import connection
        from django.test import Client

        from home.models import HomePage
        from networks.models import NetworkIndexPage, Organisation, Theme
        from tori.models import ActPage, ToriIndexPage

        home = HomePage.objects.get(locale__language_code="fi")
        tori = ToriIndexPage.objects.filter(locale__language_code="fi").first() or home.add_child(
            instance=ToriIndexPage(title="Tekojen Tori", slug="tekojen-tori")
        )
        grow_acts(tori, ACTS)
        count = ActPage.objects.live().child_of(tori).count()
        theme = Theme.objects.filter(acts__isnull=False).first()
        region = Organisation.objects.exclude(region="").filter(acts__isnull=False).values_list("region", flat=True)
        region = region.first() or ""
        filters = f"sector=talous&theme={theme.slug if theme else ''}&region={region}&kind=kunta"
        act = ActPage.objects.live().child_of(tori).first()
        urls = {
            "network index": NetworkIndexPage.objects.get(locale__language_code="fi").url,
            "Tori index": tori.url,
            "Tori, filtered": f"{tori.url}?{filters}",
            "Tori, searched": f"{tori.url}?q=laskujen",
            "Tori, both": f"{tori.url}?q=laskujen&{filters}",
            "act page": act.url,
            "Tori RSS": f"{tori.url}syote/rss/",
        }
        client = Client()
        print(f"Tekojen Tori on {connection.vendor}")
        print(f"{'page':<16} {'acts':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for name, url in urls.items():
            median, p95, queries = measure(client, url)
            print(f"{name:<16} {count:>6} {median * 1000:>10.1f} {p95 * 1000:>8.1f} {queries:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", default="", help="default: VERKOSTAMO_TEST_POSTGRES_URL")
    parser.add_argument("--only-postgres", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.only_postgres:
        with temporary_postgres_database(options.postgres_url) as database_url:
            run(database_url)
        return
    run()
    url, why_not = reachable_postgres(options.postgres_url)
    print(flush=True)
    if url is None:
        print(f"Tekojen Tori on PostgreSQL: skipped ({why_not})")
        return
    subprocess.call([sys.executable, "-m", "bench.tori", "--only-postgres", "--postgres-url", url])  # noqa: S603


if __name__ == "__main__":
    main()
