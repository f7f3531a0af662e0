"""The permission matrix of every sparring request address, the attacks a role might try (other people's ids,
POSTs it may not make), and the queries of the office's queue and the person's list at two sizes."""

import pytest
from django.urls import reverse

from services.models import SparringRequest
from tests.conftest import assert_queries, client_for, queries_for
from tests.services.request_helpers import REQUEST_ROLES, apply_form, make_request, sparring_people_of

Status = SparringRequest.Status


@pytest.fixture
def sparring(network_people):
    """(organisation, people, coach, other coach, accepted request of the member, pending request of the member)."""
    _network, organisation, people, coach, other_coach, accepted = sparring_people_of(network_people)
    pending = make_request(people["member"], organisation, unit="Odottava yksikkö")
    return organisation, people, coach, other_coach, accepted, pending


def login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", REQUEST_ROLES)
def test_permission_matrix_of_applying(client, sparring, role):
    """Those whose membership names an organisation may apply; the rest get a 403 page that says why."""
    organisation, people, *_rest = sparring
    client_for(client, people[role])
    may_apply = role in ("member", "contact")
    get = client.get(reverse("sparring-apply"))
    before = SparringRequest.objects.count()
    post = client.post(reverse("sparring-apply"), apply_form(organisation))
    if role == "anonymous":
        assert login_redirect(get) and login_redirect(post)
    elif may_apply:
        assert get.status_code == 200 and post.status_code == 302
    else:
        assert get.status_code == 403 and post.status_code == 403
        assert "Sparrausta haetaan" in get.content.decode()
    assert SparringRequest.objects.count() == before + (1 if may_apply else 0)


@pytest.mark.parametrize("role", REQUEST_ROLES)
def test_permission_matrix_of_the_own_list(client, sparring, role):
    """Everyone signed in has a list: the applicant sees their requests, the assigned coach the assignment."""
    *_rest, accepted, _pending = sparring
    people = sparring[1]
    client_for(client, people[role])
    get, post = client.get(reverse("sparring-mine")), client.post(reverse("sparring-mine"))
    if role == "anonymous":
        assert login_redirect(get) and login_redirect(post)
        return
    assert get.status_code == 200 and post.status_code == 405
    html = get.content.decode()
    assert ("Jäsenen yksikkö" in html) == (role in ("member", "coach"))
    assert ("Odottava yksikkö" in html) == (role == "member")
    assert ("Sparraukset, joissa olet sparraajana" in html) == (role == "coach")


@pytest.mark.parametrize("role", REQUEST_ROLES)
def test_permission_matrix_of_one_request(client, sparring, role):
    """The applicant, the assigned coach and staff open a request; everyone else gets 404 (the id reveals nothing)."""
    *_rest, accepted, pending = sparring
    people = sparring[1]
    client_for(client, people[role])
    for sparring_request, allowed in ((accepted, ("member", "coach", "staff")), (pending, ("member", "staff"))):
        url = reverse("sparring-request", args=[sparring_request.pk])
        get, post = client.get(url), client.post(url)
        if role == "anonymous":
            assert login_redirect(get) and login_redirect(post)
        else:
            assert get.status_code == (200 if role in allowed else 404), url
            assert post.status_code == 405 if role in allowed else post.status_code in (404, 405)
    if role != "anonymous":
        assert client.get(reverse("sparring-request", args=[pending.pk + 1000])).status_code == 404


@pytest.mark.parametrize("role", REQUEST_ROLES)
def test_permission_matrix_of_the_office_queue(client, sparring, role):
    people = sparring[1]
    client_for(client, people[role])
    get, post = client.get(reverse("sparring-office")), client.post(reverse("sparring-office"))
    if role == "anonymous":
        assert login_redirect(get) and login_redirect(post)
    elif role == "staff":
        assert get.status_code == 200 and post.status_code == 405
        html = get.content.decode()
        assert "Odottava yksikkö" in html and "Jäsenen yksikkö" in html
    else:
        assert get.status_code == 403 and post.status_code == 403


