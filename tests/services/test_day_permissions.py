"""The permission matrix of every address of the sparring days: anonymous, a signed-in outsider, a member of
another network, a member and the facilitator of the applicant's network, the programme office, the applicant,
another coach and the assigned coach — on every page and every POST. Someone who does not see the request gets
404 (its id reveals nothing); someone who sees it but may not act gets 403 and nothing changes."""

import pytest
from django.urls import reverse

from services.models import SparringDay
from tests.conftest import client_for
from tests.factories import make_tori
from tests.services.days_helpers import SPARRING_ROLES, counts, day_data, make_day, sparring_people_of
from tori.models import ActPage

SIGN_IN = "sign in"
SEES = ("staff", "applicant", "coach")

# The status each role gets: a role not listed does not see the request (404).
EXPECTED = {
    "days": {"staff": 200, "applicant": 200, "coach": 200},
    "day-new": {"staff": 403, "applicant": 403, "coach": 200},
    "day-new POST": {"staff": 403, "applicant": 403, "coach": 302},
    "day-edit": {"staff": 403, "applicant": 403, "coach": 200},
    "day-edit POST": {"staff": 403, "applicant": 403, "coach": 302},
    "feedback-results": {"staff": 200, "applicant": 403, "coach": 200},
    "feedback-close POST": {"staff": 403, "applicant": 403, "coach": 302},
    "to-act": {"staff": 403, "applicant": 200, "coach": 403},
    "to-act POST": {"staff": 403, "applicant": 302, "coach": 403},
}


@pytest.fixture
def sparring_day(network_people):
    network, _other, _people = network_people
    sparring, people = sparring_people_of(network_people)
    make_tori(network.get_parent().get_parent())
    return sparring, make_day(sparring, days_ago=2), people


def act_post():
    return {
        "title": "Laskujen kierto puolittui",
        "sector": "talous",
        "how_to_copy": "Kuvatkaa prosessi yhdessä.",
        "consent": "on",
        "consent_given_by": "Talousjohtaja",
        "consent_date": "2024-01-15",
    }


def request_of(name, sparring, day):
    """(method, url, data) of the matrix's address `name`."""
    urls = {
        "days": reverse("sparring-days", args=[sparring.pk]),
        "day-new": reverse("sparring-day-new", args=[sparring.pk]),
        "day-edit": reverse("sparring-day-edit", args=[sparring.pk, day.pk]),
        "feedback-results": reverse("sparring-feedback-results", args=[sparring.pk, day.pk]),
        "feedback-close": reverse("sparring-feedback-close", args=[sparring.pk, day.pk]),
        "to-act": reverse("sparring-to-act", args=[sparring.pk]),
    }
    page, _space, method = name.partition(" ")
    data = {"day-new": day_data(days_ago=1), "day-edit": day_data(days_ago=3), "to-act": act_post()}.get(page, {})
    return method or "GET", urls[page], data


def state(day):
    day.refresh_from_db()
    return counts(), ActPage.objects.count(), day.date, day.feedback_closed


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("role", SPARRING_ROLES)
def test_the_matrix(client, sparring_day, name, role):
    sparring, day, people = sparring_day
    method, url, data = request_of(name, sparring, day)
    before = state(day)
    client_for(client, people[role])
    response = client.post(url, data) if method == "POST" else client.get(url)
    expected = SIGN_IN if role == "anonymous" else EXPECTED[name].get(role, 404)
    if expected == SIGN_IN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, (role, name, response.status_code)
    if method == "POST" and expected != 302:
        assert state(day) == before


def test_a_refusal_says_why_in_finnish(client, sparring_day):
    sparring, day, people = sparring_day
    for role, name, message in (
        ("staff", "day-new", "Sparrauspäivät kirjaa sparraukseen nimetty sparraaja."),
        ("applicant", "day-edit", "Sparrauspäivät kirjaa sparraukseen nimetty sparraaja."),
        ("applicant", "feedback-results", "Palautteen tulokset näkyvät sparraajalle ja ohjelmatoimistolle."),
        ("staff", "feedback-close POST", "Palautteen sulkee sparrauspäivän sparraaja."),
        ("coach", "to-act", "Sparrauksesta tekee kehittämisteon sparrausta hakenut työpaikan yhteyshenkilö."),
    ):
        method, url, data = request_of(name, sparring, day)
        client_for(client, people[role])
        response = client.post(url, data) if method == "POST" else client.get(url)
        assert response.status_code == 403 and message in response.content.decode()


@pytest.mark.parametrize("role", SPARRING_ROLES)
def test_the_feedback_link_needs_no_signing_in_and_the_results_are_not_on_it(client, sparring_day, role):
    sparring, day, people = sparring_day
    response = client_for(client, people[role]).get(reverse("sparring-feedback", args=[day.feedback_key]))
    assert response.status_code == 200 and "Kokonaisarvio sparrauspäivästä" in response.content.decode()


def test_the_links_each_role_sees_on_the_days_page(client, sparring_day):
    sparring, day, people = sparring_day
    url = reverse("sparring-days", args=[sparring.pk])
    feedback_link = reverse("sparring-feedback", args=[day.feedback_key])
    results, new, edit, to_act = (
        f'href="{reverse(name, args=args)}"'
        for name, args in (
            ("sparring-feedback-results", [sparring.pk, day.pk]),
            ("sparring-day-new", [sparring.pk]),
            ("sparring-day-edit", [sparring.pk, day.pk]),
            ("sparring-to-act", [sparring.pk]),
        )
    )
    pages = {role: client_for(client, people[role]).get(url).content.decode() for role in SEES}
    assert all(link in pages["coach"] for link in (feedback_link, results, new, edit))
    assert to_act not in pages["coach"]
    assert results in pages["staff"] and not any(link in pages["staff"] for link in (feedback_link, new, edit, to_act))
    assert to_act in pages["applicant"]
    assert not any(link in pages["applicant"] for link in (feedback_link, results, new, edit))
    assert "Kuvasimme laskujen kierron seinälle" in pages["applicant"]
    assert "Laskut käsitellään nyt kahdessa vaiheessa." in pages["applicant"]


def test_an_id_of_someone_elses_request_or_day_is_404_even_for_a_coach(client, sparring_day):
    sparring, day, people = sparring_day
    coach = client_for(client, people["other_coach"])
    for url in (
        reverse("sparring-days", args=[sparring.pk]),
        reverse("sparring-feedback-results", args=[sparring.pk, day.pk]),
        reverse("sparring-days", args=[999_999]),
    ):
        assert coach.get(url).status_code == 404
    assert (
        client_for(client, people["coach"]).get(reverse("sparring-day-edit", args=[sparring.pk, 999_999])).status_code
        == 404
    )
    assert SparringDay.objects.count() == 1


def test_wrong_methods_are_refused(client, sparring_day):
    sparring, day, people = sparring_day
    coach = client_for(client, people["coach"])
    assert coach.get(reverse("sparring-feedback-close", args=[sparring.pk, day.pk])).status_code == 405
    assert coach.post(reverse("sparring-days", args=[sparring.pk])).status_code == 405
    assert coach.post(reverse("sparring-feedback-results", args=[sparring.pk, day.pk])).status_code == 405
    day.refresh_from_db()
    assert day.feedback_closed is None
