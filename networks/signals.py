from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .groups import sync_staff_group, sync_user_groups
from .models import Membership


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, **kwargs):
    sync_user_groups(instance.user, instance.network)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def staff_flag_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or "is_staff" in update_fields:
        sync_staff_group(instance)
