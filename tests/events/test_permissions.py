"""Who writes the events: a new event index gives the programme office's group Wagtail's add, edit and publish
permissions (networks.groups.office_writes_under); an office member with the admin's access adds and edits events,
a facilitator (admin access, but their own network's pages only) none."""

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission

from networks.groups import programme_office_group
from tests.events.factories import make_event, make_event_index

pytestmark = pytest.mark.django_db


def with_admin_access(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


def test_the_office_writes_under_a_new_event_index(network_people):
    network, _other, people = network_people
    index = make_event_index(network.get_parent().get_parent())
    event = make_event(index)

    granted = GroupPagePermission.objects.filter(group=programme_office_group(), page=index)
    assert sorted(granted.values_list("permission__codename", flat=True)) == ["add_page", "change_page", "publish_page"]
    staff = with_admin_access(people["staff"])
    assert index.permissions_for_user(staff).can_add_subpage()
    assert event.permissions_for_user(staff).can_edit()
    assert event.permissions_for_user(staff).can_publish()
    facilitator = people["facilitator"]
    assert not index.permissions_for_user(facilitator).can_add_subpage()
    assert not event.permissions_for_user(facilitator).can_edit()
