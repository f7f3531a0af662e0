"""A task answer's draft in real Chromium, with the site's content security policy: typed on one device, it is in
the answer box of the person's second device, and saving the answer deletes it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from networks.models import NetworkPage
from tests.browser.test_space_accessibility import sign_in
from tests.browser.test_workshop_tasks_accessibility import make_task
from tests.factories import make_membership, make_organisation, make_user
from workshops.models import AnswerDraft, Submission, WorkshopPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_answer_typed_on_one_device_is_in_the_box_on_another(live_server, demo_site, browser):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
    task = make_task(WorkshopPage.objects.live().child_of(network).first())
    member = make_user("luonnos@example.fi", first_name="Liisa", last_name="Luonnos")
    make_membership(network, member, "member", make_organisation("Luonnoskunta"))
    url = live_server.url + reverse("task", args=[network.slug, task.pk])
    laptop, phone = (browser.new_context(locale="fi-FI") for _ in range(2))
    try:
        pages = []
        for context in (laptop, phone):
            page = context.new_page()
            sign_in(page, live_server, member)
            page.goto(url)
            pages.append(page)
        on_laptop, on_phone = pages

        box = on_laptop.get_by_label("Vastaus", exact=True)
        box.press_sequentially("Meillä kokeiltiin")
        expect(on_laptop.locator("[data-draft-status]")).to_have_text("Luonnos tallennettu.")
        assert AnswerDraft.objects.get(user=member, task=task).text == "Meillä kokeiltiin"

        on_phone.reload()
        expect(on_phone.get_by_label("Vastaus", exact=True)).to_have_value("Meillä kokeiltiin")
        expect(on_phone.get_by_text("Kentässä on luonnoksesi")).to_be_visible()

        on_phone.get_by_label("Vastaus", exact=True).press("Control+End")
        on_phone.get_by_label("Vastaus", exact=True).press_sequentially(" uutta palaverimallia.")
        on_phone.get_by_role("button", name="Palauta vastaus").click()
        expect(on_phone.get_by_text("Vastauksesi on tallennettu")).to_be_visible()
        assert Submission.objects.get(task=task, user=member).text == "Meillä kokeiltiin uutta palaverimallia."
        assert not AnswerDraft.objects.filter(user=member).exists()
    finally:
        laptop.close()
        phone.close()
