"""Where answer files live: outside MEDIA_ROOT, so no web server can hand them out. Only
workshops.views.tasks serves them, after checking who may read the answer."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage():
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def submission_file_path(instance, filename):
    """A random name under the task's folder; the original name is kept in the row, not on disk."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"submissions/{instance.submission.task_id}/{uuid.uuid4().hex}{extension}"
