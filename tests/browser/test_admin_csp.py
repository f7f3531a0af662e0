"""The Wagtail admin works under its own content security policy: in real Chromium, with the policy enforced,
the main admin pages, the editor of pages with StreamFields and rich text, the document and image choosers
and the widgets Wagtail starts with inline scripts elsewhere (date pickers, snippet choosers, inline panels)
work, and the console reports no violation."""

import time

import pytest
from wagtail.admin.models import EditingSession
from wagtail.rich_text import RichText

from tests.browser.test_invitation_flow import sign_in
from tests.factories import (
    build_site,
    ensure_wagtail_root,
    make_document,
    make_image,
    make_network,
    make_user,
    make_workshop,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
    `Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`,
    `${event.sourceFile}:${event.lineNumber}`,
));
"""


@pytest.fixture
def admin_site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVE_MEDIA = True
    ensure_wagtail_root()
    _home, index = build_site()
    network = make_network(index, "Lean-verkosto")
    image = make_image(network.collection)
    network.body = [("image", {"image": image, "alt_text": "Kuva", "caption": ""})]
    network.save_revision().publish()
    workshop = make_workshop(
        network,
        agenda=[("item", {"time": None, "title": "Aamukahvi", "description": ""})],
        members_content=[
            ("paragraph", RichText("<p>Materiaalit</p>")),
            ("document", make_document(network.collection)),
        ],
    )
    workshop.save_revision().publish()
    superuser = make_user("paakayttaja@example.fi", is_staff=True, is_superuser=True)
    return network, workshop, superuser


@pytest.fixture
def enforced(browser):
    """A browser page that enforces the site's CSP (the shared `page` fixture bypasses it for axe), and the
    violations reported on its console."""
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    page.add_init_script(REPORT_VIOLATIONS)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    yield page, violations
    # Leaving an editor releases its editing session with a request of its own: let it land before the test's
    # database is flushed, or the live server's write races the flush (the table is locked).
    page.goto("about:blank")
    deadline = time.monotonic() + 10
    while EditingSession.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    context.close()


def open_page(page, url):
    response = page.goto(url)
    assert response.ok, url
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def open_chooser_of_chosen_item(page):
    """Opens the chooser modal of the first chosen document or image in the editor, through its menu."""
    chooser = page.locator(".chooser:not(.blank)").first
    chooser.locator(".w-dropdown__toggle").click()
    chooser.locator(".chosen [data-chooser-action-choose]").click()
    modal_works(page)


def modal_works(page):
    page.locator(".modal .modal-body").wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    assert page.locator(".modal .modal-body").inner_text().strip()
    page.locator(".modal button.close").first.click()
    page.locator(".modal .modal-body").wait_for(state="detached")


def test_the_admin_works_and_reports_no_csp_violation(live_server, admin_site, enforced):
    network, workshop, superuser = admin_site
    page, violations = enforced
    sign_in(page, live_server, superuser)

    for path in ("/admin/", f"/admin/pages/{network.pk}/", "/admin/documents/", "/admin/images/"):
        open_page(page, live_server.url + path)

    # A workshop: StreamFields with rich text, a document chooser, and date pickers.
    open_page(page, live_server.url + f"/admin/pages/{workshop.pk}/edit/")
    assert page.locator(".Draftail-Editor").count() >= 1
    open_chooser_of_chosen_item(page)
    page.locator("#id_start").click()
    page.locator(".xdsoft_datetimepicker:visible").first.wait_for()
    page.keyboard.press("Escape")

    # A network: an image chooser in its StreamField, snippet choosers and an inline panel.
    open_page(page, live_server.url + f"/admin/pages/{network.pk}/edit/")
    open_chooser_of_chosen_item(page)
    page.locator("#id_theme-chooser .unchosen [data-chooser-action-choose]").click()
    modal_works(page)
    page.locator("#id_facilitators-ADD").click()
    page.locator("#id_facilitators-0-name").wait_for(state="visible")

    assert not violations, "\n".join(violations)
