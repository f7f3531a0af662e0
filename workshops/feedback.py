"""Workshop feedback: who may answer and when, storing an answer apart from its author, and closing.

- Only people marked as attended (Registration.attended) answer, once each. The network's facilitators do
  not answer their own workshops, nor do programme staff who are not members.
- Feedback opens when the workshop starts and closes FEEDBACK_PERIOD after it ends, or earlier when a
  facilitator closes it. Closing is recorded (FeedbackClosure) — by the facilitator, or by the first look
  after the closing time (`close_if_due`: the results page, the hourly `send_workshop_reminders`) — and
  results are shown only once it is. A recorded closing stays: moving the workshop's times later does not
  reopen feedback whose results may already have been read.
- An answer and the record that its author has answered (FeedbackRespondent) are saved together, and so
  is a closing, each in a transaction that first locks the workshop's row: no answer slips in after
  closing, so results, once shown, never change and cannot be compared to tell a late answer.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.data import account_deleted, register_exporter
from accounts.models import User
from core.errors import ActionError
from networks.access import NetworkAccess
from networks.models import Membership, NetworkPage

from .models import FEEDBACK_PERIOD, Feedback, FeedbackClosure, FeedbackRespondent, Registration, WorkshopPage
from .notifications import member_users


class FeedbackRefused(ActionError):
    """Feedback that cannot be given, or closed."""


class AlreadyAnswered(FeedbackRefused):
    code = "already_answered"
    message = _("Olet jo antanut palautteen tästä työpajasta. Kiitos!")


class NotForStaff(FeedbackRefused):
    code = "not_member"
    message = _("Palautteen antavat työpajaan osallistuneet verkoston jäsenet.")


class NotForFacilitators(FeedbackRefused):
    code = "facilitator"
    message = _("Fasilitaattorit eivät anna palautetta oman verkostonsa työpajoista.")


class WorkshopCancelled(FeedbackRefused):
    code = "workshop_cancelled"
    message = _("Työpaja on peruttu, joten siitä ei kerätä palautetta.")


class NotStarted(FeedbackRefused):
    code = "workshop_not_started"
    message = _("Palautetta voi antaa, kun työpaja on alkanut.")


class FeedbackClosed(FeedbackRefused):
    code = "feedback_closed"
    message = _("Palaute tästä työpajasta on suljettu.")


class NotAttended(FeedbackRefused):
    code = "not_attended"
    message = _(
        "Palautetta antavat työpajaan osallistuneet. Jos olit paikalla, pyydä fasilitaattoria merkitsemään sinut "
        "osallistuneeksi."
    )


def closes_at(workshop: WorkshopPage) -> datetime:
    """When feedback on the workshop closes unless a facilitator closes it earlier."""
    return workshop.end + FEEDBACK_PERIOD


@dataclass(frozen=True)
class FeedbackState:
    """Where a workshop's feedback stands, for one person."""

    workshop: WorkshopPage
    closed_at: datetime | None  # when its closing was recorded (FeedbackClosure.closed), or None
    answered: bool
    attended: bool
    now: datetime

    @property
    def started(self) -> bool:
        return self.workshop.start <= self.now

    @property
    def closes(self) -> datetime:
        """When feedback closed, or closes."""
        return self.closed_at or closes_at(self.workshop)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None or self.now >= closes_at(self.workshop)

    @property
    def is_open(self) -> bool:
        return self.refusal() is None

    def refusal(self) -> FeedbackRefused | None:
        """Why no one can answer now (cancelled, not started, closed): a FeedbackRefused to raise or to show,
        or None while feedback is open."""
        if self.workshop.cancelled:
            return WorkshopCancelled()
        if not self.started:
            return NotStarted()
        if self.is_closed:
            return FeedbackClosed()
        return None


def feedback_state(workshop: WorkshopPage, user: User, now: datetime | None = None) -> FeedbackState:
    """The FeedbackState of the workshop for a signed-in `user`: one query."""
    theirs = {"workshop": OuterRef("pk"), "user": user}
    row = (
        WorkshopPage.objects.filter(pk=workshop.pk)
        .annotate(
            closed_at=Subquery(FeedbackClosure.objects.filter(workshop=OuterRef("pk")).values("closed")[:1]),
            answered=Exists(FeedbackRespondent.objects.filter(**theirs)),
            attended=Exists(Registration.objects.filter(**theirs, attended=True)),
        )
        .values("closed_at", "answered", "attended")
        .get()
    )
    return FeedbackState(workshop=workshop, now=now or timezone.now(), **row)


def check_can_answer(access: NetworkAccess, state: FeedbackState) -> None:
    """Raises FeedbackRefused unless the person may give feedback now. Someone who has already answered
    passes (the form then thanks them), unless the workshop was cancelled or has not started."""
    if access.membership is None:
        raise NotForStaff()
    if access.membership.is_facilitator:
        raise NotForFacilitators()
    refusal = state.refusal()
    if refusal is not None and not (state.answered and isinstance(refusal, FeedbackClosed)):
        raise refusal
    if not state.answered and not state.attended:
        raise NotAttended()


