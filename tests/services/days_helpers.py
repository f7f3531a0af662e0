"""Shared builders for the sparring days' tests: the people of the permission matrix with the roles special to a
sparring (its applicant, its assigned coach, another coach), an accepted request made with the ORM, its days,
and a posted day form."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from services.models import Expert, SparringDay, SparringFeedback, SparringRequest
from tests.factories import make_membership, make_user

# The permission matrix: tests.conftest.ROLES and the roles of a sparring.
SPARRING_ROLES = (
    "anonymous",
    "outsider",
    "other_member",
    "member",
    "facilitator",
    "staff",
    "applicant",
    "other_coach",
    "coach",
)


@pytest.fixture(autouse=True)
def clear_rate_limits():
    """Rate limits live in the cache, which outlives a test (LocMemCache)."""
    cache.clear()
    yield
    cache.clear()


def make_expert(user, name):
    return Expert.objects.create(name=name, organisation="Sparraamo Oy", user=user, themes=["prosessit"])


def make_sparring(organisation, applicant, coach=None, days_granted=3, accepted_days_ago=30, **fields):
    """An accepted request (unless `status` is given) with its coach and days granted."""
    values = {
        "scope": SparringRequest.Scope.UNIT,
        "unit": "Talouspalvelut",
        "contact_name": "Hanna Hakija",
        "contact_email": "hakija@example.fi",
        "themes": ["prosessit"],
        "goals": "Laskujen käsittely on hidasta, ja haluamme sujuvoittaa sitä yhdessä.",
        "days_requested": days_granted or 1,
        "management_takes_part": True,
        "staff_take_part": True,
        "year": timezone.localdate().year,
        "status": SparringRequest.Status.ACCEPTED,
        "coach": coach,
        "days_granted": days_granted,
        "decided": timezone.now() - timedelta(days=accepted_days_ago),
        **fields,
    }
    return SparringRequest.objects.create(organisation=organisation, applicant=applicant, **values)


def make_day(sparring, days_ago=1, participants=10, **fields):
    values = {
        "date": timezone.localdate() - timedelta(days=days_ago),
        "place": "Kunnantalo, Sipoo",
        "participants": participants,
        "women": participants - 2,
        "men": 2,
        "employees": participants - 3,
        "supervisors": 2,
        "managers": 1,
        "report": "Kuvasimme laskujen kierron seinälle ja löysimme kolme turhaa vaihetta.",
        "outcome": "Laskut käsitellään nyt kahdessa vaiheessa.",
        "logged_by": sparring.coach.user if sparring.coach else None,
        **fields,
    }
    return SparringDay.objects.create(request=sparring, **values)


def answer(day, overall=4, useful=5, comment=""):
    return SparringFeedback.objects.create(day=day, overall=overall, useful=useful, comment=comment)


def sparring_people_of(network_people):
    """(sparring, people): an accepted request of "Sipoon kunta" by its applicant (a member of the network acting
    for it), with its assigned coach; people has every role of SPARRING_ROLES."""
    network, _other_network, people = network_people
    organisation = network.memberships.get(user=people["member"]).organisation
    applicant = make_membership(
        network,
        make_user("hakija@example.fi", first_name="Hanna", last_name="Hakija", job_title="talousjohtaja"),
        "member",
        organisation,
    ).user
    coach = make_user("sparraaja@example.fi", first_name="Sakari", last_name="Sparraaja")
    other_coach = make_user("toinensparraaja@example.fi")
    make_expert(other_coach, "Toinen Sparraaja")
    sparring = make_sparring(organisation, applicant, make_expert(coach, "Sakari Sparraaja"))
    people = {**people, "applicant": applicant, "coach": coach, "other_coach": other_coach}
    return sparring, people


def day_data(days_ago=1, **overrides):
    """The POST of the day form: a valid day, with `overrides`."""
    data = {
        "date": (timezone.localdate() - timedelta(days=days_ago)).isoformat(),
        "place": "Kunnantalo, Sipoo",
        "participants": "12",
        "women": "8",
        "men": "3",
        "other_gender": "0",
        "gender_untold": "1",
        "employees": "8",
        "supervisors": "2",
        "managers": "1",
        "report": "Kävimme läpi laskujen kierron ja sovimme kokeilusta.",
        "outcome": "Kokeilu alkaa maaliskuussa.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counts():
    return SparringDay.objects.count(), SparringFeedback.objects.count()
