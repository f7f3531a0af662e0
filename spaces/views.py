"""The member-space pages that bring several apps together: a network's front page (the next workshop, open
tasks, the latest materials, what waits for the facilitator) and one workshop's page (coming or not,
materials, tasks, feedback, its discussion room and the facilitator's tools).

Each part comes from the app that owns it and adds a fixed number of queries, whatever the number of
members, workshops, answers or documents.
"""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from discussions.models import Room
from networks.access import may_edit_in_admin
from networks.decorators import member_required
from networks.models import JoinRequest
from networks.views.space import network_documents
from workshops.models import Registration, Task, WorkshopPage
from workshops.views import feedback, rsvp, tasks
from workshops.views.common import get_workshop, with_answered

LATEST_DOCUMENTS = 5
OPEN_TASKS = 5


@require_safe
@member_required
def dashboard(request, access):
    network = access.network
    next_workshop = (
        WorkshopPage.objects.live().child_of(network).filter(end__gte=timezone.now()).order_by("start").first()
    )
    registration = None
    if next_workshop is not None:
        registration = Registration.objects.filter(workshop=next_workshop, user=request.user).first()
    open_tasks = with_answered(
        Task.objects.filter(workshop__in=WorkshopPage.objects.live().child_of(network), due__gte=timezone.now())
        .select_related("workshop")
        .order_by("due", "pk")[:OPEN_TASKS],
        request.user,
        access.organisation,
    )
    pending_requests = admin_edit_url = None
    if access.is_facilitator:
        pending_requests = JoinRequest.objects.filter(network=network, status=JoinRequest.Status.PENDING).count()
        if may_edit_in_admin(request.user, network):
            admin_edit_url = reverse("wagtailadmin_pages:edit", args=[network.pk])
    context = {
        "access": access,
        "active_tab": "dashboard",
        "next_workshop": next_workshop,
        "registration": registration,
        "open_tasks": open_tasks,
        "latest_documents": list(network_documents(network)[:LATEST_DOCUMENTS]),
        "pending_requests": pending_requests,
        "admin_edit_url": admin_edit_url,
    }
    return TemplateResponse(request, "spaces/dashboard.html", context)


@require_safe
@member_required
def workshop(request, access, workshop_id):
    workshop = get_workshop(access.network, workshop_id)
    context = {
        "access": access,
        "active_tab": "workshops",
        "workshop": workshop,
        "room": Room.objects.filter(workshop=workshop).first(),
        **rsvp.rsvp_context(request, access, workshop),
        **tasks.tasks_context(request, access, workshop),
        **feedback.feedback_context(request, access, workshop),
    }
    return TemplateResponse(request, "spaces/workshop.html", context)
