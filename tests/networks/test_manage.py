"""The facilitator tools: who may use them, that they never reach another network, members and roles."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from networks.actions import create_invitation, decide_join_request, request_to_join
from networks.models import Invitation, JoinRequest, Membership
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_organisation, make_user

# Queries pinned at both data sizes (tests.conftest.assert_queries).
QUERIES = [13, 15, 14]  # members, invitations, join requests
REMOVE_PAGE_QUERIES = 13


pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def targets(network, people):
    """One object of each kind in `network` that the manage URLs act on: (membership, invitation, request)."""
    membership = Membership.objects.active().get(network=network, user=people["member"])
    invitation, _token = create_invitation(network, "kutsuttu@example.fi", "member", None, people["facilitator"])
    applicant = make_user()
    join_request = request_to_join(network, applicant, make_organisation(), "Haluamme oppia leania.")
    return membership, invitation, join_request


# (url name, method, the methods it accepts, POST data) — the ids are filled in per test.
MANAGE_URLS = [
    ("manage-members", "get", True, {}),
    ("manage-members", "post", False, {}),
    ("manage-role", "get", False, {}),
    ("manage-role", "post", True, {"role": "contact"}),
    ("manage-remove", "get", True, {}),
    ("manage-remove", "post", True, {}),
    ("manage-organisation", "get", True, {}),
    ("manage-organisation", "post", True, {"organisation": ""}),
    ("manage-invitations", "get", True, {}),
    ("manage-invitations", "post", True, {"emails": "uusi@example.fi", "role": "member"}),
    ("manage-revoke-invitation", "get", False, {}),
    ("manage-revoke-invitation", "post", True, {}),
    ("manage-join-requests", "get", True, {}),
    ("manage-join-requests", "post", False, {}),
    ("manage-decide-join-request", "get", False, {}),
    ("manage-decide-join-request", "post", True, {"decision": "accept"}),
]


def manage_url(name, network, membership, invitation, join_request):
    args = [network.slug]
    if name in ("manage-role", "manage-remove", "manage-organisation"):
        args.append(membership.pk)
    elif name == "manage-revoke-invitation":
        args.append(invitation.pk)
    elif name == "manage-decide-join-request":
        args.append(join_request.pk)
    return reverse(name, args=args)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "allowed", "data"), MANAGE_URLS)
def test_permission_matrix(client, network_people, role, name, method, allowed, data):
    network, _other, people = network_people
    membership, invitation, join_request = targets(network, people)
    url = manage_url(name, network, membership, invitation, join_request)
    client = client_for(client, people[role])

    response = getattr(client, method)(url, data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in ("outsider", "other_member"):
        assert response.status_code == 403
        assert "networks/space/not_member.html" in [t.name for t in response.templates]
    elif role in ("member", "contact"):
        assert response.status_code == 403
    elif allowed:
        assert response.status_code in (200, 302), (role, name, method)
    else:
        assert response.status_code == 405, (role, name, method)

    if role not in ("facilitator", "staff"):
        # Nothing changed for anyone refused.
        membership.refresh_from_db()
        invitation.refresh_from_db()
        join_request.refresh_from_db()
        assert membership.role == "member" and membership.left is None
        assert membership.organisation is not None
        assert invitation.revoked is None
        assert join_request.status == JoinRequest.Status.PENDING
        assert not Invitation.objects.filter(email="uusi@example.fi").exists()


def test_manage_tabs_only_for_facilitators(client, network_people):
    network, _other, people = network_people
    space = reverse("space", args=[network.slug])
    manage = reverse("manage-members", args=[network.slug])
    assert manage not in client_for(client, people["member"]).get(space).content.decode()
    assert manage in client_for(client, people["facilitator"]).get(space).content.decode()


@pytest.fixture
def two_networks(network_people):
    """Network A with its people, network B with a member, a facilitator, an invitation and a request."""
    network, other, people = network_people
    a = dict(zip(("membership", "invitation", "join_request"), targets(network, people), strict=True))
    b_facilitator = make_membership(other, make_user("b-fasilitaattori@example.fi"), "facilitator").user
    b_membership = make_membership(other, make_user("b-jasen@example.fi"), "member", make_organisation())
    b_invitation, _token = create_invitation(other, "b-kutsu@example.fi", "member", None, b_facilitator)
    b_request = request_to_join(other, make_user(), make_organisation(), "Mukaan!")
    b = {"membership": b_membership, "invitation": b_invitation, "join_request": b_request}
    return network, other, people, a, b


def post_everything(client, network_slug, objects):
    """Posts every changing action of the manage tools with these objects' ids to this network's URLs."""
    return [
        client.post(reverse("manage-role", args=[network_slug, objects["membership"].pk]), {"role": "facilitator"}),
        client.post(reverse("manage-remove", args=[network_slug, objects["membership"].pk]), {"confirm": "yes"}),
        client.post(
            reverse("manage-organisation", args=[network_slug, objects["membership"].pk]), {"organisation": ""}
        ),
        client.post(reverse("manage-revoke-invitation", args=[network_slug, objects["invitation"].pk])),
        client.post(
            reverse("manage-decide-join-request", args=[network_slug, objects["join_request"].pk]),
            {"decision": "accept"},
        ),
    ]


def assert_untouched(objects):
    membership = Membership.objects.get(pk=objects["membership"].pk)
    assert membership.role == "member" and membership.left is None
    assert membership.organisation == objects["membership"].organisation
    assert Invitation.objects.get(pk=objects["invitation"].pk).revoked is None
    assert JoinRequest.objects.get(pk=objects["join_request"].pk).status == JoinRequest.Status.PENDING


def test_other_networks_ids_posted_to_own_urls_are_404(client, two_networks):
    network, _other, people, _a, b = two_networks
    client = client_for(client, people["facilitator"])
    responses = post_everything(client, network.slug, b)
    assert [r.status_code for r in responses] == [404] * 5
    assert_untouched(b)


def test_own_ids_posted_to_other_networks_urls_are_refused(client, two_networks):
    network, other, people, a, _b = two_networks
    # Not a member of B: the not-member page.
    client = client_for(client, people["facilitator"])
    assert [r.status_code for r in post_everything(client, other.slug, a)] == [403] * 5
    assert_untouched(a)
    # Facilitator of both networks, or staff: still 404, since the lookup includes the network of the URL.
    make_membership(other, people["facilitator"], "facilitator")
    for person in (people["facilitator"], people["staff"]):
        client = client_for(client, person)
        assert [r.status_code for r in post_everything(client, other.slug, a)] == [404] * 5
        assert_untouched(a)


def test_members_page_lists_members_with_organisation_and_role(client, network_people):
    network, _other, people = network_people
    response = client_for(client, people["facilitator"]).get(reverse("manage-members", args=[network.slug]))
    assert response.status_code == 200
    content = response.content.decode()
    for email in ("jasen@example.fi", "yhteys@example.fi", "fasilitaattori@example.fi"):
        assert email in content
    assert "toinen@example.fi" not in content  # a member of the other network
    assert "Sipoon kunta" in content
    assert content.count("<h1") == 1
    membership = Membership.objects.get(network=network, user=people["member"])
    assert reverse("manage-role", args=[network.slug, membership.pk]) in content
    assert reverse("manage-remove", args=[network.slug, membership.pk]) in content


def test_ended_memberships_are_not_listed(client, network_people):
    network, _other, people = network_people
    membership = Membership.objects.get(network=network, user=people["member"])
    client = client_for(client, people["facilitator"])
    client.post(reverse("manage-remove", args=[network.slug, membership.pk]), {"confirm": "yes"})
    response = client.get(reverse("manage-members", args=[network.slug]))
    assert people["member"] not in [m.user for m in response.context["memberships"]]


def test_role_change_syncs_groups_at_once(client, network_people):
    network, _other, people = network_people
    member = people["member"]
    membership = Membership.objects.get(network=network, user=member)
    client = client_for(client, people["facilitator"])

    response = client.post(reverse("manage-role", args=[network.slug, membership.pk]), {"role": "facilitator"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "facilitator"
    assert set(member.groups.values_list("pk", flat=True)) >= {network.members_group_id, network.facilitators_group_id}
    assert "Fasilitaattori".lower() in " ".join(messages_of(response)).lower()
    # The new facilitator has the tools at once.
    assert client_for(client, member).get(reverse("manage-members", args=[network.slug])).status_code == 200

    client_for(client, people["facilitator"]).post(
        reverse("manage-role", args=[network.slug, membership.pk]), {"role": "member"}
    )
    assert network.facilitators_group_id not in member.groups.values_list("pk", flat=True)
    assert client_for(client, member).get(reverse("manage-members", args=[network.slug])).status_code == 403


def test_unknown_role_is_refused_with_a_message(client, network_people):
    network, _other, people = network_people
    membership = Membership.objects.get(network=network, user=people["member"])
    client = client_for(client, people["facilitator"])
    response = client.post(reverse("manage-role", args=[network.slug, membership.pk]), {"role": "superuser"})
    assert response.status_code == 302
    assert any("Roolia ei muutettu" in m for m in messages_of(response))
    membership.refresh_from_db()
    assert membership.role == "member"


def test_remove_asks_first_then_ends_the_membership_and_access(client, network_people):
    network, _other, people = network_people
    member = people["member"]
    membership = Membership.objects.get(network=network, user=member)
    client = client_for(client, people["facilitator"])
    url = reverse("manage-remove", args=[network.slug, membership.pk])

    # The row's link, and a POST without the confirmation (a forged form), only show what will happen.
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        content = response.content.decode()
        assert "jasen@example.fi" in content and "Sipoon kunta" in content
        assert "Pääsy jäsentilaan, materiaaleihin ja keskusteluun päättyy heti" in content
        assert 'name="confirm" value="yes"' in content
        assert f'href="{reverse("manage-members", args=[network.slug])}"' in content  # cancel
        assert content.count("<h1") == 1
        membership.refresh_from_db()
        assert membership.left is None

    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left is not None
    assert not member.groups.filter(pk__in=[network.members_group_id, network.facilitators_group_id]).exists()
    assert client_for(client, member).get(reverse("space", args=[network.slug])).status_code == 403


def test_a_facilitators_removal_says_they_lose_the_tools(client, network_people):
    network, _other, people = network_people
    second = make_membership(network, make_user("toinen-fasilitaattori@example.fi"), "facilitator")
    client = client_for(client, people["facilitator"])
    content = client.get(reverse("manage-remove", args=[network.slug, second.pk])).content.decode()
    assert "Fasilitaattorin työkalut" in content
    member = Membership.objects.get(network=network, user=people["member"])
    content = client.get(reverse("manage-remove", args=[network.slug, member.pk])).content.decode()
    assert "Fasilitaattorin työkalut" not in content


def test_own_row_has_no_remove_button_and_removing_oneself_is_refused(client, network_people):
    network, _other, people = network_people
    make_membership(network, make_user("toinen-fasilitaattori@example.fi"), "facilitator")
    own = Membership.objects.get(network=network, user=people["facilitator"])
    client = client_for(client, people["facilitator"])
    own_url = reverse("manage-remove", args=[network.slug, own.pk])

    content = client.get(reverse("manage-members", args=[network.slug])).content.decode()
    assert own_url not in content
    assert "Et voi poistaa itseäsi." in content

    for response in (client.get(own_url), client.post(own_url), client.post(own_url, {"confirm": "yes"})):
        assert response.status_code == 302
        assert response["Location"] == reverse("manage-members", args=[network.slug])
        assert any("Et voi poistaa itseäsi verkostosta" in m for m in messages_of(response))
    own.refresh_from_db()
    assert own.left is None


def test_removed_facilitator_loses_groups_and_tools(client, network_people):
    network, _other, people = network_people
    second = make_membership(network, make_user("toinen-fasilitaattori@example.fi"), "facilitator")
    client = client_for(client, people["facilitator"])
    client.post(reverse("manage-remove", args=[network.slug, second.pk]), {"confirm": "yes"})
    assert not second.user.groups.exists()
    assert client_for(client, second.user).get(reverse("manage-members", args=[network.slug])).status_code == 403


def test_last_facilitator_cannot_demote_or_remove_themselves(client, network_people):
    network, _other, people = network_people
    own = Membership.objects.get(network=network, user=people["facilitator"])
    client = client_for(client, people["facilitator"])

    response = client.post(reverse("manage-role", args=[network.slug, own.pk]), {"role": "member"})
    assert any("ainoa fasilitaattori" in m for m in messages_of(response))
    response = client.post(reverse("manage-remove", args=[network.slug, own.pk]), {"confirm": "yes"})
    assert any("Et voi poistaa itseäsi" in m for m in messages_of(response))
    own.refresh_from_db()
    assert own.role == "facilitator" and own.left is None


def test_a_facilitator_may_step_down_when_another_remains(client, network_people):
    network, _other, people = network_people
    make_membership(network, make_user("toinen-fasilitaattori@example.fi"), "facilitator")
    own = Membership.objects.get(network=network, user=people["facilitator"])
    client = client_for(client, people["facilitator"])

    response = client.post(reverse("manage-role", args=[network.slug, own.pk]), {"role": "contact"})

    own.refresh_from_db()
    assert own.role == "contact"
    assert response["Location"] == reverse("space", args=[network.slug])  # the tools are gone


def test_query_counts_constant_when_members_invitations_and_requests_grow(client, network_people):
    network, _other, people = network_people
    facilitator = people["facilitator"]
    organisation = make_organisation()

    def grow(n):
        for i in range(n):
            make_membership(network, make_user(), "member", organisation)
            create_invitation(network, make_user().email, "contact", organisation, facilitator)
            request_to_join(network, make_user(), organisation, "Mukaan!")
            decided = request_to_join(network, make_user(), organisation, "Mukaan!")
            decide_join_request(decided, accept=i % 2 == 0, decided_by=facilitator)

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    client = client_for(client, facilitator)
    urls = [
        reverse(name, args=[network.slug]) for name in ("manage-members", "manage-invitations", "manage-join-requests")
    ]
    grow(3)
    small = [queries(url) for url in urls]
    grow(27)
    large = [queries(url) for url in urls]
    assert_queries(QUERIES, small=small, large=large)


def test_the_removal_page_queries_stay_constant_as_members_grow(client, network_people):
    network, _other, people = network_people
    membership = Membership.objects.get(network=network, user=people["member"])
    client = client_for(client, people["facilitator"])
    url = reverse("manage-remove", args=[network.slug, membership.pk])

    def grow(n):
        organisation = make_organisation()
        for _ in range(n):
            make_membership(network, make_user(), "member", organisation)

    grow(3)
    small = queries_for(client, url)
    grow(27)
    large = queries_for(client, url)
    assert_queries(REMOVE_PAGE_QUERIES, small=small, large=large)
