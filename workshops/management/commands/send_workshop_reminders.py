"""The day-before reminder and the call for feedback (run hourly: site/deploy/verkostamo-workshop-reminders.timer),
and the closing of feedback whose time is up (workshops.feedback.close_due_feedback), so that the results and
the network page's average appear without anyone having to open the results first.

The reminder is a notice of the kind "reminder", the call for feedback one of "workshop news" (notices.delivery:
at once or in the digest as each person chose, in their language). Each goes out once per workshop
(workshops.notifications.mail_once, keys "reminder" and "feedback"), so running the command again, or twice at
once, sends nothing new. A workshop with nobody to tell yet is not
marked as done: someone who says yes an hour later still gets the reminder at the next run, and attendees
marked a day late still get the call for feedback.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from networks.models import NetworkPage
from notices.models import Kind
from workshops.feedback import close_due_feedback, closes_at, expected_respondents
from workshops.models import Registration, WorkshopPage
from workshops.notifications import mail_once, news_scope, registrants, workshop_payload

REMINDER_WINDOW = timedelta(hours=24)
FEEDBACK_WINDOW = timedelta(days=7)


def workshops_with_networks(workshops):
    """(workshop, network) for the live workshops of live networks; two queries."""
    workshops = list(workshops.live().order_by("start", "pk"))
    parents = {workshop.path[: -workshop.steplen] for workshop in workshops}
    networks = {network.path: network for network in NetworkPage.objects.live().filter(path__in=parents)}
    for workshop in workshops:
        network = networks.get(workshop.path[: -workshop.steplen])
        if network is not None:
            yield workshop, network


def reminder_recipients(workshop, network):
    """Those with a confirmed place (yes, not waiting in line) who still belong to the network."""
    return registrants(workshop, network, response=Registration.Response.YES, waitlisted=False)


def mail_if_anyone(workshop, network, key, people, kind, template_name, payload, scope=""):
    """`mail_once`, unless nobody among `people` may be told yet: then the workshop is not marked as done."""
    if not people.notifiable().exists():
        return None
    return mail_once(workshop, network, key, people, kind, template_name, payload, scope)


def send_reminders(now):
    """The reminder for workshops that start within the next 24 hours; yields (workshop, recipients)."""
    upcoming = WorkshopPage.objects.filter(cancelled=False, start__gt=now, start__lte=now + REMINDER_WINDOW).exclude(
        mailings__key="reminder"
    )
    for workshop, network in workshops_with_networks(upcoming):
        sent = mail_if_anyone(
            workshop,
            network,
            "reminder",
            reminder_recipients(workshop, network),
            Kind.REMINDER,
            "workshop_reminder",
            workshop_payload(workshop, network),
        )
        if sent is not None:
            yield workshop, sent


def send_feedback_requests(now):
    """The call for feedback for workshops that ended within the last 7 days; yields (workshop, recipients)."""
    ended = WorkshopPage.objects.filter(
        cancelled=False, end__lte=now, end__gt=now - FEEDBACK_WINDOW, feedback_closure__isnull=True
    ).exclude(mailings__key="feedback")
    for workshop, network in workshops_with_networks(ended):
        sent = mail_if_anyone(
            workshop,
            network,
            "feedback",
            expected_respondents(workshop, network),
            Kind.WORKSHOP_NEWS,
            "workshop_feedback_request",
            workshop_payload(workshop, network, closes=closes_at(workshop)),
            scope=news_scope(workshop),
        )
        if sent is not None:
            yield workshop, sent


class Command(BaseCommand):
    help = (
        "Send the day-before reminder to those with a confirmed place in a workshop that starts within "
        "24 hours, and the call for feedback to those who took part in a workshop that ended within 7 days "
        "(notices: at once or in the digest, as each person chose); close the feedback whose time is up. Run "
        "hourly (site/deploy/verkostamo-workshop-reminders.timer); each is sent once per workshop."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        for label, sender in (("Reminder", send_reminders), ("Feedback request", send_feedback_requests)):
            total = 0
            for workshop, sent in sender(now):
                total += 1
                self.stdout.write(f"{label}: {workshop.number}. {workshop.title} (#{workshop.pk}) to {sent} people.")
            self.stdout.write(f"{label}s sent for {total} workshops.")
        self.stdout.write(f"Feedback closed for {close_due_feedback(now)} workshops.")
