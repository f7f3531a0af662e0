"""Where answer files live: outside MEDIA_ROOT, so no web server can hand them out. Only
workshops.views.tasks serves them, after checking who may read the answer."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """A file system storage under settings.PRIVATE_MEDIA_ROOT, with no URL: files have no public address.

    The folder is read from the setting when first used (and again after override_settings changes it),
    as FileSystemStorage does for MEDIA_ROOT.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def private_storage():
    return PrivateStorage()


def submission_file_path(instance, filename):
    """A random name under the task's folder; the original name is kept in the row, not on disk."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"submissions/{instance.submission.task_id}/{uuid.uuid4().hex}{extension}"
