"""axe in real Chromium finds no serious or critical violation on the pages of workshop tasks: the task page
with answers and files (a facilitator's view, and a member's answer form showing a refused file), the
answers overview, the task form and the workshop page's task list."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.text import render_markdown
from networks.models import NetworkPage
from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import make_membership, make_organisation, make_user
from workshops import answers as actions
from workshops.models import Task, WorkshopPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def make_task(workshop, **fields):
    task = Task(
        workshop=workshop,
        title=fields.pop("title", "Nykytilan kuvaus"),
        instructions="Kuvatkaa **nykytila**:\n\n- mikä toimii\n- mikä ei\n\nLisätietoa: https://example.org/ohje",
        due=timezone.now() + timedelta(days=5),
        **fields,
    )
    task.instructions_html = render_markdown(task.instructions)
    task.save()
    return task


def test_task_pages_pass_axe(live_server, demo_site, page, private_media):
    network = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
    workshop = WorkshopPage.objects.live().child_of(network).first()
    organisation = make_organisation("Saavutettavuuskunta")
    facilitator = make_user("fasilitaattori@example.fi", first_name="Fanni", last_name="Fasilitaattori")
    make_membership(network, facilitator, "facilitator")
    member = make_user("jasen@example.fi", first_name="Jaana", last_name="Jäsen")
    make_membership(network, member, "member", organisation)
    contact = make_user("yhteys@example.fi", first_name="Ylva", last_name="Yhteys")
    make_membership(network, contact, "contact", make_organisation("Toinen kunta"))
    make_membership(network, make_user("yksin@example.fi", first_name="Yrjö", last_name="Yksin"))

    task = make_task(workshop, answers_visible=True)
    shared = make_task(workshop, title="Organisaation kokeilu", kind="inter", answered_by="organisation")
    actions.save_answer(
        task,
        member,
        None,
        "Meillä **toimii** palaverikäytäntö.\n\n> Lainaus",
        [SimpleUploadedFile("Raportti.pdf", PDF)],
    )
    actions.save_answer(task, contact, None, "- yksi\n- kaksi", [])
    actions.save_answer(shared, member, organisation, "Yhteinen vastaus", [])
    slug = network.slug

    sign_in(page, live_server, facilitator)
    paths = {
        "task page with answers": reverse("task", args=[slug, task.pk]),
        "answers overview, per person": reverse("task-answers", args=[slug, task.pk]),
        "answers overview, per organisation": reverse("task-answers", args=[slug, shared.pk]),
        "new task form": reverse("task-create", args=[slug, workshop.pk]),
        "task edit form": reverse("task-edit", args=[slug, task.pk]),
        "workshop page with tasks": reverse("space-workshop", args=[slug, workshop.pk]),
    }
    failures = {}
    for name, path in paths.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        scan(page, failures, name)

    # The task form showing its errors.
    page.goto(live_server.url + paths["new task form"])
    page.get_by_role("button", name="Julkaise tehtävä").click()
    page.wait_for_load_state()
    assert "Anna tehtävälle otsikko" in page.content()
    scan(page, failures, "task form, refused")

    # A member's answer form refusing a file.
    sign_in(page, live_server, member)
    page.goto(live_server.url + reverse("task", args=[slug, task.pk]))
    page.set_input_files(
        "#id_files", files=[{"name": "ohjelma.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    page.get_by_role("button", name="Tallenna muutokset").click()
    page.wait_for_load_state()
    assert "ohjelma.exe: Tiedostotyyppi" in page.content()
    scan(page, failures, "answer form, file refused")

    assert not failures, failures
