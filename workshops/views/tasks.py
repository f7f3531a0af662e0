"""Skeleton: being written (issue 5)."""


def tasks_context(request, access, workshop):
    return {}


def create(request, *args, **kwargs):
    raise NotImplementedError


detail = edit = answers = remind = download_file = delete_file = create
