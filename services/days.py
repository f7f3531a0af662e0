"""The sparring days a coach delivers: who sees them, logging and correcting a day, and the day's anonymous
feedback (docs/services.md, "Sparring days").

- A request's days are seen by its applicant, its assigned coach and the programme office
  (`services.requests.visible_requests`); to anyone else the request does not exist. Only the assigned coach
  (the accepted request's `coach`, whose `Expert.user` is the person) logs and corrects days: the office sees
  them but does not log in a coach's name, and the applicant sees the days, their reports and outcomes but not
  the feedback.
- A day is refused, with nothing stored, unless the request is accepted, the date is neither in the future
  (Helsinki time) nor before the request was accepted nor a date already logged, the days stay within
  `days_granted`, the headcounts add up (`check_day`), a place is given unless the day was online and the
  report is written. `log_day` and `edit_day` lock the request's row and decide again under it, so that two
  logs at once cannot exceed the days granted.
- Feedback is anonymous in fact, as workshop feedback: whoever has the day's link (`feedback_key`) answers,
  once per browser (the view's signed cookie), and an answer stores no person, time or address. It opens on
  the day and closes at the end of the FEEDBACK_DAYS-th day after it, or when the coach closes it; a closing
  is recorded (`feedback_closed`) and stays even if the day's date is corrected later, so results once shown
  never change. No more answers are taken than the day had participants.
"""

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import ActionError

from .models import SparringDay, SparringFeedback, SparringRequest

FEEDBACK_DAYS = 14  # feedback stays open through the fourteenth day after the sparring day
MAX_PARTICIPANTS = 1000  # more on one day is a typing error, not a sparring day


class DayRefused(ActionError):
    """A day that cannot be logged or corrected as given; `field` is the form field the refusal is about."""

    def __init__(self, code: str, message, field: str | None = None) -> None:
        super().__init__(code, message)
        self.field = field


class FeedbackRefused(ActionError):
    """Feedback that cannot be given or closed now."""


class FeedbackClosed(FeedbackRefused):
    code = "feedback_closed"
    message = _("Palaute tästä sparrauspäivästä on suljettu. Kiitos kiinnostuksestasi!")


class FeedbackFull(FeedbackRefused):
    code = "feedback_full"
    message = _("Tähän palautteeseen on jo vastattu yhtä monta kertaa kuin sparrauspäivässä oli osallistujia.")


# Who sees and who logs.


def is_assigned_coach(user: User, sparring: SparringRequest) -> bool:
    """Is the person the request's coach (the coach's account)? Reads `sparring.coach`: select it along."""
    return user.is_authenticated and sparring.coach is not None and sparring.coach.user_id == user.pk


def log_refusal(user: User, sparring: SparringRequest) -> ActionError | None:
    """Why the person may not log or correct the request's days, or None."""
    if not is_assigned_coach(user, sparring):
        return ActionError(
            "not_coach",
            _("Sparrauspäivät kirjaa sparraukseen nimetty sparraaja. Voit katsoa päiviä, mutta et kirjata niitä."),
        )
    if sparring.status != SparringRequest.Status.ACCEPTED:
        return ActionError(
            "not_accepted", _("Sparrausta ei ole hyväksytty, joten sille ei voi kirjata sparrauspäiviä.")
        )
    return None


def check_can_log(user: User, sparring: SparringRequest) -> None:
    refusal = log_refusal(user, sparring)
    if refusal is not None:
        raise refusal


# The day's content.


@dataclass
class DayInput:
    """What the coach's form gives for a day: the SparringDay fields the coach fills in."""

    date: date
    online: bool
    place: str
    participants: int
    women: int
    men: int
    other_gender: int
    gender_untold: int
    employees: int
    supervisors: int
    managers: int
    report: str
    outcome: str = ""

    def values(self) -> dict[str, object]:
        """The SparringDay fields to store: the texts trimmed, no place for an online day."""
        return asdict(self) | {
            "place": "" if self.online else self.place.strip(),
            "report": self.report.strip(),
            "outcome": self.outcome.strip(),
        }


