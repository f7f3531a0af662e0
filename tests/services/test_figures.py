"""The programme's figures per service and per year (services.figures) on a known data set: network and training
workshop attendees counted as people, sparring days as headcounts, in two years; small counts hidden and nothing
hidden readable from the rest; the /luvut/ page with its new section, who may see it, its constant queries; and
the front page's key figures."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from home.figures import key_figures
from networks.models import NetworkPage
from services.figures import ALL, ALL_YEARS, NETWORKS, SPARRING, SPARRING_AND_TRAINING, TRAININGS, service_figures
from services.models import SparringDay, SparringRequest
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_network, make_organisation, make_user, make_workshop
from workshops.disclosure import SMALL_COUNT, Suppressed
from workshops.figures import PROGRAMME, PeopleFigures, programme_figures
from workshops.models import Registration

pytestmark = pytest.mark.django_db

SMALL, SECONDARY = Suppressed.SMALL, Suppressed.SECONDARY

# Queries pinned at both data sizes (tests.conftest.assert_queries): workshops.figures' programme figures and
# one for the sparring days.
# One more each since issue 17: the public events per year (events.figures).
QUERIES = {"programme-figures": 16, "programme-figures-csv": 9, "programme-figures-xlsx": 9}


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour))


def workshop_on(network, start, **fields):
    """A workshop of `network` starting at `start` (Helsinki time), four hours long."""
    workshop = make_workshop(network, **fields)
    workshop.start, workshop.end = start, start + timedelta(hours=4)
    workshop.save()
    return workshop


def attend(workshop, *users):
    for user in users:
        Registration.objects.create(workshop=workshop, user=user, response="yes", attended=True)


def person(network, gender, role, organisation):
    user = make_user(gender=gender, role_category=role)
    make_membership(network, user, "member", organisation)
    return user


def sparring_request(organisation, status=SparringRequest.Status.ACCEPTED):
    return SparringRequest.objects.create(
        organisation=organisation,
        unit="Perusturva",
        contact_name="Maija Meikäläinen",
        contact_email="maija@example.fi",
        themes=["toimintakulttuuri"],
        goals="Yhteinen toimintakulttuuri.",
        days_requested=3,
        year=2025,
        status=status,
        days_granted=3 if status == SparringRequest.Status.ACCEPTED else None,
    )


def sparring_day(request, day, women, men, other, untold, employees, supervisors, managers):
    return SparringDay.objects.create(
        request=request,
        date=day,
        participants=women + men + other + untold,
        women=women,
        men=men,
        other_gender=other,
        gender_untold=untold,
        employees=employees,
        supervisors=supervisors,
        managers=managers,
        report="Päivä pidettiin.",
    )


@pytest.fixture
def known(network_people):
    """The matrix's Lean network (learning) with workshops in 2024 and 2025, a two-day training in Kemi in 2025
    (one Lean participant there too), and sparring days in 2024 and 2025 for two organisations (a third has an
    accepted request without days)."""
    network, _other, people = network_people
    tyrnava, askola, kemi, lemi, laukaa = (
        make_organisation(name) for name in ("Tyrnävä", "Askola", "Kemi", "Lemi", "Laukaa")
    )
    p1, p2, p3 = (person(network, "woman", "employee", tyrnava) for _ in range(3))
    p4 = person(network, "woman", "supervisor", tyrnava)
    p5 = person(network, "woman", "supervisor", askola)
    p6, p7 = (person(network, "man", "manager", askola) for _ in range(2))
    p8 = person(network, "undisclosed", "employee", askola)
    p9 = person(network, "woman", "employee", None)
    p10 = person(network, "woman", "employee", askola)
    p11 = person(network, "man", "employee", askola)
    attend(workshop_on(network, at(2024, 3, 10)), p1, p2, p3, p4, p5, p6, p7, p8)
    attend(workshop_on(network, at(2025, 2, 5)), p1, p2, p3, p9, p10, p11)
    workshop_on(network, at(2025, 3, 5), cancelled=True)

    training = make_network(
        network.get_parent(), "Kemin sisäiset kehittäjät", organisations=[kemi], kind=NetworkPage.Kind.TRAINING
    )
    q = [
        person(training, gender, role, kemi)
        for gender, role in [
            ("woman", "employee"),
            ("woman", "employee"),
            ("woman", "supervisor"),
            ("woman", "supervisor"),
            ("man", "employee"),
            ("man", "manager"),
        ]
    ]
    make_membership(training, p1, "member", tyrnava)
    attend(workshop_on(training, at(2025, 9, 1)), *q, p1)
    attend(workshop_on(training, at(2025, 9, 2)), *q)
    workshop_on(training, timezone.now() + timedelta(days=30))  # upcoming: no day delivered yet

    first = sparring_request(tyrnava)
    sparring_day(first, date(2024, 5, 1), 9, 2, 0, 1, 8, 2, 1)
    sparring_day(first, date(2025, 4, 2), 7, 3, 0, 0, 6, 2, 2)
    sparring_day(sparring_request(lemi), date(2025, 6, 1), 6, 1, 1, 0, 5, 1, 2)
    sparring_request(laukaa)  # accepted, no day logged yet
    sparring_request(laukaa, SparringRequest.Status.PENDING)
    return {"network": network, "training": training, "people": people}


def figures_of(people):
    """(participants, organisations, women, men, other, gender unknown, employees, supervisors, managers, role
    unknown) of a PeopleFigures."""
    return (
        people.participants,
        people.organisations,
        people.women,
        people.men,
        people.other_gender,
        people.gender_unknown,
        people.employees,
        people.supervisors,
        people.managers,
        people.role_unknown,
    )


# (service, year): (participants, organisations, women, men, other, unknown, employees, supervisors, managers,
# unknown), and the days delivered.
EXPECTED = {
    (NETWORKS, 2024): ((8, 2, 5, 2, 0, 1, 4, 2, 2, 0), 1),
    (NETWORKS, 2025): ((6, 2, 5, 1, 0, 0, 6, 0, 0, 0), 1),
    (NETWORKS, ALL_YEARS): ((11, 2, 7, 3, 0, 1, 7, 2, 2, 0), 2),
    (TRAININGS, 2024): ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0),
    (TRAININGS, 2025): ((7, 2, 5, 2, 0, 0, 4, 2, 1, 0), 2),
    (TRAININGS, ALL_YEARS): ((7, 2, 5, 2, 0, 0, 4, 2, 1, 0), 2),
    (SPARRING, 2024): ((12, 1, 9, 2, 0, 1, 8, 2, 1, 1), 1),
    (SPARRING, 2025): ((18, 2, 13, 4, 1, 0, 11, 3, 4, 0), 2),
    (SPARRING, ALL_YEARS): ((30, 2, 22, 6, 1, 1, 19, 5, 5, 1), 3),
    (SPARRING_AND_TRAINING, 2024): ((12, 1, 9, 2, 0, 1, 8, 2, 1, 1), 1),
    (SPARRING_AND_TRAINING, 2025): ((25, 3, 18, 6, 1, 0, 15, 5, 5, 0), 4),
    (SPARRING_AND_TRAINING, ALL_YEARS): ((37, 3, 27, 8, 1, 1, 23, 7, 6, 1), 5),
    (ALL, 2024): ((20, 2, 14, 4, 0, 2, 12, 4, 3, 1), 2),
    (ALL, 2025): ((30, 4, 22, 7, 1, 0, 20, 5, 5, 0), 5),
    (ALL, ALL_YEARS): ((47, 4, 33, 11, 1, 2, 29, 9, 8, 1), 7),
}


def test_each_service_and_year_is_counted_on_the_known_data_set(known):
    services = service_figures(programme_figures())

    assert services.years == [2024, 2025]
    assert {key: (figures_of(people), services.days[key]) for key, people in services.people.items()} == EXPECTED
    # The programme's workshop figures count the networks and the trainings: the networks' and the trainings'
    # people, the one in both counted once.
    assert figures_of(services.programme.people)[0] == 11 + 7 - 1


def test_shares_are_of_those_who_told(known):
    services = service_figures(programme_figures())
    everything = services.people[ALL, ALL_YEARS]
    assert everything.share("women", "gender_answered") == Decimal("73.3")  # 33 / 45
    assert everything.share("employees_and_supervisors", "role_answered") == Decimal("82.6")  # 38 / 46
    assert everything.share("managers", "role_answered") == Decimal("17.4")  # 8 / 46
    # Sparring + training, as the programme reported its ESR statistics.
    reported = services.people[SPARRING_AND_TRAINING, ALL_YEARS]
    assert reported.share("women", "gender_answered") == Decimal("75.0")  # 27 / 36
    assert reported.share("employees_and_supervisors", "role_answered") == Decimal("83.3")  # 30 / 36
    assert reported.share("managers", "role_answered") == Decimal("16.7")  # 6 / 36


def test_small_counts_are_hidden_and_nothing_hidden_can_be_worked_out(known):
    programme = programme_figures()
    services = service_figures(programme)
    breakdowns = services.breakdowns

    for key, breakdown in breakdowns.items():
        for cell in ("women", "men", "other_gender", "gender_unknown", "employees", "supervisors", "managers"):
            if getattr(breakdown.people, cell) < SMALL_COUNT:
                assert breakdown.count(cell) is SMALL, (key, cell)
    # The breakdown is shown for each service over the years and for the programme each year, not for a service
    # in one year (its rows and columns adding up would give most of such a grid away).
    assert set(breakdowns) == {
        *((service, ALL_YEARS) for service in (NETWORKS, TRAININGS, SPARRING, SPARRING_AND_TRAINING, ALL)),
        (ALL, 2024),
        (ALL, 2025),
    }
    assert str(breakdowns[ALL, 2024].count("men")) == "< 5"
    assert breakdowns[ALL, 2024].share("men", "gender_answered") is SECONDARY
    # The programme's total: its small counts, and what would give them away through the other rows.
    assert breakdowns[ALL, ALL_YEARS].hidden == {
        "other_gender": SMALL,
        "gender_unknown": SMALL,
        "role_unknown": SMALL,
        "men": SECONDARY,
        "gender_answered": SECONDARY,
        "managers": SECONDARY,
        "role_answered": SECONDARY,
    }
    assert breakdowns[ALL, ALL_YEARS].count("women") == 33
    assert breakdowns[ALL, ALL_YEARS].count("employees_and_supervisors") == 38
    # Sparring + training hides alike: the whole minus the networks' would give it away otherwise.
    assert breakdowns[SPARRING_AND_TRAINING, ALL_YEARS].hidden == breakdowns[ALL, ALL_YEARS].hidden
    # The settled hidden counts, and the rows' hidden counts, cannot be worked out from what the page shows.
    assert_nothing_exposed(services)


def assert_nothing_exposed(services):
    """workshops.disclosure's own reader (interval propagation over every link of the page) pins no hidden count
    that hiding everything would have protected."""
    from workshops.disclosure import _System

    tables = {PROGRAMME: services.programme.people}
    tables.update({row.pk: row.people for row in services.programme.networks})
    tables.update({key: services.people[key] for key in services.with_breakdown()})
    hidden = {
        (key, cell): reason
        for key, breakdown in services.breakdowns.items()
        for cell, reason in breakdown.hidden.items()
    }
    hidden.update(
        {
            (key, cell): reason
            for key, breakdown in services.programme.breakdowns.items()
            for cell, reason in breakdown.hidden.items()
        }
    )
    system = _System(tables, services.links())
    everything = {key: system.reason(key) for key in system.cells}
    hopeless = set(system.exposed(everything))
    assert set(system.exposed(hidden)) <= hopeless


def test_the_helsinki_calendar_year_counts(site_tree):
    _home, index = site_tree
    network = make_network(index)
    late, early = make_user(gender="woman"), make_user(gender="man")
    # 23.30 on New Year's Eve in Helsinki is still 2024 (21.30 UTC); half past midnight is 2025 (22.30 UTC 2024).
    attend(workshop_on(network, timezone.make_aware(datetime(2024, 12, 31, 23, 30))), late)
    attend(workshop_on(network, timezone.make_aware(datetime(2025, 1, 1, 0, 30))), early)
    request = sparring_request(make_organisation())
    sparring_day(request, date(2024, 12, 31), 5, 0, 0, 0, 5, 0, 0)

    services = service_figures(programme_figures())

    assert services.years == [2024, 2025]
    assert services.people[NETWORKS, 2024].men == 0 and services.people[NETWORKS, 2024].women == 1
    assert services.people[NETWORKS, 2025].men == 1
    assert services.people[ALL, 2024].participants == 6


def test_no_data_gives_totals_of_nothing(site_tree):
    services = service_figures(programme_figures())
    assert services.years == []
    assert [(row.service, row.days, row.people) for row in services.services()] == [
        (service, 0, PeopleFigures()) for service in (NETWORKS, TRAININGS, SPARRING, SPARRING_AND_TRAINING, ALL)
    ]


# ---------- The page ----------


def test_the_programme_page_shows_the_services_per_year(client, known):
    response = client_for(client, known["people"]["staff"]).get(reverse("programme-figures"))
    content = response.content.decode()

    assert response.status_code == 200
    assert "Palvelut vuosittain" in content
    assert [year for year, _rows in response.context["years_and_services"]] == [2024, 2025]
    assert [row["heading"] for row in response.context["by_year"]] == [2024, 2025, "Kaikki vuodet"]
    rows = {row["row"].service: row for row in response.context["service_totals"]}
    assert [row["heading"] for row in response.context["service_totals"]] == [
        "Verkostot",
        "Koulutukset",
        "Sparraus",
        "Sparraus + koulutus",
        "Kaikki palvelut",
    ]
    assert (rows[ALL]["row"].days, rows[ALL]["row"].people.participants) == (7, 47)
    # On a data set this small most counts are hidden: a count and its share are shown as the page shows them.
    assert rows[ALL]["women"] == "33 (salattu)"
    assert rows[ALL]["employees_and_supervisors"] == "38 (salattu)"
    assert rows[SPARRING]["women"] == "salattu"
    assert rows[TRAININGS]["managers"] == "< 5"
    in_2024 = {row.service: row for row in dict(response.context["years_and_services"])[2024]}
    assert (in_2024[SPARRING].days, in_2024[SPARRING].people.participants, in_2024[SPARRING].breakdown) == (1, 12, None)
    assert "Palvelut vuonna 2024" in content and "Kaikki palvelut vuosittain" in content
    assert "chart-services" in content and "chart-years" in content


ADDRESSES = ["programme-figures", "programme-figures-csv", "programme-figures-xlsx"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ADDRESSES)
def test_permission_matrix(client, network_people, role, name):
    """Only the programme office: anonymous people are sent to sign in; members, contacts and facilitators of a
    network (a training's trainers are its facilitators) are refused."""
    _network, _other, people = network_people
    url = reverse(name)
    client = client_for(client, people[role])

    response = client.get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role == "staff":
        assert response.status_code == 200
        assert client.post(url).status_code == 405
    else:
        assert response.status_code == 403


def test_the_addresses_stay(client):
    assert reverse("programme-figures") == "/luvut/"
    assert reverse("programme-figures-csv") == "/luvut/osallistujat.csv"
    assert reverse("programme-figures-xlsx") == "/luvut/osallistujat.xlsx"


def grow(index, size):
    """`size` more networks and trainings, each with a held workshop and attendees, and `size` sparring requests
    with days in two years."""
    for number in range(size):
        kind = NetworkPage.Kind.TRAINING if number % 2 else NetworkPage.Kind.DEVELOPMENT
        network = make_network(index, kind=kind)
        workshop = workshop_on(network, at(2024 + number % 2, 3, 1 + number % 27))
        attend(workshop, *(person(network, "woman", "employee", make_organisation()) for _ in range(3)))
        request = sparring_request(make_organisation())
        for day in range(size):
            sparring_day(request, date(2024 + day % 2, 5, 1 + day % 27), 4, 2, 0, 1, 3, 2, 1)


@pytest.mark.parametrize("name", ADDRESSES)
def test_queries_stay_constant_when_the_data_grows(client, network_people, name):
    network, _other, people = network_people
    client = client_for(client, people["staff"])
    grow(network.get_parent(), 2)
    small = queries_for(client, reverse(name))

    grow(network.get_parent(), 10)
    large = queries_for(client, reverse(name))

    assert_queries(QUERIES[name], small=small, large=large)


# ---------- The front page ----------


def test_key_figures_on_the_known_data_set(client, known):
    figures = key_figures()

    assert figures == {
        "contacts": 1,  # the matrix's contact person
        # Sipoo (the Lean network's), Kemi (the training's), Tyrnävä and Lemi (sparring days); not Laukaa.
        "organisations": 4,
        "participants": 17 + 30,  # 11 + 7 - 1 workshop participants, 30 sparring headcounts
        "sparring_days": 3,
        "trainings": 1,
        "development_networks": 0,
        "learning_networks": 2,
        "members": 4 + 11 + 6,  # the matrix's members of Lean and LATU, Lean's and the training's participants
        "workshops_held": 4,
        "acts": 0,
        "subscribers": 0,
    }
    content = client.get(known["network"].get_parent().get_parent().url).content.decode()
    assert "Sparrauspäivää" in content and "Koulutus" in content and "Kehittämisverkostoa" in content


def test_contacts_are_people_with_an_active_contact_membership(network_people):
    network, other, people = network_people
    assert key_figures()["contacts"] == 1
    make_membership(other, people["contact"], "contact")  # the same person in two networks: once
    make_membership(other, make_user(), "contact")
    assert key_figures()["contacts"] == 2
    other.memberships.filter(user=people["contact"]).update(left=timezone.localdate())
    assert key_figures()["contacts"] == 2
    network.memberships.filter(user=people["contact"]).update(left=timezone.localdate())
    assert key_figures()["contacts"] == 1
