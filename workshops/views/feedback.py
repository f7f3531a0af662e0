"""Feedback on a workshop: the form a member fills in once the workshop has started (one answer each), the
results for the network's facilitators, and the feedback part of the member space's workshop page.

Results are shown only from FEEDBACK_MIN_ANSWERS answers up (workshops.feedback_results.is_shown). Each
view runs a fixed number of queries whatever the number of answers.
"""

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from networks.decorators import facilitator_required, member_required

from ..feedback_results import network_running_average, workshop_results
from ..forms.feedback import FeedbackForm
from ..models import FEEDBACK_MIN_ANSWERS, Feedback
from .common import get_workshop

TEMPLATE = "workshops/feedback/give.html"


def is_open(workshop):
    """Feedback can be given from the workshop's start (so at the end of the day), never for a cancelled one."""
    return not workshop.cancelled and workshop.start <= timezone.now()


def already_answered(workshop, user):
    return Feedback.objects.filter(workshop=workshop, user=user).exists()


def feedback_context(request, access, workshop):
    """The feedback part of the workshop page: nothing before the start; a member's link to the form or
    thanks; a facilitator's link to the results with the number of answers. At most one query."""
    started = workshop.start <= timezone.now()
    state = {
        "show": started and (not workshop.cancelled or access.is_facilitator),
        "open": is_open(workshop),
        "is_member": access.membership is not None,
        "answered": False,
        "count": None,
    }
    if state["show"] and (access.is_facilitator or (state["open"] and state["is_member"])):
        figures = Feedback.objects.filter(workshop=workshop).aggregate(
            count=Count("pk"), mine=Count("pk", filter=Q(user=request.user))
        )
        state["answered"] = figures["mine"] > 0
        if access.is_facilitator:
            state["count"] = figures["count"]
    return {"feedback": state}


def _page(request, access, workshop, *, form=None, refusal=None, already=False, status=200):
    context = {
        "access": access,
        "active_tab": "workshops",
        "workshop": workshop,
        "form": form,
        "refusal": refusal,
        "already": already,
        "min_answers": FEEDBACK_MIN_ANSWERS,
    }
    return TemplateResponse(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def give(request, access, workshop_id):
    workshop = get_workshop(access.network, workshop_id)
    if access.membership is None:
        refusal = _(
            "Palautteen antavat verkoston jäsenet. Ohjelmatoimistona näet tulokset, kun vastauksia on tarpeeksi."
        )
        return _page(request, access, workshop, refusal=refusal, status=403)
    if workshop.cancelled:
        refusal = _("Työpaja on peruttu, joten siitä ei kerätä palautetta.")
        return _page(request, access, workshop, refusal=refusal, status=403)
    if not is_open(workshop):
        refusal = _("Palautetta voi antaa, kun työpaja on alkanut.")
        return _page(request, access, workshop, refusal=refusal, status=403)
    if already_answered(workshop, request.user):
        # A second answer (also a second POST) changes nothing.
        return _page(request, access, workshop, already=True, status=409 if request.method == "POST" else 200)

    if request.method != "POST":
        return _page(request, access, workshop, form=FeedbackForm())
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _page(request, access, workshop, form=form, status=400)
    try:
        form.save(workshop, request.user)
    except IntegrityError:
        # Two requests raced past the check above: the first one's answer stands.
        return _page(request, access, workshop, already=True, status=409)
    messages.success(request, _("Kiitos palautteestasi!"))
    return redirect("space-workshop", access.network.slug, workshop.pk)


@require_safe
@facilitator_required
def results(request, access, workshop_id):
    workshop = get_workshop(access.network, workshop_id)
    context = {
        "access": access,
        "active_tab": "workshops",
        "workshop": workshop,
        "results": workshop_results(workshop),
        "network_average": network_running_average(access.network),
        "min_answers": FEEDBACK_MIN_ANSWERS,
    }
    return TemplateResponse(request, "workshops/feedback/results.html", context)
