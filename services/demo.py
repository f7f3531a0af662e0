"""The demo content of the services: the pool of experts, sparring requests and days, and the trainings.

``services.json`` (core.demo loads it; the orders are listed in docs/architecture.md)

``page``
    the ServicesPage's page fields, ``intro`` (plain text), ``sparring`` and ``training`` (rich text); put under
    the default site's root page (the home page) right after the Tori, so that the main menu lists it there.
``experts``
    the pool: ``{name, organisation, coach, trainer, themes (DevelopmentTheme values), regions, bio, account?}``.
    ``account`` is the e-mail of the coach's demo account, made only with the demo accounts (step "coach
    accounts"). No photos: the demo ships no portraits.
``budgets``
    ``{year, days}``: the programme's sparring days per year. The accepted requests of a year may not together
    exceed it (checked after loading).
``requests``
    the sparring requests: ``organisation`` (a name in organisations.json), ``unit`` (with the organisation, the
    request's natural key), ``scope`` (a SparringRequest.Scope value), ``year``, ``applied`` (local time),
    ``contact`` (``{name, email, phone?}``: example addresses), ``themes``, ``goals``, ``days_requested``,
    ``participants`` (any of "management", "supervisors", "staff"), ``status`` (a SparringRequest.Status value),
    ``preferred_coach`` and ``coach`` (expert names), ``days_granted``, ``decided`` (local time), ``reason``, and
    ``days``: the days delivered, ``{date, online, place, participants, women, men, other_gender, gender_untold,
    employees, supervisors, managers, report, outcome}`` (the genders add up to ``participants``; the roles to at
    most it).

The requests have no applicant (``applicant`` is empty): a demo request was not made by a demo account, so no demo
member's list shows it; the coaches' accounts see their assignments. An accepted or declined request is final, so
those are kept as the file says; a pending or on-hold request and the days are rows the demo's visitors may change
(the office decides, a coach logs days), so they are only ever created, and a day is found by its request and date.
"""

from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db.models import Sum

from core.demo import DemoContentError, local_datetime, page_values, steps
from networks.demo import site_root_page
from networks.models import NetworkIndexPage, Organisation
from tori.models import ToriIndexPage

from .models import DevelopmentTheme, Expert, ServicesPage, SparringBudget, SparringDay, SparringRequest

PARTICIPANTS = {
    "management": "management_takes_part",
    "supervisors": "supervisors_take_part",
    "staff": "staff_take_part",
}
DAY_COUNTS = (
    "participants",
    "women",
    "men",
    "other_gender",
    "gender_untold",
    "employees",
    "supervisors",
    "managers",
)
FINAL = (SparringRequest.Status.ACCEPTED, SparringRequest.Status.DECLINED)


@steps.register("services page", order=470, files=("services.json",))
def load_services_page(load):
    home = site_root_page()
    spec = load.read("services.json")["page"]
    values = page_values(
        spec, intro=spec.get("intro", ""), sparring=spec.get("sparring", ""), training=spec.get("training", "")
    )
    page = load.sync_page(
        "services page", home, ServicesPage, values, existing=ServicesPage.objects.child_of(home).first()
    )
    after = [ToriIndexPage.objects.child_of(home).first(), NetworkIndexPage.objects.child_of(home).first()]
    load.place_after(page, after, "moved the services page after the Tori")


@steps.register("experts", order=472, files=("services.json",))
def load_experts(load):
    """The pool of coaches and trainers (by name) and the yearly day budgets (by year)."""
    content = load.read("services.json")
    existing = {expert.name: expert for expert in Expert.objects.all()}
    for spec in content["experts"]:
        unknown = set(spec.get("themes", [])) - set(DevelopmentTheme.values)
        if unknown:
            raise DemoContentError(f"Expert {spec['name']!r}: unknown themes {sorted(unknown)}.")
        values = {
            "organisation": spec.get("organisation", ""),
            "is_coach": spec.get("coach", True),
            "is_trainer": spec.get("trainer", False),
            "themes": spec.get("themes", []),
            "regions": spec.get("regions", ""),
            "bio": spec.get("bio", ""),
            "active": spec.get("active", True),
        }
        load.sync_object("experts", Expert, existing.get(spec["name"]), {"name": spec["name"]}, values)
    budgets = {budget.year: budget for budget in SparringBudget.objects.all()}
    for spec in content["budgets"]:
        load.sync_object(
            "budgets", SparringBudget, budgets.get(spec["year"]), {"year": spec["year"]}, {"days": spec["days"]}
        )


@steps.register("sparring requests", order=474, files=("services.json",))
def load_sparring_requests(load):
    """The requests and the days delivered; then each year's accepted days are checked against its budget."""
    specs = load.read("services.json")["requests"]
    organisations = {
        organisation.name: organisation
        for organisation in Organisation.objects.filter(name__in={spec["organisation"] for spec in specs})
    }
    experts = {expert.name: expert for expert in Expert.objects.all()}
    for spec in specs:
        sparring_request = sync_request(load, spec, organisations, experts)
        existing = {day.date.isoformat(): day for day in sparring_request.days.all()}
        for day in spec.get("days", []):
            sync_day(load, sparring_request, day, existing.get(day["date"]))
    check_budgets()


def known(objects, key, spec, what):
    try:
        return objects[key]
    except KeyError:
        raise DemoContentError(f"Sparring request {spec['unit']!r}: {what} {key!r} is unknown.") from None