DAY_FIELDS = tuple(field.name for field in fields(DayInput))


def check_day(sparring: SparringRequest, data: DayInput, today: date, day: SparringDay | None = None) -> None:
    """Raises DayRefused unless `data` is a day the request may have (`day` is the one being corrected, or
    None for a new day). Reads the request's other days: one query."""
    if data.date > today:
        raise DayRefused(
            "future", _("Päivä ei voi olla tulevaisuudessa. Kirjaa sparrauspäivä, kun se on pidetty."), "date"
        )
    accepted = timezone.localdate(sparring.decided) if sparring.decided else None
    if accepted is not None and data.date < accepted:
        raise DayRefused(
            "before_accepted",
            _("Päivä on ennen kuin sparraus hyväksyttiin (%(date)s). Tarkista päivämäärä.")
            % {"date": date_format(accepted, "j.n.Y")},
            "date",
        )
    others = sparring.days.exclude(pk=day.pk) if day is not None else sparring.days.all()
    dates = list(others.values_list("date", flat=True))
    if data.date in dates:
        raise DayRefused("same_date", _("Tälle päivälle on jo kirjattu sparrauspäivä tähän sparraukseen."), "date")
    if day is None and len(dates) >= (sparring.days_granted or 0):
        raise DayRefused(
            "days_used",
            _(
                "Kaikki sparraukselle myönnetyt päivät (%(days)s) on jo kirjattu. Jos päiviä tarvitaan lisää, ota "
                "yhteyttä ohjelmatoimistoon."
            )
            % {"days": sparring.days_granted or 0},
        )
    check_counts(data)
    if not data.online and not data.place.strip():
        raise DayRefused(
            "no_place", _("Kerro, missä sparrauspäivä pidettiin, tai merkitse se etänä pidetyksi."), "place"
        )
    if not data.report.strip():
        raise DayRefused("no_report", _("Kirjoita lyhyt raportti sparrauspäivästä."), "report")


def check_counts(data: DayInput) -> None:
    """The headcounts: at least one participant; the genders add up to the participants, the roles to at most
    them (the rest did not say)."""
    counts = [
        data.participants,
        data.women,
        data.men,
        data.other_gender,
        data.gender_untold,
        data.employees,
        data.supervisors,
        data.managers,
    ]
    if any(count < 0 for count in counts):
        raise DayRefused("negative", _("Osallistujamäärät eivät voi olla negatiivisia."), "participants")
    if data.participants < 1:
        raise DayRefused("no_participants", _("Sparrauspäivässä on oltava ainakin yksi osallistuja."), "participants")
    if data.participants > MAX_PARTICIPANTS:
        raise DayRefused(
            "too_many",
            _("Osallistujia voi olla enintään %(max)s. Tarkista osallistujamäärä.") % {"max": MAX_PARTICIPANTS},
            "participants",
        )
    genders = data.women + data.men + data.other_gender + data.gender_untold
    if genders != data.participants:
        raise DayRefused(
            "gender_sum",
            _(
                "Naisten, miesten, muun sukupuolen ja sukupuoleltaan tuntemattomien summa (%(sum)s) ei ole sama "
                "kuin osallistujien määrä (%(total)s). Merkitse ne, joiden sukupuolta et tiedä, kohtaan "
                "”sukupuoli ei tiedossa”."
            )
            % {"sum": genders, "total": data.participants},
            "women",
        )
    roles = data.employees + data.supervisors + data.managers
    if roles > data.participants:
        raise DayRefused(
            "role_sum",
            _("Työntekijöitä, esihenkilöitä ja johtajia on yhteensä %(sum)s, enemmän kuin osallistujia (%(total)s).")
            % {"sum": roles, "total": data.participants},
            "employees",
        )


# Logging and correcting.


def _locked(sparring: SparringRequest) -> SparringRequest:
    return SparringRequest.objects.select_for_update(of=("self",)).select_related("coach").get(pk=sparring.pk)


