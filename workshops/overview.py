"""What waits for a person in the workshops of all their networks at once, for the personal start page: each
network's next workshop with the person's answer (or, for its facilitators, how many have not answered), and
the open tasks with deadlines. A fixed number of queries however many networks, workshops or tasks.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from networks.models import Membership

from .models import Registration, Submission, Task, WorkshopPage

OPEN_TASKS_PER_NETWORK = 3


@dataclass
class NetworkWorkshops:
    next_workshop: WorkshopPage | None = None
    registration: Registration | None = None  # the person's answer to the next workshop
    not_answered: int = 0  # for facilitators: members who have not said whether they come
    open_tasks: list[Task] = field(default_factory=list)  # each with `answered`


def _children_of(networks):
    return reduce(or_, (Q(path__startswith=network.path, depth=network.depth + 1) for network in networks))


def _network_of(page, networks):
    return next(network for network in networks if page.path.startswith(network.path))


def workshops_overview(user, memberships: list[Membership]) -> dict[int, NetworkWorkshops]:
    """{network id: NetworkWorkshops} for the person's active memberships (with their networks): at most five
    queries, whatever their number."""
    networks = [membership.network for membership in memberships]
    overview = {network.pk: NetworkWorkshops() for network in networks}
    if not networks:
        return overview
    now = timezone.now()
    upcoming = WorkshopPage.objects.live().filter(_children_of(networks), end__gte=now).order_by("start", "pk")
    for workshop in upcoming:
        entry = overview[_network_of(workshop, networks).pk]
        if entry.next_workshop is None:
            entry.next_workshop = workshop
    next_workshops = [entry.next_workshop for entry in overview.values() if entry.next_workshop is not None]

    network_of_workshop = {workshop.pk: _network_of(workshop, networks) for workshop in next_workshops}
    for registration in Registration.objects.filter(user=user, workshop__in=next_workshops):
        overview[network_of_workshop[registration.workshop_id].pk].registration = registration

    facilitated = [membership.network for membership in memberships if membership.is_facilitator]
    led_workshops = [overview[network.pk].next_workshop for network in facilitated]
    led_workshops = [workshop for workshop in led_workshops if workshop is not None and not workshop.cancelled]
    if led_workshops:
        # As registrations.not_answered, for every network at once: members (facilitators aside) without an answer
        # to their network's next workshop.
        answered = Registration.objects.filter(
            user=OuterRef("user"), workshop__in=led_workshops, workshop__path__startswith=OuterRef("network__path")
        ).exclude(response="")
        counts = (
            Membership.objects.active()
            .filter(network__in=[network_of_workshop[workshop.pk] for workshop in led_workshops])
            .exclude(role=Membership.Role.FACILITATOR)
            .exclude(Exists(answered))
            .values_list("network")
            .annotate(count=Count("pk"))
        )
        for network_id, count in counts:
            overview[network_id].not_answered = count

    tasks = list(
        Task.objects.filter(workshop__in=WorkshopPage.objects.live().filter(_children_of(networks)), due__gte=now)
        .select_related("workshop")
        .order_by("due", "pk")
    )
    organisation_of = {membership.network_id: membership.organisation_id for membership in memberships}
    answers = Submission.objects.filter(
        Q(organisation__isnull=True, user=user)
        | Q(organisation__in=[pk for pk in organisation_of.values() if pk is not None]),
        task__in=tasks,
    ).values_list("task_id", "organisation_id")
    answered_tasks = set()
    by_task = {task.pk: task for task in tasks}
    for task_id, organisation_id in answers:
        network = _network_of(by_task[task_id].workshop, networks)
        if organisation_id is None or organisation_of[network.pk] == organisation_id:
            answered_tasks.add(task_id)
    for task in tasks:
        entry = overview[_network_of(task.workshop, networks).pk]
        task.answered = task.pk in answered_tasks
        if len(entry.open_tasks) < OPEN_TASKS_PER_NETWORK:
            entry.open_tasks.append(task)
    return overview
