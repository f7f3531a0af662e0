"""The programme office's own pages (staff, `is_staff`): what the office answers for across every network."""

from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from ..decorators import staff_required
from ..models import JoinRequest, Membership, NetworkPage


@staff_required
@require_safe
def join_requests(request):
    """Every live network's pending join requests, grouped by network. Networks without a facilitator who
    answers (`Membership.objects.answering`) come first: their requests reached the office only, and nobody
    else will answer them. Each network links to its own join-request page, where the requests are decided.
    A fixed number of queries, whatever the number of requests and networks."""
    has_facilitator = Exists(Membership.objects.answering().filter(network=OuterRef("network")))
    pending = (
        JoinRequest.objects.filter(status=JoinRequest.Status.PENDING, network__in=NetworkPage.objects.live().public())
        .annotate(has_facilitator=has_facilitator)
        .select_related("network", "user", "organisation")
        .order_by("has_facilitator", "network__title", "network_id", "created", "pk")
    )
    return TemplateResponse(request, "networks/office/join_requests.html", {"pending": pending})
