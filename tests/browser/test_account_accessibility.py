"""The account pages in real Chromium: axe finds no serious or critical violation, and the pages run under
the site's content security policy without a single violation."""

import pytest
from allauth.account.models import EmailAddress

from tests.browser.test_accessibility import serious_violations
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "saavutettava@example.fi"
PASSWORD = "Saavutettava-salasana-2024"
SIGNED_OUT_PATHS = {
    "login": "/tili/login/",
    "signup": "/tili/signup/",
    "password reset": "/tili/password/reset/",
}
SIGNED_IN_PATHS = {
    "start": "/oma/",
    "profile": "/tili/profiili/",
    "delete confirmation": "/tili/poista/",
    "e-mail": "/tili/email/",
    "password change": "/tili/password/change/",
    "two-factor": "/tili/2fa/",
}


@pytest.fixture
def person(demo_site):
    user = make_user(EMAIL, password=PASSWORD, first_name="Saara", last_name="Saavutettava")
    EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
    return user


def sign_in(page, base_url):
    """Signs the person in for the first time: they land on the questions for what their profile lacks."""
    page.goto(base_url + "/tili/login/")
    page.get_by_label("Sähköposti").fill(EMAIL)
    page.get_by_label("Salasana", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url("**/tili/tervetuloa/")


def scan(page, base_url, paths, failures):
    for name, path in paths.items():
        page.goto(base_url + path)
        violations = serious_violations(page)
        if violations:
            failures[name] = violations


def test_account_pages_pass_axe(live_server, person, page):
    failures = {}
    scan(page, live_server.url, SIGNED_OUT_PATHS, failures)

    # The sign-in form with errors: the messages are announced and tied to the fields.
    page.goto(live_server.url + "/tili/login/")
    page.get_by_label("Sähköposti").fill(EMAIL)
    page.get_by_label("Salasana", exact=True).fill("väärä-salasana")
    page.locator("main").get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_selector(".form-errors")
    if violations := serious_violations(page):
        failures["login with an error"] = violations

    sign_in(page, live_server.url)
    if violations := serious_violations(page):
        failures["first sign-in's questions"] = violations
    scan(page, live_server.url, SIGNED_IN_PATHS, failures)

    # The profile with an error next to a field.
    page.goto(live_server.url + "/tili/profiili/")
    page.get_by_label("Etunimi").fill("")
    page.get_by_role("button", name="Tallenna tiedot").click()
    page.wait_for_selector("#id_first_name_error")
    if violations := serious_violations(page):
        failures["profile with an error"] = violations
    assert not failures, failures


def test_account_pages_keep_to_the_content_security_policy(live_server, person, browser):
    context = browser.new_context(locale="fi-FI")  # CSP enforced, unlike the axe fixture's context
    page = context.new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    try:
        for path in SIGNED_OUT_PATHS.values():
            page.goto(live_server.url + path)
        sign_in(page, live_server.url)
        for path in SIGNED_IN_PATHS.values():
            page.goto(live_server.url + path)
        # The account menu in the header lists the person's networks and signs out with a POST.
        page.locator(".user-menu__networks summary").click()
        assert page.locator(".user-menu__network-list, .user-menu__empty").first.is_visible()
        page.get_by_role("button", name="Kirjaudu ulos").click()
        page.wait_for_load_state()
        assert page.get_by_role("link", name="Kirjaudu sisään").first.is_visible()
    finally:
        context.close()
    assert violations == []


def test_account_pages_work_on_a_phone(live_server, person, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, device_scale_factor=2, locale="fi-FI")
    phone = context.new_page()
    try:
        for path in SIGNED_OUT_PATHS.values():
            phone.goto(live_server.url + path)
            overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
        sign_in(phone, live_server.url)
        for path in SIGNED_IN_PATHS.values():
            phone.goto(live_server.url + path)
            overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    finally:
        context.close()
