"""Sparring requests: who may apply, applying, and the programme office's decision within the year's day budget
(docs/services.md, "Sparring requests").

`*_refusal` and `check_*` decide without changing anything and raise (or return) an ActionError with a Finnish
message; `apply` and `decide` decide again and change everything in one transaction, so a refused request stores
nothing and queues no e-mail.

- **Who applies.** A person applies in the name of an organisation they belong to: one named on one of their
  active memberships (`tori.actions.organisations_for`, never the profile's: DESIGN.md, trust rules).
- **The year.** A request counts against the budget of the year it was made in, in Helsinki time.
- **The budget rule.** Accepting a request grants days from its year's `SparringBudget`: the days granted to the
  year's accepted requests plus these may not exceed the budget. The budget's row is locked while this is
  decided (`select_for_update`), so two accepts at once are decided one after the other and cannot together
  exceed it. A year without a budget row grants nothing until the office sets one.
- **Transitions.** A pending request may be accepted, declined or put on hold; one on hold may be accepted or
  declined; an accepted or declined request is final.
- **E-mails.** After the commit the applicant is told of the decision, and for an accepted request the coach's
  account of the assignment, each in their own language (`core.email.send_to_users`).
"""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.email import send_to_users
from core.errors import ActionError
from networks.models import Organisation
from tori.actions import organisations_for, writing_memberships

from .models import MAX_DAYS_PER_REQUEST, DevelopmentTheme, Expert, SparringBudget, SparringRequest

HELSINKI = ZoneInfo("Europe/Helsinki")
Status = SparringRequest.Status

# What each state may become: an accepted or declined request is final.
TRANSITIONS = {
    Status.PENDING: {Status.ACCEPTED, Status.DECLINED, Status.ON_HOLD},
    Status.ON_HOLD: {Status.ACCEPTED, Status.DECLINED},
    Status.ACCEPTED: set(),
    Status.DECLINED: set(),
}


@dataclass
class RequestInput:
    """What the apply form gives."""

    organisation: Organisation | None
    unit: str
    contact_name: str
    contact_email: str
    goals: str
    days_requested: int | None
    scope: str = SparringRequest.Scope.UNIT
    contact_phone: str = ""
    themes: list[str] = field(default_factory=list)
    preferred_coach: Expert | None = None
    management_takes_part: bool = False
    supervisors_take_part: bool = False
    staff_take_part: bool = False


def current_year() -> int:
    """The budget year of a request made now: the year in Helsinki."""
    return timezone.now().astimezone(HELSINKI).year


def active_coaches() -> QuerySet[Expert]:
    """The coaches the office may assign and an applicant may wish for: active coaches of the pool."""
    return Expert.objects.filter(active=True, is_coach=True).order_by("name", "pk")


# Who may apply, and for whom.


def apply_refusal(user: User) -> ActionError | None:
    """Why the person may not apply for sparring, or None. One query."""
    organisations = list(writing_memberships(user).values_list("organisation_id", flat=True))
    if not organisations:
        return ActionError(
            "not_a_member",
            _(
                "Sparrausta haetaan kuntaorganisaation tai työpaikan nimissä, ja hakijan organisaatio tunnetaan "
                "KunTeko-verkoston jäsenyydestä. Et ole tällä hetkellä minkään verkoston jäsen, joten et voi hakea "
                "sparrausta tällä lomakkeella. Liity organisaatiosi edustajana johonkin verkostoon tai kysy "
                "sparrauksesta ohjelmatoimistolta."
            ),
        )
    if not any(organisations):
        return ActionError(
            "no_organisation",
            _(
                "Sparrausta haetaan organisaation nimissä, mutta sinua ei ole vielä liitetty organisaatioon "
                "yhdessäkään verkostossasi. Pyydä verkostosi fasilitaattoria liittämään sinut organisaatioosi ja "
                "hae sitten uudelleen."
            ),
        )
    return None


