"""Registering for a public event without an account, cancelling by the link in the confirmation e-mail, the waiting
list, attendance, and deleting the registrations a set time after the event.

The rules of places are the workshops' (workshops.registrations `free_places` and `first_in_line`, shared): a
registration takes a place while places are free and nobody is in line, otherwise it waits in line (`waitlisted`),
in the order it came (`created`); when a place frees up (a cancellation, a raised capacity published) the first in
line get it and an e-mail. Every change runs in a transaction that first locks the event's row (`_locked`), so two
registrations never take the same last place.

- Registration is refused (`registration_refusal`) for a cancelled event, an event without registration on the site
  (a fair stand), and once it has closed (the deadline, else the start); a second registration with the same
  address is refused (`already_registered`), as is a client that sent too many (`REGISTRATION_RATE`, per address).
- Cancelling needs the secret key of the confirmation e-mail's link; an unknown key is refused and changes nothing.
  A registration cannot be cancelled once the event has started (it is kept for attendance).
- Attendance is marked by the organiser once the event has started, for this event's registrations only.
- EVENT_REGISTRATIONS_KEEP_DAYS after the event ends, its registrations are deleted; the event keeps how many held
  a place and how many attended (`delete_registrations`).

A refusal is an ActionError (core.errors) and changes nothing. The `*_refusal` functions say beforehand, for a page,
what the actions would refuse; the actions decide again under the event's lock.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.signals import page_published

from accounts.models import User
from core.email import send_templated_email
from core.errors import ActionError
from core.pages import original
from core.ratelimit import RateLimit
from workshops.calendar import HELSINKI, public_url
from workshops.registrations import first_in_line, free_places

from .calendar import CALENDAR_TYPE, calendar_filename, event_calendar
from .models import EventPage, EventRegistration

REGISTRATION_RATE = RateLimit("event-registration", limit=settings.EVENT_REGISTRATIONS_PER_HOUR, window=3600)
RATE_REASON = gettext_lazy("Tästä osoitteesta on tullut juuri nyt poikkeuksellisen monta ilmoittautumista.")


class AlreadyRegistered(ActionError):
    code = "already_registered"
    message = gettext_lazy(
        "Tällä sähköpostiosoitteella on jo ilmoittauduttu tähän tapahtumaan. Vahvistusviestissä on linkki, jolla "
        "ilmoittautumisen voi perua. Ilmoittautumista ei tallennettu uudelleen."
    )


class UnknownKey(ActionError):
    code = "unknown_key"
    message = gettext_lazy(
        "Peruutuslinkki on virheellinen tai ilmoittautuminen on jo peruttu, joten mitään ei muutettu. Tarkista, "
        "että kopioit linkin vahvistusviestistä kokonaan."
    )


@dataclass(frozen=True)
class RegistrationInput:
    """What a person typed in the registration form (the address already through core.addresses.clean_address)."""

    name: str
    organisation: str
    email: str
    diet: str = ""
    accessibility: str = ""
    language: str = settings.LANGUAGE_CODE


@dataclass
class Registered:
    """What `register` did: the registration and, when it waits in line, its place in line (1 = next)."""

    registration: EventRegistration
    position: int | None = None

    @property
    def waitlisted(self) -> bool:
        return self.registration.waitlisted


@dataclass
class Cancelled:
    """What `cancel` did: the event, whether the cancelled registration had a place, and who got a place from the
    line because of it."""

    event: EventPage
    had_place: bool
    promoted: list[EventRegistration] = field(default_factory=list)


@dataclass
class AttendanceMarked:
    """What `mark_attendance` did: how many of the listed registrations attended, how many were listed, and how many
    listed ids were skipped (not this event's registrations)."""

    attended: int
    listed: int
    skipped: int


# ---------- reading ----------


def has_started(event: EventPage, now: datetime | None = None) -> bool:
    return event.start <= (now or timezone.now())


def local_text(moment: datetime) -> str:
    """ "12.3.2027 klo 16.00"-like text of a moment in Helsinki time, in the active language's formats."""
    with timezone.override(HELSINKI):
        local = timezone.localtime(moment)
        return f"{formats.date_format(local, 'j.n.Y')} {formats.time_format(local, 'H:i')}"


def registration_refusal(event: EventPage, now: datetime | None = None) -> ActionError | None:
    """Why registrations are not taken (an ActionError, to raise or to show), or None while they are."""
    if event.cancelled:
        return ActionError("event_cancelled", _("Tapahtuma on peruttu, joten siihen ei voi ilmoittautua."))
    if not event.registration_open:
        return ActionError("no_registration", _("Tapahtumaan ei ilmoittauduta tällä sivustolla."))
    if event.registration_closes <= (now or timezone.now()):
        return ActionError(
            "registration_closed",
            _("Ilmoittautuminen päättyi %(moment)s (Suomen aikaa).")
            % {"moment": local_text(event.registration_closes)},
        )
    return None


def cancel_refusal(event: EventPage, now: datetime | None = None) -> ActionError | None:
    """Why a registration can no longer be cancelled, or None while it can."""
    if has_started(event, now):
        return ActionError(
            "event_started", _("Tapahtuma on jo alkanut, joten ilmoittautumista ei voi enää perua tällä linkillä.")
        )
    return None


def attendance_refusal(event: EventPage, now: datetime | None = None) -> ActionError | None:
    """Why attendance cannot be marked (an ActionError, to raise or to show), or None when it can."""
    if event.cancelled:
        return ActionError("event_cancelled", _("Tapahtuma on peruttu, joten läsnäoloa ei merkitä."))
    if event.registrations_deleted is not None:
        return ActionError("registrations_deleted", _("Ilmoittautumiset on jo poistettu, joten läsnäoloa ei merkitä."))
    if not has_started(event, now):
        return ActionError("event_not_started", _("Läsnäolon voi merkitä vasta, kun tapahtuma on alkanut."))
    return None


def counts(event: EventPage) -> dict[str, int]:
    """{'places', 'waiting', 'attended'} of an event, in one query; after its registrations were deleted, the counts
    kept on the event (no query, nobody waiting)."""
    if event.registrations_deleted is not None:
        return {"places": event.registered_count, "waiting": 0, "attended": event.attended_count}
    return EventRegistration.objects.filter(event=event).aggregate(
        places=Count("pk", filter=Q(waitlisted=False)),
        waiting=Count("pk", filter=Q(waitlisted=True)),
        attended=Count("pk", filter=Q(attended=True)),
    )


def places_left(event: EventPage, taken: int) -> int | None:
    """Places still free when `taken` are held; None without a limit."""
    return free_places(event.capacity, taken)


def waiting_list(event: EventPage) -> QuerySet[EventRegistration]:
    """The people in line, first in line first."""
    return EventRegistration.objects.filter(event=event, waitlisted=True).order_by("created", "pk")


def position_in_line(registration: EventRegistration) -> int | None:
    """1 for the first in line; None when the registration holds a place. One query."""
    if not registration.waitlisted:
        return None
    ahead = EventRegistration.objects.filter(
        Q(created__lt=registration.created) | Q(created=registration.created, pk__lt=registration.pk),
        event_id=registration.event_id,
        waitlisted=True,
    )
    return ahead.count() + 1


def registration_for_key(key: str) -> EventRegistration | None:
    """The registration of a cancel link's key, with its event; None for an unknown (forged, used) key."""
    if not key or len(key) > 64:
        return None
    return EventRegistration.objects.select_related("event").filter(key=key).first()


# ---------- changing ----------


def _locked(event: EventPage) -> EventPage:
    """The event, re-read with its row locked until the surrounding transaction ends."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)


def _taken(event: EventPage) -> int:
    return EventRegistration.objects.filter(event=event, waitlisted=False).count()


def _promote(event: EventPage) -> list[EventRegistration]:
    """Gives free places to the first in line and e-mails them. Call with the event locked. Nobody is promoted for a
    cancelled event or one that has started."""
    if event.cancelled or has_started(event):
        return []
    promoted = first_in_line(waiting_list(event), places_left(event, _taken(event)))
    if not promoted:
        return []
    EventRegistration.objects.filter(pk__in=[registration.pk for registration in promoted]).update(waitlisted=False)
    for registration in promoted:
        registration.waitlisted = False
        _tell(event, registration, "event_place")
    return promoted


def register(event: EventPage, data: RegistrationInput, client: str = "") -> Registered:
    """Registers `data` for the event (its original, whatever translation the form was on) and e-mails the
    confirmation with the cancel link and the event as an .ics file. Beyond the capacity the registration waits in
    line. Refuses (ActionError) what `registration_refusal` says under the event's lock, a second registration of the
    same address (AlreadyRegistered) and a client over REGISTRATION_RATE (RateLimited); nothing is stored then."""
    event = original(event)
    refusal = registration_refusal(event)
    if refusal is not None:
        raise refusal
    REGISTRATION_RATE.hit(client, reason=RATE_REASON)
    try:
        with transaction.atomic():
            event = _locked(event)
            refusal = registration_refusal(event)
            if refusal is not None:
                raise refusal
            if EventRegistration.objects.filter(event=event, email=data.email).exists():
                raise AlreadyRegistered()
            # Anyone already in line goes first: after this, either the line is empty or no place is free.
            _promote(event)
            registration = EventRegistration.objects.create(
                event=event,
                name=data.name,
                organisation=data.organisation,
                email=data.email,
                diet=data.diet,
                accessibility=data.accessibility,
                language=data.language,
                waitlisted=places_left(event, _taken(event)) == 0,
            )
            _tell(event, registration, "event_registered")
            return Registered(registration, position=position_in_line(registration))
    except IntegrityError:  # the same address at the same moment, past the check (unique per event and address)
        raise AlreadyRegistered() from None


def cancel(key: str) -> Cancelled:
    """Deletes the registration of the cancel link's `key` and gives its place to the first in line. Refuses an
    unknown key (UnknownKey) and what `cancel_refusal` says, under the event's lock; nothing changes then."""
    registration = registration_for_key(key)
    if registration is None:
        raise UnknownKey()
    with transaction.atomic():
        event = _locked(registration.event)
        registration = EventRegistration.objects.filter(pk=registration.pk, key=key).first()
        if registration is None:  # cancelled a moment ago
            raise UnknownKey()
        refusal = cancel_refusal(event)
        if refusal is not None:
            raise refusal
        registration.delete()
        had_place = not registration.waitlisted
        return Cancelled(event, had_place, promoted=_promote(event) if had_place else [])


def mark_attendance(event: EventPage, listed: Iterable[int], attended: Iterable[int]) -> AttendanceMarked:
    """Sets who attended: True for the registrations in `attended`, False for the others in `listed` (registration
    ids). Ids that are not this event's registrations are skipped. Refuses what `attendance_refusal` says, under the
    event's lock. Three queries and the lock, whatever the number of registrations."""
    listed_ids, attended_ids = set(listed) | set(attended), set(attended)
    with transaction.atomic():
        event = _locked(event)
        refusal = attendance_refusal(event)
        if refusal is not None:
            raise refusal
        own = set(EventRegistration.objects.filter(event=event, pk__in=listed_ids).values_list("pk", flat=True))
        came = attended_ids & own
        EventRegistration.objects.filter(pk__in=came).update(attended=True)
        EventRegistration.objects.filter(pk__in=own - came).update(attended=False)
    return AttendanceMarked(attended=len(came), listed=len(own), skipped=len(listed_ids - own))


def deletion_due(now: datetime | None = None) -> QuerySet[EventPage]:
    """The events whose registrations are due for deletion: ended EVENT_REGISTRATIONS_KEEP_DAYS ago, not yet done.
    Drafts and unpublished events too: the rule is about the personal data, not the page."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EVENT_REGISTRATIONS_KEEP_DAYS)
    return EventPage.objects.filter(end__lt=cutoff, registrations_deleted__isnull=True)


def delete_registrations(now: datetime | None = None) -> tuple[int, int]:
    """Deletes the registrations of the events `deletion_due`, keeping on each event how many held a place and how
    many attended. Returns (events, registrations deleted). A rerun, or two at once, deletes nothing more: each event
    is handled under its lock and only while it is still due."""
    now = now or timezone.now()
    events = registrations = 0
    for event_id in deletion_due(now).values_list("pk", flat=True):
        with transaction.atomic():
            event = EventPage.objects.select_for_update(of=("self",)).filter(pk=event_id).first()
            if event is None or event.registrations_deleted is not None:
                continue
            figures = counts(event)
            deleted, _by_model = EventRegistration.objects.filter(event=event).delete()
            EventPage.objects.filter(pk=event.pk).update(
                registered_count=figures["places"], attended_count=figures["attended"], registrations_deleted=now
            )
        events += 1
        registrations += deleted
    return events, registrations


@receiver(page_published, sender=EventPage)
def give_freed_places(sender: type[EventPage], instance: EventPage, **kwargs: object) -> None:
    """An editor raised (or removed) the capacity and published the event: people in line get the places."""
    if instance.registrations_deleted is not None:
        return
    with transaction.atomic():
        _promote(_locked(original(instance)))


# ---------- e-mail ----------


def cancel_url(registration: EventRegistration) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("event-cancel", args=[registration.key])


def _tell(event: EventPage, registration: EventRegistration, template: str) -> None:
    """The confirmation (`event_registered`) or the place from the line (`event_place`), in the registrant's language
    and Helsinki time, with the cancel link and the event as an .ics file; the online address only with a place.
    Queued when the transaction commits."""
    with translation.override(registration.language), timezone.override(HELSINKI):
        with_place = not registration.waitlisted
        context = {
            "event": event,
            "registration": registration,
            "event_url": public_url(event),
            "cancel_url": cancel_url(registration),
            "online_url": event.online_url if with_place and event.online else "",
            "position": position_in_line(registration),
        }
        calendar = event_calendar(event, online_url=context["online_url"]).to_ical().decode()
        send_templated_email(
            [registration.email],
            template,
            context,
            reply_to=[event.contact_email] if event.contact_email else None,
            attachments=[(calendar_filename(event), calendar, CALENDAR_TYPE)],
        )


# ---------- who manages ----------


def may_manage(user: User | AnonymousUser, event: EventPage) -> bool:
    """The organiser's list, its exports and attendance: the programme office (staff), or anyone Wagtail lets edit
    the event's page (its page permissions: an editor group, a facilitator's own subtree, a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or event.permissions_for_user(user).can_edit())
