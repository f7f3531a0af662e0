"""axe in real Chromium finds no serious or critical violation on the workshop feedback form (empty, with
an error, answered) and on the facilitator's results (open, closed with too few answers, closed with enough)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import build_site, make_membership, make_network, make_organisation, make_user, make_workshop
from workshops.models import Feedback, FeedbackClosure, FeedbackRespondent, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_workshop(transactional_db):
    """A network with a facilitator and a member, and three workshops held: one whose feedback closed with
    four answers, one closed with six, and yesterday's, still open, which the member attended."""
    _home, index = build_site()
    organisation = make_organisation("Saavutettavuuskunta")
    network = make_network(index, "Lean-verkosto", organisations=[organisation])
    facilitator = make_user("fasilitaattori@example.fi", first_name="Fanni", last_name="Fasilitaattori")
    make_membership(network, facilitator, "facilitator")
    member = make_membership(
        network, make_user("jasen@example.fi", first_name="Jaana", last_name="Jäsen"), "member", organisation
    ).user
    few = make_workshop(network, days_from_now=-3)
    many = make_workshop(network, days_from_now=-2)
    open_workshop = make_workshop(network, days_from_now=-1)
    Registration.objects.create(workshop=open_workshop, user=member, response="yes", attended=True)
    for workshop, grades in ((few, [4, 4, 5, 3]), (many, [5, 4, 4, 3, 5, 2])):
        for index, grade in enumerate(grades):
            FeedbackRespondent.objects.create(workshop=workshop, user=make_user())
            Feedback.objects.create(
                workshop=workshop,
                overall=grade,
                met_expectations=[5, 4, None, 3, 2, 1][index],
                learned_from_others=[4, 4, 4, 5, None, None][index],
                comment=["Hyvä päivä.", "", "Enemmän aikaa ryhmätöille,\nkiitos!", "", "", "Kahvi loppui."][index],
            )
        FeedbackClosure.objects.create(workshop=workshop, closed=timezone.now())
    return network, few, many, open_workshop, facilitator, member


def test_feedback_form_passes_axe(live_server, page, held_workshop):
    network, _few, _many, open_workshop, _facilitator, member = held_workshop
    sign_in(page, live_server, member)
    url = live_server.url + reverse("workshop-feedback", args=[network.slug, open_workshop.pk])
    failures = {}

    assert page.goto(url).status == 200
    scan(page, failures, "empty form")

    page.get_by_role("radio", name="Täysin samaa mieltä").first.check()
    page.get_by_role("button", name="Lähetä palaute").click()
    page.wait_for_load_state()
    assert "Palautetta ei tallennettu" in page.content()
    scan(page, failures, "grade missing")

    page.get_by_role("radio", name="4 – hyvä").check()
    page.get_by_role("group", name="Opin muiden organisaatioiden kokemuksista.").get_by_role(
        "radio", name="En osaa sanoa"
    ).check()
    page.get_by_label("Vapaa palaute").fill("Selkeä ohjelma.")
    page.get_by_role("button", name="Lähetä palaute").click()
    page.wait_for_load_state()
    assert "Kiitos palautteestasi" in page.content()
    scan(page, failures, "workshop page, answered")
    assert FeedbackRespondent.objects.filter(workshop=open_workshop, user=member).exists()
    answer = Feedback.objects.get(workshop=open_workshop)
    assert (answer.overall, answer.met_expectations, answer.learned_from_others) == (4, 5, None)

    assert page.goto(url).status == 200
    assert "Olet jo antanut palautteen tästä työpajasta. Kiitos!" in page.content()
    scan(page, failures, "answered already")

    assert not failures, failures


def test_feedback_results_pass_axe(live_server, page, held_workshop):
    network, few, many, open_workshop, facilitator, _member = held_workshop
    sign_in(page, live_server, facilitator)
    failures = {}

    def results(workshop):
        url = live_server.url + reverse("workshop-feedback-results", args=[network.slug, workshop.pk])
        assert page.goto(url).status == 200
        return page.content()

    assert "Palaute on auki" in results(open_workshop)
    scan(page, failures, "open, with the button that closes it")

    assert "Vastauksia tuli alle 5" in results(few)
    scan(page, failures, "closed with four answers")

    content = results(many)
    assert "3,8 / 5" in content
    assert "Kahvi loppui." in content
    scan(page, failures, "closed with six answers")

    assert page.goto(live_server.url + network.url).status == 200
    assert "Työpajojen palautteen keskiarvo 3,8 / 5 (6 vastausta)" in page.content()
    scan(page, failures, "network page with the average")

    assert not failures, failures
