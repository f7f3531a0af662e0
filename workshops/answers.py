"""Workshop tasks and members' answers: every change goes through these functions, and every refusal is an
ActionError (core.errors) that leaves everything as it was.

- `create_task` / `update_task`: a facilitator's task, its instructions rendered once (and sanitised);
  a new task is e-mailed to the network's members once, when the transaction commits. Once a task has
  answers, who answers and private answers stay as they are (`check_task_change`).
- `save_answer`: a member's (or an organisation's shared) answer with its files, all or nothing: if any
  step fails, the files already written are removed and no row changes. Refused after the due date and,
  for a shared task, without an organisation (`check_can_answer`).
- `delete_answer_file`: removes one file before the due date.
- `save_answer_draft` / `answer_draft`: what the person is typing in the answer box, kept (debounced from the
  page) until they save the answer, which deletes it; private to its author; `prune_answer_drafts` removes
  drafts untouched for DRAFT_KEEP_DAYS.
- `AnswerStatus` / `send_reminder`: who has and has not answered, per organisation, and a reminder to
  those who have not (at most one every TASK_REMINDER_COOLDOWN_HOURS; `task.reminded` records the last).
- Who may read an answer: `may_read`; who may change it: `is_own`.

A file leaves the private storage when its row is deleted, also through a cascade (a task or a
workshop deleted), once the deletion commits (receiver at the end of this module).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import ActionError
from core.ratelimit import cooldown
from core.text import render_markdown
from networks.access import NetworkAccess
from networks.models import Membership, NetworkPage, Organisation
from notices.delivery import notify
from notices.models import Delivery, Kind
from notices.preferences import deliveries

from .forms.tasks import display_name
from .models import AnswerDraft, Submission, SubmissionFile, Task, WorkshopPage
from .notifications import mail_once, member_users, workshop_payload


class TaskClosed(ActionError):
    code = "task_closed"
    message = _("Palautusaika on päättynyt. Vastausta ei voi enää palauttaa eikä muuttaa.")


class NoOrganisation(ActionError):
    code = "no_organisation"
    message = _(
        "Fasilitaattori ei ole vielä liittänyt sinua organisaatioon tässä verkostossa. Tähän tehtävään vastataan "
        "organisaatioittain, joten pyydä fasilitaattoria liittämään sinut organisaatioosi."
    )


class AnswerChanged(ActionError):
    """Someone saved the answer after the person opened it: their save would overwrite that."""

    code = "answer_changed"
    message = _("Vastausta on muokattu sillä välin, kun kirjoitit omaasi.")

    def __init__(self, submission: Submission) -> None:
        super().__init__()
        self.submission = submission


class TaskLocked(ActionError):
    """A change to a task that its answers no longer allow; `field` names the task's field it concerns."""

    field = ""


class AnsweredByLocked(TaskLocked):
    code = "answered_by_locked"
    field = "answered_by"
    message = _(
        "Tehtävään on jo vastattu, joten vastaajaa ei voi enää vaihtaa: annetut vastaukset jäisivät "
        "ilman omistajaa. Tee tarvittaessa uusi tehtävä."
    )


class VisibilityLocked(TaskLocked):
    code = "visibility_locked"
    field = "answers_visible"
    message = _(
        "Tehtävään on jo vastattu sillä tiedolla, että vastaukset näkyvät vain fasilitaattoreille. "
        "Niitä ei voi jälkikäteen avata kaikille jäsenille."
    )


# ---------- Tasks ----------


def task_path(task: Task, network: NetworkPage) -> str:
    return reverse("task", args=[network.slug, task.pk])


@transaction.atomic
def create_task(workshop: WorkshopPage, network: NetworkPage, author: User, **fields: object) -> tuple[Task, int]:
    """Creates the task and tells the network's members about it once (not its author; a notice of the kind
    "tasks": notices.delivery). Returns (task, number of people who will hear of it)."""
    task = Task(workshop=workshop, created_by=author, **fields)
    task.instructions_html = render_markdown(task.instructions)
    task.save()
    recipients = mail_once(
        workshop,
        network,
        f"task:{task.pk}",
        member_users(network).exclude(pk=author.pk),
        Kind.TASKS,
        "task_published",
        task_payload(task, workshop, network),
    )
    return task, recipients or 0


# What a task's e-mail shows of the instructions.
INSTRUCTIONS_EXCERPT_LENGTH = 2000