def sync_request(load, spec, organisations, experts):
    organisation = known(organisations, spec["organisation"], spec, "organisation")
    status = spec["status"]
    if status not in SparringRequest.Status.values or spec["scope"] not in SparringRequest.Scope.values:
        raise DemoContentError(f"Sparring request {spec['unit']!r}: unknown status or scope.")
    unknown = set(spec.get("participants", [])) - set(PARTICIPANTS)
    if unknown:
        raise DemoContentError(f"Sparring request {spec['unit']!r}: unknown participants {sorted(unknown)}.")
    coach, preferred = spec.get("coach"), spec.get("preferred_coach")
    values = {
        "scope": spec["scope"],
        "contact_name": spec["contact"]["name"],
        "contact_email": spec["contact"]["email"],
        "contact_phone": spec["contact"].get("phone", ""),
        "themes": spec["themes"],
        "goals": spec["goals"],
        "days_requested": spec["days_requested"],
        "preferred_coach": known(experts, preferred, spec, "preferred coach") if preferred else None,
        **{field: name in spec.get("participants", []) for name, field in PARTICIPANTS.items()},
        "year": spec["year"],
        "status": status,
        "coach": known(experts, coach, spec, "coach") if coach else None,
        "days_granted": spec.get("days_granted"),
        "decision_reason": spec.get("reason", ""),
        "decided": local_datetime(spec["decided"]) if spec.get("decided") else None,
    }
    if status == SparringRequest.Status.ACCEPTED and (values["coach"] is None or not values["days_granted"]):
        raise DemoContentError(f"Sparring request {spec['unit']!r}: an accepted request needs a coach and days.")
    lookup = {"organisation": organisation, "unit": spec["unit"]}
    existing = SparringRequest.objects.filter(**lookup).first()
    if existing is not None and status not in FINAL:
        load.report.add("sparring requests", "unchanged")  # the office may have decided it meanwhile
        return existing
    sparring_request = load.sync_object("sparring requests", SparringRequest, existing, lookup, values)
    applied = local_datetime(spec["applied"])
    if sparring_request.created != applied:  # auto_now_add: set after the row exists
        SparringRequest.objects.filter(pk=sparring_request.pk).update(created=applied)
        sparring_request.created = applied
    return sparring_request


def sync_day(load, sparring_request, spec, existing):
    counts = {name: spec.get(name, 0) for name in DAY_COUNTS}
    genders = counts["women"] + counts["men"] + counts["other_gender"] + counts["gender_untold"]
    roles = counts["employees"] + counts["supervisors"] + counts["managers"]
    if genders != counts["participants"] or roles > counts["participants"]:
        raise DemoContentError(f"Sparring day {sparring_request.unit!r} {spec['date']}: the counts do not add up.")
    values = {
        "online": spec.get("online", False),
        "place": spec.get("place", ""),
        **counts,
        "report": spec["report"],
        "outcome": spec.get("outcome", ""),
    }
    if existing is not None:
        load.report.add("sparring days", "unchanged")  # the coach may have edited it
        return existing
    # Logged by nobody until the coach's account exists (step "coach accounts"): validated without logged_by.
    day = SparringDay(request=sparring_request, date=date.fromisoformat(spec["date"]), **values)
    try:
        day.full_clean(exclude=["logged_by"])
    except ValidationError as error:
        raise DemoContentError(f"Sparring day {sparring_request.unit!r} {spec['date']}: {error}") from None
    day.save()
    load.report.add("sparring days", "created")
    return day


def check_budgets():
    budgets = dict(SparringBudget.objects.values_list("year", "days"))
    accepted = (
        SparringRequest.objects.filter(status=SparringRequest.Status.ACCEPTED)
        .values("year")
        .annotate(days=Sum("days_granted"))
    )
    for row in accepted:
        if row["days"] > budgets.get(row["year"], 0):
            raise DemoContentError(f"The accepted sparring days of {row['year']} exceed its budget.")


@steps.register("coach accounts", order=480, files=("services.json", "users.json"), users=True)
def load_coach_accounts(load):
    """With the demo accounts: the coaches' accounts (the shared demo password, a verified address), linked to
    their experts; the days of their requests that nobody logged are marked as logged by them."""
    User = get_user_model()  # noqa: N806
    password = load.read("users.json")["password"]
    password_hash = None
    experts = {expert.name: expert for expert in Expert.objects.all()}
    for spec in load.read("services.json")["experts"]:
        email = spec.get("account")
        if not email:
            continue
        expert = experts[spec["name"]]
        first_name, _space, last_name = spec["name"].partition(" ")
        user = User.objects.filter(email=email).first()
        if user is None:
            password_hash = password_hash or make_password(password)
            user = User.objects.create(
                email=email, password=password_hash, first_name=first_name, last_name=last_name, job_title="sparraaja"
            )
            load.report.add("users", "created")
        else:
            load.report.add("users", "unchanged")
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if expert.user_id != user.pk:
            expert.user = user
            expert.save(update_fields=["user"])
            load.report.add("coach accounts", "updated")
        else:
            load.report.add("coach accounts", "unchanged")
        logged = SparringDay.objects.filter(request__coach=expert, logged_by__isnull=True).update(logged_by=user)
        if logged:
            load.report.note(f"{logged} sparring days logged by {email}")
        load.report.demo_accounts.append((email, f"coach {spec['name']} in the sparring pool"))
