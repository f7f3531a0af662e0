"""What came of a sparring, as a Tekojen Tori act: the applicant records the workplace's consent and gets a
draft act pre-filled from the request and its days, made through tori.actions by the same rules as an act
written by hand (the author must represent the organisation in a network; the consent is required). The
applicant finishes the draft in the Tori's own form and submits it to the office's review from there.

The request keeps the act it became (`SparringRequest.act`): asking again leads to the same draft.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import ActionError
from tori import actions as tori_actions
from tori.models import ActPage

from .models import SparringDay, SparringRequest


def fit(name: str, text: str) -> str:
    """`text` cut to the act field's length, to be finished in the Tori's form (five days' reports may not fit)."""
    return Truncator(text).chars(ActPage._meta.get_field(name).max_length)


@dataclass
class ExampleInput:
    """What the applicant gives besides what the sparring tells: the act's title, sector and how another
    workplace could copy it, and the workplace's consent to publication."""

    title: str
    sector: str
    how_to_copy: str
    consent: bool
    consent_given_by: str
    consent_date: date | None


def example_refusal(user: User, sparring: SparringRequest) -> ActionError | None:
    """Why the person may not turn the sparring into an act, or None: only its applicant, who must still represent
    its organisation in a network, once a day with an outcome has been logged. One query (two for the outcome)."""
    if sparring.applicant_id != user.pk:
        return ActionError(
            "not_applicant", _("Sparrauksesta tekee kehittämisteon sparrausta hakenut työpaikan yhteyshenkilö.")
        )
    if sparring.status != SparringRequest.Status.ACCEPTED:
        return ActionError("not_accepted", _("Sparrausta ei ole hyväksytty."))
    if not tori_actions.organisations_for(user).filter(pk=sparring.organisation_id).exists():
        return ActionError(
            "organisation",
            _(
                "Teko kirjoitetaan organisaation %(organisation)s nimissä, mutta et edusta sitä enää missään "
                "verkostossa. Pyydä verkostosi fasilitaattoria liittämään sinut organisaatioon."
            )
            % {"organisation": sparring.organisation.name},
        )
    if not sparring.days.exclude(outcome="").exists():
        return ActionError(
            "no_outcome",
            _("Teon pohjaksi tarvitaan sparrauksen tulos. Sparraaja kirjaa sen sparrauspäivän tietoihin."),
        )
    return None


def act_fields(sparring: SparringRequest, days: list[SparringDay], data: ExampleInput, applicant: User) -> dict:
    """The act's fields (tori.actions.ACT_FIELDS): the problem from the request's goals, what was done from the
    days' reports, the result from their outcomes (the summary from the last one), who took part from the
    request, the applicant as the contact person."""
    outcomes = [day for day in days if day.outcome]
    return {
        "title": data.title,
        "summary": fit("summary", outcomes[-1].outcome),
        "problem": fit("problem", sparring.goals),
        "actions": fit("actions", "\n\n".join(f"{date_format(day.date, 'j.n.Y')}: {day.report}" for day in days)),
        "by_management": sparring.management_takes_part,
        "by_supervisors": sparring.supervisors_take_part,
        "by_staff": sparring.staff_take_part,
        "result": fit("result", "\n\n".join(day.outcome for day in outcomes)),
        "how_to_copy": data.how_to_copy,
        "sector": data.sector,
        "organisation": sparring.organisation,
        "network": None,
        "contact_name": applicant.get_full_name() or sparring.contact_name,
        "contact_title": getattr(applicant, "job_title", "") or "",
        "contact_email": applicant.email,
        "consent_given_by": data.consent_given_by.strip(),
        "consent_date": data.consent_date,
    }


def make_example(user: User, sparring: SparringRequest, data: ExampleInput, language: str) -> tuple[ActPage, bool]:
    """The request's Tori draft: (the act, True) when made now, or (the act made before, False). Locks the
    request's row, so that two submissions make one draft. Raises ActionError, storing nothing, when refused
    (also tori.actions' refusals: the consent, the organisation)."""
    with transaction.atomic():
        sparring = (
            SparringRequest.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=sparring.pk)
        )
        if sparring.act_id is not None:
            return ActPage.objects.get(pk=sparring.act_id), False
        refusal = example_refusal(user, sparring)
        if refusal is not None:
            raise refusal
        days = list(sparring.days.order_by("date", "pk"))
        fields = act_fields(sparring, days, data, user)
        act = tori_actions.save_act(user, None, tori_actions.ActInput(fields=fields, consent=data.consent), language)
        sparring.act = act
        sparring.save(update_fields=["act"])
        return act, True
