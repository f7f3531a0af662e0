"""A sparring request's days under /oma/sparraus/<id>/paivat/: the list (applicant, assigned coach, office),
the coach's log form for a new day and for correcting one, and the day's feedback results and closing.

Every page needs signing in. A request is found only for its applicant, its assigned coach and the office
(services.requests.visible_requests); for anyone else its id is 404. The rules are services.days'; these views translate
its refusals. Each page runs a fixed number of queries whatever the number of days and answers.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ActionError
from workshops.disclosure import suppress
from workshops.figures import Breakdown, PeopleFigures
from workshops.models import FEEDBACK_MIN_ANSWERS

from .. import days as actions
from ..day_forms import DayForm, day_initial
from ..feedback_results import day_results
from ..models import SparringDay, SparringRequest
from ..requests import visible_requests


def visible_request(request, request_id) -> SparringRequest:
    """The request, if the person may see its days; else 404, so that others' requests are not revealed."""
    visible = visible_requests(request.user).select_related("coach", "organisation", "applicant")
    return get_object_or_404(visible, pk=request_id)


def request_day(sparring, day_id) -> SparringDay:
    """The request's day; another request's day id is 404."""
    day = get_object_or_404(SparringDay.objects.filter(request=sparring), pk=day_id)
    day.request = sparring
    return day


def refused(request, sparring, refusal, status=403):
    return TemplateResponse(
        request, "services/days/not_allowed.html", {"sparring": sparring, "refusal": refusal}, status=status
    )


@dataclass
class DayRow:
    """A day on the list with its feedback's state: `closed` (when, or None while open; open through `last_day`)
    and, for the coach while it is open, the link to hand out."""

    day: SparringDay
    closed: datetime | None
    last_day: date
    feedback_url: str | None


def day_row(request, day, is_coach, now) -> DayRow:
    closed = actions.feedback_closed_at(day, now)
    link = None
    if is_coach and closed is None:
        link = request.build_absolute_uri(reverse("sparring-feedback", args=[day.feedback_key]))
    return DayRow(day=day, closed=closed, last_day=actions.feedback_last_day(day), feedback_url=link)


def breakdown_of(days) -> list:
    """The gender and role breakdown of the days' headcounts, for the office only, with counts below five and
    those that would reveal them hidden (workshops.disclosure, the rule of every ESR figure)."""
    people = PeopleFigures(
        participants=sum(day.participants for day in days),
        women=sum(day.women for day in days),
        men=sum(day.men for day in days),
        other_gender=sum(day.other_gender for day in days),
        gender_unknown=sum(day.gender_untold for day in days),
        employees=sum(day.employees for day in days),
        supervisors=sum(day.supervisors for day in days),
        managers=sum(day.managers for day in days),
        role_unknown=sum(day.participants - day.employees - day.supervisors - day.managers for day in days),
    )
    return Breakdown(people, suppress({"days": people})["days"]).rows()


@login_required
@require_safe
def day_list(request, request_id):
    """The days: for everyone who sees the request, their dates, places, headcounts, reports and outcomes; for
    the coach and the office the feedback's state (the coach: its link while open, and closing); the gender and
    role breakdown for the office only (DESIGN.md, trust rules). Four queries besides the layout's."""
    sparring = visible_request(request, request_id)
    days = list(sparring.days.order_by("date", "pk"))
    is_coach = actions.is_assigned_coach(request.user, sparring)
    now = timezone.now()
    rows = [day_row(request, day, is_coach, now) for day in days]
    is_applicant = sparring.applicant_id == request.user.pk
    context = {
        "sparring": sparring,
        "rows": rows,
        "participants": sum(day.participants for day in days),
        "is_coach": is_coach,
        "is_applicant": is_applicant,
        "sees_feedback": is_coach or request.user.is_staff,
        "log_refusal": actions.log_refusal(request.user, sparring),
        "days_left": max((sparring.days_granted or 0) - len(days), 0),
        "breakdown": breakdown_of(days) if request.user.is_staff and days else None,
        "can_make_example": is_applicant
        and sparring.status == SparringRequest.Status.ACCEPTED
        and any(day.outcome for day in days),
    }
    return TemplateResponse(request, "services/days/list.html", context)


