"""The discussion in real Chromium against a real daphne that speaks websockets.

pytest-django's `live_server` is WSGI only, and channels' ChannelsLiveServerTestCase needs the whole run's
test database in a file. Instead this module serves a copy of the test database: the (migrated, in-memory)
test database is copied into a temporary SQLite file with SQLite's backup API (no second migrate),
tests/browser/discussion_site.py adds a network, its people, messages and sessions to that file, and
`daphne config.asgi:application` serves it with the development settings — what `make run` runs. The
tests talk to it only through the browser, and check what was stored by reading the file.
"""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from playwright.sync_api import expect

from tests.browser.test_accessibility import SERIOUS

# django_db: pytest-django creates the (in-memory) test database only for runs that collect a test marked so.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    url: str
    database: Path
    log: Path
    site: dict

    def room_url(self, room=None):
        return f"{self.url}/verkostot/{self.site['network']}/tila/keskustelu/{room or self.site['room']}/"

    def rooms_url(self):
        return f"{self.url}/verkostot/{self.site['network']}/tila/keskustelu/"

    def stored(self, body):
        """How many messages with exactly this text the server has stored."""
        with closing(sqlite3.connect(self.database, timeout=10)) as database:
            return database.execute("SELECT count(*) FROM discussions_message WHERE body = ?", [body]).fetchone()[0]


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}")
        try:
            with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne did not start on port {port}")


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("discussion")
    database = workdir / "db.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        # Only ever the test database: never copy (or touch) a developer's own db.sqlite3.
        assert connection.vendor == "sqlite" and connection.is_in_memory_db(), connection.settings_dict["NAME"]
        with closing(sqlite3.connect(database)) as target:
            connection.connection.backup(target)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(workdir / "media"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    setup = subprocess.run(
        [sys.executable, "-m", "tests.browser.discussion_site"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if setup.returncode != 0:
        raise RuntimeError(f"discussion_site failed:\n{setup.stderr[-4000:]}")
    site = json.loads(setup.stdout.strip().splitlines()[-1])
    port = free_port()
    log = workdir / "daphne.log"
    with open(log, "wb") as output:  # a file, never an unread pipe: a full pipe would block the server
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(port, process)
        yield Server(url=f"http://127.0.0.1:{port}", database=database, log=log, site=site)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def open_as(browser, server):
    """open_as(person, url=None, **context options) → a page signed in as that person, on the room page.
    The site's content security policy applies (no bypass): the client must work under it."""
    contexts = []

    def open_page(person, url=None, **options):
        context = browser.new_context(locale="fi-FI", **options)
        contexts.append(context)
        context.add_cookies([{"name": "sessionid", "value": server.site["sessions"][person], "url": server.url}])
        page = context.new_page()
        page.goto(url or server.room_url())
        return page

    yield open_page
    for context in contexts:
        context.close()


def connected(page):
    expect(page.locator("[data-discussion]")).to_have_attribute("data-state", "open", timeout=10_000)


def message(page, text):
    return page.locator("article.dmsg", has_text=text)


def send(page, text):
    page.get_by_label("Viesti", exact=True).fill(text)
    page.get_by_role("button", name="Lähetä").click()


def outbox(page, server, person):
    key = f"verkostamo.outbox.{server.site['users'][person]}.{server.site['network']}"
    return json.loads(page.evaluate("key => localStorage.getItem(key) || '[]'", key))


def test_two_members_see_each_others_messages_live(server, open_as):
    aino = open_as("aino")
    bertta = open_as("bertta")
    connected(aino)
    connected(bertta)
    expect(aino.locator("[data-presence-list]")).to_contain_text("Bertta Berg")
    bertta.evaluate("window.notReloaded = true")
    bertta.get_by_label("Viesti", exact=True).focus()

    question = f"Näkyykö tämä heti? {uuid.uuid4().hex[:6]}"
    send(aino, question)
    expect(message(bertta, question)).to_be_visible()
    expect(message(bertta, question).locator(".dmsg__author")).to_have_text("Aino Alku")
    expect(message(aino, question)).not_to_have_class(re.compile("dmsg--pending"))
    assert bertta.evaluate("window.notReloaded === true"), "the page was reloaded"
    assert bertta.evaluate("document.activeElement.name") == "body", "an arriving message moved the focus"

    # Bertta types (Aino sees it), then replies to the question with the message's own Vastaa action.
    bertta.get_by_label("Viesti", exact=True).press_sequentially("Kirjoitan")
    expect(aino.locator("[data-typing]")).to_have_text("Bertta Berg kirjoittaa…")
    bertta.get_by_label("Viesti", exact=True).fill("")
    message(bertta, question).get_by_role("link", name=re.compile("^Vastaa")).click()
    expect(bertta.locator("[data-replying]")).to_contain_text("Aino Alku")
    answer = f"Näkyy! {uuid.uuid4().hex[:6]}"
    send(bertta, answer)
    expect(message(aino, answer)).to_be_visible()
    expect(message(aino, answer).locator(".dmsg__reply")).to_contain_text(f"Aino Alku: {question}")
    assert server.stored(question) == 1
    assert server.stored(answer) == 1

    # A message in another room shows as an unread count in Bertta's list of rooms, live.
    topic = server.site["topic"]
    aino_in_topic = open_as("aino", server.room_url(topic))
    connected(aino_in_topic)
    send(aino_in_topic, f"Aiheeseen {uuid.uuid4().hex[:6]}")
    badge = bertta.locator(f"[data-unread-badge='{topic}']")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("1 lukematon")

    # Who is here: after the whole list, the page applies who came and who went (`presence.update`).
    fanni = open_as("fanni")
    connected(fanni)
    online = aino.locator("[data-presence-list]")
    expect(online).to_contain_text("Fanni Fasilitaattori")
    bertta.close()
    expect(online).not_to_contain_text("Bertta Berg")
    expect(online).to_contain_text("Aino Alku")


def test_messages_written_offline_are_delivered_exactly_once(server, open_as):
    """Chromium's offline emulation (context.set_offline) stops the traffic of an open websocket but never
    closes it; the client listens to the browser's `offline` event and drops the socket itself (and treats
    a send that gets no answer in 15 s as a dead socket). Messages typed meanwhile wait in the localStorage
    outbox, survive a reload made before the socket is back (the websocket is held back with
    route_web_socket for that), and are delivered exactly once."""
    page = open_as("aino")
    connected(page)
    context = page.context

    context.set_offline(True)
    expect(page.locator("[data-discussion]")).to_have_attribute("data-state", "offline")
    first, second = (f"Offline-viesti {n} {uuid.uuid4().hex[:6]}" for n in (1, 2))
    send(page, first)
    send(page, second)
    expect(page.locator("article.dmsg--pending")).to_have_count(2)
    expect(message(page, first)).to_contain_text("lähetetään…")
    assert [entry["body"] for entry in outbox(page, server, "aino")] == [first, second]
    page.wait_for_timeout(500)
    assert server.stored(first) == server.stored(second) == 0

    # Back online, but the websocket is held back: a reload now finds both messages in the outbox.
    hold = {"sockets": []}

    def websocket(route):
        if hold.get("sockets") is not None:
            hold["sockets"].append(route)  # mocked: never reaches the server
        else:
            route.connect_to_server()

    context.route_web_socket(re.compile(r"/ws/networks/"), websocket)
    context.set_offline(False)
    page.reload()
    expect(page.locator("article.dmsg--pending")).to_have_count(2)
    assert len(outbox(page, server, "aino")) == 2
    assert server.stored(first) == server.stored(second) == 0

    # Let the socket through: the client reconnects (backoff), re-sends the outbox with the same client_ids.
    held, hold["sockets"] = hold["sockets"], None
    for route in held:  # the sockets of the page before and after the reload
        route.close(code=4000, reason="test: let the next socket through")
    connected(page)
    expect(page.locator("article.dmsg--pending")).to_have_count(0, timeout=15_000)
    expect(message(page, first)).to_have_count(1)
    expect(message(page, second)).to_have_count(1)
    assert outbox(page, server, "aino") == []
    assert server.stored(first) == 1
    assert server.stored(second) == 1

    page.reload()
    connected(page)
    expect(message(page, first)).to_have_count(1)
    expect(message(page, second)).to_have_count(1)
    assert server.stored(first) == server.stored(second) == 1


def test_own_messages_are_edited_and_deleted_live(server, open_as):
    aino = open_as("aino")
    bertta = open_as("bertta")
    connected(aino)
    connected(bertta)
    text = f"Kirjoitusvirhe {uuid.uuid4().hex[:6]}"
    send(aino, text)
    expect(message(bertta, text)).to_be_visible()

    mine = aino.locator(f"#{message(aino, text).get_attribute('id')}")
    mine.get_by_role("link", name=re.compile("^Muokkaa")).click()
    editor = mine.get_by_label("Muokkaa viestiä")
    expect(editor).to_be_focused()
    fixed = f"Korjattu **teksti** {uuid.uuid4().hex[:6]}"
    editor.fill(fixed)
    mine.get_by_role("button", name="Tallenna").click()
    shown = fixed.replace("**", "")
    expect(message(bertta, shown).locator("strong")).to_have_text("teksti")
    expect(message(bertta, shown)).to_contain_text("(muokattu)")
    expect(mine.get_by_role("link", name=re.compile("^Muokkaa"))).to_be_focused()  # back where the edit began

    aino.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("button", name=re.compile("^Poista")).click()
    article_id = mine.get_attribute("id")
    expect(bertta.locator(f"#{article_id}")).to_contain_text("Viesti poistettu")
    expect(bertta.locator(f"#{article_id}")).not_to_contain_text(shown)
    assert server.stored(fixed) == 1  # kept, marked deleted: the conversation keeps its place


def test_a_lost_frame_is_noticed_by_its_seq_and_synced(server, open_as):
    """A channel layer can drop a frame: the next message's seq shows the gap and the client syncs at once.
    A frame that arrives twice is shown once."""
    bertta = open_as("bertta")
    lost, doubled = (f"{word} {uuid.uuid4().hex[:6]}" for word in ("Kadonnut", "Tuplana"))
    dropped = []

    def websocket(route):
        to_server = route.connect_to_server()

        def from_server(text):
            frame = json.loads(text)
            body = frame.get("message", {}).get("body", "") if frame["type"] == "message.new" else ""
            if body == lost and not dropped:
                dropped.append(frame)  # lost on the way
                return
            route.send(text)
            if body == doubled:
                route.send(text)

        to_server.on_message(from_server)

    bertta.context.route_web_socket(re.compile(r"/ws/networks/"), websocket)
    bertta.reload()
    connected(bertta)
    aino = open_as("aino")
    connected(aino)
    send(aino, lost)
    expect(aino.locator("article.dmsg--pending")).to_have_count(0)
    send(aino, doubled)

    expect(message(bertta, doubled)).to_have_count(1)
    expect(message(bertta, lost)).to_have_count(1)
    assert dropped, "the frame was not dropped: the test proved nothing"
    seqs = [int(seq) for seq in bertta.locator("article[data-seq]").evaluate_all("els => els.map(e => e.dataset.seq)")]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))


def test_a_sync_the_server_could_not_answer_is_asked_again(server, open_as):
    """The database did not answer a sync (an outage while the page reconnected): no result will come, so the
    client asks again after a while instead of waiting for good, and brings what it missed meanwhile."""
    aino = open_as("aino")
    connected(aino)
    bertta = open_as("bertta")
    late = f"Katkon aikana {uuid.uuid4().hex[:6]}"
    syncs, dropped = [], []

    def websocket(route):
        to_server = route.connect_to_server()

        def from_page(text):
            frame = json.loads(text)
            if frame["type"] == "sync":
                syncs.append(frame)
                if len(syncs) == 1:  # answered as the server does while the database is away
                    detail = "Palvelu ei juuri nyt tavoita tietokantaa. Yritä hetken kuluttua uudelleen."
                    route.send(json.dumps({"type": "error", "code": "unavailable", "detail": detail}))
                    return
            to_server.send(text)

        def from_server(text):
            frame = json.loads(text)
            if frame["type"] == "message.new" and frame["message"]["body"] == late:
                dropped.append(frame)  # lost with the outage: only the sync asked again brings it
                return
            route.send(text)

        route.on_message(from_page)
        to_server.on_message(from_server)

    bertta.context.route_web_socket(re.compile(r"/ws/networks/"), websocket)
    bertta.reload()
    connected(bertta)
    expect(bertta.locator("[data-errors]")).to_contain_text("tavoita tietokantaa")
    send(aino, late)  # within the client's wait before it asks again (5 s)
    expect(message(bertta, late)).to_have_count(1, timeout=15_000)
    assert dropped, "the live frame was not dropped: the test proved nothing"
    assert syncs[0]["room"] in [frame["room"] for frame in syncs[1:]]


def test_a_rate_limited_message_waits_in_the_outbox_and_is_sent_once(server, open_as):
    page = open_as("fanni")  # the server allows 20 messages per 10 s per person
    connected(page)
    texts = [f"Ryöppy {n} {uuid.uuid4().hex[:6]}" for n in range(23)]
    for text in texts:
        send(page, text)
    expect(page.locator("[data-errors]")).to_contain_text("Lähetät viestejä liian tiheään")
    expect(page.locator("article.dmsg--pending")).to_have_count(0, timeout=25_000)
    for text in texts:
        expect(message(page, text)).to_have_count(1)
    assert [server.stored(text) for text in texts] == [1] * len(texts)
    assert outbox(page, server, "fanni") == []


def test_rooms_a_room_with_messages_and_the_edit_hide_and_report_pages_pass_axe(server, open_as):
    failures = {}
    messages = server.site["messages"]
    pages = {
        "rooms": server.rooms_url(),
        "room": server.room_url(),
        "edit": f"{server.room_url()}viesti/{messages['fanni']}/muokkaa/",
        "hide": f"{server.room_url()}viesti/{messages['aino']}/piilota/",
        "report": f"{server.room_url()}viesti/{messages['aino']}/ilmoita/",
        "reports": f"{server.url}/verkostot/{server.site['network']}/tila/hallinta/ilmoitukset/",
    }
    for name, url in pages.items():
        page = open_as("fanni", url, bypass_csp=True)  # axe is injected by Playwright's evaluate
        if name == "room":
            connected(page)
        results = Axe().run(page)
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in SERIOUS
        ]
        if violations:
            failures[name] = violations
    assert not failures, failures


