"""Reports of messages to the network's own facilitators: a member reports, a facilitator (or the programme
office) hides the message or dismisses the report, and the reporter is told which.

A report goes to the facilitators of the message's network only, never to a distant admin: the queue is in
that network's member space (spaces.reports), and the reads here always take the network. The author of the
message is never told who reported it. As in discussions.actions, a refusal is a core.errors.ActionError and
changes nothing, and the e-mail is queued after the commit. Who is e-mailed, and how, is decided in the two
functions at the end (`tell_facilitators`, `tell_reporter`) and nowhere else: the facilitators hear of reports as
notices (kind "reports": at once, at most one e-mail per network and hour, the rest in their digest, or as they
chose), the reporter of the outcome directly, in their language.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from core.email import send_to_users
from core.errors import ActionError
from networks.access import network_access
from networks.actions import answering_people
from networks.models import Membership, NetworkPage
from notices.delivery import notify
from notices.models import Kind

from . import actions
from .models import Message, Report

MAX_TEXT_LENGTH = 1000
MAX_NOTE_LENGTH = 300  # the hide reason is shown in the message's place, as Message.hidden_reason


def validate_text(text: object, max_length: int, what: str) -> str:
    """Plain text from a form or a frame, stripped: `text` may be anything a socket sent."""
    if text is None:
        return ""
    if not isinstance(text, str) or "\x00" in text:
        raise ActionError("invalid", _("%(what)s pitää olla tekstiä.") % {"what": what})
    text = text.strip()
    if len(text) > max_length:
        raise ActionError(
            "too_long",
            _("%(what)s on liian pitkä: enintään %(max)s merkkiä.")
            % {"what": what, "max": number_format(max_length, force_grouping=True)},
        )
    return text


def report_message(user: User, message: Message, reason: object, text: object = "") -> Report:
    """The person reports `message` to its network's facilitators, who are e-mailed after the commit.

    Refused: an unknown reason, too long a text, a deleted message, one's own message, a message of a network the
    person is not an active member of (staff included: they hide messages themselves), a second report of the same
    message, and more than DISCUSSION_REPORT_RATE_LIMIT reports in its window (only reports that would be stored
    count)."""
    if not isinstance(reason, str) or reason not in Report.Reason.values:
        raise ActionError("invalid", _("Valitse ilmoituksen syy."))
    text = validate_text(text, MAX_TEXT_LENGTH, _("Lisätieto"))
    if message.deleted is not None:
        raise ActionError("not_found", _("Viesti on poistettu."))
    if message.author_id == user.pk:
        raise ActionError("own_message", _("Omaa viestiä ei voi ilmoittaa."))
    network_id = message.room.network_id
    if not Membership.objects.active().filter(user=user, network_id=network_id).exists():
        raise ActionError("not_own_network", _("Voit ilmoittaa vain oman verkostosi viestejä."))
    if Report.objects.filter(message=message, reporter=user).exists():
        raise ActionError("already_reported", _("Olet jo ilmoittanut tämän viestin."))
    actions.hit_rate_limit(
        "discussion-report", settings.DISCUSSION_REPORT_RATE_LIMIT, user, _("Ilmoitat viestejä liian tiheään.")
    )
    try:
        with transaction.atomic():
            report = Report.objects.create(message=message, reporter=user, reason=reason, text=text)
            tell_facilitators(report)
    except IntegrityError:
        # The same report raced in from another tab or socket: that one was stored.
        raise ActionError("already_reported", _("Olet jo ilmoittanut tämän viestin.")) from None
    return report


def check_can_handle(user: User, network: NetworkPage) -> None:
    """Only the network's facilitators and the programme office handle its reports, checked when used."""
    if not network_access(user, network).is_facilitator:
        raise ActionError("forbidden", _("Vain verkoston fasilitaattori voi käsitellä ilmoituksia."))


