"""Sending an issue: once, to the active subscribers, each in their language, in batches that survive a worker's
death — the job interrupted half way and restarted sends each subscriber the issue once (e-mails counted per
address) — and the refusals: an issue is never sent twice."""

import smtplib
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter import sending
from newsletter.models import Delivery, NewsletterIssue, Subscriber
from newsletter.subscriptions import unsubscribe
from tests.conftest import refused
from tests.factories import make_user
from tests.newsletter.conftest import make_issue, make_subscriber, make_subscribers

pytestmark = pytest.mark.django_db
State = Delivery.State


class WorkerDied(BaseException):
    """The worker's process ending mid-task (as SIGKILL would): nothing of ours catches it."""


class FlakyBackend(locmem.EmailBackend):
    """The locmem outbox with a fault at the `at`-th message (counted over the test): `die_after` (the server took
    it, then the worker died), `die_before` (died before the server got it), `disconnect` (the server hung up, an
    error the batch sees), `refuse` (the server refused the address); `meddle` runs a second worker's batch
    during the first message (two tasks at once)."""

    count = 0
    at = None
    fault = None
    meddle = None

    @classmethod
    def reset(cls, at=None, fault=None, meddle=None):
        cls.count, cls.at, cls.fault, cls.meddle = 0, at, fault, meddle

    def send_messages(self, messages):
        cls = type(self)
        cls.count += 1
        if cls.meddle is not None and cls.count == 1:
            meddle, cls.meddle = cls.meddle, None
            meddle()
        if cls.count == cls.at:
            if cls.fault == "die_before":
                raise WorkerDied()
            if cls.fault == "disconnect":
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            if cls.fault == "refuse":
                raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"No such user")})
            sent = super().send_messages(messages)
            if cls.fault == "die_after":
                raise WorkerDied()
            return sent
        return super().send_messages(messages)


@pytest.fixture
def backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    settings.NEWSLETTER_BATCH_SIZE = 4
    FlakyBackend.reset()
    return FlakyBackend


@pytest.fixture
def office(db):
    return make_user("toimisto@example.fi", is_staff=True)


def start(issue, user):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return sending.start_sending(issue.pk, user)