def day_form_page(request, sparring, form, day=None, status=200, days_used=False):
    context = {"sparring": sparring, "form": form, "day": day, "days_used": days_used}
    return TemplateResponse(request, "services/days/form.html", context, status=status)


def save_day(request, sparring, day=None):
    """Validates the posted form and logs (or corrects) the day through services.days; its refusal is shown at
    the field it is about, and nothing is stored."""
    form = DayForm(request.POST)
    if not form.is_valid():
        return day_form_page(request, sparring, form, day, status=400)
    try:
        if day is None:
            actions.log_day(request.user, sparring, form.input())
        else:
            actions.edit_day(request.user, day, form.input())
    except actions.DayRefused as refusal:
        form.add_error(refusal.field, refusal.message)
        return day_form_page(request, sparring, form, day, status=400)
    except ActionError as refusal:
        # The request changed (its coach or status) while the form was open.
        return refused(request, sparring, refusal)
    messages.success(request, _("Sparrauspäivä tallennettu.") if day is None else _("Muutokset tallennettu."))
    return redirect("sparring-days", sparring.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def day_new(request, request_id):
    sparring = visible_request(request, request_id)
    refusal = actions.log_refusal(request.user, sparring)
    if refusal is not None:
        return refused(request, sparring, refusal)
    if request.method == "POST":
        return save_day(request, sparring)
    days_used = sparring.days.count() >= (sparring.days_granted or 0)
    return day_form_page(request, sparring, DayForm(initial={"date": timezone.localdate()}), days_used=days_used)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def day_edit(request, request_id, day_id):
    sparring = visible_request(request, request_id)
    day = request_day(sparring, day_id)
    refusal = actions.log_refusal(request.user, sparring)
    if refusal is not None:
        return refused(request, sparring, refusal)
    if request.method == "POST":
        return save_day(request, sparring, day)
    return day_form_page(request, sparring, DayForm(initial=day_initial(day)), day)


@login_required
@require_safe
def feedback_results(request, request_id, day_id):
    """The day's feedback for its coach and the office: while open, until when (never how many have answered);
    once closed, the results from FEEDBACK_MIN_ANSWERS answers up. The first look after the closing time
    records it."""
    sparring = visible_request(request, request_id)
    day = request_day(sparring, day_id)
    is_coach = actions.is_assigned_coach(request.user, sparring)
    if not (is_coach or request.user.is_staff):
        return refused(
            request,
            sparring,
            ActionError("not_coach", _("Palautteen tulokset näkyvät sparraajalle ja ohjelmatoimistolle.")),
        )
    closed = actions.close_if_due(day)
    context = {
        "sparring": sparring,
        "day": day,
        "is_coach": is_coach,
        "last_day": actions.feedback_last_day(day),
        "feedback_url": request.build_absolute_uri(reverse("sparring-feedback", args=[day.feedback_key])),
        "results": day_results(day, closed),
        "min_answers": FEEDBACK_MIN_ANSWERS,
    }
    return TemplateResponse(request, "services/days/feedback_results.html", context)


@login_required
@require_POST
def feedback_close(request, request_id, day_id):
    """The coach closes the day's feedback before its time: no more answers, and the results show if there are
    enough of them."""
    sparring = visible_request(request, request_id)
    day = request_day(sparring, day_id)
    try:
        closed_now = actions.close_feedback(request.user, day)
    except ActionError as refusal:
        return refused(request, sparring, refusal)
    if closed_now:
        messages.success(request, _("Palaute suljettu. Uusia vastauksia ei enää oteta vastaan."))
    else:
        messages.info(request, _("Palaute oli jo suljettu."))
    return redirect("sparring-feedback-results", sparring.pk, day.pk)