@pytest.mark.parametrize("role", REQUEST_ROLES)
def test_permission_matrix_of_deciding(client, sparring, role):
    """Only staff open the decision page and decide; a POST of anyone else changes nothing."""
    _organisation, people, coach, *_rest = sparring
    pending = sparring[5]
    client_for(client, people[role])
    url = reverse("sparring-decide", args=[pending.pk])
    get = client.get(url)
    post = client.post(url, {"status": Status.ACCEPTED, "coach": coach.pk, "days_granted": "1"})
    if role == "anonymous":
        assert login_redirect(get) and login_redirect(post)
    elif role == "staff":
        assert get.status_code == 200 and post.status_code == 302
    else:
        assert get.status_code == 403 and post.status_code == 403
    pending.refresh_from_db()
    assert pending.status == (Status.ACCEPTED if role == "staff" else Status.PENDING)


def test_an_applicant_cannot_apply_for_another_organisation_by_its_id(client, sparring):
    _organisation, people, *_rest = sparring
    other = people["other_member"]
    network = other.memberships.get().network
    from tests.factories import make_membership, make_organisation

    make_membership(network, people["member"], "member", make_organisation("Toisen verkoston kunta"))
    foreign = network.memberships.get(user=people["member"]).organisation
    stranger = make_organisation("Vieras kaupunki")
    before = SparringRequest.objects.count()
    client_for(client, people["member"])
    assert client.post(reverse("sparring-apply"), apply_form(stranger)).status_code == 400
    assert SparringRequest.objects.count() == before
    # The organisation of the person's other membership is theirs too.
    assert client.post(reverse("sparring-apply"), apply_form(foreign)).status_code == 302


def test_a_coach_sees_only_the_requests_assigned_to_them(client, sparring):
    _organisation, people, _coach, _other_coach, accepted, _pending = sparring
    client_for(client, people["other_coach"])
    assert client.get(reverse("sparring-request", args=[accepted.pk])).status_code == 404
    assert "Jäsenen yksikkö" not in client.get(reverse("sparring-mine")).content.decode()


# Queries.


def add_requests(people, organisation, coach, n):
    from services import requests as actions

    for i in range(n):
        sparring_request = make_request(people["member"], organisation, unit=f"Yksikkö {i}", preferred_coach=coach)
        if i % 3 == 0:
            actions.decide(sparring_request, Status.ACCEPTED, people["staff"], coach=coach, days_granted=1)
        elif i % 3 == 1:
            actions.decide(sparring_request, Status.ON_HOLD, people["staff"])


def test_the_office_queues_queries_do_not_grow_with_the_requests(client, sparring):
    organisation, people, coach, *_rest = sparring
    client_for(client, people["staff"])
    add_requests(people, organisation, coach, 2)
    small = queries_for(client, reverse("sparring-office"))
    add_requests(people, organisation, coach, 15)
    large = queries_for(client, reverse("sparring-office"))
    # session, user, the waiting and the decided requests, the budget and its days used; the site's chrome (7).
    assert_queries(13, small=small, large=large)


def test_the_own_lists_queries_do_not_grow_with_the_requests(client, sparring):
    organisation, people, coach, *_rest = sparring
    coach.user = people["member"]  # the applicant is also a coach: both lists are filled
    coach.save()
    client_for(client, people["member"])
    add_requests(people, organisation, coach, 2)
    small = queries_for(client, reverse("sparring-mine"))
    add_requests(people, organisation, coach, 15)
    large = queries_for(client, reverse("sparring-mine"))
    # session, user, own requests, assigned requests, may they apply; the site's chrome (7).
    assert_queries(12, small=small, large=large)


def test_the_assigned_coach_reads_the_request_and_what_to_do(client, sparring):
    _organisation, people, _coach, _other_coach, accepted, _pending = sparring
    html = client_for(client, people["coach"]).get(reverse("sparring-request", args=[accepted.pk])).content.decode()
    assert "Sinut on nimetty tämän sparrauksen sparraajaksi" in html
    assert "maija@example.fi" in html and "Henkilöstö" in html and "Sanna Sparraaja" in html
    applicant = client_for(client, people["member"]).get(reverse("sparring-request", args=[accepted.pk]))
    assert "Sinut on nimetty" not in applicant.content.decode()
