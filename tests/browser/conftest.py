"""Real Chromium (Debian's package) driven by Playwright; the browser is never downloaded."""

import os
import shutil

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page

from tests.conftest import unavailable

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


@pytest.fixture(scope="session")
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
    """The demo content, for a live server. A transactional test's flush also empties what Wagtail's
    data migrations made (the default locale and the root page), so those are put back first."""
    locale, _created = Locale.objects.get_or_create(language_code="fi")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    call_command("load_demo_content", verbosity=0)
