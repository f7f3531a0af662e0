"""Sparring requests: applying, the office's decisions and their life cycle, the year's day budget, every bad input
refused with a clear message and nothing stored, and the e-mails in each recipient's language."""

from unittest import mock

import pytest
from django.core import mail
from django.db.models import QuerySet
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from services import requests as actions
from services.models import DevelopmentTheme, SparringBudget, SparringRequest
from tests.conftest import client_for, refused
from tests.factories import make_membership, make_organisation, make_user
from tests.services.request_helpers import (
    apply_form,
    counts,
    make_budget,
    make_expert,
    make_request,
    request_input,
    sparring_people_of,
)

Status = SparringRequest.Status


@pytest.fixture
def people(network_people, finnish):
    """(organisation, people, coach, other coach): the member applies for "Sipoon kunta"; a budget of 20 days for
    the current year; the accepted request of sparring_people_of is deleted, so the budget is unused."""
    _network, organisation, people, coach, other_coach, accepted = sparring_people_of(network_people)
    accepted.delete()
    return organisation, people, coach, other_coach


def decide(sparring_request, status, by, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return actions.decide(sparring_request, status, by, **kwargs)


# Applying.


def test_a_member_applies_for_their_organisation_for_the_current_helsinki_year(people):
    organisation, people, coach, _other = people
    data = request_input(organisation, preferred_coach=coach, themes=["strategia", "toimintakulttuuri"], unit=" Koulu ")
    sparring_request = actions.apply(people["member"], data)
    sparring_request.refresh_from_db()
    assert sparring_request.applicant == people["member"] and sparring_request.organisation == organisation
    assert sparring_request.status == Status.PENDING and sparring_request.coach is None
    assert sparring_request.themes == ["toimintakulttuuri", "strategia"]  # the choices' order
    assert sparring_request.unit == "Koulu" and sparring_request.preferred_coach == coach
    assert sparring_request.year == timezone.localtime(timezone.now(), actions.HELSINKI).year


def test_the_year_is_helsinkis_at_new_year(people):
    organisation, people, _coach, _other = people
    from datetime import UTC, datetime

    # 22.30 UTC on New Year's Eve is already the next year in Helsinki.
    with mock.patch("django.utils.timezone.now", return_value=datetime(2030, 12, 31, 22, 30, tzinfo=UTC)):
        assert actions.current_year() == 2031
        assert actions.apply(people["member"], request_input(organisation)).year == 2031


@pytest.mark.parametrize(
    ("code", "overrides"),
    [
        ("days", {"days_requested": 0}),
        ("days", {"days_requested": -1}),
        ("days", {"days_requested": 6}),
        ("days", {"days_requested": None}),
        ("themes", {"themes": []}),
        ("themes", {"themes": ["tuntematon"]}),
        ("participants", {"staff_take_part": False}),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(people, code, overrides):
    organisation, people, _coach, _other = people
    before = counts()
    refused(code, actions.apply, people["member"], request_input(organisation, **overrides))
    assert counts() == before


def test_a_coach_outside_the_active_pool_is_refused(people):
    organisation, people, _coach, _other = people
    before = counts()
    for expert in (
        make_expert("Lähtenyt Sparraaja", active=False),
        make_expert("Pelkkä Kouluttaja", is_coach=False, is_trainer=True),
    ):
        refused("coach", actions.apply, people["member"], request_input(organisation, preferred_coach=expert))
    assert counts() == before


def test_an_organisation_the_applicant_does_not_belong_to_is_refused(people):
    organisation, people, _coach, _other = people
    before = counts()
    refused("organisation", actions.apply, people["member"], request_input(make_organisation("Vieras kaupunki")))
    refused("organisation", actions.apply, people["member"], request_input(None))
    # The profile's organisation is not enough: only a membership's counts.
    outsider = people["outsider"]
    outsider.organisation = organisation
    outsider.save()
    refused("not_a_member", actions.apply, outsider, request_input(organisation))
    refused("no_organisation", actions.apply, people["facilitator"], request_input(organisation))
    assert counts() == before


def test_the_refusal_says_why_and_what_to_do(people):
    _organisation, people, _coach, _other = people
    assert "Liity organisaatiosi edustajana" in str(actions.apply_refusal(people["outsider"]).message)
    assert "Pyydä verkostosi fasilitaattoria liittämään sinut" in str(
        actions.apply_refusal(people["facilitator"]).message
    )
    assert actions.apply_refusal(people["member"]) is None


def test_a_member_who_left_may_no_longer_apply(people, network_people):
    organisation, people, _coach, _other = people
    network = network_people[0]
    membership = network.memberships.get(user=people["contact"])
    membership.left = timezone.localdate()
    membership.save()
    refused("not_a_member", actions.apply, people["contact"], request_input(organisation))


def test_the_form_refuses_each_bad_input_with_its_message_and_stores_nothing(client, people):
    organisation, people, _coach, _other = people
    inactive = make_expert("Lähtenyt Sparraaja", active=False)
    client_for(client, people["member"])
    before = counts()
    for overrides, message in (
        ({"days_requested": "0"}, "Sparrauspäiviä voi olla 1–5 yhtä hakemusta kohden."),
        ({"days_requested": "6"}, "Sparrauspäiviä voi olla 1–5 yhtä hakemusta kohden."),
        ({"days_requested": "kolme"}, "Sparrauspäiviä voi olla 1–5 yhtä hakemusta kohden."),
        ({"themes": []}, "Valitse vähintään yksi teema"),
        ({"themes": ["tuntematon"]}, "Valitse vähintään yksi teema"),
        ({"participants": []}, "Kerro, ketkä sparraukseen osallistuvat"),
        ({"preferred_coach": str(inactive.pk)}, "ei ole ohjelman sparraajapoolissa"),
        (
            {"organisation": str(make_organisation("Vieras kaupunki").pk)},
            "Voit hakea sparrausta vain sen organisaation",
        ),
        ({"unit": ""}, "Kerro, mille yksikölle tai toimialalle"),
        ({"contact_email": "ei-osoite"}, "Kirjoita sähköpostiosoite muodossa"),
    ):
        response = client.post(reverse("sparring-apply"), apply_form(organisation, **overrides))
        html = response.content.decode()
        assert response.status_code == 400, overrides
        assert "Hakemusta ei lähetetty" in html and message in html, overrides
    assert counts() == before


def test_the_form_stores_a_request_and_shows_its_page(client, people):
    organisation, people, coach, _other = people
    client_for(client, people["member"])
    form = client.get(reverse("sparring-apply")).content.decode()
    assert "Sipoon kunta" in form and 'value="jasen@example.fi"' in form and coach.name in form
    response = client.post(
        reverse("sparring-apply"),
        apply_form(organisation, preferred_coach=str(coach.pk), themes=["strategia", "tyohyvinvointi"]),
    )
    sparring_request = SparringRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "sparring-request", args=[sparring_request.pk]
    )
    assert sparring_request.supervisors_take_part and sparring_request.staff_take_part
    assert not sparring_request.management_takes_part
    assert sparring_request.themes == [DevelopmentTheme.STRATEGY, DevelopmentTheme.WELLBEING]
    page = client.get(response["Location"]).content.decode()
    assert "Hakemus lähetettiin" in page and "Odottaa käsittelyä" in page and "Strategia käytäntöön" in page


def test_hostile_text_stays_inert(client, people):
    organisation, people, _coach, staff = people[0], people[1], people[2], people[1]["staff"]
    client_for(client, people["member"])
    client.post(reverse("sparring-apply"), apply_form(organisation, unit="<script>alert(1)</script>", goals="<b>x</b>"))
    sparring_request = SparringRequest.objects.get()
    for url, user in (
        (reverse("sparring-request", args=[sparring_request.pk]), people["member"]),
        (reverse("sparring-office"), staff),
        (reverse("sparring-decide", args=[sparring_request.pk]), staff),
    ):
        html = client_for(client, user).get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html, url
        assert "<b>x</b>" not in html


# The office's decisions and the life cycle.


def test_accepting_assigns_the_coach_and_days_and_tells_the_applicant_and_the_coach(people):
    organisation, people, coach, _other = people
    sparring_request = make_request(people["member"], organisation)
    row = decide(sparring_request, Status.ACCEPTED, people["staff"], coach=coach, days_granted=3, reason=" Tervetuloa ")
    row.refresh_from_db()
    assert (row.status, row.coach, row.days_granted) == (Status.ACCEPTED, coach, 3)
    assert row.decided_by == people["staff"] and row.decided is not None and row.decision_reason == "Tervetuloa"
    assert sorted(message.to[0] for message in mail.outbox) == ["jasen@example.fi", "sparraaja@example.fi"]
    to_applicant = next(message for message in mail.outbox if message.to == ["jasen@example.fi"])
    assert "hyväksytty" in to_applicant.subject and "Sanna Sparraaja" in to_applicant.body
    assert reverse("sparring-request", args=[row.pk]) in to_applicant.body
    to_coach = next(message for message in mail.outbox if message.to == ["sparraaja@example.fi"])
    assert "sparraajaksi" in to_coach.subject and "maija@example.fi" in to_coach.body


def test_declining_needs_a_reason_which_the_applicant_gets(people):
    organisation, people, _coach, _other = people
    sparring_request = make_request(people["member"], organisation)
    before = counts()
    refused("no_reason", actions.decide, sparring_request, Status.DECLINED, people["staff"], reason="  ")
    assert counts() == before and SparringRequest.objects.get().status == Status.PENDING
    decide(sparring_request, Status.DECLINED, people["staff"], reason="Vuoden päivät on jo jaettu.")
    assert SparringRequest.objects.get().status == Status.DECLINED
    assert [message.to for message in mail.outbox] == [["jasen@example.fi"]]
    assert "Vuoden päivät on jo jaettu." in mail.outbox[0].body


def test_on_hold_then_accepted_or_declined_and_decided_is_final(people):
    organisation, people, coach, _other = people
    staff = people["staff"]
    held = make_request(people["member"], organisation)
    decide(held, Status.ON_HOLD, staff)
    assert SparringRequest.objects.get(pk=held.pk).status == Status.ON_HOLD
    assert "pitoon" in mail.outbox[0].subject
    refused("already_on_hold", actions.decide, held, Status.ON_HOLD, staff, reason="Uudestaan")
    decide(held, Status.ACCEPTED, staff, coach=coach, days_granted=1)
    for status, kwargs in (
        (Status.DECLINED, {"reason": "Ei"}),
        (Status.ON_HOLD, {}),
        (Status.ACCEPTED, {"coach": coach, "days_granted": 2}),
    ):
        refused("already_decided", actions.decide, held, status, staff, **kwargs)
    declined = make_request(people["member"], organisation)
    decide(declined, Status.DECLINED, staff, reason="Ei tänä vuonna")
    refused("already_decided", actions.decide, declined, Status.ACCEPTED, staff, coach=coach, days_granted=1)
    held.refresh_from_db()
    assert (held.status, held.days_granted) == (Status.ACCEPTED, 1)


def test_accepting_needs_a_coach_of_the_active_pool_and_one_to_five_days(people):
    organisation, people, coach, _other = people
    staff = people["staff"]
    sparring_request = make_request(people["member"], organisation)
    trainer = make_expert("Pelkkä Kouluttaja", is_coach=False, is_trainer=True)
    inactive = make_expert("Lähtenyt", active=False)
    before = counts()
    refused("no_coach", actions.decide, sparring_request, Status.ACCEPTED, staff, days_granted=2)
    refused("coach", actions.decide, sparring_request, Status.ACCEPTED, staff, coach=trainer, days_granted=2)
    refused("coach", actions.decide, sparring_request, Status.ACCEPTED, staff, coach=inactive, days_granted=2)
    for days in (None, 0, 6):
        refused(
            "days_granted", actions.decide, sparring_request, Status.ACCEPTED, staff, coach=coach, days_granted=days
        )
    refused("decision", actions.decide, sparring_request, "tuntematon", staff)
    refused("not_office", actions.decide, sparring_request, Status.ON_HOLD, people["facilitator"])
    assert counts() == before and SparringRequest.objects.get().status == Status.PENDING


# The budget.


def test_the_budget_of_the_requests_year_is_respected(people):
    organisation, people, coach, _other = people
    staff = people["staff"]
    SparringBudget.objects.filter(year=actions.current_year()).update(days=6)
    first = make_request(people["member"], organisation)
    second = make_request(people["member"], organisation)
    decide(first, Status.ACCEPTED, staff, coach=coach, days_granted=4)
    assert actions.budget_status(actions.current_year()) == actions.BudgetStatus(actions.current_year(), 6, 4)
    refusal = refused("over_budget", actions.decide, second, Status.ACCEPTED, staff, coach=coach, days_granted=3)
    assert "jäljellä on 2" in str(refusal.message) and "Myönnä enintään 2 päivää" in str(refusal.message)
    assert SparringRequest.objects.get(pk=second.pk).status == Status.PENDING
    decide(second, Status.ACCEPTED, staff, coach=coach, days_granted=2)
    assert actions.budget_status(actions.current_year()).left == 0
    # Declined and pending requests and other years' accepted days do not count.
    third = make_request(people["member"], organisation, year=actions.current_year() - 1)
    make_budget(5, year=actions.current_year() - 1)
    decide(third, Status.ACCEPTED, staff, coach=coach, days_granted=5)
    assert actions.budget_status(actions.current_year()).used == 6


def test_a_year_without_a_budget_grants_nothing_and_says_the_office_must_set_it(people):
    organisation, people, coach, _other = people
    sparring_request = make_request(people["member"], organisation, year=2031)
    refusal = refused(
        "no_budget", actions.decide, sparring_request, Status.ACCEPTED, people["staff"], coach=coach, days_granted=1
    )
    assert "Vuoden 2031 sparrauspäivien budjettia ei ole asetettu" in str(refusal.message)
    decide(sparring_request, Status.DECLINED, people["staff"], reason="Ei budjettia")  # declining needs none


def test_the_budget_row_is_locked_while_the_days_are_counted(people):
    """Two accepts at once: each locks the request's row and then the year's budget row before counting the days
    already granted, so the second waits for the first's commit and counts its days. Checked without threads: the
    budget is read only through select_for_update, inside the transaction that saves the decision."""
    organisation, people, coach, _other = people
    sparring_request = make_request(people["member"], organisation)
    locked = []
    original = QuerySet.select_for_update

    def recording(queryset, *args, **kwargs):
        from django.db import connection

        locked.append((queryset.model.__name__, connection.in_atomic_block))
        return original(queryset, *args, **kwargs)

    with mock.patch.object(QuerySet, "select_for_update", recording):
        decide(sparring_request, Status.ACCEPTED, people["staff"], coach=coach, days_granted=2)
    assert locked == [("SparringRequest", True), ("SparringBudget", True)]


def test_a_stale_copy_cannot_accept_twice(people):
    """The decision reads the request again under its lock: a second accept from an old copy (a double click, two
    office members) is refused and grants no more days."""
    organisation, people, coach, _other = people
    sparring_request = make_request(people["member"], organisation)
    stale = SparringRequest.objects.get(pk=sparring_request.pk)
    decide(sparring_request, Status.ACCEPTED, people["staff"], coach=coach, days_granted=2)
    refused("already_decided", actions.decide, stale, Status.ACCEPTED, people["staff"], coach=coach, days_granted=2)
    assert actions.budget_status(actions.current_year()).used == 2


# E-mails in each recipient's language.


def test_the_emails_are_in_each_recipients_language(people):
    organisation, people, coach, _other = people
    applicant, coach_user = people["member"], coach.user
    applicant.language, coach_user.language = "sv", "en"
    applicant.save()
    coach_user.save()
    decide(make_request(applicant, organisation), Status.ACCEPTED, people["staff"], coach=coach, days_granted=1)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["jasen@example.fi"].body.startswith("Hej,")
    assert "KunTeko-nätverkens gemensamma plats" in by_address["jasen@example.fi"].body
    assert by_address["sparraaja@example.fi"].body.startswith("Hello,")


def test_no_email_to_a_deleted_applicant_or_a_coach_without_an_account(people):
    organisation, people, _coach, _other = people
    no_account = make_expert("Tiliton Sparraaja")
    gone = make_user("poistunut@example.fi", is_active=False)
    make_membership(people["member"].memberships.first().network, gone, "member", organisation)
    decide(make_request(gone, organisation), Status.ACCEPTED, people["staff"], coach=no_account, days_granted=1)
    decide(make_request(None, organisation), Status.DECLINED, people["staff"], reason="Ei")
    assert mail.outbox == []


def test_the_decision_page_translates_refusals_into_field_errors(client, people):
    organisation, people, coach, _other = people
    SparringBudget.objects.filter(year=actions.current_year()).update(days=1)
    sparring_request = make_request(people["member"], organisation)
    client_for(client, people["staff"])
    url = reverse("sparring-decide", args=[sparring_request.pk])
    for data, message in (
        ({}, "Valitse päätös"),
        ({"status": Status.ACCEPTED, "days_granted": "2"}, "Valitse hakemukselle sparraaja"),
        ({"status": Status.ACCEPTED, "coach": coach.pk, "days_granted": "9"}, "Sparrauspäiviä voi olla 1–5"),
        ({"status": Status.ACCEPTED, "coach": coach.pk, "days_granted": "2"}, "budjetti ylittyisi"),
        ({"status": Status.DECLINED}, "Kirjoita hylkäämisen perustelu"),
    ):
        response = client.post(url, data)
        html = response.content.decode()
        assert response.status_code == 400 and "Päätöstä ei tallennettu" in html and message in html, data
    assert SparringRequest.objects.get().status == Status.PENDING
    response = client.post(url, {"status": Status.ACCEPTED, "coach": coach.pk, "days_granted": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("sparring-office")
    page = client.get(url)
    assert "Hyväksyttyä tai hylättyä hakemusta ei voi käsitellä uudelleen" in page.content.decode()
    again = client.post(url, {"status": Status.DECLINED, "reason": "Muutin mieleni"})
    assert again.status_code == 400 and "Hakemus on jo käsitelty" in again.content.decode()
    assert SparringRequest.objects.get().status == Status.ACCEPTED