def task_payload(task: Task, workshop: WorkshopPage, network: NetworkPage) -> dict:
    """A task's e-mails' plain data (a notice's payload: notices.delivery)."""
    instructions = task.instructions
    if len(instructions) > INSTRUCTIONS_EXCERPT_LENGTH:
        instructions = instructions[: INSTRUCTIONS_EXCERPT_LENGTH - 1].rstrip() + "…"
    path = task_path(task, network)
    return workshop_payload(
        workshop,
        network,
        task={
            "title": task.title,
            "kind": task.kind,
            "due": task.due,
            "per_organisation": task.per_organisation,
            "instructions": instructions,
        },
        task_path=path,
        url=path,
    )


def check_task_change(task: Task, fields: Mapping[str, object], answered: bool) -> None:
    """Refuses what a task's answers (`answered`: it has some) no longer allow: changing who answers, which
    would leave the answers without their owner, and opening answers given as private to every member."""
    if not answered:
        return
    if fields.get("answered_by", task.answered_by) != task.answered_by:
        raise AnsweredByLocked()
    if fields.get("answers_visible", task.answers_visible) and not task.answers_visible:
        raise VisibilityLocked()


@transaction.atomic
def update_task(task: Task, **fields: object) -> Task:
    """Saves the facilitator's changes. What the answers lock (`check_task_change`) is decided under the task's
    lock, so an answer that came in while the form was open counts."""
    locked = Task.objects.select_for_update().get(pk=task.pk)
    check_task_change(locked, fields, locked.submissions.exists())
    for name, value in fields.items():
        setattr(task, name, value)
    task.instructions_html = render_markdown(task.instructions)
    task.save()
    return task


# ---------- Who may read and change an answer ----------


def is_own(submission: Submission, user: User, organisation: Organisation | None) -> bool:
    """The person's own answer, or their organisation's shared one."""
    if submission.organisation_id is None:
        return submission.user_id == user.pk
    return organisation is not None and submission.organisation_id == organisation.pk


def may_read(
    access: NetworkAccess, task: Task, submission: Submission, user: User, organisation: Organisation | None
) -> bool:
    """Facilitators and staff read every answer; members their own, and all when the task shows them."""
    return access.is_facilitator or task.answers_visible or is_own(submission, user, organisation)


def own_submissions(task: Task, user: User, organisation: Organisation | None) -> QuerySet[Submission]:
    """The answer that is the person's to write: their own, or their organisation's for a shared task."""
    if task.per_organisation:
        if organisation is None:
            return Submission.objects.none()
        return Submission.objects.filter(task=task, organisation=organisation)
    return Submission.objects.filter(task=task, user=user, organisation__isnull=True)


def version_of(submission: Submission | None) -> str:
    """What the answer form remembers of the answer it was opened on: when it was last saved."""
    return "" if submission is None else submission.updated.astimezone(UTC).isoformat()


# ---------- Answers ----------


def check_can_answer(task: Task, organisation: Organisation | None) -> None:
    """Refuses an answer after the due date, and one to a shared task from a person whom no facilitator has
    attached to an organisation in the network."""
    if not task.is_open:
        raise TaskClosed()
    if task.per_organisation and organisation is None:
        raise NoOrganisation()


def _storage() -> Storage:
    return SubmissionFile._meta.get_field("file").storage


def save_answer(
    task: Task,
    user: User,
    organisation: Organisation | None,
    text: str,
    uploads: Iterable[File],
    version: str | None = None,
) -> Submission:
    """Saves the person's answer (for a shared task, their organisation's) with new files, all or nothing.

    Raises what `check_can_answer` refuses (under the task's lock), and AnswerChanged if `version` (from the
    form) is not the answer's current one.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            # The task row serialises answers with each other and with the facilitator's edits.
            task = Task.objects.select_for_update().get(pk=task.pk)
            check_can_answer(task, organisation)
            submission = own_submissions(task, user, organisation).select_for_update().first()
            if submission is not None and version is not None and version != version_of(submission):
                raise AnswerChanged(submission)
            if submission is None:
                submission = Submission(
                    task=task, user=user, organisation=organisation if task.per_organisation else None
                )
            submission.text = text
            submission.text_html = render_markdown(text) if text.strip() else ""
            submission.updated_by = user
            submission.save()
            # What the person was typing became the answer: the draft goes with it.
            AnswerDraft.objects.filter(task=task, user=user).delete()
            for uploaded in uploads:
                attachment = SubmissionFile(
                    submission=submission, name=display_name(uploaded.name), size=uploaded.size, uploaded_by=user
                )
                attachment.file.save(uploaded.name, uploaded, save=False)
                written.append(attachment.file.name)
                attachment.save()
    except BaseException:
        for name in written:
            _storage().delete(name)
        raise
    return submission


MAX_ANSWER_LENGTH = Submission._meta.get_field("text").max_length or 20000


def answer_draft(task: Task, user: User) -> AnswerDraft | None:
    """The person's own draft of their answer, if they have one (one query)."""
    return AnswerDraft.objects.filter(task=task, user=user).first()


