"""Workshop tasks' share of a person's data export (accounts.data): the answers they wrote or last
edited, with the names of their files (the files themselves can be downloaded from the task page)."""

from django.db.models import Q

from accounts.data import register_exporter

from .models import Submission


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
