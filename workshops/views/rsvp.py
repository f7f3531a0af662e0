"""Skeleton: being written (issue 5)."""


def rsvp_context(request, access, workshop):
    return {}


def respond(request, *args, **kwargs):
    raise NotImplementedError


attendance = respond
