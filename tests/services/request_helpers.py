"""Shared builders for the sparring request tests: the pool, a budget, a request and the people around it."""

from services import requests as actions
from services.models import DevelopmentTheme, Expert, SparringBudget, SparringDay, SparringRequest
from tests.factories import make_user

# The roles of the requests' permission matrix: the common ones, the applicant (network_people's member), the
# coach assigned to the request and another coach of the pool.
REQUEST_ROLES = (
    "anonymous",
    "outsider",
    "other_member",
    "member",
    "contact",
    "facilitator",
    "staff",
    "coach",
    "other_coach",
)


def make_expert(name, user=None, **fields):
    fields.setdefault("organisation", "Kehittämiskumppanit Oy")
    fields.setdefault("themes", [DevelopmentTheme.SHARED_CULTURE])
    return Expert.objects.create(name=name, user=user, **fields)


def make_budget(days=20, year=None):
    return SparringBudget.objects.create(year=year or actions.current_year(), days=days)


def request_input(organisation, **overrides):
    values = {
        "organisation": organisation,
        "unit": "Varhaiskasvatus",
        "contact_name": "Maija Meikäläinen",
        "contact_email": "maija@example.fi",
        "goals": "Haluamme kehittää palaverikäytäntöjämme.",
        "days_requested": 2,
        "themes": [DevelopmentTheme.SHARED_CULTURE],
        "staff_take_part": True,
    }
    values.update(overrides)
    return actions.RequestInput(**values)


def apply_form(applying_for, **overrides):
    """The POST of the apply form with every required field, for the organisation `applying_for`."""
    data = {
        "organisation": applying_for.pk,
        "scope": SparringRequest.Scope.UNIT,
        "unit": "Varhaiskasvatus",
        "themes": [DevelopmentTheme.SHARED_CULTURE],
        "goals": "Haluamme kehittää palaverikäytäntöjämme.",
        "days_requested": "2",
        "participants": ["staff", "supervisors"],
        "preferred_coach": "",
        "contact_name": "Maija Meikäläinen",
        "contact_email": "maija@example.fi",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def make_request(applicant, organisation, **fields):
    values = {
        "unit": "Varhaiskasvatus",
        "contact_name": "Maija Meikäläinen",
        "contact_email": "maija@example.fi",
        "goals": "Palaverikäytännöt.",
        "days_requested": 2,
        "themes": [DevelopmentTheme.SHARED_CULTURE],
        "staff_take_part": True,
        "year": actions.current_year(),
    }
    values.update(fields)
    return SparringRequest.objects.create(applicant=applicant, organisation=organisation, **values)


def counts():
    return {model.__name__: model.objects.count() for model in (SparringRequest, SparringDay, SparringBudget)}


def sparring_people_of(network_people):
    """(network, organisation, people, coach, other coach, request): network_people's roles plus the two coaches'
    accounts; the member ("Sipoon kunta") applied, and the request is accepted with `coach`."""
    network, _other_network, people = network_people
    organisation = network.memberships.get(user=people["member"]).organisation
    people = {
        **people,
        "coach": make_user("sparraaja@example.fi", first_name="Sanna", last_name="Sparraaja"),
        "other_coach": make_user("toinen.sparraaja@example.fi", first_name="Tuomas", last_name="Toinen"),
    }
    coach = make_expert("Sanna Sparraaja", people["coach"])
    other_coach = make_expert("Tuomas Toinen", people["other_coach"])
    make_budget(20)
    sparring_request = make_request(people["member"], organisation, unit="Jäsenen yksikkö")
    sparring_request = actions.decide(
        sparring_request, SparringRequest.Status.ACCEPTED, people["staff"], coach=coach, days_granted=2
    )
    return network, organisation, people, coach, other_coach, sparring_request
