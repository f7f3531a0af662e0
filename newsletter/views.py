"""The newsletter's public pages, under /uutiskirje/ (newsletter.urls): subscribing, the confirmation link, the
subscription page behind the unsubscribe link (RFC 8058 one-click POST included), the archive and each issue's web
version. The rules are in newsletter.subscriptions; these pages translate its refusals."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ActionError
from core.pagination import paginate
from core.ratelimit import RateLimited, client_address

from . import subscriptions
from .content import web_context
from .forms import LanguageForm, SubscribeForm
from .models import NewsletterIssue, Subscriber

ARCHIVE_PER_PAGE = 20
PUBLISHED = (NewsletterIssue.Status.SENDING, NewsletterIssue.Status.SENT)


def published_issues():
    return NewsletterIssue.objects.filter(status__in=PUBLISHED).order_by("-started", "-pk")


def rows(issues) -> list[dict]:
    """Each issue with its subject in the active language."""
    language = translation.get_language()
    return [{"issue": issue, "subject": issue.subject_in(language)} for issue in issues]


def refused(request, template: str, refusal: ActionError):
    return render(request, template, {"refusal": refusal.message}, status=400)


@require_http_methods(["GET", "POST"])
def subscribe_page(request):
    """The same page and the same "check your e-mail" whatever the address's state (subscriptions.subscribe)."""
    form = SubscribeForm(request.POST or None, initial={"language": translation.get_language()})
    status = 200
    if form.is_valid():
        client = client_address(request)
        try:
            subscriptions.subscribe(form.cleaned_data["email"], form.cleaned_data["language"], client)
        except RateLimited as refusal:
            form.add_error(None, refusal.message)
            status = 429
        else:
            return redirect("newsletter-subscribed")
    context = {"form": form, "latest": rows(published_issues()[:3])}
    return render(request, "newsletter/subscribe.html", context, status=status)


@require_GET
def subscribed_page(request):
    return render(request, "newsletter/subscribed.html", {"days": settings.NEWSLETTER_CONFIRM_DAYS})


@require_http_methods(["GET", "POST"])
def confirm_page(request, key: str):
    """GET shows one button and changes nothing (mail scanners open links); POST confirms."""
    template = "newsletter/confirm.html"
    if request.method == "POST":
        try:
            subscriptions.confirm(key)
        except ActionError as refusal:
            return refused(request, template, refusal)
        return render(request, template, {"done": True})
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        return refused(request, template, subscriptions.LinkInvalid())
    refusal = subscriptions.confirmation_refusal(subscriber, timezone.now())
    if refusal is not None:
        return refused(request, template, refusal)
    return render(request, template, {"key": key, "done": subscriber.status == Subscriber.Status.ACTIVE})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request, key: str):
    """The subscription's own page. GET shows the unsubscribe button and the language; POST unsubscribes — CSRF-exempt,
    as mail clients post `List-Unsubscribe=One-Click` (RFC 8058) without cookies. The key is the only credential."""
    template = "newsletter/unsubscribe.html"
    if request.method == "POST":
        try:
            subscriptions.unsubscribe(key)
        except ActionError as refusal:
            return refused(request, template, refusal)
        return render(request, template, {"done": True})
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        return refused(request, template, subscriptions.LinkInvalid())
    context = {
        "subscriber": subscriber,
        "key": key,
        "language_form": LanguageForm(initial={"language": subscriber.language}),
    }
    return render(request, template, context)


@require_POST
def language_page(request, key: str):
    form = LanguageForm(request.POST)
    template = "newsletter/unsubscribe.html"
    if not form.is_valid():
        subscriber = Subscriber.objects.filter(key=key).first()
        if subscriber is None:
            return refused(request, template, subscriptions.LinkInvalid())
        return render(request, template, {"subscriber": subscriber, "key": key, "language_form": form}, status=400)
    try:
        subscriptions.change_language(key, form.cleaned_data["language"])
    except ActionError as refusal:
        return refused(request, template, refusal)
    messages.success(request, _("Uutiskirjeen kieli on tallennettu."))
    return redirect("newsletter-unsubscribe", key)


@require_GET
def archive_page(request):
    issues = paginate(request, published_issues(), ARCHIVE_PER_PAGE)
    return render(request, "newsletter/archive.html", {"issues": issues, "rows": rows(issues)})


@require_GET
def issue_page(request, pk: int):
    """An issue's web version, once its sending has begun; in the language of `?kieli=` (the e-mail's link gives the
    subscriber's), else in the page's language."""
    issue = get_object_or_404(NewsletterIssue, pk=pk, status__in=PUBLISHED)
    language = request.GET.get("kieli")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        return render(request, "newsletter/issue.html", web_context(issue, language))
