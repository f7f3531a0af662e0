"""Sending an issue: once, to every active subscriber, in batches by the task worker (docs/newsletter.md).

`start_sending` locks the issue, refuses one that is no longer a draft, and in the same transaction moves it to
"sending" and makes a `Delivery` row for every subscriber active at that moment (the audience is fixed then); once
that commits, the task `send_batch` starts. A batch takes the next `NEWSLETTER_BATCH_SIZE` pending rows and, for
each, in this order:

1. claims the row: `UPDATE … SET state = 'sending' WHERE id = … AND state = 'pending'`, committed at once — a
   second task running at the same time (a resume while the first was only slow) gets 0 rows and skips it;
2. hands the message to the SMTP server;
3. marks the row sent (committed at once).

Then it enqueues the next batch; the batch that finds no pending row marks the issue sent. A worker that dies
stops the chain; `resume_stalled` (`manage.py newsletter_upkeep`, every few minutes, or the admin's button) starts it
again for an issue whose latest batch began more than `NEWSLETTER_STALL_SECONDS` ago, and it continues with the rows
still pending. Nobody gets an issue twice: each row is claimed once, and the unique (issue, subscriber) makes one
row per person.

**At the SMTP boundary we chose at most once.** A worker that dies between 1 and 3 leaves its one row in "sending":
the server may or may not have taken the message, and the row is never claimed again. So a crash costs at most one
uncertain address per running batch (the admin shows them), never a duplicate. An error the server reports is not
a crash: a refused address is marked failed, and any other error puts the row back to pending before the batch
stops (the server said it did not take the message), so that the resume sends it.

Each message is in the subscriber's language; as the messages of one language differ only in the subscriber's
key (the unsubscribe link, in the body and in the RFC 8058 headers), each language is rendered once per batch.
A batch makes two queries per recipient (claim, mark) and a few of its own.
"""

import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from core.email import Email, queue, render_email
from core.errors import ActionError
from core.ratelimit import RateLimit
from notices.unsubscribe import unsubscribe_headers

from .content import IssueContent
from .links import absolute_url, issue_url, unsubscribe_url
from .models import Delivery, NewsletterIssue, Subscriber

State = Delivery.State
TEST_RATE = RateLimit("newsletter-test", limit=20, window=3600)


class AlreadySent(ActionError):
    code = "already_sent"
    message = _("Tämä uutiskirje on jo lähetetty tai lähtemässä. Samaa uutiskirjettä ei lähetetä kahdesti.")


class NotStalled(ActionError):
    code = "not_stalled"
    message = _("Lähetys etenee, joten sitä ei tarvitse jatkaa.")


class IssueMail:
    """The e-mails of one issue: rendered once per language, each subscriber's key put in its place."""

    def __init__(self, issue: NewsletterIssue, content: IssueContent | None = None) -> None:
        self.issue = issue
        self.content = content or IssueContent(issue)
        # Stands for a subscriber's key while a language is rendered; random, so no text of the issue contains it.
        self.marker = secrets.token_hex(16)
        self.rendered: dict[str, tuple[str, str, str]] = {}

    def render(self, language: str) -> tuple[str, str, str]:
        if language not in self.rendered:
            issue = self.issue
            with translation.override(language), timezone.override(settings.TIME_ZONE):
                self.rendered[language] = render_email(
                    "newsletter/issue",
                    {
                        "subject": issue.subject_in(language),
                        "intro": issue.intro_in(language),
                        "items": self.content.items(language),
                        "web_url": issue_url(issue.pk, language),
                        "unsubscribe_url": unsubscribe_url(self.marker),
                    },
                )
        return self.rendered[language]

    def email(self, address: str, language: str, key: str) -> Email:
        """The message to `address`, whose subscriber's key is `key`."""
        subject, text, html = self.render(language)
        url = unsubscribe_url(key)
        return Email(
            to=address,
            subject=subject,
            text=text.replace(self.marker, key),
            html=html.replace(self.marker, key),
            headers=unsubscribe_headers(url),
        )


def check_can_send(issue: NewsletterIssue) -> None:
    if issue.status != NewsletterIssue.Status.DRAFT:
        raise AlreadySent()
    if not issue.intro.strip() and not len(issue.body):
        raise ActionError("empty", _("Uutiskirjeessä ei ole sisältöä: kirjoita johdanto tai lisää sisältöä."))


def send_test(issue: NewsletterIssue, user: Any, language: str) -> None:
    """The issue to the person themself, in `language`, its subject marked as a test; its unsubscribe link is the
    newsletter's page (they are not a subscriber). Queued once the transaction commits; at most 20 an hour."""
    if language not in dict(settings.LANGUAGES):
        raise ActionError("invalid_language", _("Valitse kieli luettelosta."))
    TEST_RATE.hit(user.pk, reason=_("Liian monta testiviestiä."))
    mail = IssueMail(issue)
    subject, text, html = mail.render(language)
    marker, page = unsubscribe_url(mail.marker), absolute_url("newsletter-subscribe")
    with translation.override(language):
        subject = _("[Testi] %(subject)s") % {"subject": subject}
    queue([Email(to=user.email, subject=subject, text=text.replace(marker, page), html=html.replace(marker, page))])


