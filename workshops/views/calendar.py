"""Skeleton: being written (issue 5)."""


def network_feed(request, *args, **kwargs):
    raise NotImplementedError


workshop_event = network_feed
