"""Feedback on a workshop: the form an attendee fills in (once, from the workshop's start until feedback
closes), the results for the network's facilitators, closing feedback early, and the feedback part of the
member space's workshop page.

The rules are in workshops.feedback and workshops.feedback_results: while feedback is open nobody sees how
many have answered or what; results show once it has closed and from FEEDBACK_MIN_ANSWERS answers up. Each
view runs a fixed number of queries whatever the number of answers.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from networks.decorators import facilitator_required, member_required

from ..feedback import (
    AlreadyAnswered,
    FeedbackRefused,
    check_can_answer,
    close_feedback,
    close_if_due,
    feedback_state,
    give_feedback,
)
from ..feedback_results import network_running_average, workshop_results
from ..forms.feedback import FeedbackForm
from ..models import FEEDBACK_MIN_ANSWERS
from .common import get_workshop

TEMPLATE = "workshops/feedback/give.html"


def feedback_context(request, access, workshop):
    """The feedback part of the workshop page: nothing before the start; then for a member the link to the
    form, thanks, or why they do not answer; for facilitators and staff, who are not asked, whether feedback is
    open (until when) and the link to the results — never how many have answered. One query."""
    state = feedback_state(workshop, request.user)
    show = state.started and (not workshop.cancelled or access.is_facilitator)
    refusal = None
    if show and not state.answered and not access.is_facilitator:
        try:
            check_can_answer(access, state)
        except FeedbackRefused as error:
            refusal = error.message
    return {"feedback": {"show": show, "state": state, "refusal": refusal}}


def _page(request, access, workshop, *, state=None, form=None, refusal=None, already=False, status=200):
    context = {
        "access": access,
        "active_tab": "workshops",
        "workshop": workshop,
        "state": state,
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
    state = feedback_state(workshop, request.user)
    try:
        check_can_answer(access, state)
    except FeedbackRefused as error:
        return _page(request, access, workshop, state=state, refusal=error.message, status=403)
    if state.answered:
        # A second answer (also a second POST) changes nothing.
        return _page(request, access, workshop, already=True, status=409 if request.method == "POST" else 200)

    if request.method != "POST":
        return _page(request, access, workshop, state=state, form=FeedbackForm())
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _page(request, access, workshop, state=state, form=form, status=400)
    try:
        give_feedback(workshop, request.user, form.answers())
    except AlreadyAnswered:
        # Two requests raced past the check above: the first one's answer stands.
        return _page(request, access, workshop, already=True, status=409)
    except FeedbackRefused as error:
        # Feedback closed (or attendance was unmarked) while the form was open.
        return _page(request, access, workshop, state=state, refusal=error.message, status=403)
    messages.success(request, _("Kiitos palautteestasi!"))
    return redirect("space-workshop", access.network.slug, workshop.pk)


@require_safe
@facilitator_required
def results(request, access, workshop_id):
    workshop = get_workshop(access.network, workshop_id)
    # Past its closing time, the first look records the closing (a write, once), so that results can show.
    closure = close_if_due(workshop)
    context = {
        "access": access,
        "active_tab": "workshops",
        "workshop": workshop,
        "state": feedback_state(workshop, request.user) if closure is None else None,
        "results": workshop_results(workshop, closure),
        "network_average": network_running_average(access.network),
        "min_answers": FEEDBACK_MIN_ANSWERS,
    }
    return TemplateResponse(request, "workshops/feedback/results.html", context)


@require_POST
@facilitator_required
def close(request, access, workshop_id):
    """A facilitator closes the workshop's feedback before its time: no more answers, and the results show if
    there are enough of them."""
    workshop = get_workshop(access.network, workshop_id)
    try:
        _closure, closed_now = close_feedback(workshop, request.user)
    except FeedbackRefused as error:
        messages.error(request, _("Palautetta ei suljettu: %(reason)s") % {"reason": error.message})
    else:
        if closed_now:
            messages.success(request, _("Palaute suljettu. Uusia vastauksia ei enää oteta vastaan."))
        else:
            messages.info(request, _("Palaute oli jo suljettu."))
    return redirect("workshop-feedback-results", access.network.slug, workshop.pk)
