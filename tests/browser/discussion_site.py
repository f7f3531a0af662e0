"""Fills a migrated database with a network, three of its people, a room with messages, and their sessions.

Run in a subprocess by tests/browser/test_discussion.py against the SQLite file that its daphne serves:

    DJANGO_SETTINGS_MODULE=config.settings.dev DATABASE_URL=sqlite:////tmp/…/db.sqlite3 \\
        python -m tests.browser.discussion_site

Prints one JSON object: the network's slug, the rooms' ids and a session key per person.
"""

import json
import os


def build():
    from django.test import Client

    from discussions import actions
    from networks.models import NetworkPage
    from tests.factories import build_site, make_membership, make_network, make_organisation, make_user

    _home, index = build_site()
    organisation = make_organisation("Keskustelukunta")
    network = make_network(index, "Keskusteluverkosto", organisations=[organisation])
    network = NetworkPage.objects.get(pk=network.pk)
    people = {
        "aino": make_user("aino@example.fi", first_name="Aino", last_name="Alku"),
        "bertta": make_user("bertta@example.fi", first_name="Bertta", last_name="Berg"),
        "fanni": make_user("fanni@example.fi", first_name="Fanni", last_name="Fasilitaattori"),
    }
    make_membership(network, people["aino"], "member", organisation)
    make_membership(network, people["bertta"], "contact", organisation)
    make_membership(network, people["fanni"], "facilitator")

    room = actions.ensure_general_room(network)
    first, _ = actions.create_message(
        room, people["fanni"], "Tervetuloa! **Esittäytykää** lyhyesti:\n\n- nimi\n- organisaatio", "seed-1"
    )
    greeting, _ = actions.create_message(room, people["aino"], "Hei, olen Aino: https://example.org/lean", "seed-2")
    actions.create_message(room, people["bertta"], "> Esittäytykää\n\nBertta täällä.", "seed-3", first.pk)
    edited, _ = actions.create_message(room, people["aino"], "Kirjoitusvihre", "seed-4")
    actions.edit_message(edited, people["aino"], "Korjattu viesti, jossa on `koodia`.")
    deleted, _ = actions.create_message(room, people["aino"], "Poistan tämän", "seed-5")
    actions.delete_message(deleted, people["aino"])
    hidden, _ = actions.create_message(room, people["bertta"], "Asiaton viesti", "seed-6")
    actions.delete_message(hidden, people["fanni"], is_facilitator=True, reason="Asiaton sävy")
    actions.pin_message(room, first)
    topic = actions.create_topic_room(network, people["bertta"], "Lean-kokeilut")

    sessions = {}
    for name, user in people.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    return {
        "network": network.slug,
        "room": room.pk,
        "topic": topic.pk,
        "messages": {"fanni": first.pk, "aino": greeting.pk},
        "users": {name: user.pk for name, user in people.items()},
        "sessions": sessions,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    print(json.dumps(build()))
