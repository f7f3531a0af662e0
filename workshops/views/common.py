"""What every workshop view in the member space needs: the workshop or task from the URL, and which tasks
the person has answered. The organisation a person answers for is `access.organisation` (networks.access)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from ..models import Submission, Task, WorkshopPage


def get_workshop(network, workshop_id):
    """A live workshop of this network, or 404 (a workshop of another network is not found here)."""
    return get_object_or_404(WorkshopPage.objects.live().child_of(network), pk=workshop_id)


def get_task(network, task_id):
    """A task of one of this network's live workshops, with its workshop, or 404."""
    workshops = WorkshopPage.objects.live().child_of(network)
    return get_object_or_404(Task.objects.select_related("workshop").filter(workshop__in=workshops), pk=task_id)


def with_answered(tasks, user, organisation):
    """Sets `answered` on each task: has the person (or, for a shared task, their organisation) answered?
    One query."""
    tasks = list(tasks)
    mine = Q(organisation__isnull=True, user=user)
    if organisation is not None:
        mine |= Q(organisation=organisation)
    answered = set(Submission.objects.filter(mine, task__in=tasks).values_list("task_id", flat=True) if tasks else ())
    for task in tasks:
        task.answered = task.pk in answered
    return tasks