@transaction.atomic
def start_sending(issue_id: int, user: Any, now: datetime | None = None) -> int:
    """Starts sending the issue to every active subscriber; returns how many. Refuses an issue that is no longer a
    draft (AlreadySent), an empty one, and one with nobody to send it to."""
    now = now or timezone.now()
    issue = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
    check_can_send(issue)
    recipients = list(Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).values_list("pk", flat=True))
    if not recipients:
        raise ActionError("no_subscribers", _("Uutiskirjeellä ei ole vielä yhtään tilaajaa."))
    issue.status = NewsletterIssue.Status.SENDING
    issue.sent_by = user
    issue.started = issue.progressed = now
    issue.save(update_fields=["status", "sent_by", "started", "progressed"])
    Delivery.objects.bulk_create(
        [Delivery(issue=issue, subscriber_id=pk) for pk in recipients], batch_size=500, ignore_conflicts=True
    )
    transaction.on_commit(lambda: send_batch.enqueue(issue.pk))
    return len(recipients)


def set_state(delivery: Delivery, state: str, *, was: str, now: datetime) -> bool:
    """Moves the row from `was` to `state` if it is still in `was` (committed at once outside a transaction)."""
    return bool(Delivery.objects.filter(pk=delivery.pk, state=was).update(state=state, changed=now))


def deliver_batch(issue_id: int, size: int | None = None) -> bool:
    """Sends the next batch of the issue (see the module's docstring); returns whether another batch should follow.
    An issue that is not being sent (a draft, sent, deleted) is left alone."""
    size = size or settings.NEWSLETTER_BATCH_SIZE
    now = timezone.now()
    if not NewsletterIssue.objects.filter(pk=issue_id, status=NewsletterIssue.Status.SENDING).update(progressed=now):
        return False
    batch = list(
        Delivery.objects.filter(issue_id=issue_id, state=State.PENDING)
        .select_related("subscriber")
        .order_by("pk")[:size]
    )
    if not batch:
        NewsletterIssue.objects.filter(pk=issue_id, status=NewsletterIssue.Status.SENDING).update(
            status=NewsletterIssue.Status.SENT, finished=now
        )
        return False
    mail = IssueMail(NewsletterIssue.objects.get(pk=issue_id))
    with get_connection() as connection:
        for delivery in batch:
            subscriber = delivery.subscriber
            now = timezone.now()
            if subscriber is None or subscriber.status != Subscriber.Status.ACTIVE:
                set_state(delivery, State.SKIPPED, was=State.PENDING, now=now)
                continue
            message = mail.email(subscriber.email, subscriber.language, subscriber.key).message(connection)
            if not set_state(delivery, State.SENDING, was=State.PENDING, now=now):
                continue  # another task has it
            try:
                sent = connection.send_messages([message])
            except smtplib.SMTPRecipientsRefused:
                sent = 0
            except Exception:
                set_state(delivery, State.PENDING, was=State.SENDING, now=now)  # not taken: the resume sends it
                raise
            set_state(delivery, State.SENT if sent else State.FAILED, was=State.SENDING, now=timezone.now())
    return True


@task()
def send_batch(issue_id: int) -> None:
    """One batch of an issue, then the next as a task of its own (so that a restart loses at most one batch's
    progress and the worker can run other tasks in between)."""
    if deliver_batch(issue_id):
        send_batch.enqueue(issue_id)


def stalled(now: datetime) -> Q:
    threshold = now - timedelta(seconds=settings.NEWSLETTER_STALL_SECONDS)
    return Q(status=NewsletterIssue.Status.SENDING) & (Q(progressed__lt=threshold) | Q(progressed__isnull=True))


def resume(issue_id: int, now: datetime | None = None) -> None:
    """Starts the batches again for an issue whose sending has stalled (NotStalled otherwise). The conditional
    update lets one caller resume it when the timer and the admin's button come at once."""
    now = now or timezone.now()
    if not NewsletterIssue.objects.filter(stalled(now), pk=issue_id).update(progressed=now):
        raise NotStalled()
    transaction.on_commit(lambda: send_batch.enqueue(issue_id))


def resume_stalled(now: datetime | None = None) -> list[int]:
    """Resumes every stalled sending (`manage.py newsletter_upkeep`); returns their ids."""
    now = now or timezone.now()
    resumed = []
    for issue_id in NewsletterIssue.objects.filter(stalled(now)).values_list("pk", flat=True):
        try:
            resume(issue_id, now)
        except NotStalled:
            continue
        resumed.append(issue_id)
    return resumed


@dataclass(frozen=True)
class Progress:
    recipients: int
    pending: int
    sending: int
    sent: int
    failed: int
    skipped: int


def progress(issue: NewsletterIssue) -> Progress:
    """The issue's deliveries by state (one query). Rows still "sending" once the issue is sent are the uncertain
    ones (a worker died during their SMTP call)."""
    counts = issue.deliveries.aggregate(
        recipients=Count("pk"), **{state: Count("pk", filter=Q(state=state)) for state in State.values}
    )
    return Progress(**counts)
