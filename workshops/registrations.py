"""Coming or not: members' answers (yes / maybe / no), places and the waiting list, and attendance.

Every change runs in a transaction that first locks the workshop's row (`_locked`), so two answers to the
same workshop never decide on the same free place: on PostgreSQL concurrent "yes" answers queue behind
the lock and the capacity is never exceeded; SQLite serialises writers anyway.

- A "yes" takes a place while there are free places and nobody is in line; otherwise it waits in line
  (`waitlisted`), in the order of `responded` (when the person said yes).
- When a place frees up (a "yes" turns into "maybe" or "no", the capacity is raised or removed and the
  page published, a member leaves the network, an account is deleted), the first in line get the free
  places and an e-mail.
- Lowering the capacity takes no place away: the line simply waits until enough places free up.
- Answers are refused for a cancelled workshop and once the workshop has started (`answers_refusal`);
  attendance can be marked only once it has started, for the network's members (`attendance_refusal`).

A refusal is an ActionError (core.errors) and changes nothing. The `*_refusal` functions say beforehand, for
a page, what the actions would refuse; the actions decide again under the workshop's lock.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.db import transaction
from django.db.models import Count, Model, Q, QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.signals import page_published

from accounts.data import account_deleted, register_exporter
from accounts.models import User
from core.email import send_to_users
from core.errors import ActionError
from networks.models import Membership, NetworkPage

from .models import Registration, WorkshopPage

Response = Registration.Response
Waiting = TypeVar("Waiting", bound=Model)


@dataclass
class Outcome:
    """What `respond` did: the registration as saved and how the person should be told."""

    registration: Registration
    # "place" (a confirmed place), "waitlisted", "maybe" or "no"
    status: str
    # True when the answer was the same as before (a "yes" keeps its place or its place in line).
    unchanged: bool = False
    # Place in line (1 = next) when waitlisted.
    position: int | None = None
    # The people who got a place because this answer freed one.
    promoted: list[Registration] = field(default_factory=list)


def has_started(workshop: WorkshopPage, now: datetime | None = None) -> bool:
    return workshop.start <= (now or timezone.now())


def answers_refusal(workshop: WorkshopPage, now: datetime | None = None) -> ActionError | None:
    """Why answers are no longer taken (an ActionError, to raise or to show), or None while they are."""
    if workshop.cancelled:
        return ActionError("workshop_cancelled", _("Työpaja on peruttu, joten siihen ei voi enää ilmoittautua."))
    if has_started(workshop, now):
        return ActionError("workshop_started", _("Työpaja on jo alkanut, joten vastausta ei voi enää muuttaa."))
    return None


def attendance_refusal(workshop: WorkshopPage, now: datetime | None = None) -> ActionError | None:
    """Why attendance cannot be marked (an ActionError, to raise or to show), or None when it can."""
    if workshop.cancelled:
        return ActionError("workshop_cancelled", _("Työpaja on peruttu, joten läsnäoloa ei merkitä."))
    if not has_started(workshop, now):
        return ActionError("workshop_not_started", _("Läsnäolon voi merkitä vasta, kun työpaja on alkanut."))
    return None


def check_response(response: str) -> None:
    if response not in Response.values:
        raise ActionError("invalid_response", _("Valitse, tuletko: kyllä, ehkä tai en."))


def _locked(workshop: WorkshopPage) -> WorkshopPage:
    """The workshop, re-read with its row locked until the surrounding transaction ends."""
    return WorkshopPage.objects.select_for_update(of=("self",)).get(pk=workshop.pk)


def counts(workshop: WorkshopPage) -> dict[str, int]:
    """{'places', 'waiting', 'maybe', 'no', 'attended', 'answered'} of a workshop, in one query."""
    yes = Q(response=Response.YES)
    return Registration.objects.filter(workshop=workshop).aggregate(
        places=Count("pk", filter=yes & Q(waitlisted=False)),
        waiting=Count("pk", filter=yes & Q(waitlisted=True)),
        maybe=Count("pk", filter=Q(response=Response.MAYBE)),
        no=Count("pk", filter=Q(response=Response.NO)),
        attended=Count("pk", filter=Q(attended=True)),
        answered=Count("pk", filter=~Q(response="")),
    )


def not_answered(workshop: WorkshopPage, network: NetworkPage) -> int:
    """How many of the network's members (facilitators aside) have not said whether they come; one query."""
    answered = Registration.objects.filter(workshop=workshop).exclude(response="").values("user")
    return (
        Membership.objects.active()
        .filter(network=network)
        .exclude(role=Membership.Role.FACILITATOR)
        .exclude(user__in=answered)
        .count()
    )


