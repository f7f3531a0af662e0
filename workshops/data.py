"""Workshop tasks' share of a person's data export (accounts.data): the answers they wrote or last
edited, with the names of their files (the files themselves can be downloaded from the task page), and their
drafts of answers, which go with a deleted account."""

from django.db.models import Q
from django.dispatch import receiver

from accounts.data import account_deleted, register_exporter

from .models import AnswerDraft, Submission


@register_exporter("workshop_task_answers")
def export_answers(user):
    submissions = (
        Submission.objects.filter(Q(user=user) | Q(updated_by=user))
        .select_related("task__workshop", "organisation")
        .prefetch_related("files")
        .order_by("created", "pk")
    )
    return [
        {
            "workshop": submission.task.workshop.title,
            "task": submission.task.title,
            "task_kind": submission.task.kind,
            "organisation": submission.organisation.name if submission.organisation else None,
            "written_by_me": submission.user_id == user.pk,
            "created": submission.created.isoformat(),
            "updated": submission.updated.isoformat(),
            "text": submission.text,
            "files": [
                {"name": attachment.name, "size": attachment.size, "added": attachment.created.isoformat()}
                for attachment in submission.files.all()
            ],
        }
        for submission in submissions
    ]


@register_exporter("workshop_answer_drafts")
def export_answer_drafts(user):
    drafts = AnswerDraft.objects.filter(user=user).select_related("task__workshop").order_by("updated", "pk")
    return [
        {
            "workshop": draft.task.workshop.title,
            "task": draft.task.title,
            "updated": draft.updated.isoformat(),
            "text": draft.text,
        }
        for draft in drafts
    ]


@receiver(account_deleted, dispatch_uid="workshops.data.forget_answer_drafts")
def forget_answer_drafts(sender, user, **kwargs):
    """Answers stay with the task; what was never handed in goes with the account."""
    AnswerDraft.objects.filter(user=user).delete()
