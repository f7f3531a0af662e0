"""The search within a network's discussion on the embedded default (SQLite FTS5): what is found and what never
is, hostile queries, the highlighted excerpt's escaping, who may search, queries at two sizes, the migration.
tests/integration/test_discussion_search.py runs the same search on PostgreSQL with Finnish stemming."""

import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from core.errors import ActionError
from discussions import actions
from discussions.search import (
    EXCERPT_LENGTH,
    MAX_QUERY_LENGTH,
    RESULTS_PER_PAGE,
    fts5_query,
    highlighted_excerpt,
    search_messages,
    search_terms,
)
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.discussions.hostile import HOSTILE, active_html
from tests.factories import make_membership, make_user, make_workshop

pytestmark = pytest.mark.django_db

MEMBERS = ("member", "contact", "facilitator", "staff")
OUTSIDERS = ("outsider", "other_member")
SEARCH_QUERIES = 14  # the page with a page of results, at every size (tests.conftest.assert_queries)


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    settings.DISCUSSION_RATE_LIMIT = (100_000, 10)
    cache.clear()


_ids = iter(range(1, 1_000_000))


def say(room, author, body, **extra):
    message, _created = actions.create_message(room, author, body, f"haku-{next(_ids)}", **extra)
    return message


@pytest.fixture
def discussion(network_people):
    """(network, people, general room, a workshop's room, the other network's room)."""
    network, other_network, people = network_people
    general = actions.ensure_general_room(network)
    workshop_room = actions.ensure_workshop_room(make_workshop(network, title="Prosessi näkyväksi"))
    foreign = actions.ensure_general_room(other_network)
    return network, people, general, workshop_room, foreign


def search_url(network, query, **extra):
    return reverse("discussion-search", args=[network.slug]) + "?" + urlencode({"q": query, **extra})


def found_ids(network, query, page=None):
    return [found.message.pk for found in search_messages(network, query, page).found]


# -- what is found --------------------------------------------------------------------------------------------


def test_words_and_their_inflected_forms_are_found_by_their_beginning(discussion):
    network, people, general, workshop_room, _foreign = discussion
    invoices = say(general, people["member"], "Ostolaskujen käsittely nopeutui 120 tunnista 29 tuntiin.")
    process = say(workshop_room, people["contact"], "Laskutusprosessi on nyt yhdellä lomakkeella.")
    say(general, people["facilitator"], "Työpajan muistio on materiaaleissa.")

    assert found_ids(network, "ostolasku") == [invoices.pk]
    assert found_ids(network, "käsittely") == [invoices.pk]
    assert found_ids(network, "laskutus") == [process.pk]
    assert found_ids(network, "LASKUTUSPROSESSI") == [process.pk], "case does not matter"
    assert found_ids(network, "120") == [invoices.pk]
    # Every word must be there.
    assert found_ids(network, "käsittely lomakkeella") == []
    assert found_ids(network, "laskutus yhdel") == [process.pk]


def test_lasku_finds_laskujen_and_newest_comes_first(discussion):
    network, people, general, workshop_room, _foreign = discussion
    older = say(general, people["member"], "Laskujen kierto kestää liian kauan.")
    newer = say(workshop_room, people["contact"], "Sipoossa lasku lähtee asiakkaalle kahdeksassa päivässä.")
    say(general, people["member"], "Palkanlaskenta ei kuulu tähän.")  # lasku inside a word: not a word's start

    assert found_ids(network, "lasku") == [newer.pk, older.pk]


def test_a_and_a_umlaut_stay_apart(discussion):
    network, people, general, _workshop_room, _foreign = discussion
    wellbeing = say(general, people["member"], "Työhyvinvointi parani, kun säännöt olivat selvät.")
    tour = say(general, people["contact"], "Tyopaikkakierros on ensi viikolla.")  # typed without the dots

    assert found_ids(network, "työhyvinvointi") == [wellbeing.pk]
    assert found_ids(network, "TYÖHYV") == [wellbeing.pk]
    assert found_ids(network, "säännöt") == [wellbeing.pk]
    assert found_ids(network, "tyohyvinvointi") == []
    assert found_ids(network, "työpaikkakierros") == []
    assert found_ids(network, "tyopaikka") == [tour.pk]


