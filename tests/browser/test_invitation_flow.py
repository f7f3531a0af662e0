"""In real Chromium: an invitee follows the link, creates an account and lands in the member space; and axe
finds no serious or critical violation on the facilitator tools and the invitation pages."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from networks.actions import create_invitation, request_to_join, revoke_invitation
from networks.models import Invitation, Membership, NetworkPage
from tests.browser.test_accessibility import serious_violations
from tests.factories import make_membership, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kuntakehittaja-2026!"


def sign_in(page, live_server, user):
    """Signs the browser in as `user` with a session made by Django's test client."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def facilitator_of(network):
    facilitator = make_user("fanni.fasilitaattori@example.fi", first_name="Fanni", last_name="Fasilitaattori")
    make_membership(network, facilitator, "facilitator")
    return facilitator


def test_invitee_signs_up_through_the_link_and_lands_in_the_member_space(live_server, demo_site, page):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="lean")
    organisation = make_organisation("Kutsukunta")
    invitation, token = create_invitation(
        network, "uusi.jasen@example.fi", "contact", organisation, facilitator_of(network)
    )

    page.goto(live_server.url + reverse("invitation", args=[token]))
    assert network.title in page.locator("h1").inner_text()
    assert "Fanni Fasilitaattori" in page.locator("main").inner_text()

    page.locator("main").get_by_role("link", name="Luo tunnus").click()
    page.wait_for_url("**/tili/signup/**")
    email = page.locator('input[name="email"]')
    if not email.input_value():
        email.fill("uusi.jasen@example.fi")
    assert email.input_value() == "uusi.jasen@example.fi"
    page.locator('input[name="password1"]').fill(PASSWORD)
    if page.locator('input[name="password2"]').count():
        page.locator('input[name="password2"]').fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Luo tunnus").click()

    # allauth's adapter brings the new account back to the invitation (the address needed no separate
    # verification: the link proved it); one button accepts it.
    page.wait_for_url(f"**{reverse('invitation', args=[token])}")
    page.get_by_role("button", name="Liity verkostoon").click()
    page.wait_for_url(f"**{reverse('space', args=[network.slug])}")
    assert page.locator("h1").count() == 1

    membership = Membership.objects.active().get(network=network, user__email="uusi.jasen@example.fi")
    assert (membership.role, membership.organisation) == ("contact", organisation)
    invitation.refresh_from_db()
    assert invitation.accepted is not None and invitation.accepted_by_id == membership.user_id

    # The link is used now.
    response = page.goto(live_server.url + reverse("invitation", args=[token]))
    assert response.status == 410
    assert "Kutsu on jo käytetty" in page.locator("h1").inner_text()


def test_facilitator_tools_and_invitation_pages_pass_axe(live_server, demo_site, page):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="lean")
    NetworkPage.objects.filter(pk=network.pk).update(status=NetworkPage.Status.OPEN)
    facilitator = facilitator_of(network)
    organisation = make_organisation("Saavutettavuuskunta")
    for n in range(3):
        make_membership(network, make_user(f"jasen{n}@example.fi", first_name="Jaana", last_name=f"Jäsen {n}"))
    _open, open_token = create_invitation(network, "auki@example.fi", "member", organisation, facilitator)
    _used, used_token = create_invitation(network, "kaytetty@example.fi", "member", None, facilitator)
    revoked, revoked_token = create_invitation(network, "peruttu@example.fi", "member", None, facilitator)
    revoke_invitation(revoked)
    expired, expired_token = create_invitation(network, "vanha@example.fi", "member", None, facilitator)
    Invitation.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(days=1))
    request_to_join(network, make_user("hakija@example.fi"), organisation, "Haluamme mukaan kehittämään.")
    member_id = Membership.objects.filter(network=network, user__email="jasen0@example.fi").get().pk

    failures = {}

    def check(name, path=None, status=200):
        if path is not None:
            response = page.goto(live_server.url + path)
            assert response.status == status, name
        assert page.locator("h1").count() == 1, name
        violations = serious_violations(page)
        if violations:
            failures[name] = violations

    # Invitation pages, signed out.
    check("invitation, signed out", reverse("invitation", args=[open_token]))
    check("invitation link unknown", "/kutsu/ei-tallaista/", status=404)
    check("invitation revoked", reverse("invitation", args=[revoked_token]), status=410)
    check("invitation expired", reverse("invitation", args=[expired_token]), status=410)

    # The network page's join form, for a signed-in outsider, with and without errors.
    outsider = make_user("ulkopuolinen@example.fi")
    sign_in(page, live_server, outsider)
    check("network page with the join form", network.url)
    page.get_by_role("button", name="Lähetä liittymispyyntö").click()
    page.wait_for_load_state()
    assert "Valitse organisaatio, jota edustat." in page.locator("#liity").inner_text()
    check("network page, join form with errors")
    check("invitation, signed in", reverse("invitation", args=[open_token]))
    page.context.clear_cookies()

    # The facilitator tools.
    sign_in(page, live_server, facilitator)
    check("members", reverse("manage-members", args=[network.slug]))
    page.get_by_role("link", name="Poista verkostosta… Jaana Jäsen 0").click()
    page.wait_for_load_state()
    check("remove, confirmation")
    check("invitations", reverse("manage-invitations", args=[network.slug]))
    page.get_by_label("Sähköpostiosoitteet").fill("hyva@example.fi\nei-osoite")
    page.get_by_role("button", name="Lähetä kutsut").click()
    page.wait_for_load_state()
    assert "ei-osoite" in page.locator("main").inner_text()
    check("invitations, form with errors")
    check("join requests", reverse("manage-join-requests", args=[network.slug]))
    page.get_by_role("button", name=re.compile(r"^Hyväksy jäseneksi\W+hakija@example\.fi$")).click()
    page.wait_for_load_state()
    check("join requests, after a decision (message)")
    assert Membership.objects.active().filter(network=network, user__email="hakija@example.fi").exists()
    assert Membership.objects.active().filter(pk=member_id).exists()  # the confirmation step changed nothing

    # A used link, as the person who used it.
    user = make_user("kaytetty@example.fi")
    page.context.clear_cookies()
    sign_in(page, live_server, user)
    page.goto(live_server.url + reverse("invitation", args=[used_token]))
    page.get_by_role("button", name="Liity verkostoon").click()
    page.wait_for_load_state()
    check("invitation used", reverse("invitation", args=[used_token]), status=410)

    assert not failures, failures


def test_manage_pages_do_not_scroll_sideways_on_a_phone(live_server, demo_site, browser):
    """Wide tables scroll inside their own region (site/static/css/manage.css, linked from base.html)."""
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="lean")
    facilitator = facilitator_of(network)
    for n in range(3):
        member = make_user(f"pitka.nimi.{n}@kuntayhtyma.example.fi", first_name="Maria-Liisa", last_name="Esimerkki")
        make_membership(network, member, "contact", make_organisation(f"Pohjois-Pohjanmaan kuntayhtymä {n}"))
        create_invitation(network, f"kutsu.{n}@kuntayhtyma.example.fi", "member", None, facilitator)
    context = browser.new_context(viewport={"width": 320, "height": 640}, device_scale_factor=2)
    phone = context.new_page()
    try:
        sign_in(phone, live_server, facilitator)
        for name in ("manage-members", "manage-invitations", "manage-join-requests"):
            phone.goto(live_server.url + reverse(name, args=[network.slug]))
            overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px"
    finally:
        context.close()
