from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_unpublished, post_page_move

from core.access import access_changed

from .access import forget_networks
from .groups import ensure_network_groups, sync_staff_group, sync_user_groups
from .models import Membership, NetworkPage


@receiver(post_save, sender=NetworkPage)
def network_saved(sender, instance, **kwargs):
    """A new network (a copy too: it excludes the original's) gets its groups and collection at once. Its slug may
    be new, or an old one's."""
    forget_networks()
    if instance.members_group_id is None:
        ensure_network_groups(instance)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, **kwargs):
    """The Wagtail groups follow in the same transaction; open connections re-check after the commit (a role
    change too)."""
    sync_user_groups(instance.user, instance.network)
    access_changed(users=[instance.user_id])


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def staff_flag_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or "is_staff" in update_fields:
        sync_staff_group(instance)


def networks_at_or_under(page):
    """Ids of the networks that a change of `page` can take out of the live, public site."""
    if isinstance(page, NetworkPage):
        return [page.pk]
    return list(NetworkPage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))


@receiver(page_unpublished)
@receiver(post_page_move)
def page_left_its_place(sender, instance, **kwargs):
    """Unpublished or moved (perhaps into a private section): the networks' connections re-check."""
    networks = networks_at_or_under(instance)
    if networks:
        access_changed(networks=networks)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def page_privacy_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).only("path", "depth").first()
    networks = networks_at_or_under(page) if page is not None else []  # a deleted page tells of itself
    if networks:
        access_changed(networks=networks)


@receiver(post_delete, sender=NetworkPage)
def network_deleted(sender, instance, **kwargs):
    forget_networks()
    access_changed(networks=[instance.pk])
