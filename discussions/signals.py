from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from networks.models import Membership, NetworkPage
from workshops.models import WorkshopPage

from .actions import ensure_general_room, ensure_workshop_room
from .consumers import membership_group


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def close_sockets_of_ended_membership(sender, instance, **kwargs):
    """Removal takes effect at once, open websockets included: they are closed with 4403 after commit."""
    if kwargs.get("signal") is post_save and instance.left is None:
        return
    group = membership_group(instance.network_id, instance.user_id)

    def close():
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, {"type": "membership.ended"})

    transaction.on_commit(close)


@receiver(post_save, sender=NetworkPage)
def create_general_room(sender, instance, created, **kwargs):
    if created:
        ensure_general_room(instance)


@receiver(post_save, sender=WorkshopPage)
def create_workshop_room(sender, instance, created, **kwargs):
    if created:
        ensure_workshop_room(instance)
