from django.db.models.signals import post_save
from django.dispatch import receiver

from core.access import access_change_committed
from networks.models import NetworkPage
from workshops.models import WorkshopPage

from . import events
from .actions import ensure_general_room, ensure_workshop_room


@receiver(access_change_committed)
def tell_sockets_to_recheck(sender, user_ids, network_ids, **kwargs):
    """Open sockets of the people and networks whose access changed check it at once (it is committed by now).

    A socket the push does not reach (a channel layer that dropped the event or forgot the socket's groups)
    still sees the new access version before its next frame, and re-checks periodically anyway.
    """
    events.access_changed(user_ids, network_ids)


@receiver(post_save, sender=NetworkPage)
def create_general_room(sender, instance, created, **kwargs):
    if created:
        ensure_general_room(instance)


@receiver(post_save, sender=WorkshopPage)
def create_workshop_room(sender, instance, created, **kwargs):
    if created:
        ensure_workshop_room(instance)
