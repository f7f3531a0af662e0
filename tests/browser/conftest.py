"""Real Chromium (Debian's package) driven by Playwright; the browser is never downloaded."""

import os
import shutil

import pytest
from django.core.management import call_command

from tests.conftest import unavailable
from tests.factories import ensure_wagtail_root

# Sync Playwright runs an event loop in this thread; Django's ORM calls from the test are still safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path():
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        unavailable("Chromium is not installed (apt-get install chromium; .ci/run does)")
    return path


# Per module, not per session: sync Playwright keeps an asyncio loop running in the main thread while it is
# open, and every pytest-asyncio test after it (tests/discussions/test_consumer.py) would then fail with
# "Runner.run() cannot be called from a running event loop".
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # axe is injected by Playwright's evaluate; the site's CSP would otherwise keep it out.
    context = browser.new_context(bypass_csp=True, locale="fi-FI")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_site(transactional_db):
    """The demo content, for a live server (transactional: the server thread must see it)."""
    ensure_wagtail_root()
    call_command("load_demo_content", verbosity=0)
