"""The anonymous feedback on a sparring day: the link needs no account, an answer stores nothing that points at a
person, one answer per browser, a forged key is 404, a closed feedback says so, and results show only once closed
and from five answers."""

from datetime import timedelta

import pytest
from django.core.signing import get_cookie_signer
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.ratelimit import RateLimit
from services import days
from services.feedback_results import day_results
from services.models import SparringFeedback
from services.views import feedback as feedback_views
from tests.conftest import client_for, refused
from tests.services.days_helpers import answer, clear_rate_limits, make_day, sparring_people_of  # noqa: F401

ANSWER = {"overall": "4", "useful": "5", "comment": "Hyvä päivä, kiitos!"}


@pytest.fixture
def sparring_day(network_people):
    sparring, people = sparring_people_of(network_people)
    return sparring, make_day(sparring, days_ago=2, participants=10), people


def link(day):
    return reverse("sparring-feedback", args=[day.feedback_key])


def results_url(sparring, day):
    return reverse("sparring-feedback-results", args=[sparring.pk, day.pk])


# Anonymity.


def test_an_answer_has_no_field_that_points_at_a_person_or_a_moment():
    names = {field.name for field in SparringFeedback._meta.get_fields()}
    assert names == {"id", "day", "overall", "useful", "comment"}
    assert SparringFeedback._meta.pk.get_internal_type() == "UUIDField"


def test_anyone_with_the_link_answers_without_signing_in_and_nothing_identifying_is_kept(client, sparring_day):
    _sparring, day, _people = sparring_day
    page = client.get(link(day))
    assert page.status_code == 200 and "Palaute on nimetöntä" in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    response = client.post(link(day), ANSWER)
    assert response.status_code == 302 and response["Location"] == link(day)
    stored = SparringFeedback.objects.get()
    assert (stored.day, stored.overall, stored.useful, stored.comment) == (day, 4, 5, "Hyvä päivä, kiitos!")
    assert "sessionid" not in response.cookies
    cookie = response.cookies[feedback_views.cookie_name(day)]
    assert cookie["path"] == link(day) and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert day.feedback_key not in cookie.value


def test_a_signed_in_person_answers_anonymously_too(client, sparring_day):
    _sparring, day, people = sparring_day
    client_for(client, people["member"]).post(link(day), ANSWER)
    assert SparringFeedback.objects.count() == 1


