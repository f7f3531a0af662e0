"""Drafts in real Chromium: what one person types in one browser is in the message box of their second browser,
live while both are open, and from the server after the first browser has gone offline (the daphne server of
tests/browser/test_discussion.py, a module of its own here)."""

import sqlite3
import time
import uuid
from contextlib import closing

import pytest
from playwright.sync_api import expect

from tests.browser.test_discussion import connected, message, open_as, server  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def stored_draft(server, person, timeout=10):  # noqa: F811 - the fixture's value
    """The person's draft of the general room as the server has stored it, once it has one (or None)."""
    deadline = time.monotonic() + timeout
    while True:
        with closing(sqlite3.connect(server.database, timeout=10)) as database:
            row = database.execute(
                "SELECT body FROM discussions_draft WHERE user_id = ? AND room_id = ?",
                [server.site["users"][person], server.site["room"]],
            ).fetchone()
        if row is not None or time.monotonic() > deadline:
            return row[0] if row else None
        time.sleep(0.1)


def box(page):
    return page.get_by_label("Viesti", exact=True)


def test_a_draft_typed_in_one_browser_is_in_the_second_after_the_first_goes_offline(server, open_as):  # noqa: F811
    laptop = open_as("aino")
    phone = open_as("aino")
    bertta = open_as("bertta")
    for page in (laptop, phone, bertta):
        connected(page)

    text = f"Luonnos läppäriltä {uuid.uuid4().hex[:6]}"
    box(laptop).press_sequentially(text)
    expect(box(phone)).to_have_value(text)  # live, from the laptop's socket to the phone's
    assert stored_draft(server, "aino") == text
    laptop.context.set_offline(True)
    expect(laptop.locator("[data-discussion]")).to_have_attribute("data-state", "offline")

    # The phone loads the room again: the text comes from the server, and Bertta never sees it.
    phone.reload()
    expect(box(phone)).to_have_value(text)
    connected(phone)
    expect(box(phone)).to_have_value(text)
    bertta.reload()
    connected(bertta)
    expect(box(bertta)).to_have_value("")

    # Typed on the laptop while offline: stored when it is back, and the phone's box follows.
    more = f"{text} – ja lisää"
    box(laptop).press_sequentially(" – ja lisää")
    laptop.wait_for_timeout(1500)
    assert stored_draft(server, "aino") == text
    laptop.context.set_offline(False)
    connected(laptop)
    expect(box(phone)).to_have_value(more)
    assert stored_draft(server, "aino") == more

    # Sending it empties both boxes and deletes the draft.
    laptop.get_by_role("button", name="Lähetä").click()
    expect(message(phone, more)).to_be_visible()
    expect(box(phone)).to_have_value("")
    expect(box(laptop)).to_have_value("")
    phone.reload()
    connected(phone)
    expect(box(phone)).to_have_value("")
    assert stored_draft(server, "aino", timeout=0) is None