def resume_later(settings):
    """The upkeep timer, once the sending has stood still for longer than the stall time."""
    later = timezone.now() + timedelta(seconds=settings.NEWSLETTER_STALL_SECONDS + 1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return sending.resume_stalled(later)


def per_address():
    return Counter(message.to[0] for message in mail.outbox)


def test_every_active_subscriber_gets_the_issue_once_in_their_language(backend, issue, office):
    make_subscribers(10)
    make_subscriber("odottaa@example.org", Subscriber.Status.PENDING)
    make_subscriber("perui@example.org", Subscriber.Status.UNSUBSCRIBED)
    issue.subject_sv = "Nyhetsbrev 1/2027"
    issue.save()

    assert start(issue, office) == 10

    assert per_address() == Counter({f"tilaaja{n}@example.org": 1 for n in range(10)})
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT and issue.sent_by == office and issue.finished
    assert sending.progress(issue) == sending.Progress(
        recipients=10, pending=0, sending=0, sent=10, failed=0, skipped=0
    )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["tilaaja1@example.org"].subject == "Nyhetsbrev 1/2027"  # tilaaja1 reads Swedish
    assert by_address["tilaaja0@example.org"].subject == "Uutiskirje 1/2027"
    assert by_address["tilaaja2@example.org"].subject == "Uutiskirje 1/2027"  # no English subject: the Finnish
    assert '<html lang="en">' in by_address["tilaaja2@example.org"].alternatives[0][0]


def test_each_email_carries_its_own_one_click_unsubscribe(backend, issue, office):
    first, second = make_subscribers(2)
    start(issue, office)

    message = next(message for message in mail.outbox if message.to == [first.email])
    url = f"http://127.0.0.1:8000/uutiskirje/tilaus/{first.key}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body and f'href="{url}"' in message.alternatives[0][0]
    assert second.key not in message.body
    assert f"/uutiskirje/{issue.pk}/" in message.body, "the web version"


def test_an_issue_is_never_sent_twice(backend, issue, office, finnish):
    make_subscribers(3)
    start(issue, office)

    refused("already_sent", sending.start_sending, issue.pk, office)
    assert per_address() == Counter({f"tilaaja{n}@example.org": 1 for n in range(3)})
    assert Delivery.objects.count() == 3


def test_an_empty_issue_or_one_without_subscribers_is_refused(backend, pages, office, finnish):
    empty = make_issue(intro="", body=[])
    make_subscribers(1)
    refused("empty", sending.start_sending, empty.pk, office)
    Subscriber.objects.all().delete()
    refused("no_subscribers", sending.start_sending, make_issue(pages).pk, office)
    assert NewsletterIssue.objects.filter(status=NewsletterIssue.Status.DRAFT).count() == 2
    assert not Delivery.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("when", ["between messages", "after the server took one", "before the server got one"])
def test_a_job_interrupted_half_way_and_restarted_sends_each_subscriber_once(backend, issue, office, settings, when):
    make_subscribers(10)
    fault = {"between messages": "die_after", "after the server took one": "die_after"}.get(when, "die_before")
    # Between messages: the worker dies right after marking message 4 sent, as the next batch would begin.
    backend.reset(at=6, fault=fault)
    if when == "between messages":
        backend.reset()
        with TestCase.captureOnCommitCallbacks(execute=False):
            sending.start_sending(issue.pk, office)
        assert sending.deliver_batch(issue.pk) is True  # one batch, then the worker died before the next
    else:
        start(issue, office)

    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENDING
    sent_before = len(mail.outbox)
    assert sent_before in (4, 5, 6)
    assert sending.resume_stalled() == [], "not stalled yet: the batches may still be running"

    backend.reset()
    assert resume_later(settings) == [issue.pk]

    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    counts = per_address()
    assert max(counts.values()) == 1, "nobody gets the issue twice"
    progress = sending.progress(issue)
    if when == "before the server got one":
        # At most once: the one address whose SMTP call the worker died in is uncertain, and not sent again.
        assert len(counts) == 9 and progress.sending == 1 and progress.sent == 9
    elif when == "after the server took one":
        assert len(counts) == 10 and progress.sending == 1 and progress.sent == 9
    else:
        assert len(counts) == 10 and progress.sent == 10 and progress.sending == 0


def test_two_workers_at_once_send_nobody_the_issue_twice(backend, issue, office):
    make_subscribers(10)
    backend.reset(meddle=lambda: sending.deliver_batch(issue.pk))
    start(issue, office)

    assert per_address() == Counter({f"tilaaja{n}@example.org": 1 for n in range(10)})
    assert sending.progress(issue).sent == 10


def test_an_smtp_error_puts_the_message_back_for_the_resume(backend, issue, office, settings):
    make_subscribers(6)
    backend.reset(at=3, fault="disconnect")
    start(issue, office)
    assert len(mail.outbox) == 2
    assert sending.progress(issue).pending == 4

    backend.reset()
    resume_later(settings)
    assert per_address() == Counter({f"tilaaja{n}@example.org": 1 for n in range(6)})


def test_a_refused_address_fails_and_the_others_go(backend, issue, office):
    make_subscribers(5)
    backend.reset(at=2, fault="refuse")
    start(issue, office)

    assert len(mail.outbox) == 4
    progress = sending.progress(issue)
    assert (progress.sent, progress.failed) == (4, 1)
    assert Delivery.objects.get(state=State.FAILED).subscriber.email == "tilaaja1@example.org"


def test_who_unsubscribes_before_their_turn_is_skipped(backend, issue, office):
    subscribers = make_subscribers(3)
    with TestCase.captureOnCommitCallbacks(execute=False):
        sending.start_sending(issue.pk, office)
    unsubscribe(subscribers[1].key)
    while sending.deliver_batch(issue.pk):
        pass

    assert set(per_address()) == {"tilaaja0@example.org", "tilaaja2@example.org"}
    assert sending.progress(issue).skipped == 1


def test_resuming_a_sending_that_moves_is_refused(backend, issue, office, finnish):
    make_subscribers(2)
    with TestCase.captureOnCommitCallbacks(execute=False):
        sending.start_sending(issue.pk, office)
    refused("not_stalled", sending.resume, issue.pk)
    refused("not_stalled", sending.resume, make_issue(subject="Luonnos").pk)


@pytest.mark.parametrize("recipients", [5, 20])
def test_a_batch_costs_two_queries_per_recipient(backend, issue, office, settings, recipients):
    """Claim and mark per message; the batch's own queries do not grow with the issue or the list."""
    settings.NEWSLETTER_BATCH_SIZE = 100
    make_subscribers(recipients)
    with TestCase.captureOnCommitCallbacks(execute=False):
        sending.start_sending(issue.pk, office)
    with CaptureQueriesContext(connection) as queries:
        assert sending.deliver_batch(issue.pk) is True
    # Fixed (BATCH_QUERIES): the heartbeat, the batch, the issue; the chosen pages (view restrictions, the pages,
    # one per page type), the locales, the site for their addresses (two); each of Swedish and English its
    # translations (view restrictions, the pages; none here, else one more per page type).
    assert len(queries) == BATCH_QUERIES + 2 * recipients
    assert len(mail.outbox) == recipients


BATCH_QUERIES = 15


def test_a_test_send_goes_to_oneself_only(backend, issue, office, settings, finnish):
    make_subscribers(2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        sending.send_test(issue, office, "sv")

    assert [message.to for message in mail.outbox] == [["toimisto@example.fi"]]
    message = mail.outbox[0]
    assert message.subject.startswith("[Testi]") or message.subject.startswith("[")
    assert "http://127.0.0.1:8000/uutiskirje/\n" in message.body, "the unsubscribe line leads to the newsletter page"
    assert '<html lang="sv">' in message.alternatives[0][0]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT and not Delivery.objects.exists()
    refused("invalid_language", sending.send_test, issue, office, "de")


def test_hostile_html_in_an_issue_stays_text(backend, pages, office):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    issue = make_issue(pages, subject=f"Otsikko {hostile}", intro=hostile)
    make_subscribers(1)
    start(issue, office)

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert hostile in mail.outbox[0].body, "the plain text part is plain text"
