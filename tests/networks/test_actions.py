"""networks.actions on their own: each refusal is an ActionError with its code, and a refused action has
changed nothing (no row, no e-mail). The pages that translate them are tested in test_manage,
test_invitations, test_join_requests and test_space."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from networks import actions
from networks.access import network_access
from networks.models import Invitation, JoinRequest, Membership, NetworkPage
from tests.conftest import refused
from tests.factories import make_membership, make_organisation, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("finnish")]


def done(action, *args, **kwargs):
    """Runs the action and what it queued for after the commit (its e-mail), as a commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return action(*args, **kwargs)


def own_membership(network, user):
    return Membership.objects.active().get(network=network, user=user)


# ---------- Roles and removal ----------


def test_an_unknown_role_is_refused(network_people):
    network, _other, people = network_people
    membership = own_membership(network, people["member"])
    refused("unknown_role", actions.change_role, membership, "superuser", by=people["facilitator"])
    assert Membership.objects.get(pk=membership.pk).role == "member"


def test_the_last_facilitator_cannot_step_down(network_people):
    network, _other, people = network_people
    facilitator = people["facilitator"]
    own = own_membership(network, facilitator)

    refusal = refused("last_facilitator", actions.check_keeps_a_facilitator, own, facilitator, "member")
    assert "luopua fasilitaattorin roolista" in refusal.message
    refused("last_facilitator", actions.change_role, own, "member", by=facilitator)

    own.refresh_from_db()
    assert (own.role, own.left) == ("facilitator", None)


def test_nobody_removes_themselves(network_people):
    network, _other, people = network_people
    facilitator = people["facilitator"]
    make_membership(network, make_user(), "facilitator")  # another facilitator would remain
    own = own_membership(network, facilitator)
    staff_own = make_membership(network, people["staff"], "facilitator")

    refusal = refused("own_membership", actions.remove_member, own, by=facilitator)
    assert "poistaa itseäsi" in refusal.message
    refused("own_membership", actions.remove_member, staff_own, by=people["staff"])

    assert own_membership(network, facilitator).left is None
    assert own_membership(network, people["staff"]).left is None
    # Someone else may remove them.
    actions.remove_member(own, by=people["staff"])
    assert Membership.objects.get(pk=own.pk).left is not None


def test_the_rule_is_about_ones_own_membership_and_the_last_one(network_people):
    network, _other, people = network_people
    facilitator = people["facilitator"]
    own = own_membership(network, facilitator)
    # Keeping the role, and programme staff acting on the membership, are not stepping down.
    actions.check_keeps_a_facilitator(own, facilitator, "facilitator")
    assert actions.change_role(own, "contact", by=people["staff"]) is True
    actions.change_role(own, "facilitator")

    second = make_membership(network, make_user(), "facilitator")
    assert actions.change_role(own, "member", by=facilitator) is True
    refused("last_facilitator", actions.change_role, second, "member", by=second.user)
    assert Membership.objects.get(pk=second.pk).role == "facilitator"


def test_changing_to_the_same_role_changes_nothing(network_people):
    network, _other, people = network_people
    membership = own_membership(network, people["contact"])
    assert actions.change_role(membership, "contact", by=people["facilitator"]) is False


def test_a_membership_that_ended_meanwhile_is_not_changed(network_people):
    network, _other, people = network_people
    stale = own_membership(network, people["member"])
    actions.end_membership(own_membership(network, people["member"]))

    refused("not_found", actions.change_role, stale, "contact", by=people["facilitator"])
    refused("not_found", actions.remove_member, stale, by=people["facilitator"])
    assert Membership.objects.get(pk=stale.pk).role == "member"


# ---------- The organisation a member acts for ----------


def test_a_member_with_an_organisation_cannot_ask_for_one(network_people):
    network, _other, people = network_people
    membership = own_membership(network, people["member"])  # Sipoon kunta
    refusal = refused("has_organisation", actions.request_organisation, membership, make_organisation())
    assert "Sipoon kunta" in refusal.message


def test_asking_for_an_organisation_twice_in_a_row_is_rate_limited(network_people):
    network, _other, people = network_people
    membership = own_membership(network, people["facilitator"])  # no organisation
    actions.ORGANISATION_REQUESTS.reset(membership.pk)  # the cache outlives a test; ids come round again
    assert done(actions.request_organisation, membership, make_organisation()) == 1
    refused("rate_limited", actions.request_organisation, membership, make_organisation())
    assert len(mail.outbox) == 1


# ---------- Invitations ----------


def test_a_batch_beyond_the_hourly_limit_invites_nobody(network_people, settings):
    network, _other, people = network_people
    settings.INVITATIONS_PER_HOUR = 3
    actions.send_invitations(network, ["a@example.fi", "b@example.fi"], "member", None, people["facilitator"])

    refusal = refused(
        "rate_limited",
        actions.send_invitations,
        network,
        ["c@example.fi", "d@example.fi"],
        "member",
        None,
        people["facilitator"],
    )

    assert "Yritä uudelleen" in refusal.message
    assert Invitation.objects.count() == 2


def test_an_unknown_role_invites_nobody(network_people):
    network, _other, people = network_people
    refused("unknown_role", actions.send_invitations, network, ["a@example.fi"], "owner", None, people["staff"])
    assert not Invitation.objects.exists()