def save_answer_draft(task: Task, user: User, organisation: Organisation | None, text: object) -> AnswerDraft | None:
    """Keeps what the person has typed in the answer box (blank text, or their saved answer's, deletes the draft;
    None is returned then).

    Only someone who may answer the task now may keep a draft of it (`check_can_answer`: before the due date,
    with an organisation for a shared task), and only as long as the answer itself may be: a refusal stores
    nothing. The caller has checked that the person is a member of the task's network.
    """
    if not isinstance(text, str):
        raise ActionError("invalid", _("Luonnoksen teksti puuttuu."))
    if len(text) > MAX_ANSWER_LENGTH:
        raise ActionError(
            "too_long",
            _("Vastaus on liian pitkä: enintään %(max)s merkkiä.")
            % {"max": number_format(MAX_ANSWER_LENGTH, force_grouping=True)},
        )
    check_can_answer(task, organisation)
    # The saved answer itself is no draft: e.g. a save sent as the box lost focus to the form's button, which
    # arrives after the answer it was typed for.
    if not text.strip() or text == own_submissions(task, user, organisation).values_list("text", flat=True).first():
        AnswerDraft.objects.filter(task=task, user=user).delete()
        return None
    draft, _created = AnswerDraft.objects.update_or_create(
        task=task, user=user, defaults={"text": text, "updated": timezone.now()}
    )
    return draft


def prune_answer_drafts(now: datetime | None = None) -> int:
    """Deletes the answer drafts untouched for DRAFT_KEEP_DAYS; how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.DRAFT_KEEP_DAYS)
    deleted, _by_model = AnswerDraft.objects.filter(updated__lt=cutoff).delete()
    return deleted


def delete_answer_file(attachment: SubmissionFile) -> bool:
    """Removes one file of an answer before the due date; the stored file goes when the deletion commits.
    An answer left with neither text nor files is removed too (it no longer counts as answered).
    Returns True if the whole answer went."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=attachment.submission.task_id)
        if not task.is_open:
            raise TaskClosed()
        submission = attachment.submission
        attachment.delete()
        if not submission.text.strip() and not submission.files.exists():
            submission.delete()
            return True
    return False


@receiver(post_delete, sender=SubmissionFile, dispatch_uid="workshops.answers.remove_stored_file")
def remove_stored_file(sender: type[SubmissionFile], instance: SubmissionFile, **kwargs: object) -> None:
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# ---------- Who has answered ----------


class MemberRow:
    """One expected answerer in the overview, with their answer (per-person tasks) if they have one."""

    def __init__(self, user: User, submission: Submission | None = None) -> None:
        self.user = user
        self.submission = submission


class OrganisationGroup:
    """An organisation's members in the overview (organisation None: members without one) and, for a
    shared task, the organisation's answer."""

    def __init__(self, organisation: Organisation | None) -> None:
        self.organisation = organisation
        self.members: list[MemberRow] = []
        self.submission: Submission | None = None

    @property
    def answered_count(self) -> int:
        return sum(1 for row in self.members if row.submission is not None)

    @property
    def pending_members(self) -> list[MemberRow]:
        return [row for row in self.members if row.submission is None]