def waiting_list(workshop: WorkshopPage) -> QuerySet[Registration]:
    """The people in line, first in line first (a queryset of Registrations with their users)."""
    return (
        Registration.objects.filter(workshop=workshop, response=Response.YES, waitlisted=True)
        .select_related("user")
        .order_by("responded", "pk")
    )


def position_in_line(registration: Registration) -> int | None:
    """1 for the first in line; None when the person is not in line. One query."""
    if not (registration.response == Response.YES and registration.waitlisted):
        return None
    ahead = Registration.objects.filter(
        Q(responded__lt=registration.responded) | Q(responded=registration.responded, pk__lt=registration.pk),
        workshop_id=registration.workshop_id,
        response=Response.YES,
        waitlisted=True,
    )
    return ahead.count() + 1


def free_places(capacity: int | None, taken: int) -> int | None:
    """Of `capacity` places, those nobody holds when `taken` are held; None without a limit. Lowering the capacity
    below what is taken takes no place away: nothing is free until enough places free up. The rule of places that
    workshops and public events (events.registrations) share."""
    if capacity is None:
        return None
    return max(capacity - taken, 0)


def first_in_line(line: QuerySet[Waiting], free: int | None) -> list[Waiting]:
    """Who of `line` (ordered, first in line first) get the `free` places: the first `free` of them, everyone when
    there is no limit (None), nobody when nothing is free. The caller holds the row lock that decides places."""
    if free == 0:
        return []
    return list(line if free is None else line[:free])


def _free_places(workshop: WorkshopPage) -> int | None:
    """Places nobody holds; None for a workshop without a limit."""
    if workshop.capacity is None:
        return None
    taken = Registration.objects.filter(workshop=workshop, response=Response.YES, waitlisted=False).count()
    return free_places(workshop.capacity, taken)


def _promote(workshop: WorkshopPage) -> list[Registration]:
    """Gives free places to the first in line and e-mails them. Call with the workshop locked.

    Returns the promoted registrations. Nobody is promoted for a cancelled or started workshop.
    """
    if answers_refusal(workshop) is not None:
        return []
    promoted = first_in_line(waiting_list(workshop), _free_places(workshop))
    if not promoted:
        return []
    Registration.objects.filter(pk__in=[registration.pk for registration in promoted]).update(waitlisted=False)
    network = workshop.get_parent()
    for registration in promoted:
        registration.waitlisted = False
        _tell_promoted(workshop, network, registration.user)
    return promoted


def _tell_promoted(workshop: WorkshopPage, network: NetworkPage, user: User) -> None:
    """The e-mail to someone who got a place from the waiting list, in their language and the site's time zone
    (whoever's request freed the place). Sent whatever their notice settings: the person asked for it by joining
    the line (the page says they will be e-mailed)."""
    if not user.is_active or user.deleted:
        return
    send_to_users(
        [user],
        "waitlist_place",
        {"workshop": workshop, "network": network, "path": reverse("space-workshop", args=[network.slug, workshop.pk])},
    )


def respond(workshop: WorkshopPage, user: User, response: str) -> Outcome:
    """Saves `user`'s answer to "are you coming?" and returns an Outcome.

    Refuses (ActionError) an unknown answer, and what `answers_refusal` says under the workshop's lock;
    nothing is changed then.
    """
    check_response(response)
    with transaction.atomic():
        workshop = _locked(workshop)
        refusal = answers_refusal(workshop)
        if refusal is not None:
            raise refusal
        registration = Registration.objects.filter(workshop=workshop, user=user).first()
        had_place = registration is not None and registration.has_place

        if registration is not None and registration.response == response:
            before = status_of(registration)
            if registration.waitlisted and _promote(workshop):  # a place freed without a promotion yet
                registration.refresh_from_db()
            status = status_of(registration)
            return Outcome(registration, status, unchanged=status == before, position=position_in_line(registration))

        if registration is None:
            registration = Registration(workshop=workshop, user=user)
        registration.response = response
        registration.responded = timezone.now()
        registration.waitlisted = False
        if response == Response.YES:
            # Anyone already in line goes first: after this, either the line is empty or no place is free.
            _promote(workshop)
            registration.waitlisted = _free_places(workshop) == 0
        registration.save()

        promoted = _promote(workshop) if had_place else []
        return Outcome(
            registration, status_of(registration), position=position_in_line(registration), promoted=promoted
        )


def status_of(registration: Registration | None) -> str:
    """The person's state: "place", "waitlisted", "maybe", "no", or "none" (no answer, or no registration)."""
    if registration is None or not registration.response:
        return "none"
    if registration.response == Response.YES:
        return "waitlisted" if registration.waitlisted else "place"
    return registration.response


@dataclass
class AttendanceMarked:
    """What `mark_attendance` did: how many members were marked as attended, of how many listed members, and
    how many of the people listed were skipped because they are not the network's members; who was newly marked
    as attended (`marked`) and whose mark was taken away (`unmarked`), by name."""

    attended: int
    listed: int
    skipped: int
    marked: list[User] = field(default_factory=list)
    unmarked: list[User] = field(default_factory=list)


