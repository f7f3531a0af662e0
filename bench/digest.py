"""The digest job (notices.digest.send_digests) for 5 000 members across 12 networks on SQLite, the e-mail in the
local-memory outbox: each network's members get its room messages and workshop news as pending notices through
the real paths (discussions.actions.create_message, workshops.notifications.mail_once), a fifth of them in two
networks; then one run. Prints the total time, the queries per recipient and the e-mails sent; asserts nothing.

Run on its own with `python -m bench.digest` (its own process: it sets Django up with a database of its own);
`BENCH_DIGEST_MEMBERS=500` for a quicker run.
"""

import os
import tempfile
import time

MEMBERS = int(os.environ.get("BENCH_DIGEST_MEMBERS", "5000"))
NETWORKS = 12
MESSAGES_PER_NETWORK = 6


def setup_django(database_path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    os.environ["DATABASE_URL"] = f"sqlite:///{database_path}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = os.path.join(os.path.dirname(database_path), "media")
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)


def networks():
    """NETWORKS live networks: the demo's and more beside them under the network index."""
    from networks.models import NetworkIndexPage, NetworkPage

    found = list(NetworkPage.objects.live().filter(locale__language_code="fi").order_by("pk"))
    index = NetworkIndexPage.objects.filter(locale__language_code="fi").first()
    for n in range(len(found), NETWORKS):
        found.append(index.add_child(instance=NetworkPage(title=f"Mittausverkosto {n}", slug=f"mittaus-{n}")))
    return found[:NETWORKS]


def members(all_networks):
    """MEMBERS people, each a member of one network and every fifth of a second one too."""
    from django.contrib.auth import get_user_model

    from networks.models import Membership

    User = get_user_model()  # noqa: N806
    users = User.objects.bulk_create(
        User(email=f"kooste{n}@bench.example", first_name="Kooste", last_name=str(n), password="!")  # noqa: S106
        for n in range(MEMBERS)
    )
    count = len(all_networks)
    Membership.objects.bulk_create(
        [Membership(user=user, network=all_networks[n % count]) for n, user in enumerate(users)]
        + [Membership(user=user, network=all_networks[(n + 1) % count]) for n, user in enumerate(users) if n % 5 == 0]
    )
    return users


def news(all_networks):
    """Room messages and one piece of workshop news in every network, through the real paths."""
    from datetime import timedelta

    from django.utils import timezone

    from discussions import actions
    from networks.models import Membership
    from notices.models import Kind
    from workshops.models import WorkshopPage
    from workshops.notifications import mail_once, member_users, news_scope, workshop_payload

    for network in all_networks:
        room = actions.ensure_general_room(network)
        author = Membership.objects.filter(network=network).select_related("user").first().user
        for n in range(MESSAGES_PER_NETWORK):
            actions.create_message(room, author, f"Viesti {n}: mitä kuuluu verkostoon {network.title}?", f"b{n}")
        start = timezone.now() + timedelta(days=20)
        workshop = network.add_child(
            instance=WorkshopPage(
                title="Kooste-työpaja",
                slug="kooste",
                number=99,
                start=start,
                end=start + timedelta(hours=3),
                place="Kuntatalo",
            )
        )
        materials = [{"kind": "Dokumentti", "title": "Työpajan muistio"}]
        mail_once(
            workshop,
            network,
            "bench",
            member_users(network),
            Kind.WORKSHOP_NEWS,
            "workshop_materials",
            workshop_payload(workshop, network, materials=materials),
            news_scope(workshop),
        )


def main():
    with tempfile.TemporaryDirectory() as folder:
        setup_django(os.path.join(folder, "bench.sqlite3"))
        from django.core import mail
        from django.db import connection

        from notices.digest import send_digests
        from notices.models import Notice

        all_networks = networks()
        members(all_networks)
        news(all_networks)
        pending = Notice.objects.filter(delivered__isnull=True).count()
        mail.outbox = []
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            run = send_digests()
            elapsed = time.perf_counter() - started
        sent = len(mail.outbox)
        print(f"digest job: {MEMBERS} members in {len(all_networks)} networks, {pending} pending notices")
        print(f"{'seconds':>8} {'recipients':>11} {'notices':>8} {'e-mails':>8} {'queries':>8} {'per recipient':>14}")
        per = len(queries) / run.people if run.people else 0
        print(f"{elapsed:>8.1f} {run.people:>11} {run.items:>8} {sent:>8} {len(queries):>8} {per:>14.2f}")


if __name__ == "__main__":
    main()