def test_dont_know_is_stored_as_no_answer_and_the_grade_is_required(client, sparring_day):
    _sparring, day, _people = sparring_day
    response = client.post(link(day), {"useful": "eos"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Palautetta ei tallennettu." in html and "Valitse kokonaisarvio asteikolla 1–5." in html
    assert SparringFeedback.objects.count() == 0
    client.post(link(day), {"overall": "5", "useful": "eos"})
    assert SparringFeedback.objects.get().useful is None


def test_a_comment_is_kept_as_plain_text(client, sparring_day):
    sparring, day, people = sparring_day
    for n in range(5):
        Client().post(link(day), {"overall": "3", "comment": f"<script>alert({n})</script>"})
    day.feedback_closed = timezone.now()
    day.save()
    html = client_for(client, people["coach"]).get(results_url(sparring, day)).content.decode()
    assert "&lt;script&gt;alert(0)&lt;/script&gt;" in html and "<script>alert" not in html


# Once per browser.


def test_a_browser_answers_once(client, sparring_day):
    _sparring, day, _people = sparring_day
    client.post(link(day), ANSWER)
    again = client.get(link(day))
    assert again.status_code == 200 and "Olet jo vastannut tähän palautteeseen" in again.content.decode()
    assert "<form" not in again.content.decode().split("</header>")[1]
    second = client.post(link(day), ANSWER)
    assert second.status_code == 409
    assert SparringFeedback.objects.count() == 1
    assert Client().post(link(day), ANSWER).status_code == 302  # another browser
    assert SparringFeedback.objects.count() == 2


def test_a_forged_or_other_days_cookie_does_not_pass_for_an_answer(client, sparring_day):
    sparring, day, _people = sparring_day
    other = make_day(sparring, days_ago=1)
    client.cookies[feedback_views.cookie_name(day)] = "1"  # unsigned
    assert "Kokonaisarvio sparrauspäivästä" in client.get(link(day)).content.decode()
    client.post(link(other), ANSWER)
    assert "Kokonaisarvio sparrauspäivästä" in client.get(link(day)).content.decode()
    signed_elsewhere = get_cookie_signer(salt="muu").sign("1")
    client.cookies[feedback_views.cookie_name(day)] = signed_elsewhere
    assert "Kokonaisarvio sparrauspäivästä" in client.get(link(day)).content.decode()


# Keys, closing, limits.


def test_a_forged_or_unknown_key_is_404(client, sparring_day):
    _sparring, day, _people = sparring_day
    for key in ("x" * 43, day.feedback_key[:-1], day.feedback_key.upper(), "1"):
        assert client.get(reverse("sparring-feedback", args=[key])).status_code == 404
        assert client.post(reverse("sparring-feedback", args=[key]), ANSWER).status_code == 404
    assert SparringFeedback.objects.count() == 0


def test_feedback_is_open_through_the_fourteenth_day_after_and_then_closed(client, network_people):
    sparring, _people = sparring_people_of(network_people)
    sparring.decided = timezone.now() - timedelta(days=60)
    sparring.save()
    last_day = make_day(sparring, days_ago=14)
    assert client.post(link(last_day), ANSWER).status_code == 302
    past = make_day(sparring, days_ago=15)
    for response in (client.get(link(past)), client.post(link(past), ANSWER)):
        assert response.status_code == 403
        assert "Palaute tästä sparrauspäivästä on suljettu." in response.content.decode()
    assert SparringFeedback.objects.filter(day=past).count() == 0


def test_the_coach_closes_feedback_and_no_answer_is_taken_after(client, sparring_day, finnish):
    sparring, day, people = sparring_day
    close = reverse("sparring-feedback-close", args=[sparring.pk, day.pk])
    coach = client_for(client, people["coach"])
    response = coach.post(close, follow=True)
    assert "Palaute suljettu. Uusia vastauksia ei enää oteta vastaan." in response.content.decode()
    day.refresh_from_db()
    closed = day.feedback_closed
    assert closed is not None
    assert "Palaute oli jo suljettu." in coach.post(close, follow=True).content.decode()
    day.refresh_from_db()
    assert day.feedback_closed == closed

    anonymous = Client()
    response = anonymous.post(link(day), ANSWER)
    assert response.status_code == 403 and "Palaute tästä sparrauspäivästä on suljettu." in response.content.decode()
    assert SparringFeedback.objects.count() == 0
    refused("feedback_closed", days.give_feedback, day, {"overall": 5, "useful": None, "comment": ""})
    refused("not_coach", days.close_feedback, people["staff"], day)


def test_no_more_answers_than_participants(client, sparring_day, finnish):
    _sparring, day, _people = sparring_day
    day.participants = 2
    day.save()
    for _ in range(2):
        assert Client().post(link(day), ANSWER).status_code == 302
    response = Client().post(link(day), ANSWER)
    assert response.status_code == 403
    assert "on jo vastattu yhtä monta kertaa kuin sparrauspäivässä oli osallistujia" in response.content.decode()
    assert SparringFeedback.objects.count() == 2


def test_a_script_is_stopped_by_the_rate_limit(client, sparring_day, monkeypatch):
    _sparring, day, _people = sparring_day
    monkeypatch.setattr(feedback_views, "FEEDBACK_RATE", RateLimit("sparring-feedback-test", limit=3, window=600))
    for _ in range(3):
        assert Client().post(link(day), ANSWER).status_code == 302
    response = Client().post(link(day), ANSWER)
    assert response.status_code == 429 and "Yritä uudelleen 10 minuutin kuluttua." in response.content.decode()
    assert SparringFeedback.objects.count() == 3


# Results.


def test_results_show_nothing_while_open_not_even_how_many_answered(client, sparring_day):
    sparring, day, people = sparring_day
    for _ in range(6):
        answer(day, comment="Salainen kommentti")
    for role in ("coach", "staff"):
        html = client_for(client, people[role]).get(results_url(sparring, day)).content.decode()
        assert "Palaute on auki" in html and "Salainen kommentti" not in html and "Vastauksia</dt>" not in html
    assert "Sulje palaute nyt" in client_for(client, people["coach"]).get(results_url(sparring, day)).content.decode()
    assert (
        "Sulje palaute nyt" not in client_for(client, people["staff"]).get(results_url(sparring, day)).content.decode()
    )


def test_results_below_five_answers_are_not_shown(client, sparring_day):
    sparring, day, people = sparring_day
    for _ in range(4):
        answer(day, comment="Neljä vastausta")
    day.feedback_closed = timezone.now()
    day.save()
    html = client_for(client, people["staff"]).get(results_url(sparring, day)).content.decode()
    assert "Vastauksia tuli alle 5, joten tuloksia ei näytetä" in html and "Neljä vastausta" not in html
    assert not day_results(day, day.feedback_closed).shown


def test_results_from_five_answers_once_closed(client, sparring_day):
    sparring, day, people = sparring_day
    for overall, useful, comment in (
        (5, 5, "Öö, hyvä"),
        (4, None, ""),
        (4, 4, "alussa hidasta"),
        (3, 2, ""),
        (2, 5, "Bravo"),
    ):
        answer(day, overall=overall, useful=useful, comment=comment)
    day.feedback_closed = timezone.now()
    day.save()
    html = client_for(client, people["coach"]).get(results_url(sparring, day)).content.decode()
    assert "<dt>Vastauksia</dt><dd>5</dd>" in html and "3,6 / 5" in html
    assert "Keskiarvo 4,0 / 5 (4 vastausta)." in html and "En osaa sanoa: 1 vastaus." in html
    assert html.index("alussa hidasta") < html.index("Bravo") < html.index("Öö, hyvä")
    results = day_results(day, day.feedback_closed)
    assert results.count == 5 and results.overall.counts == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}


def test_the_first_look_after_the_closing_time_records_it(client, network_people):
    sparring, people = sparring_people_of(network_people)
    day = make_day(sparring, days_ago=20)
    for _ in range(5):
        answer(day)
    html = client_for(client, people["coach"]).get(results_url(sparring, day)).content.decode()
    assert "<dt>Vastauksia</dt><dd>5</dd>" in html
    day.refresh_from_db()
    assert day.feedback_closed == days.feedback_closes_at(day)
