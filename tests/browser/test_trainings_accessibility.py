"""axe in real Chromium finds no serious or critical violation on the trainings' pages: a demo training's public
page with its trainers and projects, the network index filtered to trainings, and in the member space the projects
list (a participant's and a trainer's view), the project form (empty, and refusing bad input) and the deletion
question."""

import pytest
from django.urls import reverse

from networks.models import NetworkIndexPage, NetworkPage, Organisation
from services.models import DevelopmentProject
from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import make_membership, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_training_pages_pass_axe(live_server, demo_site, page):
    training = NetworkPage.objects.live().get(locale__language_code="fi", slug="kemin-sisaiset-kehittajat")
    index = NetworkIndexPage.objects.get(locale__language_code="fi")
    kemi = Organisation.objects.get(name="Kemin kaupunki")
    trainer = make_user("kouluttaja@example.fi", first_name="Kaisa", last_name="Kouluttaja")
    make_membership(training, trainer, "facilitator")
    member = make_user("osallistuja@example.fi", first_name="Olli", last_name="Osallistuja")
    make_membership(training, member, "member", kemi)
    own = DevelopmentProject.objects.create(
        network=training, owner=member, organisation=kemi, title="Oma hanke", summary="Kuvaus.\n\nToinen kappale."
    )
    slug = training.slug

    failures = {}
    for name, path in {
        "training page": training.url,
        "network index, trainings": index.url + "?kind=koulutus",
    }.items():
        assert page.goto(live_server.url + path).status == 200, name
        scan(page, failures, name)

    sign_in(page, live_server, member)
    member_paths = {
        "projects list, participant": reverse("space-projects", args=[slug]),
        "new project form": reverse("space-project-new", args=[slug]),
        "project edit form": reverse("space-project-edit", args=[slug, own.pk]),
        "project deletion question": reverse("space-project-delete", args=[slug, own.pk]),
    }
    for name, path in member_paths.items():
        assert page.goto(live_server.url + path).status == 200, name
        scan(page, failures, name)

    page.goto(live_server.url + member_paths["new project form"])
    page.get_by_role("button", name="Lisää hanke").click()
    page.wait_for_load_state()
    assert "Anna hankkeelle nimi." in page.content()
    scan(page, failures, "project form, refused")

    sign_in(page, live_server, trainer)
    assert page.goto(live_server.url + reverse("space-projects", args=[slug])).status == 200
    scan(page, failures, "projects list, trainer")

    assert not failures, failures