def test_never_another_networks_messages(discussion):
    network, people, general, _workshop_room, foreign = discussion
    ours = say(general, people["member"], "Huoneentaulu auttoi laskujen käsittelyssä.")
    say(foreign, people["other_member"], "Huoneentaulu on meilläkin seinällä.")

    assert found_ids(network, "huoneentaulu") == [ours.pk]
    client = client_for_role(people, "member")
    response = client.get(search_url(network, "huoneentaulu"))
    assert "meilläkin" not in response.content.decode()


def client_for_role(people, role):
    from django.test import Client

    return client_for(Client(), people[role])


def test_never_deleted_or_hidden_messages(discussion):
    network, people, general, _workshop_room, _foreign = discussion
    kept = say(general, people["member"], "Kokeilu alkaa maanantaina.")
    deleted = say(general, people["member"], "Kokeilu siirtyy, poistan tämän.")
    hidden = say(general, people["contact"], "Kokeilu on turha, sanon sen suoraan.")
    actions.delete_message(deleted, people["member"])
    actions.delete_message(hidden, people["facilitator"], is_facilitator=True, reason="Asiaton")

    assert found_ids(network, "kokeilu") == [kept.pk]
    assert found_ids(network, "suoraan") == []


def test_an_edit_is_searched_as_it_now_reads(discussion):
    network, people, general, _workshop_room, _foreign = discussion
    message = say(general, people["member"], "Pilotti alkaa kotihoidossa.")
    actions.edit_message(message, people["member"], "Pilotti alkaa ruokapalveluissa.")

    assert found_ids(network, "kotihoidossa") == []
    assert found_ids(network, "ruokapalvelu") == [message.pk]


def test_a_deleted_row_leaves_the_index(discussion):
    network, people, general, _workshop_room, _foreign = discussion
    message = say(general, people["member"], "Poistuva rivi")
    message.delete()
    assert found_ids(network, "poistuva") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM discussions_message_fts WHERE discussions_message_fts MATCH 'poistuva'")
        assert cursor.fetchone()[0] == 0


# -- hostile and junk queries ---------------------------------------------------------------------------------


HOSTILE_QUERIES = [
    '"',
    "*",
    '"lasku"*',
    "NEAR(",
    "NEAR(lasku palkka, 2)",
    "lasku OR palkka",
    "lasku NOT palkka",
    "lasku AND",
    "-lasku",
    "^lasku",
    "body:lasku",
    "discussions_message_fts:lasku",
    "(lasku",
    "lasku)",
    "{lasku}",
    "'; DROP TABLE discussions_message; --",
    "<script>alert(1)</script>",
    "lasku\\",
    "%_",
    "_",
    "lasku" + "\u200b" * 3,
    "\U0001f600 lasku",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_neither_fail_nor_become_syntax(discussion, query):
    network, people, general, _workshop_room, _foreign = discussion
    both = say(general, people["member"], "Lasku ja palkka samassa viestissä.")
    say(general, people["member"], "Pelkkä palkka tässä.")
    say(general, people["member"], "Alert: script kaatui.")

    response = client_for_role(people, "member").get(search_url(network, query))

    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    ids = [int(value) for value in re.findall(r"#viesti-(\d+)", html)]
    if "lasku" in query.lower() and "palkka" in query.lower():
        # The words are required together: OR, NOT and NEAR are words here, not operators.
        assert ids in ([both.pk], [])
    if response.status_code == 400:
        assert 'class="discussion-search__problem" role="alert"' in html


def test_fts5_syntax_is_quoted():
    assert fts5_query(["lasku", "or"]) == '"lasku"* "or"*'
    assert fts5_query(['a"b']) == '"a""b"*'


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * (MAX_QUERY_LENGTH + 1), "too_long"),
        ("lasku\x00", "invalid"),
        ("\x00", "invalid"),
        ('"*()-:^', "no_words"),
        ("___", "no_words"),
        (None, "empty"),
        (["lasku"], "empty"),
    ],
)
def test_junk_is_refused_with_a_sentence(query, code):
    with pytest.raises(ActionError) as refusal:
        search_terms(query)
    assert refusal.value.code == code
    assert str(refusal.value.message)


def test_terms_are_words_in_lower_case_each_once():
    assert search_terms('  "Lasku"* OR lasku, käsittely!  ') == ["lasku", "or", "käsittely"]
    assert len(search_terms(" ".join(f"sana{n}" for n in range(30)))) == 12


