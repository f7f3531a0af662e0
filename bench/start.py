"""Oma Verkostamo, the personal start page: median and p95 render time and queries for a person in the demo's
networks, then in ten times as many (each with its workshops, tasks, join requests and a conversation that
mentions them); and the discussion search at two sizes of history. Prints figures; asserts nothing."""

import os
import tempfile

from bench.pages import grow_networks, measure


def setup_django(database_path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database_path}"
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_content", "--with-users", verbosity=0)


def join_every_network(user):
    """Makes `user` a facilitator of every live network they are not in, with a message that mentions them."""
    from core.text import mention_handle
    from discussions import actions
    from discussions.models import Room
    from networks.actions import add_member
    from networks.models import Membership, NetworkPage

    mine = set(Membership.objects.active().filter(user=user).values_list("network_id", flat=True))
    for network in NetworkPage.objects.live().exclude(pk__in=mine):
        add_member(network, user, Membership.Role.FACILITATOR, None)
        room = actions.ensure_general_room(network)
        other = Membership.objects.active().filter(network=network).exclude(user=user).first()
        if other is not None:
            actions.create_message(
                Room.objects.get(pk=room.pk),
                other.user,
                f"@{mention_handle(user)} katsotko tämän?",
                f"bench-{network.pk}",
            )


def grow_history(room, author, count):
    from discussions.models import Message, Room

    start = room.last_seq
    Message.objects.bulk_create(
        Message(
            room=room,
            seq=start + n,
            author=author,
            client_id=f"hist-{room.pk}-{start + n}",
            body=f"Laskujen käsittely viesti {n}",
            body_html=f"<p>Laskujen käsittely viesti {n}</p>",
        )
        for n in range(1, count + 1)
    )
    Room.objects.filter(pk=room.pk).update(last_seq=start + count)
    room.refresh_from_db()


def main():
    with tempfile.TemporaryDirectory() as folder:
        setup_django(os.path.join(folder, "bench.sqlite3"))
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse

        from accounts.models import User
        from discussions.models import Room
        from networks.models import Membership, NetworkPage

        settings.DISCUSSION_RATE_LIMIT = (10**9, 10)
        person = User.objects.get(email="fasilitaattori@demo.verkostamo.fi")
        client = Client()
        client.force_login(person)
        print(f"{'page':<22} {'networks':>9} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for factor in (1, 10):
            if factor > 1:
                grow_networks(factor)
                join_every_network(person)
            count = Membership.objects.active().filter(user=person).count()
            median, p95, queries = measure(client, reverse("start"))
            print(f"{'Oma Verkostamo':<22} {count:>9} {median * 1000:>10.1f} {p95 * 1000:>8.1f} {queries:>8}")

        network = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
        room = Room.objects.get(network=network, kind=Room.Kind.GENERAL)
        url = reverse("discussion-search", args=[network.slug]) + "?q=lasku"
        print(f"\n{'discussion search':<22} {'messages':>9} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for size in (1_000, 20_000):
            grow_history(room, person, size - room.messages.count())
            median, p95, queries = measure(client, url)
            shown = room.messages.count()
            print(f"{'?q=lasku (SQLite FTS5)':<22} {shown:>9} {median * 1000:>10.1f} {p95 * 1000:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
