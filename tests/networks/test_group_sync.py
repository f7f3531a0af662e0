"""Memberships as Wagtail groups: what a network gets when it is created, how memberships move people in
and out of its groups, and what that lets a facilitator do in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, GroupCollectionPermission, GroupPagePermission

from networks.actions import add_member, change_role, end_membership
from networks.groups import PROGRAMME_OFFICE_GROUP
from tests.conftest import client_for
from tests.factories import make_membership, make_network, make_user

pytestmark = pytest.mark.django_db


def network_groups(user, network):
    return set(
        user.groups.filter(pk__in=[network.members_group_id, network.facilitators_group_id]).values_list(
            "pk", flat=True
        )
    )


# ---------- What a new network gets ----------


def test_a_new_network_gets_its_groups_collection_restriction_and_permissions(site_tree):
    _home, index = site_tree
    network = make_network(index, "Perheystävälliset kuntatyöpaikat")
    network.refresh_from_db()

    assert network.members_group is not None and network.facilitators_group is not None
    assert network.members_group != network.facilitators_group
    assert network.collection is not None

    restriction = CollectionViewRestriction.objects.get(collection=network.collection)
    assert restriction.restriction_type == CollectionViewRestriction.GROUPS
    assert set(restriction.groups.values_list("name", flat=True)) == {
        network.members_group.name,
        network.facilitators_group.name,
        PROGRAMME_OFFICE_GROUP,
    }

    page_permissions = set(
        GroupPagePermission.objects.filter(group=network.facilitators_group).values_list(
            "page_id", "permission__codename"
        )
    )
    assert page_permissions == {
        (network.pk, "add_page"),
        (network.pk, "change_page"),
        (network.pk, "publish_page"),
    }
    collection_permissions = set(
        GroupCollectionPermission.objects.filter(group=network.facilitators_group).values_list(
            "collection_id", "permission__codename"
        )
    )
    assert (network.collection_id, "add_document") in collection_permissions
    assert {collection for collection, _codename in collection_permissions} == {network.collection_id}
    assert network.facilitators_group.permissions.filter(codename="access_admin").exists()
    # Plain members get nothing in the admin.
    assert not GroupPagePermission.objects.filter(group=network.members_group).exists()
    assert not network.members_group.permissions.exists()


def test_two_networks_get_separate_groups_and_collections(site_tree):
    _home, index = site_tree
    first, second = make_network(index), make_network(index)
    assert first.members_group_id != second.members_group_id
    assert first.facilitators_group_id != second.facilitators_group_id
    assert first.collection_id != second.collection_id


def test_saving_again_does_not_duplicate_anything(site_tree):
    _home, index = site_tree
    network = make_network(index)
    groups = Group.objects.count()
    network.save_revision().publish()
    network.save()
    assert Group.objects.count() == groups
    assert CollectionViewRestriction.objects.filter(collection=network.collection).count() == 1


# ---------- Memberships move people in and out of the groups ----------


def test_membership_create_update_end_and_delete_update_groups(site_tree):
    _home, index = site_tree
    network = make_network(index)
    user = make_user()

    membership, _created = add_member(network, user, "member")
    assert network_groups(user, network) == {network.members_group_id}

    change_role(membership, "facilitator")
    assert network_groups(user, network) == {network.members_group_id, network.facilitators_group_id}

    change_role(membership, "contact")
    assert network_groups(user, network) == {network.members_group_id}

    end_membership(membership)
    assert network_groups(user, network) == set()

    again, _created = add_member(network, user, "facilitator")
    assert network_groups(user, network) == {network.members_group_id, network.facilitators_group_id}
    again.delete()
    assert network_groups(user, network) == set()


def test_leaving_one_network_keeps_the_other(site_tree):
    _home, index = site_tree
    first, second = make_network(index), make_network(index)
    user = make_user()
    first_membership = make_membership(first, user, "facilitator")
    make_membership(second, user, "member")

    end_membership(first_membership)

    assert network_groups(user, first) == set()
    assert network_groups(user, second) == {second.members_group_id}


def test_staff_flag_follows_the_programme_office_group(db):
    user = make_user()
    assert not user.groups.filter(name=PROGRAMME_OFFICE_GROUP).exists()
    user.is_staff = True
    user.save()
    assert user.groups.filter(name=PROGRAMME_OFFICE_GROUP).exists()
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    assert not user.groups.filter(name=PROGRAMME_OFFICE_GROUP).exists()


# ---------- A facilitator in the Wagtail admin ----------


@pytest.fixture
def facilitator_in_admin(client, network_people):
    network, other, people = network_people
    return client_for(client, people["facilitator"]), network, other


def test_facilitator_opens_their_network_in_the_admin(facilitator_in_admin):
    client, network, _other = facilitator_in_admin
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{network.pk}/").status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=[network.pk])).status_code == 200
    add_workshop = reverse("wagtailadmin_pages:add", args=["workshops", "workshoppage", network.pk])
    assert client.get(add_workshop).status_code == 200


def test_facilitator_cannot_edit_another_network(facilitator_in_admin):
    client, _network, other = facilitator_in_admin
    response = client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("wagtailadmin_pages:edit", args=[other.pk]) not in response["Location"]
    add_workshop = reverse("wagtailadmin_pages:add", args=["workshops", "workshoppage", other.pk])
    assert client.get(add_workshop).status_code in (302, 403)


def test_a_plain_member_has_no_admin(client, network_people):
    network, _other, people = network_people
    response = client_for(client, people["member"]).get(f"/admin/pages/{network.pk}/")
    assert response.status_code in (302, 403)


def upload(client, collection_id, title):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": title,
            "collection": collection_id,
            "file": SimpleUploadedFile(f"{title}.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        },
    )


def test_facilitator_uploads_only_into_their_own_collection(facilitator_in_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client, network, other = facilitator_in_admin
    Document = get_document_model()

    upload(client, other.collection_id, "vieras")
    assert not Document.objects.filter(collection_id=other.collection_id).exists()
    # With one permitted collection, Wagtail's form has no collection field: whatever is posted, the
    # document lands in the facilitator's own collection.
    assert set(Document.objects.filter(title="vieras").values_list("collection_id", flat=True)) <= {
        network.collection_id
    }

    response = upload(client, network.collection_id, "oma")
    assert response.status_code == 302
    assert Document.objects.filter(collection_id=network.collection_id, title="oma").exists()


def test_removed_facilitator_loses_the_admin_at_once(client, network_people):
    network, _other, people = network_people
    membership = people["facilitator"].memberships.get(network=network)
    end_membership(membership)
    response = client_for(client, people["facilitator"]).get(f"/admin/pages/{network.pk}/")
    assert response.status_code in (302, 403)


def test_facilitator_of_two_networks_cannot_pick_a_third_networks_collection(
    client, network_people, settings, tmp_path
):
    """With two permitted collections the form has a collection field, and it refuses any other."""
    settings.MEDIA_ROOT = tmp_path
    network, other, people = network_people
    third = make_network(network.get_parent())
    make_membership(third, people["facilitator"], "facilitator")
    client = client_for(client, people["facilitator"])
    Document = get_document_model()

    response = upload(client, other.collection_id, "vieras")
    assert response.status_code == 200  # the form again, with an error
    assert not Document.objects.filter(title="vieras").exists()

    assert upload(client, third.collection_id, "kolmas").status_code == 302
    assert Document.objects.filter(collection_id=third.collection_id, title="kolmas").exists()


def test_a_copied_network_gets_groups_and_a_collection_of_its_own(site_tree):
    from networks.models import NetworkPage
    from tests.factories import make_network

    _home, index = site_tree
    original = make_network(index, "Alkuperäinen")
    copy = NetworkPage.objects.get(pk=original.copy(update_attrs={"slug": "kopio", "title": "Kopio"}).pk)
    assert copy.members_group_id and copy.collection_id
    assert copy.members_group_id != original.members_group_id
    assert copy.facilitators_group_id != original.facilitators_group_id
    assert copy.collection_id != original.collection_id


def test_the_admin_refuses_what_the_member_space_refuses(facilitator_in_admin, settings, tmp_path):
    """The admin's document form runs the same check: a file whose content is not what its name says is
    not stored, and the form says why."""
    settings.MEDIA_ROOT = tmp_path
    client, network, _other = facilitator_in_admin
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "naamioitu",
            "collection": network.collection_id,
            "file": SimpleUploadedFile(
                "naamioitu.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 200
    assert "Tiedoston sisältö ei vastaa sen päätettä" in response.content.decode()
    assert not get_document_model().objects.filter(title="naamioitu").exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
