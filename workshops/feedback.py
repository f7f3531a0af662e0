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

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.data import account_deleted, register_exporter
from networks.models import NetworkPage

from .models import FEEDBACK_PERIOD, Feedback, FeedbackClosure, FeedbackRespondent, Registration, WorkshopPage


class FeedbackRefused(Exception):
    """Feedback that cannot be given, or closed; `message` says why, for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class AlreadyAnswered(FeedbackRefused):
    def __init__(self):
        super().__init__(_("Olet jo antanut palautteen tästä työpajasta. Kiitos!"))


NOT_FOR_STAFF = _("Palautteen antavat työpajaan osallistuneet verkoston jäsenet.")
NOT_FOR_FACILITATORS = _("Fasilitaattorit eivät anna palautetta oman verkostonsa työpajoista.")
CANCELLED = _("Työpaja on peruttu, joten siitä ei kerätä palautetta.")
NOT_STARTED = _("Palautetta voi antaa, kun työpaja on alkanut.")
CLOSED = _("Palaute tästä työpajasta on suljettu.")
NOT_ATTENDED = _(
    "Palautetta antavat työpajaan osallistuneet. Jos olit paikalla, pyydä fasilitaattoria merkitsemään sinut "
    "osallistuneeksi."
)


def closes_at(workshop):
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
    def started(self):
        return self.workshop.start <= self.now

    @property
    def closes(self):
        """When feedback closed, or closes."""
        return self.closed_at or closes_at(self.workshop)

    @property
    def is_closed(self):
        return self.closed_at is not None or self.now >= closes_at(self.workshop)

    @property
    def is_open(self):
        return self.refusal() is None

    def refusal(self):
        """Why no one can answer now (cancelled, not started, closed), or None while feedback is open."""
        if self.workshop.cancelled:
            return CANCELLED
        if not self.started:
            return NOT_STARTED
        if self.is_closed:
            return CLOSED
        return None


def feedback_state(workshop, user, now=None):
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


def check_can_answer(access, state):
    """Raises FeedbackRefused unless the person may give feedback now. Someone who has already answered
    passes (the form then thanks them), unless the workshop was cancelled or has not started."""
    if access.membership is None:
        raise FeedbackRefused(NOT_FOR_STAFF)
    if access.membership.is_facilitator:
        raise FeedbackRefused(NOT_FOR_FACILITATORS)
    refusal = state.refusal()
    if refusal is not None and not (state.answered and refusal is CLOSED):
        raise FeedbackRefused(refusal)
    if not state.answered and not state.attended:
        raise FeedbackRefused(NOT_ATTENDED)


def _locked(workshop):
    return WorkshopPage.objects.select_for_update(of=("self",)).get(pk=workshop.pk)


def give_feedback(workshop, user, answers):
    """Stores `answers` (the Feedback fields) and that `user` has answered, together or not at all.

    Re-checks under the workshop's lock what may have changed since the form was shown (closing,
    attendance); raises FeedbackRefused, or AlreadyAnswered for a second answer (also one that raced the
    first). The caller has checked the person's role (`check_can_answer`).
    """
    with transaction.atomic():
        workshop = _locked(workshop)
        state = feedback_state(workshop, user)
        if state.answered:
            raise AlreadyAnswered
        if state.refusal() is not None:
            raise FeedbackRefused(state.refusal())
        if not state.attended:
            raise FeedbackRefused(NOT_ATTENDED)
        try:
            with transaction.atomic():
                FeedbackRespondent.objects.create(workshop=workshop, user=user)
        except IntegrityError:
            raise AlreadyAnswered from None
        Feedback.objects.create(workshop=workshop, **answers)


def close_feedback(workshop, user):
    """A facilitator closes the workshop's feedback now. Returns (FeedbackClosure, True), or the existing
    closure and False when it had already closed. Raises FeedbackRefused before the workshop has started."""
    with transaction.atomic():
        workshop = _locked(workshop)
        closure = FeedbackClosure.objects.filter(workshop=workshop).first()
        if closure is not None:
            return closure, False
        now = timezone.now()
        if workshop.cancelled:
            raise FeedbackRefused(CANCELLED)
        if workshop.start > now:
            raise FeedbackRefused(_("Palautteen voi sulkea, kun työpaja on alkanut."))
        if now >= closes_at(workshop):
            return FeedbackClosure.objects.create(workshop=workshop, closed=closes_at(workshop)), False
        return FeedbackClosure.objects.create(workshop=workshop, closed=now, closed_by=user), True


def close_if_due(workshop, now=None):
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


def close_due_feedback(now=None):
    """Records the closing of every workshop whose feedback time is up; returns how many were closed."""
    now = now or timezone.now()
    due = WorkshopPage.objects.filter(end__lte=now - FEEDBACK_PERIOD, feedback_closure__isnull=True)
    return sum(close_if_due(workshop, now) is not None for workshop in due.order_by("pk"))


@receiver(account_deleted)
def forget_respondent(sender, user, **kwargs):
    """The record of which workshops a deleted account gave feedback on goes; the answers themselves stay,
    as they never had an author."""
    FeedbackRespondent.objects.filter(user=user).delete()


@register_exporter("workshop_feedback")
def export_feedback(user):
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