@transaction.atomic
def hide_reported(report: Report, user: User, reason: object = "") -> list[Report]:
    """The facilitator hides the reported message with a reason (shown in its place to everyone, live too:
    discussions.actions.delete_message) and closes every open report of it; their reporters are told."""
    reason = validate_text(reason, MAX_NOTE_LENGTH, _("Syy"))
    reports = _lock_open_reports(report, user)
    message = Message.objects.select_for_update(of=("self",)).select_related("room").get(pk=report.message_id)
    if message.deleted is None:
        message = actions.delete_message(message, user, is_facilitator=True, reason=reason)
    return _close(reports, Report.Status.HIDDEN, user, message.hidden_reason or reason)


@transaction.atomic
def dismiss_report(report: Report, user: User, note: object = "") -> list[Report]:
    """The facilitator finds nothing wrong with the message: every open report of it is closed as dismissed (with
    an optional note for the reporters), and the message stays."""
    note = validate_text(note, MAX_NOTE_LENGTH, _("Perustelu"))
    reports = _lock_open_reports(report, user)
    return _close(reports, Report.Status.DISMISSED, user, note)


def _lock_open_reports(report: Report, user: User) -> list[Report]:
    """The open reports of the reported message, locked: of two facilitators deciding at once, the second finds
    them handled and is refused."""
    check_can_handle(user, report.message.room.network)
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(message_id=report.message_id, status=Report.Status.OPEN)
        .select_related("reporter", "message__room__network")
        .order_by("pk")
    )
    if not any(each.pk == report.pk for each in reports):
        raise ActionError("already_handled", _("Ilmoitus on jo käsitelty."))
    return reports


def _close(reports: list[Report], status: str, user: User, note: str) -> list[Report]:
    now = timezone.now()
    Report.objects.filter(pk__in=[report.pk for report in reports]).update(
        status=status, handled_by=user, handled_at=now, decision_note=note
    )
    for report in reports:
        report.status, report.handled_by, report.handled_at, report.decision_note = status, user, now, note
        tell_reporter(report)
    return reports


# -- reads ------------------------------------------------------------------------------------------------------


def open_reports(network: NetworkPage) -> QuerySet[Report]:
    """The network's open reports with their message, room, author and reporter: one query, oldest first. Another
    network's reports are never among them (the network is part of the query)."""
    return (
        Report.objects.filter(status=Report.Status.OPEN, message__room__network=network)
        .select_related("message__room", "message__author", "reporter")
        .order_by("message__created", "message_id", "created", "pk")
    )


def open_report_count(network: NetworkPage) -> int:
    """How many messages of the network wait for a decision (the reports of one message are handled together)."""
    return (
        Report.objects.filter(status=Report.Status.OPEN, message__room__network=network)
        .values("message_id")
        .distinct()
        .count()
    )


def network_report(network: NetworkPage, report_id: int) -> Report | None:
    """One report of the network, open or handled, by id (None for another network's): the network is part of the
    lookup."""
    return (
        Report.objects.filter(pk=report_id, message__room__network=network)
        .select_related("message__room__network")
        .first()
    )


# -- who is told ------------------------------------------------------------------------------------------------


def tell_facilitators(report: Report) -> None:
    """A new report: a notice to the network's facilitators (the programme office when it has none), linking to the
    queue; the message's text is not in it. The reason is stored as its Finnish
    label and translated for each recipient."""
    network = report.message.room.network
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(report.get_reason_display())
    notify(
        answering_people(network),
        Kind.REPORTS,
        network=network,
        key=f"report:{report.pk}",
        template="discussion_report_received",
        payload={
            "network": {"title": network.title, "slug": network.slug},
            "room": report.message.room.title,
            "reason": reason,
            "url": reverse("space-reports", args=[network.slug]),
        },
        scope=f"reports:{network.pk}",
    )


def tell_reporter(report: Report) -> None:
    """A handled report: the reporter is e-mailed the outcome after the commit, in their language (nobody, when
    their account is gone)."""
    reporter = report.reporter
    if reporter is None or not reporter.is_active:
        return
    send_to_users([reporter], "discussion_report_handled", {"report": report, "network": report.message.room.network})
