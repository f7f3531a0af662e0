"""The programme office's newsletter pages in the Wagtail admin (newsletter.wagtail_hooks registers them under
/admin/uutiskirje/): an issue's sending page — a test to oneself, the send with its confirm step, the progress and
a resume of a stalled sending — and the subscriber counts. Staff only (`is_staff`), on top of Wagtail's admin
access; the rules are in newsletter.sending."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ActionError
from core.ratelimit import RateLimited
from networks.decorators import staff_required

from . import sending
from .forms import TestSendForm
from .models import NewsletterIssue, Subscriber


def issue_context(request, issue: NewsletterIssue, test_form: TestSendForm | None = None) -> dict:
    user_language = request.user.email_language
    return {
        "issue": issue,
        "progress": sending.progress(issue),
        "subscribers": Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count(),
        "test_form": test_form or TestSendForm(initial={"language": user_language}),
        "stalled": NewsletterIssue.objects.filter(sending.stalled(timezone.now()), pk=issue.pk).exists(),
    }


@staff_required
@require_http_methods(["GET"])
def issue_page(request, pk: int):
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    return TemplateResponse(request, "newsletter/admin/issue.html", issue_context(request, issue))


@staff_required
@require_POST
def send_test_page(request, pk: int):
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    form = TestSendForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, "newsletter/admin/issue.html", issue_context(request, issue, form), status=400)
    try:
        sending.send_test(issue, request.user, form.cleaned_data["language"])
    except RateLimited as refusal:
        messages.error(request, refusal.message)
        return TemplateResponse(request, "newsletter/admin/issue.html", issue_context(request, issue, form), status=429)
    messages.success(request, _("Testiviesti lähetetään osoitteeseen %(address)s.") % {"address": request.user.email})
    return redirect("newsletter-admin-issue", issue.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def send_page(request, pk: int):
    """GET asks to confirm (how many will get it); POST starts the sending."""
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    if request.method == "POST":
        try:
            count = sending.start_sending(issue.pk, request.user)
        except ActionError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Uutiskirjeen lähetys alkoi: %(count)s vastaanottajaa.") % {"count": count})
        return redirect("newsletter-admin-issue", issue.pk)
    refusal = None
    try:
        sending.check_can_send(issue)
    except ActionError as error:
        refusal = error.message
    context = {**issue_context(request, issue), "refusal": refusal}
    return TemplateResponse(request, "newsletter/admin/send.html", context)


@staff_required
@require_POST
def resume_page(request, pk: int):
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    try:
        sending.resume(issue.pk)
    except ActionError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Lähetys jatkuu."))
    return redirect("newsletter-admin-issue", issue.pk)


@staff_required
@require_http_methods(["GET"])
def subscribers_page(request):
    """The counts only: the addresses are personal data and nobody browses them here."""
    Status = Subscriber.Status  # noqa: N806
    by_language = (
        Subscriber.objects.values("language")
        .annotate(
            active=Count("pk", filter=Q(status=Status.ACTIVE)),
            pending=Count("pk", filter=Q(status=Status.PENDING)),
            unsubscribed=Count("pk", filter=Q(status=Status.UNSUBSCRIBED)),
        )
        .order_by("language")
    )
    names = dict(Subscriber._meta.get_field("language").choices)
    rows = [{**row, "name": names.get(row["language"], row["language"])} for row in by_language]
    totals = {key: sum(row[key] for row in rows) for key in ("active", "pending", "unsubscribed")}
    return TemplateResponse(request, "newsletter/admin/subscribers.html", {"rows": rows, "totals": totals})
