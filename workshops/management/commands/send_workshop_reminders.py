"""The day-before reminder and the call for feedback (run hourly: site/deploy/verkostamo-workshop-reminders.timer),
and the closing of feedback whose time is up (workshops.feedback.close_due_feedback), so that the results and
the network page's average appear without anyone having to open the results first.

Each e-mail goes out once per workshop (workshops.notifications.mail_once, keys "reminder" and "feedback"), so
running the command again, or twice at once, sends nothing new. A workshop with nobody to tell yet is not
marked as done: someone who says yes an hour later still gets the reminder at the next run, and attendees
marked a day late still get the call for feedback.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from networks.models import Membership, NetworkPage
from workshops.feedback import close_due_feedback, closes_at
from workshops.models import FeedbackRespondent, Registration, WorkshopPage
from workshops.notifications import mail_once, member_users, notifiable, registrants
from workshops.signals import email_context

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


def feedback_recipients(workshop, network):
    """Those who may give feedback: the members marked as attended, not the network's facilitators, not
    those who have already answered, nor those who have left the network."""
    attended = Registration.objects.filter(workshop=workshop, attended=True).values("user")
    facilitators = Membership.objects.active().filter(network=network, role=Membership.Role.FACILITATOR)
    answered = FeedbackRespondent.objects.filter(workshop=workshop).values("user")
    return (
        member_users(network)
        .filter(pk__in=attended)
        .exclude(pk__in=facilitators.values("user"))
        .exclude(pk__in=answered)
    )


def send_reminders(now):
    """The reminder for workshops that start within the next 24 hours; yields (workshop, recipients)."""
    upcoming = WorkshopPage.objects.filter(cancelled=False, start__gt=now, start__lte=now + REMINDER_WINDOW).exclude(
        mailings__key="reminder"
    )
    for workshop, network in workshops_with_networks(upcoming):
        people = reminder_recipients(workshop, network)
        if not notifiable(people).exists():
            continue
        sent = mail_once(
            workshop,
            "reminder",
            people,
            "workshop_reminder",
            email_context(workshop, network),
        )
        if sent is not None:
            yield workshop, sent


def send_feedback_requests(now):
    """The call for feedback for workshops that ended within the last 7 days; yields (workshop, recipients)."""
    ended = WorkshopPage.objects.filter(
        cancelled=False, end__lte=now, end__gt=now - FEEDBACK_WINDOW, feedback_closure__isnull=True
    ).exclude(mailings__key="feedback")
    for workshop, network in workshops_with_networks(ended):
        people = feedback_recipients(workshop, network)
        if not notifiable(people).exists():
            continue
        sent = mail_once(
            workshop,
            "feedback",
            people,
            "workshop_feedback_request",
            {**email_context(workshop, network), "closes": closes_at(workshop)},
        )
        if sent is not None:
            yield workshop, sent


class Command(BaseCommand):
    help = (
        "E-mail the day-before reminder to those with a confirmed place in a workshop that starts within "
        "24 hours, and the call for feedback to those who took part in a workshop that ended within 7 days; "
        "close the feedback whose time is up. Run hourly (site/deploy/verkostamo-workshop-reminders.timer); "
        "each e-mail is sent once per workshop."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
            for label, sender in (("Reminder", send_reminders), ("Feedback request", send_feedback_requests)):
                total = 0
                for workshop, sent in sender(now):
                    total += 1
                    self.stdout.write(
                        f"{label}: {workshop.number}. {workshop.title} (#{workshop.pk}) to {sent} people."
                    )
                self.stdout.write(f"{label}s sent for {total} workshops.")
            self.stdout.write(f"Feedback closed for {close_due_feedback(now)} workshops.")
