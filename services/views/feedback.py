"""The anonymous feedback on a sparring day, /sparraus/palaute/<key>/: no signing in, as most participants have no
account. The key in the link is the only way in: an unknown key is 404.

One answer per browser: answering sets a signed cookie for this link only, and a browser that has it is thanked
instead of asked again. The cookie holds no more than that the browser has answered, and the answer stores no
person, time or address (services.days). A rate limit per link stops a script; a hard cap (no more answers than
the day had participants) holds whatever the rate.
"""

from django.core.signing import BadSignature
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.ratelimit import RateLimit, RateLimited
from workshops.models import FEEDBACK_MIN_ANSWERS

from .. import days as actions
from ..day_forms import FeedbackForm
from ..models import SparringDay

# A whole room may answer at the end of the day; a script may not fill the form faster than that.
FEEDBACK_RATE = RateLimit("sparring-feedback", limit=60, window=600)
COOKIE_SALT = "services.sparring-feedback"
COOKIE_AGE = 60 * 24 * 3600  # longer than feedback stays open
ANSWERED = "1"


def cookie_name(day: SparringDay) -> str:
    return f"sparraus_palaute_{day.pk}"


def has_answered(request, day: SparringDay) -> bool:
    try:
        return request.get_signed_cookie(cookie_name(day), salt=COOKIE_SALT) == ANSWERED
    except (KeyError, BadSignature):
        return False


def page(request, day, *, form=None, refusal=None, answered=False, status=200):
    context = {
        "day": day,
        "sparring": day.request,
        "form": form,
        "refusal": refusal,
        "answered": answered,
        "last_day": actions.feedback_last_day(day),
        "min_answers": FEEDBACK_MIN_ANSWERS,
    }
    response = TemplateResponse(request, "services/days/feedback.html", context, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def give(request, key):
    day = get_object_or_404(
        SparringDay.objects.select_related("request__organisation", "request__coach"), feedback_key=key
    )
    if has_answered(request, day):
        return page(request, day, answered=True, status=409 if request.method == "POST" else 200)
    refusal = actions.feedback_refusal(day)
    if refusal is not None:
        return page(request, day, refusal=refusal.message, status=403)
    if request.method != "POST":
        return page(request, day, form=FeedbackForm())
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return page(request, day, form=form, status=400)
    try:
        FEEDBACK_RATE.hit(day.pk, reason=_("Palautetta tulee tähän linkkiin juuri nyt poikkeuksellisen paljon."))
        actions.give_feedback(day, form.answers())
    except RateLimited as refusal:
        return page(request, day, form=form, refusal=refusal.message, status=429)
    except actions.FeedbackRefused as refusal:
        # Closed, or as many answers as participants, while the form was open.
        return page(request, day, refusal=refusal.message, status=403)
    address = reverse("sparring-feedback", args=[day.feedback_key])
    response = redirect(address)
    response.set_signed_cookie(
        cookie_name(day),
        ANSWERED,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        path=address,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response