def check_organisation(user: User, organisation: Organisation | None) -> Organisation:
    if organisation is None or not organisations_for(user).filter(pk=organisation.pk).exists():
        raise ActionError(
            "organisation",
            _("Voit hakea sparrausta vain sen organisaation nimissä, jota edustat jossakin verkostossasi."),
        )
    return organisation


def check_days(days: int | None, code: str = "days") -> int:
    if days is None or not 1 <= days <= MAX_DAYS_PER_REQUEST:
        raise ActionError(code, _("Sparrauspäiviä voi olla 1–5 yhtä hakemusta kohden."))
    return days


def check_coach(coach: Expert | None, *, required: bool) -> None:
    """`coach` must be an active coach of the pool; with `required`, there must be one."""
    if coach is None:
        if required:
            raise ActionError("no_coach", _("Valitse hakemukselle sparraaja ohjelman sparraajista."))
        return
    if not active_coaches().filter(pk=coach.pk).exists():
        raise ActionError(
            "coach", _("Valittu sparraaja ei ole ohjelman sparraajapoolissa. Valitse sparraaja ohjelman sparraajista.")
        )


def check_themes(themes: list[str]) -> None:
    if not themes or not set(themes) <= set(DevelopmentTheme.values):
        raise ActionError("themes", _("Valitse vähintään yksi teema, jota haluatte kehittää."))


def check_participants(data: RequestInput) -> None:
    if not (data.management_takes_part or data.supervisors_take_part or data.staff_take_part):
        raise ActionError(
            "participants", _("Kerro, ketkä sparraukseen osallistuvat: johto, esihenkilöt tai henkilöstö.")
        )


def check_request(user: User, data: RequestInput) -> tuple[Organisation, int]:
    """The organisation and the days asked for, once every rule has passed."""
    organisation = check_organisation(user, data.organisation)
    days = check_days(data.days_requested)
    check_coach(data.preferred_coach, required=False)
    check_themes(data.themes)
    check_participants(data)
    return organisation, days


# Applying.


def apply(user: User, data: RequestInput) -> SparringRequest:
    """Stores the person's request for the current year, waiting for the office's decision."""
    refusal = apply_refusal(user)
    if refusal is not None:
        raise refusal
    organisation, days = check_request(user, data)
    with transaction.atomic():
        return SparringRequest.objects.create(
            applicant=user,
            organisation=organisation,
            scope=data.scope,
            unit=data.unit.strip(),
            contact_name=data.contact_name.strip(),
            contact_email=data.contact_email.strip(),
            contact_phone=data.contact_phone.strip(),
            themes=[value for value in DevelopmentTheme.values if value in data.themes],
            goals=data.goals.strip(),
            days_requested=days,
            preferred_coach=data.preferred_coach,
            management_takes_part=data.management_takes_part,
            supervisors_take_part=data.supervisors_take_part,
            staff_take_part=data.staff_take_part,
            year=current_year(),
        )


# The office's decision.


@dataclass(frozen=True)
class BudgetStatus:
    """A year's sparring days: the budget (None: not set), the days granted to accepted requests, what is left."""

    year: int
    days: int | None
    used: int

    @property
    def left(self) -> int | None:
        return None if self.days is None else self.days - self.used


def granted_days(year: int) -> int:
    accepted = SparringRequest.objects.filter(year=year, status=Status.ACCEPTED)
    return accepted.aggregate(total=Sum("days_granted"))["total"] or 0


def budget_status(year: int) -> BudgetStatus:
    """Two queries."""
    days = SparringBudget.objects.filter(year=year).values_list("days", flat=True).first()
    return BudgetStatus(year, days, granted_days(year))