def mark_attendance(
    workshop: WorkshopPage, network: NetworkPage, people: Iterable[int], attended: Iterable[int]
) -> AttendanceMarked:
    """Sets who attended: True for the users in `attended`, False for the others in `people` (user ids).

    Only the network's active members are marked; anyone else listed is skipped. People who never answered
    get a registration with a blank answer. Refuses (ActionError) what `attendance_refusal` says, under the
    workshop's lock. Returns an AttendanceMarked. A fixed number of queries.
    """
    people = set(people) | set(attended)
    with transaction.atomic():
        workshop = _locked(workshop)
        refusal = attendance_refusal(workshop)
        if refusal is not None:
            raise refusal
        members = {
            membership.user_id: membership.user
            for membership in Membership.objects.active()
            .filter(network=network, user_id__in=people)
            .select_related("user")
        }
        listed = set(members)
        attended = set(attended) & listed
        existing = {
            registration.user_id: registration
            for registration in Registration.objects.filter(workshop=workshop, user_id__in=listed)
        }
        changed, new, marked, unmarked = [], [], [], []
        for user_id in sorted(listed):
            value = user_id in attended
            registration = existing.get(user_id)
            was = registration is not None and registration.attended is True
            if value and not was:
                marked.append(members[user_id])
            elif was and not value:
                unmarked.append(members[user_id])
            if registration is None:
                new.append(Registration(workshop=workshop, user_id=user_id, attended=value))
            elif registration.attended is not value:
                registration.attended = value
                changed.append(registration)
        if changed:
            Registration.objects.bulk_update(changed, ["attended"])
        if new:
            Registration.objects.bulk_create(new)
    return AttendanceMarked(
        attended=len(attended),
        listed=len(listed),
        skipped=len(people - listed),
        marked=sorted(marked, key=_by_name),
        unmarked=sorted(unmarked, key=_by_name),
    )


def _by_name(user: User) -> tuple[str, str]:
    return (user.last_name.casefold(), user.display_name.casefold())


@receiver(page_published, sender=WorkshopPage)
def give_freed_places(sender: type[WorkshopPage], instance: WorkshopPage, **kwargs: object) -> None:
    """A facilitator raised (or removed) the limit and published the page: people in line get the places."""
    with transaction.atomic():
        _promote(_locked(instance))


def withdraw_upcoming(user: User, network: NetworkPage | None = None) -> None:
    """Removes `user`'s answers to workshops that have not started (of `network`, or of every network),
    and gives the places they held to the people in line."""
    upcoming = Registration.objects.filter(user=user, workshop__start__gt=timezone.now())
    workshops = WorkshopPage.objects.filter(pk__in=upcoming.values("workshop"))
    if network is not None:
        workshops = workshops.child_of(network)
    with transaction.atomic():
        for workshop in workshops:
            locked = _locked(workshop)
            Registration.objects.filter(user=user, workshop=locked).delete()
            _promote(locked)


@receiver(post_save, sender=Membership)
def membership_ended(
    sender: type[Membership], instance: Membership, update_fields: frozenset[str] | None = None, **kwargs: object
) -> None:
    """Someone left the network (or was removed): their places in its coming workshops go to the line."""
    if instance.left is None or (update_fields is not None and "left" not in update_fields):
        return
    if Membership.objects.active().filter(user_id=instance.user_id, network_id=instance.network_id).exists():
        return  # back in the network under another membership
    withdraw_upcoming(instance.user, instance.network)


@receiver(account_deleted)
def account_deleted_withdraw(sender: type[User], user: User, **kwargs: object) -> None:
    """A deleted account's answers to workshops still to come go, and their places go to the line."""
    withdraw_upcoming(user)


@register_exporter("workshop_registrations")
def export_registrations(user: User) -> list[dict[str, object]]:
    registrations = list(
        Registration.objects.filter(user=user).select_related("workshop").order_by("workshop__start", "pk")
    )
    steplen = WorkshopPage.steplen
    parent_paths = {registration.workshop.path[:-steplen] for registration in registrations}
    networks = dict(NetworkPage.objects.filter(path__in=parent_paths).values_list("path", "title"))
    return [
        {
            "network": networks.get(registration.workshop.path[:-steplen]),
            "workshop": registration.workshop.title,
            "start": registration.workshop.start.isoformat(),
            "response": registration.response or None,
            "response_label": str(registration.get_response_display()) if registration.response else None,
            "waitlisted": registration.response == Response.YES and registration.waitlisted,
            "responded": registration.responded.isoformat() if registration.response else None,
            "attended": registration.attended,
        }
        for registration in registrations
    ]
