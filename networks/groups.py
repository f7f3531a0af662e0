"""Memberships as Wagtail groups, so Wagtail's own checks enforce them in the CMS.

Each network has a members group and a facilitators group, and a document collection that only those
groups and the programme office can read (a CollectionViewRestriction). Facilitators get page permissions
on their network's subtree and document and image permissions on its collection, and nothing anywhere else.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import post_save
from wagtail.models import Collection, CollectionViewRestriction, GroupCollectionPermission, GroupPagePermission

from .models import Membership, NetworkPage

PROGRAMME_OFFICE_GROUP = "Ohjelmatoimisto"
FACILITATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
FACILITATOR_DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")
# On the network's own collection only, never on the root collection, whose permissions would reach every
# other network's collection below it: a facilitator's choosers list their own network's files and images.
FACILITATOR_IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")


def programme_office_group():
    group, _created = Group.objects.get_or_create(name=PROGRAMME_OFFICE_GROUP)
    return group


# What the office may do under the programme's own sections (the news, the events): write, edit and publish. Only
# those of the office with the admin's access (which `is_staff` is not: docs/permissions.md) use them.
OFFICE_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def grant_office_pages(page, codenames=OFFICE_PAGE_PERMISSIONS):
    """Gives the programme office's group these Wagtail page permissions on `page` and the pages below it (again:
    nothing more)."""
    office = programme_office_group()
    for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
        GroupPagePermission.objects.get_or_create(group=office, page=page, permission=permission)


def office_writes_under(model):
    """From now on, a new page of `model` (an index: the news', the events') gives the office the
    OFFICE_PAGE_PERMISSIONS on it — the demo loader's, or one made in the admin. Only when created: a superuser who
    later changes the group's permissions in the admin keeps their choice. Call from `AppConfig.ready()`."""

    def created(sender, instance, created, raw=False, **kwargs):
        if created and not raw:
            grant_office_pages(instance)

    post_save.connect(created, sender=model, weak=False, dispatch_uid=f"office-writes-under-{model._meta.label}")


@transaction.atomic
def ensure_network_groups(network):
    """Creates (or repairs) the network's groups, collection, view restriction and permissions."""
    # Named by the page's id, which is never reused: a new network can never inherit an old one's groups.
    label = f"{network.title[:100]} (#{network.pk})"
    members, _created = Group.objects.get_or_create(name=f"{label}: jäsenet")
    facilitators, _created = Group.objects.get_or_create(name=f"{label}: fasilitaattorit")

    collection = network.collection
    if collection is None:
        root = Collection.get_first_root_node()
        collection = root.add_child(name=label)

    restriction = CollectionViewRestriction.objects.filter(collection=collection).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    restriction.groups.set([members, facilitators, programme_office_group()])

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    facilitators.permissions.add(access_admin)
    for codename in FACILITATOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=facilitators,
            page=network,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    collection_permissions = [("wagtaildocs", codename) for codename in FACILITATOR_DOCUMENT_PERMISSIONS] + [
        ("wagtailimages", codename) for codename in FACILITATOR_IMAGE_PERMISSIONS
    ]
    for app_label, codename in collection_permissions:
        GroupCollectionPermission.objects.get_or_create(
            group=facilitators,
            collection=collection,
            permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
        )

    NetworkPage.objects.filter(pk=network.pk).update(
        members_group=members, facilitators_group=facilitators, collection=collection
    )
    network.members_group, network.facilitators_group, network.collection = members, facilitators, collection


def sync_user_groups(user, network):
    """Makes the person's groups for this network match their active membership (if any)."""
    membership = Membership.objects.active().filter(user=user, network=network).first()
    wanted = set()
    if membership is not None:
        wanted.add(network.members_group_id)
        if membership.is_facilitator:
            wanted.add(network.facilitators_group_id)
    network_groups = {network.members_group_id, network.facilitators_group_id} - {None}
    user.groups.remove(*(network_groups - wanted))
    user.groups.add(*(wanted - {None}))


def sync_staff_group(user):
    """The programme office group follows the is_staff flag: staff read every network's documents."""
    group = programme_office_group()
    if user.is_staff:
        user.groups.add(group)
    else:
        user.groups.remove(group)
