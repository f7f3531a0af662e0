"""The notice settings page and the room's control in real Chromium: axe finds no serious or critical violation (as
shown, and with an error), the page keeps to the content security policy, and saving it works with the keyboard."""

import pytest
from django.urls import reverse

from discussions import actions as discussion_actions
from discussions.models import RoomAttention
from networks.models import NetworkPage
from notices.actions import set_network_attention
from notices.models import NetworkAttention, Preference
from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import make_membership, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(demo_site):
    """A member of two demo networks, one muted, with a room muted and one followed."""
    latu = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
    tuju = NetworkPage.objects.live().get(locale__language_code="fi", slug="tuju")
    person = make_user("asetukset@example.fi", first_name="Aino", last_name="Asetus")
    for network in (latu, tuju):
        make_membership(network, person)
    set_network_attention(person, tuju, "mute")
    # Rows of their own: the actions would tell open sockets, and Playwright's event loop runs in this thread.
    RoomAttention.objects.create(user=person, room=discussion_actions.ensure_general_room(latu), level="mute")
    RoomAttention.objects.create(user=person, room=discussion_actions.ensure_general_room(tuju), level="follow")
    return person, latu


def test_the_settings_page_and_the_rooms_control_pass_axe(live_server, member, page):
    person, latu = member
    sign_in(page, live_server, person)
    failures = {}
    settings_url = live_server.url + reverse("notice-settings")

    page.goto(settings_url)
    scan(page, failures, "notice settings")

    # Saved with the keyboard: a choice, then the button.
    page.get_by_role("group", name="Maininnat").get_by_label("Koosteessa").check()
    page.get_by_role("button", name="Tallenna asetukset").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Ilmoitusasetuksesi on tallennettu." in page.content()
    assert Preference.objects.get(user=person).delivery == "digest"
    scan(page, failures, "notice settings, saved")

    # Junk in a choice (as a forged form would post): the page says so, and nothing changed.
    page.evaluate("document.querySelector('input[name=\"kind-reply\"]').value = 'sometimes'")
    page.get_by_role("group", name="Vastaukset viesteihini").locator("input").first.check()
    page.get_by_role("button", name="Tallenna asetukset").click()
    page.wait_for_selector(".form-errors")
    assert Preference.objects.filter(user=person).count() == 1
    scan(page, failures, "notice settings with an error")

    room = discussion_actions.ensure_general_room(latu)
    page.goto(live_server.url + reverse("discussion-room", args=[latu.slug, room.pk]))
    assert page.get_by_role("group", name="Sähköposti huoneen uusista viesteistä").is_visible()
    scan(page, failures, "a room with its control")
    page.goto(live_server.url + reverse("space", args=[latu.slug]))
    scan(page, failures, "the network's front page with its control")
    assert not failures, failures


def test_the_settings_page_keeps_to_the_content_security_policy(live_server, member, browser):
    person, latu = member
    context = browser.new_context(locale="fi-FI")  # CSP enforced, unlike the axe fixture's context
    page = context.new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    try:
        sign_in(page, live_server, person)
        page.goto(live_server.url + reverse("notice-settings"))
        page.get_by_role("group", name=latu.title, exact=True).get_by_label("Hiljennä").check()
        page.get_by_role("button", name="Tallenna asetukset").click()
        page.wait_for_load_state()
        assert "Ilmoitusasetuksesi on tallennettu." in page.content()
    finally:
        context.close()
    assert violations == []
    assert NetworkAttention.objects.filter(user=person, network=latu, level="mute").exists()


def test_the_settings_page_and_the_rooms_control_fit_a_phone(live_server, member, browser):
    person, latu = member
    context = browser.new_context(viewport={"width": 320, "height": 640}, device_scale_factor=2, locale="fi-FI")
    phone = context.new_page()
    try:
        sign_in(phone, live_server, person)
        room = discussion_actions.ensure_general_room(latu)
        for path in (reverse("notice-settings"), reverse("discussion-room", args=[latu.slug, room.pk])):
            phone.goto(live_server.url + path)
            overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    finally:
        context.close()