def test_a_mention_is_chosen_by_keyboard_and_highlighted_for_the_mentioned(server, open_as):
    aino = open_as("aino")
    bertta = open_as("bertta")
    connected(aino)
    connected(bertta)
    box = aino.get_by_label("Viesti", exact=True)
    box.press_sequentially("Kysyn @be")
    listbox = aino.get_by_role("listbox", name="Mainittavat jäsenet")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    assert box.get_attribute("aria-activedescendant") == listbox.get_by_role("option").first.get_attribute("id")
    box.press("Enter")  # chooses, does not send or break the line
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Kysyn @bertta.berg ")
    box.press_sequentially(f"tuletko? {uuid.uuid4().hex[:6]}")
    text = box.input_value()
    box.press("Control+Enter")
    shown = message(bertta, text.split("@bertta.berg ")[1])
    expect(shown).to_be_visible()
    expect(shown).to_have_class(re.compile("dmsg--mentions-me"))
    expect(message(aino, text.split("@bertta.berg ")[1])).not_to_have_class(re.compile("dmsg--mentions-me"))

    # Escape closes the list and leaves the text as typed.
    box.press_sequentially("@fa")
    expect(listbox.get_by_role("option")).to_have_text(["Fanni Fasilitaattori @fanni.fasilitaattori"])
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("@fa")