class AnswerStatus:
    """Who has and has not answered a task, per organisation. Two queries whatever the numbers."""

    def __init__(self, task: Task, network: NetworkPage) -> None:
        self.task = task
        self.network = network
        memberships = (
            Membership.objects.active()
            .filter(network=network, user__is_active=True, user__deleted__isnull=True)
            .exclude(role=Membership.Role.FACILITATOR)
            .select_related("user", "organisation")
        )
        submissions = (
            Submission.objects.filter(task=task)
            .select_related("user", "organisation", "updated_by")
            .annotate(file_count=Count("files"))
        )
        groups: dict[int | None, OrganisationGroup] = {}
        if task.per_organisation:
            by_organisation = {s.organisation_id: s for s in submissions if s.organisation_id is not None}
            for membership in memberships:
                organisation = membership.organisation
                group = groups.setdefault(organisation.pk if organisation else None, OrganisationGroup(organisation))
                group.members.append(MemberRow(membership.user))
            for key, group in groups.items():
                group.submission = by_organisation.pop(key, None) if key is not None else None
            for submission in by_organisation.values():  # organisations with no current members
                group = OrganisationGroup(submission.organisation)
                group.submission = submission
                groups[submission.organisation_id] = group
            self.others = []
        else:
            by_user = {s.user_id: s for s in submissions if s.organisation_id is None}
            for membership in memberships:
                organisation = membership.organisation
                group = groups.setdefault(organisation.pk if organisation else None, OrganisationGroup(organisation))
                group.members.append(MemberRow(membership.user, by_user.pop(membership.user_id, None)))
            # Facilitators and former members who answered.
            self.others = sorted(by_user.values(), key=lambda s: s.user.display_name.casefold())
        for group in groups.values():
            group.members.sort(key=lambda row: (row.user.last_name.casefold(), row.user.display_name.casefold()))
        self.without_organisation = groups.pop(None, None)
        # The groups left each have an organisation; its str() is its name.
        self.groups = sorted(groups.values(), key=lambda group: str(group.organisation).casefold())

    @property
    def answered_count(self) -> int:
        if self.task.per_organisation:
            return sum(1 for group in self.groups if group.submission is not None)
        rows = [row for group in self.all_groups for row in group.members]
        return sum(1 for row in rows if row.submission is not None)

    @property
    def expected_count(self) -> int:
        if self.task.per_organisation:
            return len(self.groups)
        return sum(len(group.members) for group in self.all_groups)

    @property
    def all_groups(self) -> list[OrganisationGroup]:
        return [*self.groups, *([self.without_organisation] if self.without_organisation else [])]

    def pending_users(self) -> list[User]:
        """The people who are still expected to answer: for a shared task, the members of organisations
        without an answer (members without an organisation cannot answer it)."""
        if self.task.per_organisation:
            return [row.user for group in self.groups if group.submission is None for row in group.members]
        return [row.user for group in self.all_groups for row in group.pending_members]


def next_reminder(task: Task) -> datetime | None:
    """When the next reminder of the task may be sent, or None if it may be sent now."""
    if task.reminded is None:
        return None
    moment = task.reminded + timedelta(hours=settings.TASK_REMINDER_COOLDOWN_HOURS)
    return moment if moment > timezone.now() else None


@dataclass
class ReminderAudience:
    """Who a task's reminder reaches: the people still expected to answer (`AnswerStatus.pending_users`) who hear
    of tasks, at once or in their digest (`recipients`), and those left out because they chose "never" for tasks
    (`opted_out`)."""

    recipients: list[User]
    opted_out: list[User]

    @property
    def pending(self) -> int:
        return len(self.recipients) + len(self.opted_out)


def reminder_audience(status: AnswerStatus) -> ReminderAudience:
    """One query (their choices for tasks), however many people."""
    pending = status.pending_users()  # active people only
    choices = deliveries([user.pk for user in pending], Kind.TASKS, status.network.pk)
    return ReminderAudience(
        recipients=[user for user in pending if choices[user.pk] != Delivery.NEVER],
        opted_out=[user for user in pending if choices[user.pk] == Delivery.NEVER],
    )


def send_reminder(task: Task, network: NetworkPage) -> tuple[int, int]:
    """Reminds the people who have not answered (a notice of the kind "tasks", at once or in their digest as each
    chose) and records it on the task (when, and to how many). Returns (people still expected to answer,
    recipients). Raises TaskClosed after the due date, and
    RateLimited within TASK_REMINDER_COOLDOWN_HOURS of the last reminder (checked under the task's lock, so two
    facilitators pressing the button at once, or one pressing it twice, send one reminder)."""
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("workshop").get(pk=task.pk)
        if not task.is_open:
            raise TaskClosed()
        cooldown(
            task.reminded,
            settings.TASK_REMINDER_COOLDOWN_HOURS * 3600,
            timezone.now(),
            reason=_("Tehtävästä on jo muistutettu %(when)s.") % {"when": formatted(task.reminded)}
            if task.reminded
            else None,
        )
        audience = reminder_audience(AnswerStatus(task, network))
        recipients = audience.recipients
        if recipients:
            now = timezone.now()
            notify(
                recipients,
                Kind.TASKS,
                network=network,
                key=f"task:{task.pk}:reminder:{now.isoformat()}",
                template="task_reminder",
                payload=task_payload(task, task.workshop, network),
            )
            task.reminded = now
            task.reminded_recipients = len(recipients)
            task.save(update_fields=["reminded", "reminded_recipients"])
    return audience.pending, len(recipients)


def formatted(moment: datetime) -> str:
    """A moment as the pages show it: 15.3.2030 16:00 (Helsinki time)."""
    return date_format(timezone.localtime(moment), "j.n.Y H:i")