@pytest.mark.parametrize(
    ("query", "status", "sentence"),
    [
        ("", 200, "Kirjoita hakusana ja valitse Hae."),
        ("x" * (MAX_QUERY_LENGTH + 1), 400, "Hakusana on liian pitkä: enintään 200 merkkiä."),
        ("lasku\x00", 400, "Hakusanassa on merkkejä, joilla ei voi hakea."),
        ("?!*", 400, "Hae sanoilla: pelkillä välimerkeillä ei löydy mitään."),
    ],
)
def test_the_page_says_what_was_wrong(discussion, query, status, sentence):
    network, people, *_rooms = discussion
    response = client_for_role(people, "member").get(search_url(network, query))
    assert response.status_code == status
    assert sentence in response.content.decode()


def test_nothing_found_says_so(discussion):
    network, people, general, _workshop_room, _foreign = discussion
    say(general, people["member"], "Jotain ihan muuta.")
    response = client_for_role(people, "member").get(search_url(network, "kvanttifysiikka"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 viestiä haulla ”kvanttifysiikka”" in html
    assert "Keskustelusta ei löytynyt yhtään viestiä näillä sanoilla." in html


# -- the excerpt and the link ---------------------------------------------------------------------------------


def test_the_excerpt_is_escaped_and_only_the_marks_are_markup(discussion):
    network, people, general, _workshop_room, _foreign = discussion
    say(general, people["member"], "<script>alert('lasku')</script> & <mark>laskujen</mark> <b onmouseover=x>lasku</b>")

    response = client_for_role(people, "member").get(search_url(network, "lasku"))

    html = response.content.decode()
    excerpt = re.search(r'<p class="search-results__excerpt discussion-search__excerpt">(.*?)</p>', html, re.S)
    assert excerpt is not None
    text = excerpt.group(1)
    assert "&lt;script&gt;alert(&#x27;<mark>lasku</mark>&#x27;)&lt;/script&gt;" in text
    assert "&amp; &lt;mark&gt;<mark>laskujen</mark>&lt;/mark&gt;" in text
    assert "&lt;b onmouseover=x&gt;<mark>lasku</mark>&lt;/b&gt;" in text
    assert re.findall(r"<(\w+)", text) == ["mark", "mark", "mark"]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_messages_give_harmless_excerpts(discussion, body):
    network, people, general, _workshop_room, _foreign = discussion
    say(general, people["member"], f"haettava {body}")
    results = search_messages(network, "haettava")
    assert len(results.found) == 1
    assert not active_html(str(results.found[0].excerpt))


def test_a_long_message_is_cut_around_the_first_match():
    text = " ".join(["alku"] * 40 + ["laskujen", "käsittely"] + ["loppu"] * 80)
    excerpt = str(highlighted_excerpt(text, ["lasku"]))
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert "<mark>laskujen</mark> käsittely" in excerpt
    assert len(re.sub(r"</?mark>", "", excerpt)) <= EXCERPT_LENGTH + 2
    # A match at the start shows the start; a text without one (a stem that changed the word) its beginning.
    assert str(highlighted_excerpt("lasku tuli", ["lasku"])) == "<mark>lasku</mark> tuli"
    assert str(highlighted_excerpt("ei osumaa <b>", ["lasku"])) == "ei osumaa &lt;b&gt;"
    assert str(highlighted_excerpt("Ääni ja ääri", ["ää"])) == "<mark>Ääni</mark> ja <mark>ääri</mark>"


def test_a_result_links_to_the_message_on_its_rooms_page(discussion):
    network, people, general, _workshop_room, _foreign = discussion
    target = say(general, people["member"], "Huoneentaulu valmistui.")
    for number in range(60):  # the target is far back in the history
        say(general, people["contact"], f"Viesti {number}")
    client = client_for_role(people, "member")

    response = client.get(search_url(network, "huoneentaulu"))

    link = reverse("discussion-message", args=[network.slug, general.pk, target.pk])
    html = response.content.decode()
    assert f'href="{link}"' in html
    assert people["member"].display_name in html and general.title in html
    room_page = client.get(client.get(link).url.split("#")[0])
    assert f'id="viesti-{target.pk}"' in room_page.content.decode()


def test_results_come_in_pages(discussion):
    network, people, general, workshop_room, _foreign = discussion
    for number in range(RESULTS_PER_PAGE + 5):
        say(general if number % 2 else workshop_room, people["member"], f"Kokeilu numero {number}")
    client = client_for_role(people, "member")

    first = client.get(search_url(network, "kokeilu"))
    second = client.get(search_url(network, "kokeilu", page=2))
    junk = client.get(search_url(network, "kokeilu", page="x'"))

    assert f"{RESULTS_PER_PAGE + 5} viestiä haulla" in first.content.decode()
    assert first.content.decode().count("search-results__item") == RESULTS_PER_PAGE
    assert second.content.decode().count("search-results__item") == 5
    assert "Kokeilu numero 0" in second.content.decode().replace("<mark>Kokeilu</mark>", "Kokeilu")
    assert junk.status_code == 200
    assert 'href="?q=kokeilu&amp;page=2"' in first.content.decode()


# -- the forms ------------------------------------------------------------------------------------------------


def test_the_rooms_page_and_the_search_page_have_the_form(discussion):
    network, people, *_rooms = discussion
    client = client_for_role(people, "member")
    action = reverse("discussion-search", args=[network.slug])
    for url in (reverse("discussion", args=[network.slug]), search_url(network, "lasku")):
        html = client.get(url).content.decode()
        assert f'action="{action}"' in html
        assert '<label for="discussion-search-q">Hae keskustelusta</label>' in html
        assert 'type="search" name="q"' in html
    assert 'value="lasku"' in client.get(search_url(network, "lasku")).content.decode()


# -- who may search -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(discussion, role):
    network, people, general, _workshop_room, _foreign = discussion
    say(general, people["member"], "Salainen suunnitelma")
    client = client_for_role(people, role)

    response = client.get(search_url(network, "salainen"))

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in OUTSIDERS:
        assert response.status_code == 403
        assert "suunnitelma" not in response.content.decode()
    else:
        assert role in MEMBERS
        assert response.status_code == 200
        assert "<mark>Salainen</mark> suunnitelma" in response.content.decode()


def test_a_network_that_is_not_live_is_not_found(discussion):
    network, people, *_rooms = discussion
    network.unpublish()
    assert client_for_role(people, "member").get(search_url(network, "lasku")).status_code == 404


# -- queries --------------------------------------------------------------------------------------------------


def fill(network, room, people, messages, authors):
    """`messages` matching messages by `authors` new members, and as many that do not match."""
    writers = [make_membership(network, make_user()).user for _ in range(authors)]
    for number in range(messages):
        say(room, writers[number % authors], f"Prosessikaavio versio {number}")
        say(room, writers[number % authors], f"Jotain muuta {number}")


def test_queries_do_not_grow_with_the_data(discussion):
    network, people, general, workshop_room, _foreign = discussion
    client = client_for_role(people, "member")
    url = search_url(network, "prosessikaavio")

    fill(network, general, people, 3, 2)
    small = queries_for(client, url)
    fill(network, workshop_room, people, 60, 12)
    for number in range(4):
        fill(network, actions.create_topic_room(network, people["member"], f"Aihe {number}"), people, 5, 3)
    large = queries_for(client, url)

    assert_queries(SEARCH_QUERIES, small=small, large=large)
    assert client.get(url).content.decode().count("search-results__item") == RESULTS_PER_PAGE


def test_the_search_itself_is_two_queries(discussion, django_assert_num_queries):
    network, people, general, _workshop_room, _foreign = discussion
    for number in range(30):
        say(general, people["member"], f"Kokeilu {number}")
    with django_assert_num_queries(2):
        results = search_messages(network, "kokeilu", 2)
        [(found.message.author.display_name, found.message.room.title, str(found.excerpt)) for found in results.found]


# -- the migration --------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_and_rebuilds_the_index_from_the_messages():
    from tests.factories import build_site, make_network

    _home, index = build_site()
    network = make_network(index)
    author = make_user()
    room = actions.ensure_general_room(network)
    message, _created = actions.create_message(room, author, "Ennen paluuta kirjoitettu", "m-1")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("discussions", "0002_mention_email")])
        assert "discussions_message_fts" not in connection.introspection.table_names()
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'discussions_%'")
            assert cursor.fetchall() == []
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert found_ids(network, "paluuta") == [message.pk], "the index was rebuilt from the stored messages"
    later, _created = actions.create_message(room, author, "Paluun jälkeen", "m-2")
    assert found_ids(network, "jälkeen") == [later.pk]