def test_sending_skips_members_and_replaces_open_invitations(network_people):
    network, _other, people = network_people
    old, _token = actions.create_invitation(network, "uusi@example.fi", "member", None, people["facilitator"])

    sent = done(
        actions.send_invitations,
        network,
        [" Uusi@Example.fi", "JASEN@example.fi", "toinen-uusi@example.fi"],
        "contact",
        None,
        people["staff"],
    )

    assert sent.invited == ["uusi@example.fi", "toinen-uusi@example.fi"]
    assert sent.replaced == ["uusi@example.fi"]
    assert sent.members == ["jasen@example.fi"]
    old.refresh_from_db()
    assert old.revoked is not None
    open_ones = Invitation.objects.filter(revoked__isnull=True)
    assert sorted(open_ones.values_list("email", "role")) == [
        ("toinen-uusi@example.fi", "contact"),
        ("uusi@example.fi", "contact"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["toinen-uusi@example.fi", "uusi@example.fi"]


def test_an_invitation_that_is_no_longer_open_is_not_revoked_again(network_people):
    network, _other, people = network_people
    invitation, _token = actions.create_invitation(network, "uusi@example.fi", "member", None, people["facilitator"])
    actions.revoke_invitation(invitation)
    revoked = Invitation.objects.get(pk=invitation.pk).revoked

    refusal = refused("invitation_closed", actions.revoke_invitation, invitation)

    assert "uusi@example.fi" in refusal.message
    assert Invitation.objects.get(pk=invitation.pk).revoked == revoked


def test_accepting_refuses_used_links_and_unpublished_networks(network_people):
    network, other, people = network_people
    invitation, token = actions.create_invitation(network, "uusi@example.fi", "member", None, people["facilitator"])
    newcomer = make_user("uusi@example.fi")
    actions.accept_invitation(token, newcomer)
    refused("invitation_closed", actions.accept_invitation, token, make_user())
    refused("invitation_closed", actions.accept_invitation, "no-such-token", make_user())

    _invitation, token = actions.create_invitation(other, "toinen@example.fi", "member", None, people["staff"])
    other.unpublish()
    outsider = people["outsider"]
    refused("network_unavailable", actions.accept_invitation, token, outsider)
    assert not Membership.objects.filter(user=outsider).exists()


def test_an_invitation_to_a_network_made_private_is_unavailable_on_its_page_too(client, network_people):
    network, _other, people = network_people
    invitation, token = actions.create_invitation(network, "uusi@example.fi", "member", None, people["staff"])
    assert actions.invitation_state(invitation) == "open"
    PageViewRestriction.objects.create(page=network, restriction_type=PageViewRestriction.LOGIN)

    assert actions.invitation_state(invitation) == "unavailable"
    client.force_login(people["outsider"])
    assert client.get(reverse("invitation", args=[token])).status_code == 410
    refused("network_unavailable", actions.accept_invitation, token, people["outsider"])
    assert not Membership.objects.filter(user=people["outsider"]).exists()


# ---------- Join requests ----------


@pytest.fixture
def open_network(network_people):
    network, other, people = network_people
    network.status = NetworkPage.Status.OPEN
    network.save_revision().publish()
    return network, other, people


def test_the_join_page_refuses_a_network_not_open_for_applications(network_people):
    network, _other, people = network_people
    refused("not_open", actions.check_join_request, network_access(people["outsider"], network))


def test_the_join_page_refuses_members_pending_and_recently_declined(open_network, settings):
    settings.JOIN_REQUEST_COOLDOWN_DAYS = 30
    network, _other, people = open_network
    outsider = people["outsider"]
    refused("already_member", actions.check_join_request, network_access(people["member"], network))
    actions.check_join_request(network_access(outsider, network))

    join_request = actions.request_to_join(network, outsider, make_organisation(), "Mukaan!")
    refused("pending_request", actions.check_join_request, network_access(outsider, network))
    refused("pending_request", actions.request_to_join, network, outsider, make_organisation(), "Uudestaan")

    actions.decide_join_request(join_request, accept=False, decided_by=people["facilitator"])
    refusal = refused("rate_limited", actions.check_join_request, network_access(outsider, network))
    assert "Yritä uudelleen 30 päivän kuluttua." in refusal.message
    refused("rate_limited", actions.request_to_join, network, outsider, make_organisation(), "Uudestaan")
    assert JoinRequest.objects.count() == 1


def test_a_decided_request_is_not_decided_again(open_network):
    network, _other, people = open_network
    join_request = actions.request_to_join(network, people["outsider"], make_organisation(), "Mukaan!")
    actions.decide_join_request(join_request, accept=False, decided_by=people["facilitator"])
    decided = JoinRequest.objects.get().decided

    refused("already_decided", actions.decide_join_request, join_request, accept=True, decided_by=people["staff"])

    assert JoinRequest.objects.get().status == JoinRequest.Status.DECLINED
    assert JoinRequest.objects.get().decided == decided
    assert not Membership.objects.filter(user=people["outsider"]).exists()


def test_a_join_request_goes_to_the_programme_office_when_the_network_has_no_facilitator(open_network):
    network, _other, people = open_network
    actions.end_membership(own_membership(network, people["facilitator"]))
    done(actions.request_to_join, network, people["outsider"], make_organisation(), "Mukaan!")
    assert [m.to for m in mail.outbox] == [[people["staff"].email]]


def test_a_cooldown_ends(open_network, settings):
    settings.JOIN_REQUEST_COOLDOWN_DAYS = 30
    network, _other, people = open_network
    join_request = actions.request_to_join(network, people["outsider"], make_organisation(), "Mukaan!")
    actions.decide_join_request(join_request, accept=False, decided_by=people["facilitator"])
    JoinRequest.objects.update(decided=timezone.now() - timedelta(days=30, seconds=1))
    actions.check_join_request(network_access(people["outsider"], network))