def test_reactions_are_seen_live_and_counted_once_per_person(server, open_as):
    aino = open_as("aino")
    bertta = open_as("bertta")
    connected(aino)
    connected(bertta)
    text = f"Reagoikaa tähän {uuid.uuid4().hex[:6]}"
    send(aino, text)
    theirs = message(bertta, text)
    expect(theirs).to_be_visible()
    theirs.locator("summary", has_text="Reagoi").click()
    theirs.get_by_role("button", name="Hyvä idea").click()
    mine = message(aino, text)
    idea = mine.get_by_role("button", name=re.compile("Bertta Berg"))
    expect(idea).to_contain_text("💡 1")
    expect(idea).to_have_attribute("aria-pressed", "false")
    pressed = theirs.get_by_role("button", name=re.compile("Bertta Berg"))
    expect(pressed).to_have_attribute("aria-pressed", "true")
    pressed.click()  # taken back
    expect(mine.get_by_role("button", name=re.compile("Bertta Berg"))).to_have_count(0)


def test_a_message_is_reported_in_place_and_hidden_from_the_queue_live(server, open_as):
    aino = open_as("aino")
    bertta = open_as("bertta")
    connected(aino)
    connected(bertta)
    text = f"Ilmoitettava viesti {uuid.uuid4().hex[:6]}"
    send(aino, text)
    theirs = message(bertta, text)
    expect(theirs).to_be_visible()
    expect(message(aino, text).get_by_role("link", name=re.compile("^Ilmoita"))).to_have_count(0)  # own

    # The link opens the form under the message; the frame stores the report, and a thank-you replaces the form.
    theirs.get_by_role("link", name=re.compile("^Ilmoita")).click()
    expect(theirs.get_by_label("Syy")).to_be_focused()
    theirs.get_by_role("button", name="Lähetä ilmoitus").click()
    expect(theirs.locator("[data-report-errors]")).to_have_text("Valitse ilmoituksen syy.")
    theirs.get_by_label("Syy").select_option("asiaton")
    theirs.get_by_label(re.compile("^Lisätietoja")).fill("Sävy ei sovi tänne")
    theirs.get_by_role("button", name="Lähetä ilmoitus").click()
    expect(theirs.get_by_role("status")).to_have_text("Kiitos. Ilmoitus on välitetty verkoston fasilitaattoreille.")
    expect(theirs.get_by_role("link", name=re.compile("^Ilmoita"))).to_have_count(0)
    assert bertta.url == server.room_url()  # no page load: the websocket carried it

    # The facilitator hides it from the queue; both open rooms show the reason in its place at once.
    fanni = open_as("fanni", f"{server.url}/verkostot/{server.site['network']}/tila/hallinta/ilmoitukset/")
    entry = fanni.locator(".manage-request", has_text=text)
    expect(entry).to_contain_text("Bertta Berg")
    expect(entry).to_contain_text("Sävy ei sovi tänne")
    reason = f"Ei kuulu tänne {uuid.uuid4().hex[:6]}"
    entry.get_by_label(re.compile("^Perustelu")).fill(reason)
    entry.get_by_role("button", name=re.compile("^Piilota viesti")).click()
    expect(fanni.get_by_text("Käsittelemättömiä ilmoituksia ei ole.")).to_be_visible()
    for page in (aino, bertta):
        expect(message(page, f"Fasilitaattori piilotti viestin: {reason}")).to_be_visible()
        expect(page.locator("article.dmsg", has_text=text)).to_have_count(0)


