"""axe in real Chromium finds no serious or critical violation on the sparring days' pages: the days (for the
coach, the office and the applicant), the coach's log form (empty and with errors), the anonymous feedback form
(open, answered, closed), its results (open, closed with too few answers, closed with enough) and the applicant's
consent form for a Tekojen Tori draft."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.test_accessibility import scan
from tests.browser.test_space_accessibility import sign_in
from tests.factories import build_site, make_membership, make_network, make_organisation, make_tori, make_user
from tests.services.days_helpers import answer, make_day, make_expert, make_sparring

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sparring(transactional_db):
    """An accepted request with three days: one whose feedback closed with six answers, one closed with three,
    and yesterday's, still open."""
    home, index = build_site()
    make_tori(home)
    organisation = make_organisation("Saavutettavuuskunta")
    network = make_network(index, "Lean-verkosto", organisations=[organisation])
    applicant = make_user("hakija@example.fi", first_name="Hanna", last_name="Hakija")
    make_membership(network, applicant, "member", organisation)
    coach = make_user("sparraaja@example.fi", first_name="Sakari", last_name="Sparraaja")
    staff = make_user("ohjelmatoimisto@example.fi", is_staff=True)
    sparring = make_sparring(organisation, applicant, make_expert(coach, "Sakari Sparraaja"), days_granted=5)
    many = make_day(sparring, days_ago=20, participants=30, women=24, men=6, employees=20, supervisors=7, managers=3)
    for grade, comment in ((5, "Selkeä päivä."), (4, ""), (4, "Lisää aikaa."), (3, ""), (5, ""), (2, "Kahvi loppui.")):
        answer(many, overall=grade, useful=grade, comment=comment)
    few = make_day(sparring, days_ago=10)
    for grade in (4, 5, 3):
        answer(few, overall=grade)
    few.feedback_closed = timezone.now()
    few.save()
    open_day = make_day(sparring, days_ago=1)
    return sparring, (many, few, open_day), {"applicant": applicant, "coach": coach, "staff": staff}


def test_days_pages_pass_axe(live_server, page, sparring):
    request, (many, few, open_day), people = sparring
    failures = {}

    def visit(name, *args):
        response = page.goto(live_server.url + reverse(name, args=args))
        return response.status

    sign_in(page, live_server, people["coach"])
    assert visit("sparring-days", request.pk) == 200
    scan(page, failures, "days, coach")
    assert visit("sparring-day-new", request.pk) == 200
    scan(page, failures, "log form, empty")
    page.get_by_label("Naisia").fill("2")
    page.get_by_label("Lyhyt raportti").fill("")
    page.get_by_role("button", name="Tallenna sparrauspäivä").click()
    page.wait_for_load_state()
    assert "Sparrauspäivää ei tallennettu" in page.content()
    scan(page, failures, "log form, with errors")
    assert visit("sparring-day-edit", request.pk, few.pk) == 200
    scan(page, failures, "log form, correcting")
    assert visit("sparring-feedback-results", request.pk, open_day.pk) == 200
    assert "Palaute on auki" in page.content()
    scan(page, failures, "results, open")
    assert visit("sparring-feedback-results", request.pk, few.pk) == 200
    assert "Vastauksia tuli alle 5" in page.content()
    scan(page, failures, "results, too few")
    assert visit("sparring-feedback-results", request.pk, many.pk) == 200
    assert "Kahvi loppui." in page.content()
    scan(page, failures, "results, shown")

    sign_in(page, live_server, people["staff"])
    assert visit("sparring-days", request.pk) == 200
    assert "Osallistujat sukupuolen ja aseman mukaan" in page.content()
    scan(page, failures, "days, office")

    sign_in(page, live_server, people["applicant"])
    assert visit("sparring-days", request.pk) == 200
    scan(page, failures, "days, applicant")
    assert visit("sparring-to-act", request.pk) == 200
    scan(page, failures, "to act, empty")
    page.get_by_role("button", name="Tee luonnos").click()
    page.wait_for_load_state()
    assert "Luonnosta ei tehty" in page.content()
    scan(page, failures, "to act, with errors")

    assert not failures, failures


def test_feedback_form_passes_axe(live_server, page, sparring):
    _request, (many, _few, open_day), _people = sparring
    failures = {}

    assert page.goto(live_server.url + reverse("sparring-feedback", args=[open_day.feedback_key])).status == 200
    scan(page, failures, "feedback, open")
    page.get_by_role("button", name="Lähetä palaute").click()
    page.wait_for_load_state()
    assert "Palautetta ei tallennettu" in page.content()
    scan(page, failures, "feedback, grade missing")
    page.get_by_role("radio", name="4 – hyvä").check()
    page.get_by_role("radio", name="En osaa sanoa").check()
    page.get_by_label("Terveiset sparraajalle").fill("Kiitos!")
    page.get_by_role("button", name="Lähetä palaute").click()
    page.wait_for_load_state()
    assert "Kiitos palautteestasi!" in page.content()
    scan(page, failures, "feedback, answered")

    assert page.goto(live_server.url + reverse("sparring-feedback", args=[many.feedback_key])).status == 403
    assert "Palaute tästä sparrauspäivästä on suljettu." in page.content()
    scan(page, failures, "feedback, closed")

    assert not failures, failures