def log_day(user: User, sparring: SparringRequest, data: DayInput) -> SparringDay:
    """The assigned coach logs a day delivered. Decides under the request's lock: raises ActionError
    (DayRefused for the day's content) and stores nothing when refused."""
    with transaction.atomic():
        sparring = _locked(sparring)
        check_can_log(user, sparring)
        check_day(sparring, data, timezone.localdate())
        return SparringDay.objects.create(request=sparring, logged_by=user, **data.values())


def edit_day(user: User, day: SparringDay, data: DayInput) -> SparringDay:
    """The assigned coach corrects a logged day, by the same rules as logging it. A feedback whose time was up
    under the old date is recorded as closed, so that correcting the date does not reopen it."""
    with transaction.atomic():
        sparring = _locked(day.request)
        check_can_log(user, sparring)
        day = SparringDay.objects.select_for_update().get(pk=day.pk, request=sparring)
        check_day(sparring, data, timezone.localdate(), day)
        if day.feedback_closed is None and timezone.now() >= feedback_closes_at(day):
            day.feedback_closed = feedback_closes_at(day)
        for name, value in data.values().items():
            setattr(day, name, value)
        day.save()
        return day


# Feedback.


def feedback_last_day(day: SparringDay) -> date:
    """The last day on which the day's feedback is open unless the coach closes it earlier."""
    return day.date + timedelta(days=FEEDBACK_DAYS)


def feedback_closes_at(day: SparringDay) -> datetime:
    """When feedback on the day closes unless the coach closes it earlier: at the end of its last day, Helsinki
    time."""
    return timezone.make_aware(datetime.combine(feedback_last_day(day) + timedelta(days=1), time.min))


def feedback_closed_at(day: SparringDay, now: datetime | None = None) -> datetime | None:
    """When the day's feedback closed (recorded, or its time up), or None while it is open."""
    if day.feedback_closed is not None:
        return day.feedback_closed
    closes = feedback_closes_at(day)
    return closes if (now or timezone.now()) >= closes else None


def feedback_refusal(day: SparringDay, now: datetime | None = None) -> FeedbackRefused | None:
    """Why no one can answer the day's feedback now, or None while it is open. It is open from the moment the day
    is logged: a day is never logged before its date."""
    if feedback_closed_at(day, now) is not None:
        return FeedbackClosed()
    return None


def give_feedback(day: SparringDay, answers: dict[str, object]) -> SparringFeedback:
    """Stores an anonymous answer (the SparringFeedback fields) unless feedback has closed or has as many
    answers as the day had participants; the day's row is locked, so no answer slips in after closing."""
    with transaction.atomic():
        day = SparringDay.objects.select_for_update().get(pk=day.pk)
        refusal = feedback_refusal(day)
        if refusal is not None:
            raise refusal
        if SparringFeedback.objects.filter(day=day).count() >= day.participants:
            raise FeedbackFull()
        return SparringFeedback.objects.create(day=day, **answers)


def close_feedback(user: User, day: SparringDay) -> bool:
    """The assigned coach closes the day's feedback now. True when it closed now, False when it had closed
    already (its time up: the closing is then recorded at that time)."""
    with transaction.atomic():
        check_can_close(user, day.request)
        day = SparringDay.objects.select_for_update().get(pk=day.pk)
        closed = feedback_closed_at(day)
        if closed is not None:
            if day.feedback_closed is None:
                SparringDay.objects.filter(pk=day.pk).update(feedback_closed=closed)
            return False
        SparringDay.objects.filter(pk=day.pk).update(feedback_closed=timezone.now())
        return True


def check_can_close(user: User, sparring: SparringRequest) -> None:
    if not is_assigned_coach(user, sparring):
        raise ActionError("not_coach", _("Palautteen sulkee sparrauspäivän sparraaja."))


def close_if_due(day: SparringDay) -> datetime | None:
    """The day's recorded closing, recorded now if its time is up (the first look at its results); None while
    feedback is open."""
    closed = feedback_closed_at(day)
    if closed is not None and day.feedback_closed is None:
        SparringDay.objects.filter(pk=day.pk, feedback_closed__isnull=True).update(feedback_closed=closed)
        day.feedback_closed = closed
    return closed
