"""The newsletter's key figure for the front page: its subscribers (confirmed and not unsubscribed). One query."""

from .models import Subscriber


def subscribers() -> int:
    return Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count()
