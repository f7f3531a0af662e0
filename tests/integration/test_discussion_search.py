"""The search within a network's discussion on PostgreSQL (production settings): the `finnish` configuration stems
words, the GIN expression index serves the query, the migration reverses and applies again, and the page answers
through a daphne process. tests/discussions/test_search.py covers the rest on SQLite."""

import json
import uuid
from urllib.parse import quote

import psycopg
import pytest

from tests.integration.conftest import manage
from tests.integration.test_rsvp_concurrency import request

pytestmark = pytest.mark.integration

NETWORK = "lean"
OTHER_NETWORK = "latu"

# Run in `manage.py shell` against the test database: one member in each network writes, one message is deleted,
# one hidden; then the searches. Prints the ids by name and what each search found.
SEARCH = """
import json
from django.db import connection
from django.urls import reverse
from bench.members import signed_in_members
from discussions import actions
from discussions.models import Message
from discussions.search import containing, search_messages

tag = {tag!r}
(network, [(writer, session)]) = signed_in_members({network!r}, 1, tag + "-a")
(other, [(outsider, _s)]) = signed_in_members({other!r}, 1, tag + "-b")
room = actions.ensure_general_room(network)
foreign = actions.ensure_general_room(other)

def say(where, who, body):
    return actions.create_message(where, who, body, tag + "-" + str(len(ids)))[0].pk

ids = {{}}
ids["invoices"] = say(room, writer, "Ostolaskujen käsittely nopeutui: laskujen kierto 120 tunnista 29 tuntiin " + tag)
ids["wellbeing"] = say(room, writer, "Työhyvinvointia seurataan mittarina kolmen kysymyksen pulssilla " + tag)
ids["supervisors"] = say(room, writer, "Esihenkilöiden jaksaminen otetaan suunnitelmaan " + tag)
ids["hostile"] = say(room, writer, "<script>alert('laskut')</script> laskuista " + tag)
ids["foreign"] = say(foreign, outsider, "Laskujen huoneentaulu toisessa verkostossa " + tag)
ids["deleted"] = say(room, writer, "Poistettu lasku " + tag)
ids["hidden"] = say(room, writer, "Piilotettu lasku " + tag)
actions.delete_message(Message.objects.get(pk=ids["deleted"]), writer)
actions.delete_message(Message.objects.get(pk=ids["hidden"]), outsider, is_facilitator=True, reason="x")

found = {{}}
excerpts = {{}}
for query in ["laskut", "lasku", "laskujen", "käsittelyä", "työhyvinvointi", "mittareita", "esihenkilöt",
              "tyohyvinvointi", "pulssi OR kierto", "\\" NEAR( * <script>", "laskut -kierto"]:
    results = search_messages(network, query + " " + tag)
    found[query] = [item.message.pk for item in results.found]
    excerpts[query] = [str(item.excerpt) for item in results.found]

with connection.cursor() as cursor:
    cursor.execute("SET enable_seqscan = off")
    plan = containing(Message.objects.all(), ["laskut"]).explain()
    cursor.execute("RESET enable_seqscan")

print(json.dumps({{
    "ids": ids, "found": found, "excerpts": excerpts, "plan": plan, "session": session,
    "url": reverse("discussion-search", args=[network.slug]),
}}))
"""


def last_json(output):
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def searched(production_env):
    tag = f"haku{uuid.uuid4().hex[:8]}"
    code = SEARCH.format(tag=tag, network=NETWORK, other=OTHER_NETWORK)
    return tag, last_json(manage(production_env, "shell", "-c", code))


def test_finnish_stemming_finds_inflected_forms(searched):
    _tag, result = searched
    ids, found = result["ids"], result["found"]
    invoices = {ids["invoices"], ids["hostile"]}
    assert set(found["laskut"]) == invoices, "laskut → lasku finds laskujen and laskuista"
    assert set(found["lasku"]) == invoices
    assert set(found["laskujen"]) == invoices
    assert found["käsittelyä"] == [ids["invoices"]]
    assert found["työhyvinvointi"] == [ids["wellbeing"]], "työhyvinvointi finds työhyvinvointia"
    assert found["mittareita"] == [ids["wellbeing"]], "mittareita finds mittarina"
    assert found["esihenkilöt"] == [ids["supervisors"]], "esihenkilöt finds esihenkilöiden"
    assert found["tyohyvinvointi"] == [], "ä and a stay apart"
    # websearch syntax: "or" between words is an operator there; a minus is not a word and is dropped.
    assert set(found["pulssi OR kierto"]) == {ids["invoices"], ids["wellbeing"]}
    assert found["laskut -kierto"] == [ids["invoices"]]
    # Newest first.
    assert found["laskut"] == [ids["hostile"], ids["invoices"]]


def test_never_another_networks_deleted_or_hidden_messages(searched):
    _tag, result = searched
    ids = result["ids"]
    everything_found = {pk for pks in result["found"].values() for pk in pks}
    assert not everything_found & {ids["foreign"], ids["deleted"], ids["hidden"]}


def test_hostile_input_is_only_words_and_the_excerpt_is_escaped(searched):
    _tag, result = searched
    assert result["found"]['" NEAR( * <script>'] == []
    hostile = result["excerpts"]["laskut"][0]
    assert "&lt;script&gt;alert(&#x27;<mark>laskut</mark>&#x27;)&lt;/script&gt; <mark>laskuista</mark>" in hostile
    assert "<script>" not in hostile


def test_the_gin_index_serves_the_search(searched):
    """The query's expression is the index's: with sequential scans off, the messages are found through it (in a
    small table the planner otherwise rightly prefers the network's rooms)."""
    _tag, result = searched
    assert "message_body_finnish" in result["plan"], result["plan"]


def test_the_page_answers_with_marked_results(searched, two_servers):
    tag, result = searched
    status, _headers, body = request(
        two_servers[1], "GET", result["url"] + "?q=" + quote(f"laskut {tag}"), {"sessionid": result["session"]}
    )
    assert status == 200, body[:500]
    assert f"/viesti/{result['ids']['invoices']}/" in body  # the message's own address
    assert "<mark>laskujen</mark>" in body
    status, _headers, body = request(two_servers[0], "GET", result["url"] + "?q=%00", {"sessionid": result["session"]})
    assert status == 400
    assert "Hakusanassa on merkkejä, joilla ei voi hakea." in body


def test_the_migration_reverses_and_applies_again(production_env, searched):
    def index_exists():
        with psycopg.connect(production_env["DATABASE_URL"]) as connection:
            return connection.execute(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'message_body_finnish'"
            ).fetchone()[0]

    assert index_exists() == 1
    manage(production_env, "migrate", "discussions", "0002_mention_email", "--no-input")
    try:
        assert index_exists() == 0
    finally:
        manage(production_env, "migrate", "--no-input")
    assert index_exists() == 1
