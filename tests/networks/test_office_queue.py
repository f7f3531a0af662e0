"""The programme office's queue of every network's pending join requests (/liittymispyynnot/)."""

import pytest
from django.urls import reverse

from networks.actions import decide_join_request, end_membership, request_to_join
from networks.models import JoinRequest, Membership, NetworkPage
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_network, make_organisation, make_user

pytestmark = pytest.mark.django_db

QUEUE = reverse("office-join-requests")
NO_FACILITATOR = "Ei fasilitaattoria — ohjelmatoimisto vastaa"
QUERIES = 11  # the queue, pinned at both sizes (tests.conftest.assert_queries)


@pytest.fixture
def queue(network_people, site_tree):
    """A request to the network with a facilitator (network_people's) and one to a network without any."""
    network, _other, people = network_people
    _home, index = site_tree
    orphan = make_network(index, "Ikäjohtaminen", status=NetworkPage.Status.OPEN)
    answered = request_to_join(network, make_user("hakija@example.fi"), make_organisation("Kemin kaupunki"), "Lean!")
    unanswered = request_to_join(orphan, make_user("toinen.hakija@example.fi"), make_organisation("Raahe"), "Mukaan")
    return network, orphan, people, answered, unanswered


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, queue, role):
    _network, _orphan, people, answered, _unanswered = queue
    response = client_for(client, people[role]).get(QUEUE)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role == "staff":
        assert response.status_code == 200
    else:
        # Members and facilitators too: a facilitator of one network sees no other network's applicants.
        assert response.status_code == 403
        assert answered.user.email not in response.content.decode()


def test_only_get(client, queue):
    _network, _orphan, people, _answered, _unanswered = queue
    assert client_for(client, people["staff"]).post(QUEUE).status_code == 405


def test_lists_every_network_with_networks_without_a_facilitator_first(client, queue):
    network, orphan, people, answered, unanswered = queue
    response = client_for(client, people["staff"]).get(QUEUE)

    assert [r.pk for r in response.context["pending"]] == [unanswered.pk, answered.pk]
    content = response.content.decode()
    assert content.count(NO_FACILITATOR) == 1
    assert content.index(orphan.title) < content.index(NO_FACILITATOR) < content.index(network.title)
    for text in ("hakija@example.fi", "Kemin kaupunki", "Lean!", "toinen.hakija@example.fi", "Raahe", "Mukaan"):
        assert text in content
    # Each network links to its own page, where the requests are decided.
    assert reverse("manage-join-requests", args=[orphan.slug]) in content
    assert reverse("manage-join-requests", args=[network.slug]) in content
    assert "manage-decide-join-request" not in content and 'name="decision"' not in content


def test_a_facilitator_who_left_or_was_deactivated_does_not_answer(client, queue):
    """The same rule as the e-mail's (answering_people): only active facilitators with an active account."""
    network, _orphan, people, _answered, _unanswered = queue
    staff = client_for(client, people["staff"])
    facilitator = Membership.objects.get(network=network, role="facilitator")
    facilitator.user.is_active = False
    facilitator.user.save()
    assert staff.get(QUEUE).content.decode().count(NO_FACILITATOR) == 2

    facilitator.user.is_active = True
    facilitator.user.save()
    end_membership(facilitator)
    assert staff.get(QUEUE).content.decode().count(NO_FACILITATOR) == 2


def test_shows_only_pending_requests_of_live_networks(client, queue):
    network, orphan, people, answered, unanswered = queue
    decide_join_request(answered, accept=True, decided_by=people["facilitator"])
    orphan.unpublish()  # its member space, where it would be decided, is gone
    response = client_for(client, people["staff"]).get(QUEUE)
    assert list(response.context["pending"]) == []
    assert "Käsittelyä odottavia pyyntöjä ei ole." in response.content.decode()


def test_hostile_motivation_and_names_are_escaped(client, queue):
    network, _orphan, people, _answered, _unanswered = queue
    hostile = make_user("paha@example.fi", first_name="<img src=x onerror=alert(1)>", last_name="Hyökkääjä")
    request_to_join(network, hostile, make_organisation(), '<script>alert("x")</script>\n<a href="javascript:x">y</a>')
    content = client_for(client, people["staff"]).get(QUEUE).content.decode()
    assert "<script>alert" not in content and "<img src=x" not in content and 'href="javascript:' not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content


def test_reachable_from_the_staff_menus(client, queue):
    _network, _orphan, people, _answered, _unanswered = queue
    staff, facilitator = people["staff"], people["facilitator"]
    assert QUEUE in client_for(client, staff).get("/").content.decode()
    assert QUEUE not in client_for(client, facilitator).get("/").content.decode()
    # The Wagtail admin's menu: staff see it, a facilitator (who uses the admin too) does not.
    superuser = make_user("paakayttaja@example.fi", is_staff=True, is_superuser=True)
    assert QUEUE in client_for(client, superuser).get(reverse("wagtailadmin_home")).content.decode()
    admin_page = client_for(client, facilitator).get(reverse("wagtailadmin_home"))
    assert admin_page.status_code == 200
    assert QUEUE not in admin_page.content.decode()


def test_query_count_is_constant_whatever_the_number_of_requests_and_networks(client, queue):
    _network, orphan, people, _answered, _unanswered = queue
    index = orphan.get_parent()

    def grow(n):
        """n networks with a facilitator and n without, each with two requests."""
        for _ in range(n):
            with_facilitator = make_network(index, status=NetworkPage.Status.OPEN)
            make_membership(with_facilitator, make_user(), "facilitator")
            without = make_network(index, status=NetworkPage.Status.OPEN)
            for network in (with_facilitator, without, with_facilitator, without):
                applicant = make_user(first_name="Hanna", last_name="Hakija")
                request_to_join(network, applicant, make_organisation(), "Mukaan")

    client = client_for(client, people["staff"])
    grow(1)
    small = queries_for(client, QUEUE)
    grow(8)
    large = queries_for(client, QUEUE)
    assert JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).count() == 2 + 4 * 9
    assert_queries(QUERIES, small=small, large=large)
