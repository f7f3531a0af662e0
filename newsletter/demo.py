"""The newsletter's demo content: a few subscribers and one issue already sent.

``newsletter.json`` (core.demo loads it; the orders are listed in docs/architecture.md)

``subscribers``
    ``{email, language, status}``: example.org addresses (``status`` a Subscriber.Status value). Subscribers are rows
    the demo's visitors change (they unsubscribe), so they are only ever created, found by their address. Like any
    unconfirmed or unsubscribed address, those of the demo are deleted in time (`manage.py newsletter_upkeep`), and
    the next load makes them again.
``issues``
    ``{subject, intro, subject_sv?, intro_sv?, subject_en?, intro_en?, sent (local time), items}``; ``items`` in
    order, each ``{"article": <slug>}``, ``{"act": <slug>}`` or ``{"event": <slug>}`` (a published page under the
    news index, the Tori or the event index) or ``{"text": {heading, text, language?}}``. An issue is found by its
    subject. It is loaded as sent on ``sent`` to the demo's active subscribers (a delivery each, all sent), so its
    web version and the archive have something to show; a sent issue is never changed, so one found is left as it
    is.
"""

from django.utils import timezone

from core.demo import DemoContentError, local_datetime, steps
from events.models import EventPage
from networks.demo import site_root_page
from news.models import ArticlePage
from tori.models import ActPage

from .models import Delivery, NewsletterIssue, Subscriber


@steps.register("newsletter subscribers", order=530, files=("newsletter.json",))
def load_subscribers(load):
    existing = set(Subscriber.objects.values_list("email", flat=True))
    now = timezone.now()
    for spec in load.read("newsletter.json")["subscribers"]:
        if spec["email"] in existing:
            load.report.add("newsletter subscribers", "unchanged")
            continue
        status = spec.get("status", Subscriber.Status.ACTIVE)
        # The moment that the state's own rules count from: its link sent, its confirmation, its leaving.
        moment = {
            Subscriber.Status.PENDING: "confirmation_sent",
            Subscriber.Status.ACTIVE: "confirmed",
            Subscriber.Status.UNSUBSCRIBED: "unsubscribed",
        }[status]
        load.sync_object(
            "newsletter subscribers",
            Subscriber,
            None,
            {"email": spec["email"]},
            {"language": spec.get("language", "fi"), "status": status, moment: now},
        )


# The items that choose a page: the item's key, the page type, and the index (a child of the site's root page,
# by its slug) whose published children it is found among.
PAGE_ITEMS = {
    "article": (ArticlePage, "ajankohtaista"),
    "act": (ActPage, "tekojen-tori"),
    "event": (EventPage, "tapahtumat"),
}


def page_ids(specs):
    """{(key, slug): page id} of the published pages the issues' items choose; a missing one stops the load."""
    ids = {}
    for key, (model, index_slug) in PAGE_ITEMS.items():
        slugs = {item[key] for spec in specs for item in spec["items"] if key in item}
        if not slugs:
            continue
        index = site_root_page().get_children().filter(slug=index_slug).first()
        found = (
            dict(model.objects.child_of(index).live().filter(slug__in=slugs).values_list("slug", "pk")) if index else {}
        )
        missing = slugs - set(found)
        if missing:
            raise DemoContentError(f"Newsletter: no published {key} with the slug(s) {sorted(missing)}.")
        ids.update({(key, slug): pk for slug, pk in found.items()})
    return ids


def body(items, pages):
    blocks = []
    for item in items:
        key = next((key for key in PAGE_ITEMS if key in item), None)
        if key is not None:
            blocks.append({"type": key, "value": pages[key, item[key]]})
        else:
            text = item["text"]
            value = {"heading": text.get("heading", ""), "text": text["text"], "language": text.get("language", "")}
            blocks.append({"type": "text", "value": value})
    return blocks


@steps.register("newsletter issues", order=532, files=("newsletter.json",))
def load_issues(load):
    specs = load.read("newsletter.json")["issues"]
    pages = page_ids(specs)
    existing = set(NewsletterIssue.objects.values_list("subject", flat=True))
    for spec in specs:
        if spec["subject"] in existing:
            load.report.add("newsletter issues", "unchanged")
            continue
        sent = local_datetime(spec["sent"])
        values = {key: spec.get(key, "") for key in ("intro", "subject_sv", "intro_sv", "subject_en", "intro_en")}
        issue = load.sync_object(
            "newsletter issues",
            NewsletterIssue,
            None,
            {"subject": spec["subject"]},
            {**values, "body": body(spec["items"], pages), "created": sent},
        )
        # Sent as the office would have sent it: status and deliveries at once (no e-mail leaves the demo).
        NewsletterIssue.objects.filter(pk=issue.pk).update(
            status=NewsletterIssue.Status.SENT, started=sent, progressed=sent, finished=sent
        )
        active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
        Delivery.objects.bulk_create(
            [
                Delivery(issue=issue, subscriber=subscriber, state=Delivery.State.SENT, changed=sent)
                for subscriber in active
            ]
        )