def check_budget(year: int, days: int) -> None:
    """Refuses days beyond the year's budget. Locks the budget's row: call it inside the deciding transaction."""
    budget = SparringBudget.objects.select_for_update().filter(year=year).first()
    if budget is None:
        raise ActionError(
            "no_budget",
            _(
                "Vuoden %(year)s sparrauspäivien budjettia ei ole asetettu. Ohjelmatoimiston on ensin asetettava "
                "vuoden budjetti (hallinnassa: Sparraus → Sparrauspäivien budjetit)."
            )
            % {"year": year},
        )
    left = budget.days - granted_days(year)
    if days > left:
        raise ActionError(
            "over_budget",
            _(
                "Vuoden %(year)s sparrauspäivien budjetti ylittyisi: budjetti on %(budget)s päivää, ja jäljellä on "
                "%(left)s. Myönnä enintään %(left)s päivää tai kasvata vuoden budjettia."
            )
            % {"year": year, "budget": budget.days, "left": max(left, 0)},
        )


def check_transition(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS[Status(current)]:
        if current == Status.ON_HOLD:
            raise ActionError("already_on_hold", _("Hakemus on jo pidossa. Hyväksy tai hylkää se."))
        raise ActionError(
            "already_decided",
            _("Hakemus on jo käsitelty (%(status)s), eikä päätöstä voi muuttaa.")
            % {"status": Status(current).label.lower()},
        )


def check_office(user: User) -> None:
    if not user.is_staff:
        raise ActionError("not_office", _("Sparraushakemukset käsittelee ohjelmatoimisto."))


def decide(
    sparring_request: SparringRequest,
    status: str,
    by: User,
    *,
    coach: Expert | None = None,
    days_granted: int | None = None,
    reason: str = "",
) -> SparringRequest:
    """The office's decision: accept (with a coach of the pool and days within the year's budget), decline (with a
    reason) or put on hold (a reason optional). Decided under the request's row lock, and the budget's."""
    check_office(by)
    reason = reason.strip()
    if status not in (Status.ACCEPTED, Status.DECLINED, Status.ON_HOLD):
        raise ActionError("decision", _("Valitse päätös: hyväksy, hylkää tai siirrä pitoon."))
    if status == Status.ACCEPTED:
        check_coach(coach, required=True)
        days_granted = check_days(days_granted, "days_granted")
    elif status == Status.DECLINED and not reason:
        raise ActionError("no_reason", _("Kirjoita hylkäämisen perustelu: hakija saa sen tiedoksi."))
    with transaction.atomic():
        row = SparringRequest.objects.select_for_update().get(pk=sparring_request.pk)
        check_transition(row.status, status)
        if days_granted is not None and status == Status.ACCEPTED:
            check_budget(row.year, days_granted)
        row.status = status
        row.coach = coach if status == Status.ACCEPTED else None
        row.days_granted = days_granted if status == Status.ACCEPTED else None
        row.decision_reason = reason
        row.decided_by = by
        row.decided = timezone.now()
        row.save(update_fields=["status", "coach", "days_granted", "decision_reason", "decided_by", "decided"])
        email_decision(row)
    return row


# The applicant's e-mail of each decision: templates/email/services/request_<name>.txt
TEMPLATES: dict[str, str] = {Status.ACCEPTED: "accepted", Status.DECLINED: "declined", Status.ON_HOLD: "on_hold"}


def email_decision(row: SparringRequest) -> None:
    """The applicant hears of the decision; for an accepted request the coach's account of the assignment."""
    context = {"sparring_request": row, "organisation": row.organisation}
    applicant = row.applicant
    if applicant is not None and applicant.is_notifiable:
        send_to_users([applicant], f"services/request_{TEMPLATES[row.status]}", context)
    if row.status == Status.ACCEPTED and row.coach is not None:
        coach = row.coach.user
        if coach is not None and coach.is_notifiable:
            send_to_users([coach], "services/request_assigned", context)


# Who sees a request.


def visible_requests(user: User) -> QuerySet[SparringRequest]:
    """The requests a person may open: their own, those assigned to them as a coach, and every request for staff."""
    requests = SparringRequest.objects.all()
    if user.is_staff:
        return requests
    return requests.filter(Q(applicant=user) | Q(coach__user=user))