def expected_respondents(workshop: WorkshopPage, network: NetworkPage) -> QuerySet[User]:
    """The people who may still give feedback, as a User queryset: the network's members marked as attended,
    not its facilitators, not those who have already answered (`check_can_answer`'s rule, for everyone)."""
    attended = Registration.objects.filter(workshop=workshop, attended=True).values("user")
    facilitators = Membership.objects.active().filter(network=network, role=Membership.Role.FACILITATOR)
    answered = FeedbackRespondent.objects.filter(workshop=workshop).values("user")
    return (
        member_users(network)
        .filter(pk__in=attended)
        .exclude(pk__in=facilitators.values("user"))
        .exclude(pk__in=answered)
    )


def _locked(workshop: WorkshopPage) -> WorkshopPage:
    return WorkshopPage.objects.select_for_update(of=("self",)).get(pk=workshop.pk)


def give_feedback(workshop: WorkshopPage, user: User, answers: Mapping[str, object]) -> None:
    """Stores `answers` (the Feedback fields) and that `user` has answered, together or not at all.

    Re-checks under the workshop's lock what may have changed since the form was shown (closing,
    attendance); raises FeedbackRefused, or AlreadyAnswered for a second answer (also one that raced the
    first). The caller has checked the person's role (`check_can_answer`).
    """
    with transaction.atomic():
        workshop = _locked(workshop)
        state = feedback_state(workshop, user)
        if state.answered:
            raise AlreadyAnswered()
        refusal = state.refusal()
        if refusal is not None:
            raise refusal
        if not state.attended:
            raise NotAttended()
        try:
            with transaction.atomic():
                FeedbackRespondent.objects.create(workshop=workshop, user=user)
        except IntegrityError:
            raise AlreadyAnswered() from None
        Feedback.objects.create(workshop=workshop, **answers)


def close_feedback(workshop: WorkshopPage, user: User) -> tuple[FeedbackClosure, bool]:
    """A facilitator closes the workshop's feedback now. Returns (FeedbackClosure, True), or the existing
    closure and False when it had already closed. Raises FeedbackRefused before the workshop has started."""
    with transaction.atomic():
        workshop = _locked(workshop)
        closure = FeedbackClosure.objects.filter(workshop=workshop).first()
        if closure is not None:
            return closure, False
        now = timezone.now()
        if workshop.cancelled:
            raise WorkshopCancelled()
        if workshop.start > now:
            raise NotStarted(message=_("Palautteen voi sulkea, kun työpaja on alkanut."))
        if now >= closes_at(workshop):
            return FeedbackClosure.objects.create(workshop=workshop, closed=closes_at(workshop)), False
        return FeedbackClosure.objects.create(workshop=workshop, closed=now, closed_by=user), True


def close_if_due(workshop: WorkshopPage, now: datetime | None = None) -> FeedbackClosure | None:
    """The workshop's FeedbackClosure, recorded now if its closing time has passed; None while it is open."""
    now = now or timezone.now()
    closure = FeedbackClosure.objects.filter(workshop=workshop).first()
    if closure is not None or now < closes_at(workshop):
        return closure
    with transaction.atomic():
        workshop = _locked(workshop)
        closure, _created = FeedbackClosure.objects.get_or_create(
            workshop=workshop, defaults={"closed": closes_at(workshop)}
        )
    return closure


def close_due_feedback(now: datetime | None = None) -> int:
    """Records the closing of every workshop whose feedback time is up; returns how many were closed."""
    now = now or timezone.now()
    due = WorkshopPage.objects.filter(end__lte=now - FEEDBACK_PERIOD, feedback_closure__isnull=True)
    return sum(close_if_due(workshop, now) is not None for workshop in due.order_by("pk"))


@receiver(account_deleted)
def forget_respondent(sender: type[User], user: User, **kwargs: object) -> None:
    """The record of which workshops a deleted account gave feedback on goes; the answers themselves stay,
    as they never had an author."""
    FeedbackRespondent.objects.filter(user=user).delete()


@register_exporter("workshop_feedback")
def export_feedback(user: User) -> dict[str, object]:
    """The workshops the person gave feedback on. The answers cannot be part of it: they are stored without
    their author, so no one — the person included — can tell which answer is theirs. Two queries."""
    workshops = list(
        WorkshopPage.objects.filter(feedback_respondents__user=user)
        .order_by("start", "pk")
        .values_list("title", "start", "path")
    )
    steplen = WorkshopPage.steplen
    parents = {path[:-steplen] for _title, _start, path in workshops}
    networks = dict(NetworkPage.objects.filter(path__in=parents).values_list("path", "title")) if workshops else {}
    return {
        "note": str(
            _(
                "Palautteesi on tallennettu nimettömänä ilman yhteyttä sinuun. Siksi vastauksiasi ei voi "
                "palauttaa sinulle eikä poistaa: kukaan ei voi tietää, mikä vastauksista on sinun. Tässä ovat "
                "työpajat, joista olet antanut palautetta."
            )
        ),
        "given_for": [
            {"network": networks.get(path[:-steplen]), "workshop": title, "workshop_start": start.isoformat()}
            for title, start, path in workshops
        ],
    }
