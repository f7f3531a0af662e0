"""Logging and correcting sparring days (services.days): every refusal with its Finnish message and nothing
stored, through the action and through the form; corrections; the limit of days granted; and the days page's
queries at two data sizes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from services import days
from services.models import SparringDay, SparringRequest
from tests.conftest import assert_queries, client_for, queries_for, refused
from tests.factories import make_organisation, make_user
from tests.services.days_helpers import answer, counts, day_data, make_day, make_sparring, sparring_people_of


@pytest.fixture
def sparring_people(network_people):
    return sparring_people_of(network_people)


def day_input(days_ago=1, **fields):
    values = {
        "date": timezone.localdate() - timedelta(days=days_ago),
        "online": False,
        "place": "Kunnantalo, Sipoo",
        "participants": 12,
        "women": 8,
        "men": 3,
        "other_gender": 0,
        "gender_untold": 1,
        "employees": 8,
        "supervisors": 2,
        "managers": 1,
        "report": "Kävimme läpi laskujen kierron.",
        "outcome": "",
    }
    values.update(fields)
    return days.DayInput(**values)


# Logging: what is stored.


def test_the_coach_logs_a_day_and_it_is_stored_as_given(client, sparring_people):
    sparring, people = sparring_people
    response = client_for(client, people["coach"]).post(reverse("sparring-day-new", args=[sparring.pk]), day_data())
    assert response.status_code == 302 and response["Location"] == reverse("sparring-days", args=[sparring.pk])
    day = SparringDay.objects.get()
    assert (day.request, day.logged_by, day.date) == (sparring, people["coach"], timezone.localdate() - timedelta(1))
    assert (day.participants, day.women, day.men, day.other_gender, day.gender_untold) == (12, 8, 3, 0, 1)
    assert (day.employees, day.supervisors, day.managers) == (8, 2, 1)
    assert (day.place, day.online, day.outcome) == ("Kunnantalo, Sipoo", False, "Kokeilu alkaa maaliskuussa.")
    assert day.feedback_closed is None and len(day.feedback_key) == 43
    page = client.get(response["Location"]).content.decode()
    assert "Sparrauspäivä tallennettu." in page and "Kävimme läpi laskujen kierron" in page


def test_an_online_day_needs_no_place_and_keeps_none(sparring_people):
    sparring, people = sparring_people
    day = days.log_day(people["coach"], sparring, day_input(online=True, place="Teams-linkki"))
    assert (day.online, day.place) == (True, "")


def test_today_and_the_day_of_acceptance_may_be_logged(sparring_people):
    sparring, people = sparring_people
    sparring.decided = timezone.now()
    sparring.save()
    assert days.log_day(people["coach"], sparring, day_input(days_ago=0)).date == timezone.localdate()


# Refusals: each with its message, nothing stored.


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"days_ago": -1}, "future", "date"),
        ({"days_ago": 31}, "before_accepted", "date"),
        (
            {
                "participants": 0,
                "women": 0,
                "men": 0,
                "gender_untold": 0,
                "employees": 0,
                "supervisors": 0,
                "managers": 0,
            },
            "no_participants",
            "participants",
        ),
        ({"participants": 1001, "women": 1001, "men": 0, "gender_untold": 0}, "too_many", "participants"),
        ({"women": 9}, "gender_sum", "women"),
        ({"gender_untold": 0}, "gender_sum", "women"),
        ({"employees": 10}, "role_sum", "employees"),
        ({"men": -1, "gender_untold": 5}, "negative", "participants"),
        ({"place": "   "}, "no_place", "place"),
        ({"report": "  \n "}, "no_report", "report"),
    ],
)
def test_the_action_refuses_a_day_that_does_not_add_up(sparring_people, finnish, fields, code, field):
    sparring, people = sparring_people
    days_ago = fields.pop("days_ago", 1)
    refusal = refused(code, days.log_day, people["coach"], sparring, day_input(days_ago, **fields))
    assert refusal.field == field
    assert SparringDay.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"days_ago": -1}, "Päivä ei voi olla tulevaisuudessa."),
        ({"days_ago": 40}, "Päivä on ennen kuin sparraus hyväksyttiin"),
        ({"date": ""}, "Anna sparrauspäivän päivämäärä."),
        ({"date": "31.2.2024"}, "Anna kelvollinen päivämäärä."),
        (
            {
                "participants": "0",
                "women": "0",
                "men": "0",
                "gender_untold": "0",
                "employees": "0",
                "supervisors": "0",
                "managers": "0",
            },
            "Sparrauspäivässä on oltava ainakin yksi osallistuja.",
        ),
        ({"women": "7"}, "summa (11) ei ole sama kuin osallistujien määrä (12)"),
        ({"managers": "5"}, "Työntekijöitä, esihenkilöitä ja johtajia on yhteensä 15, enemmän kuin osallistujia (12)."),
        ({"men": "-3"}, "Luku ei voi olla negatiivinen."),
        ({"participants": "kaksi"}, "Anna kokonaisluku."),
        ({"participants": None}, "Anna luku (0, jos ei yhtään)."),
        ({"place": ""}, "Kerro, missä sparrauspäivä pidettiin, tai merkitse se etänä pidetyksi."),
        ({"report": ""}, "Kirjoita lyhyt raportti sparrauspäivästä."),
        ({"report": "x" * 3001}, "Tämän arvon tulee olla enintään 3000 merkkiä pitkä"),
    ],
)
def test_the_form_shows_each_refusal_in_finnish_and_stores_nothing(client, sparring_people, overrides, message):
    sparring, people = sparring_people
    days_ago = overrides.pop("days_ago", 1)
    before = counts()
    response = client_for(client, people["coach"]).post(
        reverse("sparring-day-new", args=[sparring.pk]), day_data(days_ago, **overrides)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Sparrauspäivää ei tallennettu." in html
    assert counts() == before


def test_a_date_already_logged_is_refused(client, sparring_people):
    sparring, people = sparring_people
    make_day(sparring, days_ago=2)
    response = client_for(client, people["coach"]).post(
        reverse("sparring-day-new", args=[sparring.pk]), day_data(days_ago=2)
    )
    assert response.status_code == 400
    assert "Tälle päivälle on jo kirjattu sparrauspäivä tähän sparraukseen." in response.content.decode()
    assert SparringDay.objects.count() == 1


@pytest.mark.parametrize(
    "status", [SparringRequest.Status.PENDING, SparringRequest.Status.ON_HOLD, SparringRequest.Status.DECLINED]
)
def test_a_request_that_is_not_accepted_takes_no_days(client, sparring_people, finnish, status):
    sparring, people = sparring_people
    sparring.status = status
    sparring.save()
    refusal = refused("not_accepted", days.log_day, people["coach"], sparring, day_input())
    assert "Sparrausta ei ole hyväksytty" in str(refusal.message)
    response = client_for(client, people["coach"]).post(reverse("sparring-day-new", args=[sparring.pk]), day_data())
    assert response.status_code == 403 and "Sparrausta ei ole hyväksytty" in response.content.decode()
    assert SparringDay.objects.count() == 0


@pytest.mark.parametrize("role", ["staff", "applicant", "other_coach", "member"])
def test_only_the_assigned_coach_logs(sparring_people, finnish, role):
    sparring, people = sparring_people
    refusal = refused("not_coach", days.log_day, people[role], sparring, day_input())
    assert "Sparrauspäivät kirjaa sparraukseen nimetty sparraaja." in str(refusal.message)
    assert SparringDay.objects.count() == 0


def test_a_coach_whose_account_was_unlinked_no_longer_logs(sparring_people, finnish):
    sparring, people = sparring_people
    sparring.coach.user = make_user()
    sparring.coach.save()
    refused("not_coach", days.log_day, people["coach"], sparring, day_input())


# The days granted.


def test_no_more_days_than_granted(client, sparring_people, finnish):
    sparring, people = sparring_people
    coach = client_for(client, people["coach"])
    for days_ago in (3, 2, 1):
        assert coach.post(reverse("sparring-day-new", args=[sparring.pk]), day_data(days_ago)).status_code == 302
    response = coach.post(reverse("sparring-day-new", args=[sparring.pk]), day_data(0))
    assert response.status_code == 400
    assert "Kaikki sparraukselle myönnetyt päivät (3) on jo kirjattu." in response.content.decode()
    assert SparringDay.objects.count() == 3
    refused("days_used", days.log_day, people["coach"], sparring, day_input(days_ago=0))

    form = coach.get(reverse("sparring-day-new", args=[sparring.pk])).content.decode()
    assert (
        "Kaikki sparraukselle myönnetyt päivät (3) on jo kirjattu." in form
        and "<form" not in form.split("</header>")[1]
    )
    listing = coach.get(reverse("sparring-days", args=[sparring.pk])).content.decode()
    assert "Kaikki myönnetyt päivät on kirjattu." in listing
    assert reverse("sparring-day-new", args=[sparring.pk]) not in listing


def test_the_limit_is_read_under_the_requests_lock(sparring_people):
    """log_day reads the request again with SELECT … FOR UPDATE before counting its days (on PostgreSQL the lock
    makes a second log wait for the first; SQLite runs one write at a time anyway)."""
    sparring, people = sparring_people
    sparring.days_granted = 1
    with CaptureQueriesContext(connection) as queries:
        days.log_day(people["coach"], sparring, day_input())
    statements = [query["sql"] for query in queries]
    locked = next(n for n, sql in enumerate(statements) if 'FROM "services_sparringrequest"' in sql)
    counted = next(n for n, sql in enumerate(statements) if 'FROM "services_sparringday"' in sql)
    assert locked < counted
    # The stale object said 1 day; the row under the lock says 3: the row decides.
    days.log_day(people["coach"], sparring, day_input(days_ago=2))
    assert SparringDay.objects.count() == 2


# Correcting a day.


def test_the_coach_corrects_a_day(client, sparring_people):
    sparring, people = sparring_people
    day = make_day(sparring, days_ago=3)
    url = reverse("sparring-day-edit", args=[sparring.pk, day.pk])
    form = client_for(client, people["coach"]).get(url).content.decode()
    assert 'value="Kunnantalo, Sipoo"' in form and "Kuvasimme laskujen kierron" in form
    response = client.post(url, day_data(days_ago=2, participants="20", women="15", men="5", gender_untold="0"))
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.date, day.participants, day.women, day.men) == (timezone.localdate() - timedelta(2), 20, 15, 5)
    assert SparringDay.objects.count() == 1


def test_a_correction_is_validated_as_a_new_day_and_changes_nothing_when_refused(client, sparring_people, finnish):
    sparring, people = sparring_people
    day = make_day(sparring, days_ago=3)
    other = make_day(sparring, days_ago=2)
    url = reverse("sparring-day-edit", args=[sparring.pk, day.pk])
    coach = client_for(client, people["coach"])
    for overrides, message in (
        ({"women": "2"}, "ei ole sama kuin osallistujien määrä"),
        ({"days_ago": 2}, "Tälle päivälle on jo kirjattu sparrauspäivä"),
        ({"days_ago": -2}, "Päivä ei voi olla tulevaisuudessa."),
    ):
        days_ago = overrides.pop("days_ago", 3)
        response = coach.post(url, day_data(days_ago, **overrides))
        assert response.status_code == 400 and message in response.content.decode()
    day.refresh_from_db()
    assert (day.date, day.participants, day.women) == (timezone.localdate() - timedelta(3), 10, 8)
    refused("gender_sum", days.edit_day, people["coach"], other, day_input(days_ago=2, women=1))


def test_a_correction_does_not_count_as_a_new_day(sparring_people):
    sparring, people = sparring_people
    logged = [make_day(sparring, days_ago=n) for n in (3, 2, 1)]
    days.edit_day(people["coach"], logged[0], day_input(days_ago=4, report="Korjattu raportti."))
    logged[0].refresh_from_db()
    assert logged[0].report == "Korjattu raportti."


def test_moving_a_day_whose_feedback_has_closed_keeps_it_closed(sparring_people):
    sparring, people = sparring_people
    day = make_day(sparring, days_ago=20)
    closes = days.feedback_closes_at(day)
    days.edit_day(people["coach"], day, day_input(days_ago=2))
    day.refresh_from_db()
    assert day.feedback_closed == closes
    assert days.feedback_refusal(day).code == "feedback_closed"


def test_another_requests_day_is_not_found_through_this_one(client, sparring_people):
    sparring, people = sparring_people
    other = make_sparring(sparring.organisation, people["applicant"], sparring.coach)
    others_day = make_day(other)
    url = reverse("sparring-day-edit", args=[sparring.pk, others_day.pk])
    coach = client_for(client, people["coach"])
    assert coach.get(url).status_code == 404
    assert coach.post(url, day_data(5)).status_code == 404
    others_day.refresh_from_db()
    assert others_day.date == timezone.localdate() - timedelta(1)


# The days page.


def test_the_days_page_shows_the_days_and_their_sums(client, sparring_people):
    sparring, people = sparring_people
    make_day(sparring, days_ago=3, participants=10, outcome="")
    make_day(sparring, days_ago=1, participants=14, online=True, place="", report="Toinen päivä <b>etänä</b>.")
    html = client_for(client, people["coach"]).get(reverse("sparring-days", args=[sparring.pk])).content.decode()
    assert "<dt>Osallistujia yhteensä</dt><dd>24</dd>" in html
    assert "<dt>Kirjattuja päiviä</dt><dd>2</dd>" in html
    assert "Toinen päivä &lt;b&gt;etänä&lt;/b&gt;." in html and "Etänä" in html
    assert "(1 päivä jäljellä)" in html


def test_only_the_office_sees_the_gender_and_role_breakdown_with_small_cells_hidden(client, sparring_people):
    sparring, people = sparring_people
    make_day(sparring, participants=30, women=26, men=4, employees=20, supervisors=7, managers=3)
    url = reverse("sparring-days", args=[sparring.pk])
    office = client_for(client, people["staff"]).get(url).content.decode()
    assert "Osallistujat sukupuolen ja aseman mukaan" in office
    assert '<td class="figures-table__number">26</td>' in office and "&lt; 5" in office
    for role in ("coach", "applicant"):
        html = client_for(client, people[role]).get(url).content.decode()
        assert "Osallistujat sukupuolen ja aseman mukaan" not in html and "Naisia" not in html


def test_the_days_page_queries_stay_constant(client, sparring_people):
    """Pinned at one day without answers and at five days with many answers and other requests around."""
    sparring, people = sparring_people
    sparring.days_granted = 5
    sparring.save()
    url = reverse("sparring-days", args=[sparring.pk])
    make_day(sparring, days_ago=10)
    small = {role: queries_for(client_for(client, people[role]), url) for role in ("coach", "applicant", "staff")}

    for days_ago in (8, 6, 4, 2):
        day = make_day(sparring, days_ago=days_ago, participants=40, women=30, men=10, employees=30)
        for _ in range(12):
            answer(day)
    for _ in range(5):
        other = make_sparring(make_organisation(), make_user(), sparring.coach, days_granted=2)
        make_day(other)
    large = {role: queries_for(client_for(client, people[role]), url) for role in ("coach", "applicant", "staff")}

    for role in ("coach", "applicant", "staff"):
        assert_queries(DAYS_PAGE_QUERIES, small=small[role], large=large[role])


# Session, user, the request with its coach, organisation and applicant, its days; and the site's layout (site,
# the person's memberships for the menu, the menu's pages and their restrictions, the footer's settings).
DAYS_PAGE_QUERIES = 11
