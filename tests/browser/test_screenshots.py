"""Writes docs/screenshots/<page>-375.png and <page>-1280.png: the main pages on a phone and on a desktop,
so a reader of the docs sees the product without running it.

Only when asked, so that the normal suite never rewrites the files:

    VERKOSTAMO_SCREENSHOTS=1 python -m pytest tests/browser/test_screenshots.py -p no:cacheprovider

The pages are tests/browser/test_phone.py's (the demo content, its accounts, a room with messages), seen by
the demo member Mikko Tyrnävä of "latu"; each picture is the first screen (not the whole page), at device
scale 1, so the files stay small.
"""

import os
from pathlib import Path

import pytest

from tests.browser.test_phone import DESKTOP, PHONE, load_phone_site, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("VERKOSTAMO_SCREENSHOTS") != "1", reason="writes docs/screenshots/ only when asked"
    ),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_write_screenshots(live_server, browser):
    site = load_phone_site()
    pages = {
        "home": (site["public"]["home"], None),
        "network-index": (site["public"]["network-index"], None),
        "network": (site["public"]["network"], None),
        "space": (site["member"]["space"], "member"),
        "space-workshop": (site["member"]["space-workshop"], "member"),
        "room": (site["member"]["room"], "member"),
        "start": (site["member"]["start"], "member"),
        "profile": (site["member"]["profile"], "member"),
        "members": (site["facilitator"]["members"], "facilitator"),
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, viewport in (("375", PHONE), ("1280", DESKTOP)):
        for who in (None, "member", "facilitator"):
            page = new_page(browser, viewport, live_server, site["users"].get(who), reduced_motion="reduce")
            try:
                for name, (path, person) in pages.items():
                    if person != who:
                        continue
                    page.goto(live_server.url + path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", animations="disabled")
            finally:
                page.context.close()
