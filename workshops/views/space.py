"""The network's workshop series in its member space, with the person's answer and open tasks for each.
(One workshop's page, which brings in its discussion room too, is spaces.views.workshop.)"""

from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from networks.decorators import member_required

from ..models import Registration, Task, WorkshopPage
from .common import with_answered


class WorkshopRow:
    """A workshop in the member space's list, with the person's answer and their open tasks."""

    def __init__(self, workshop, registration, tasks):
        self.workshop = workshop
        self.registration = registration
        self.tasks = tasks


@require_safe
@member_required
def workshop_list(request, access):
    network = access.network
    workshops = list(WorkshopPage.objects.live().child_of(network).order_by("start"))
    registrations = {
        registration.workshop_id: registration
        for registration in Registration.objects.filter(workshop__in=workshops, user=request.user)
    }
    tasks_by_workshop = {}
    for task in with_answered(Task.objects.filter(workshop__in=workshops), request.user, access.organisation):
        tasks_by_workshop.setdefault(task.workshop_id, []).append(task)
    rows = [WorkshopRow(w, registrations.get(w.pk), tasks_by_workshop.get(w.pk, [])) for w in workshops]
    now = timezone.now()
    context = {
        "access": access,
        "active_tab": "workshops",
        "upcoming": [row for row in rows if row.workshop.end >= now],
        "past": [row for row in reversed(rows) if row.workshop.end < now],
    }
    return TemplateResponse(request, "workshops/space/workshop_list.html", context)
