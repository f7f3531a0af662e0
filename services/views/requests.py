"""Sparring requests' pages: applying (/sparraus/hae/), the person's own requests and assignments
(/oma/sparraus/), one request (/oma/sparraus/<id>/), and the programme office's queue and decisions
(/sparraus/hallinta/). Every page needs signing in; a request is found only among those the person may open
(services.requests.visible_requests), so anyone else's id is 404; the office's pages are `staff_required`. The
rules are services.requests'; these views translate its refusals into form errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import ActionError
from networks.decorators import staff_required

from .. import requests as actions
from ..days import is_assigned_coach
from ..models import SparringRequest
from ..request_forms import DECISION_ERROR_FIELDS, ERROR_FIELDS, ApplyForm, DecisionForm

Status = SparringRequest.Status
DECIDED_SHOWN = 50  # the office's queue lists this many of the latest decided requests


def with_details(requests):
    return requests.select_related("organisation", "applicant", "coach", "preferred_coach")


def add_refusal(form, refusal, fields):
    form.add_error(fields.get(refusal.code), refusal.message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    refusal = actions.apply_refusal(request.user)
    if refusal is not None:
        return TemplateResponse(request, "services/requests/not_allowed.html", {"refusal": refusal}, status=403)
    organisations = actions.organisations_for(request.user)
    status = 200
    if request.method == "POST":
        form = ApplyForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                sparring_request = actions.apply(request.user, form.input())
            except ActionError as refusal:
                add_refusal(form, refusal, ERROR_FIELDS)
            else:
                messages.success(
                    request, _("Hakemus lähetettiin. Ohjelmatoimisto käsittelee sen, ja saat päätöksen sähköpostiisi.")
                )
                return redirect("sparring-request", sparring_request.pk)
        status = 400
    else:
        user = request.user
        own = list(organisations[:2])
        form = ApplyForm(
            organisations=organisations,
            initial={
                "organisation": own[0] if len(own) == 1 else None,
                "contact_name": user.get_full_name(),
                "contact_email": user.email,
            },
        )
    return TemplateResponse(request, "services/requests/apply.html", {"form": form}, status=status)


@login_required
@require_safe
def mine(request):
    """The person's own requests and, for a coach, the requests assigned to them: three queries whatever their
    number (the session's and the user's aside)."""
    own = with_details(SparringRequest.objects.filter(applicant=request.user))
    assigned = with_details(SparringRequest.objects.filter(coach__user=request.user))
    return TemplateResponse(
        request,
        "services/requests/mine.html",
        {
            "own": list(own),
            "assigned": list(assigned.order_by("-decided", "-pk")),
            "refusal": actions.apply_refusal(request.user),
        },
    )


@login_required
@require_safe
def detail(request, request_id):
    sparring_request = get_object_or_404(with_details(actions.visible_requests(request.user)), pk=request_id)
    return TemplateResponse(
        request,
        "services/requests/detail.html",
        {
            "sparring_request": sparring_request,
            "is_coach": is_assigned_coach(request.user, sparring_request),
        },
    )


@staff_required
@require_safe
def office(request):
    """Waiting requests (pending, then on hold, oldest first), then the latest decided ones, with the current
    year's budget. A fixed number of queries whatever the number of requests."""
    waiting = with_details(SparringRequest.objects.filter(status__in=[Status.PENDING, Status.ON_HOLD])).order_by(
        Case(When(status=Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "created",
        "pk",
    )
    decided = with_details(SparringRequest.objects.filter(status__in=[Status.ACCEPTED, Status.DECLINED])).order_by(
        "-decided", "-pk"
    )[:DECIDED_SHOWN]
    return TemplateResponse(
        request,
        "services/requests/office.html",
        {
            "waiting": list(waiting),
            "decided": list(decided),
            "budget": actions.budget_status(actions.current_year()),
        },
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def decide(request, request_id):
    sparring_request = get_object_or_404(with_details(SparringRequest.objects.all()), pk=request_id)
    open_for_decision = sparring_request.status in (Status.PENDING, Status.ON_HOLD)
    on_hold = sparring_request.status == Status.ON_HOLD
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST, on_hold=on_hold)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.decide(
                    sparring_request,
                    data["status"],
                    request.user,
                    coach=data["coach"],
                    days_granted=data["days_granted"],
                    reason=data["reason"],
                )
            except ActionError as refusal:
                add_refusal(form, refusal, DECISION_ERROR_FIELDS)
            else:
                messages.success(request, _("Päätös tallennettiin, ja hakija saa siitä sähköpostin."))
                return redirect("sparring-office")
        status = 400
    else:
        form = DecisionForm(
            on_hold=on_hold,
            initial={"coach": sparring_request.preferred_coach, "days_granted": sparring_request.days_requested},
        )
    return TemplateResponse(
        request,
        "services/requests/decide.html",
        {
            "sparring_request": sparring_request,
            "form": form,
            "open_for_decision": open_for_decision,
            "budget": actions.budget_status(sparring_request.year),
        },
        status=status,
    )
