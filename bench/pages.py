"""Public page timings: median and p95 render time and queries per page, with the demo content and with
ten times as many networks. Prints figures; asserts nothing (machines here are shared and noisy)."""

import os
import statistics
import tempfile
import time


def setup_django(database_path, database_url=""):
    """Django on a new SQLite file at `database_path` (or the empty database `database_url` names), migrated, with
    the demo content."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{database_path}"
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # Wagtail logs every page copy and task
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)


def measure(client, url, rounds=30):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), sorted(timings)[int(len(timings) * 0.95) - 1], len(queries)


def grow_networks(factor):
    """Copies every demo network `factor - 1` times, with its workshops and organisations."""
    from networks.models import NetworkPage

    for network in list(NetworkPage.objects.live()):
        for n in range(1, factor):
            network.copy(recursive=True, update_attrs={"slug": f"{network.slug}-{n}", "title": f"{network.title} {n}"})


def main():
    with tempfile.TemporaryDirectory() as folder:
        setup_django(os.path.join(folder, "bench.sqlite3"))
        from django.test import Client

        from networks.models import NetworkIndexPage, NetworkPage
        from workshops.models import WorkshopPage

        client = Client()
        network = NetworkPage.objects.live().get(locale__language_code="fi", slug="lean")
        urls = {
            "home": "/",
            "network index": NetworkIndexPage.objects.get(locale__language_code="fi").url,
            "network": network.url,
            "workshop": WorkshopPage.objects.live().child_of(network).first().url,
            "search": "/haku/?q=lean",
        }
        print(f"{'page':<15} {'networks':>9} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for factor in (1, 10):
            if factor > 1:
                grow_networks(factor)
            count = NetworkPage.objects.live().count()
            for name, url in urls.items():
                median, p95, queries = measure(client, url)
                print(f"{name:<15} {count:>9} {median * 1000:>10.1f} {p95 * 1000:>8.1f} {queries:>8}")