def test_the_rooms_control_goes_over_the_socket_and_every_tab_follows(server, open_as):
    first = open_as("aino")
    second = open_as("aino", server.room_url())
    connected(first)
    connected(second)
    control = first.get_by_role("group", name="Sähköposti huoneen uusista viesteistä")
    control.get_by_label("Hiljennä").check()
    first.get_by_role("button", name="Tallenna seuranta").click()
    # The status next to the control is the client's (the page's own POST would answer with a page message).
    expect(first.locator("[data-attention-status]")).to_have_text(
        "Huone on hiljennetty: et saa sähköpostia sen uusista viesteistä."
    )
    expect(second.get_by_label("Hiljennä")).to_be_checked()
    room = server.site["room"]
    expect(second.locator(f".discussion__kind [data-room-muted='{room}']")).to_be_visible()
    expect(second.locator(f".room-list [data-room-muted='{room}']")).to_be_visible()
    with closing(sqlite3.connect(server.database, timeout=10)) as database:
        stored = database.execute(
            "SELECT level FROM discussions_roomattention WHERE user_id = ? AND room_id = ?",
            [server.site["users"]["aino"], room],
        ).fetchall()
    assert stored == [("mute",)]

    second.get_by_label("Verkoston mukaan").check()
    second.get_by_role("button", name="Tallenna seuranta").click()
    expect(first.get_by_label("Verkoston mukaan")).to_be_checked()
    expect(first.locator(f".room-list [data-room-muted='{room}']")).to_be_hidden()
