"""Asking to join a network open for applications, and the facilitators' decision."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.errors import ActionError
from core.ratelimit import RateLimited
from networks.actions import decide_join_request, end_membership, request_to_join
from networks.models import JoinRequest, Membership, NetworkPage
from tests.conftest import client_for
from tests.factories import make_membership, make_organisation, make_user

pytestmark = pytest.mark.django_db


def messages_of(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def post_with_mail(client, url, data=None):
    """A POST whose e-mail (queued for after the commit) is sent: the test's transaction never commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


@pytest.fixture
def open_network(network_people):
    network, other, people = network_people
    network.status = NetworkPage.Status.OPEN
    network.save_revision().publish()
    network.refresh_from_db()
    return network, other, people


def apply(client, network, organisation, motivation="Haluamme kehittää työtämme leanilla."):
    data = {"organisation": organisation.pk if organisation else "", "motivation": motivation}
    return post_with_mail(client, reverse("join-request", args=[network.slug]), data)


# ---------- The public page ----------


def test_public_page_offers_the_form_to_a_signed_in_outsider(client, open_network):
    network, _other, people = open_network
    content = client_for(client, people["outsider"]).get(network.url).content.decode()
    assert 'id="liity"' in content
    assert reverse("join-request", args=[network.slug]) in content
    assert 'for="id_organisation"' in content and 'for="id_motivation"' in content
    assert 'aria-describedby="id_motivation_helptext"' in content
    assert "csrfmiddlewaretoken" in content


def test_public_page_offers_sign_in_to_anonymous_when_open(client, open_network):
    network, _other, _people = open_network
    content = client.get(network.url).content.decode()
    assert f"{reverse('account_login')}?next={network.url}" in content
    assert reverse("join-request", args=[network.slug]) not in content


def test_public_page_links_members_to_their_space(client, open_network):
    network, _other, people = open_network
    for role in ("member", "contact", "facilitator", "staff"):
        content = client_for(client, people[role]).get(network.url).content.decode()
        assert reverse("space", args=[network.slug]) in content, role
        assert reverse("join-request", args=[network.slug]) not in content, role


def test_public_page_says_membership_is_by_invitation_when_not_open(client, network_people):
    network, _other, people = network_people
    for user in (None, people["outsider"]):
        content = client_for(client, user).get(network.url).content.decode()
        assert "kutsulla" in content
        assert reverse("join-request", args=[network.slug]) not in content
        assert reverse("space", args=[network.slug]) not in content


def test_public_page_says_a_request_is_pending(client, open_network):
    network, _other, people = open_network
    request_to_join(network, people["outsider"], make_organisation(), "Mukaan")
    content = client_for(client, people["outsider"]).get(network.url).content.decode()
    assert "odottaa käsittelyä" in content
    assert reverse("join-request", args=[network.slug]) not in content


# ---------- Sending a request ----------


def test_a_signed_in_person_applies_and_facilitators_are_told(client, open_network):
    network, _other, people = open_network
    organisation = make_organisation("Kemin kaupunki")
    client = client_for(client, people["outsider"])

    response = apply(client, network, organisation)

    assert response.status_code == 302
    assert response["Location"] == f"{network.url}#liity"
    assert "Pyyntösi lähetettiin" in messages_of(response)
    join_request = JoinRequest.objects.get()
    assert (join_request.user, join_request.organisation, join_request.status) == (
        people["outsider"],
        organisation,
        JoinRequest.Status.PENDING,
    )
    assert [m.to for m in mail.outbox] == [["fasilitaattori@example.fi"]]
    assert "Kemin kaupunki" in mail.outbox[0].body
    assert reverse("manage-join-requests", args=[network.slug]) in mail.outbox[0].body
    assert not Membership.objects.filter(user=people["outsider"]).exists()


def test_the_confirmation_and_the_page_name_the_facilitators_who_answer(client, open_network):
    network, _other, people = open_network
    facilitator = people["facilitator"]
    facilitator.first_name, facilitator.last_name = "Fanni", "Fasilitaattori"
    facilitator.save()
    client = client_for(client, people["outsider"])
    answers = "Verkoston fasilitaattori (Fanni Fasilitaattori) vastaa pyyntöösi."
    assert answers in client.get(network.url).content.decode()  # beside the form

    response = apply(client, network, make_organisation())

    assert f"Pyyntösi lähetettiin. {answers} Saat vastauksen sähköpostiisi." in messages_of(response)
    page = client.get(network.url).content.decode()
    assert "odottaa käsittelyä" in page and answers in page


def test_several_facilitators_are_named_and_one_without_a_name_is_not_shown_by_address(client, open_network):
    network, _other, people = open_network
    make_membership(network, make_user("toka@example.fi", first_name="Aapo", last_name="Aalto"), "facilitator")
    response = apply(client_for(client, people["outsider"]), network, make_organisation())
    told = messages_of(response)
    assert "Verkoston fasilitaattori (Aapo Aalto) vastaa pyyntöösi." in told
    assert "fasilitaattori@example.fi" not in told  # the facilitator without a name
    assert sorted(address for m in mail.outbox for address in m.to) == ["fasilitaattori@example.fi", "toka@example.fi"]

    make_membership(network, make_user(first_name="Bea", last_name="Berg"), "facilitator")
    page = client.get(network.url).content.decode()
    assert "Verkoston fasilitaattorit (Aapo Aalto, Bea Berg) vastaavat pyyntöösi." in page


def test_without_a_facilitator_the_office_is_told_and_named(client, open_network):
    """No request is left unanswered: a network without an active facilitator sends its requests to the
    programme office, and the applicant is told so."""
    network, _other, people = open_network
    end_membership(Membership.objects.get(network=network, role="facilitator"))
    make_user("entinen@example.fi", is_staff=True, is_active=False)
    client = client_for(client, people["outsider"])

    response = apply(client, network, make_organisation("Kemin kaupunki"))

    office = "KunTeko-ohjelman toimisto vastaa pyyntöösi."
    assert f"Pyyntösi lähetettiin. {office} Saat vastauksen sähköpostiisi." in messages_of(response)
    assert [m.to for m in mail.outbox] == [["ohjelmatoimisto@example.fi"]]
    assert "Kemin kaupunki" in mail.outbox[0].body
    page = client.get(network.url).content.decode()
    assert "odottaa käsittelyä" in page and office in page
    assert "fasilitaattori (" not in page


def test_the_confirmation_is_translated(client, open_network):
    network, _other, people = open_network
    end_membership(Membership.objects.get(network=network, role="facilitator"))
    client = client_for(client, people["outsider"])
    client.post(reverse("set_language"), {"language": "en"})
    response = apply(client, network, make_organisation())
    assert "The KunTeko programme office will answer your request." in messages_of(response)


def test_anonymous_is_sent_to_sign_in(client, open_network):
    network, _other, _people = open_network
    response = apply(client, network, make_organisation())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not JoinRequest.objects.exists()


def test_only_post(client, open_network):
    network, _other, people = open_network
    response = client_for(client, people["outsider"]).get(reverse("join-request", args=[network.slug]))
    assert response.status_code == 405


@pytest.mark.parametrize("status", [NetworkPage.Status.FORMING, NetworkPage.Status.RUNNING, NetworkPage.Status.ENDED])
def test_only_when_the_network_is_open_for_applications(client, network_people, status):
    network, _other, people = network_people
    network.status = status
    network.save_revision().publish()
    response = apply(client_for(client, people["outsider"]), network, make_organisation())
    assert response.status_code == 302
    assert "ei voi nyt hakea" in messages_of(response)
    assert not JoinRequest.objects.exists()


def test_an_unpublished_network_is_404(client, open_network):
    network, _other, people = open_network
    network.unpublish()
    response = apply(client_for(client, people["outsider"]), network, make_organisation())
    assert response.status_code == 404


def test_a_second_pending_request_is_refused(client, open_network):
    network, _other, people = open_network
    client = client_for(client, people["outsider"])
    apply(client, network, make_organisation())
    response = apply(client, network, make_organisation())
    assert "odottava pyyntö" in messages_of(response)
    assert JoinRequest.objects.count() == 1


def test_the_action_itself_refuses_a_duplicate(open_network):
    network, _other, people = open_network
    request_to_join(network, people["outsider"], make_organisation(), "a")

    with pytest.raises(ActionError) as refused:
        request_to_join(network, people["outsider"], make_organisation(), "b")
    assert refused.value.code == "pending_request"
    assert JoinRequest.objects.count() == 1


def test_after_a_decline_the_same_person_waits_before_asking_again(client, open_network, settings):
    """The flood: a declined applicant sends the same request again and again to wear the facilitators down."""
    settings.JOIN_REQUEST_COOLDOWN_DAYS = 30
    network, other, people = open_network
    client = client_for(client, people["outsider"])
    apply(client, network, make_organisation())
    decide_join_request(JoinRequest.objects.get(), accept=False, decided_by=people["facilitator"])
    mail.outbox.clear()

    page = client.get(network.url).content.decode()
    assert "Edellistä liittymispyyntöäsi tähän verkostoon ei hyväksytty" in page
    assert 'name="motivation"' not in page
    response = apply(client, network, make_organisation())
    assert JoinRequest.objects.count() == 1 and not mail.outbox

    with pytest.raises(RateLimited) as refused:
        request_to_join(network, people["outsider"], make_organisation(), "Uudestaan")
    assert "Yritä uudelleen 30 päivän kuluttua." in refused.value.message
    assert JoinRequest.objects.count() == 1

    # Another network is not affected, and after the cooling-off period the person may ask again.
    other.status = NetworkPage.Status.OPEN
    other.save_revision().publish()
    assert apply(client, other, make_organisation()).status_code == 302
    JoinRequest.objects.filter(network=network).update(decided=timezone.now() - timedelta(days=30, seconds=1))
    assert 'name="motivation"' in client.get(network.url).content.decode()
    response = apply(client, network, make_organisation())
    assert "Pyyntösi lähetettiin" in messages_of(response)
    assert JoinRequest.objects.filter(network=network).count() == 2


def test_a_member_cannot_apply(client, open_network):
    network, _other, people = open_network
    response = apply(client_for(client, people["member"]), network, make_organisation())
    assert "jo tämän verkoston jäsen" in messages_of(response)
    assert not JoinRequest.objects.exists()


def test_an_invalid_form_shows_the_page_with_errors(client, open_network):
    network, _other, people = open_network
    response = apply(client_for(client, people["outsider"]), network, None, motivation="")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Valitse organisaatio, jota edustat." in content
    assert 'aria-invalid="true"' in content
    assert 'id="id_organisation_error"' in content
    assert content.count("<h1") == 1
    assert not JoinRequest.objects.exists()


def test_a_partner_organisation_is_not_a_choice(client, open_network):
    network, _other, people = open_network
    partner = make_organisation("Keva", kind="kumppani")
    response = apply(client_for(client, people["outsider"]), network, partner)
    assert response.status_code == 200
    assert not JoinRequest.objects.exists()


# ---------- Deciding ----------


@pytest.fixture
def pending(open_network):
    network, other, people = open_network
    applicant = make_user("hakija@example.fi")
    organisation = make_organisation("Kemin kaupunki")
    join_request = request_to_join(network, applicant, organisation, "Haluamme mukaan.")
    mail.outbox.clear()
    return network, people, join_request


def decide(client, network, join_request, decision):
    url = reverse("manage-decide-join-request", args=[network.slug, join_request.pk])
    return post_with_mail(client, url, {"decision": decision})


def test_the_list_shows_pending_requests_with_their_motivation(client, pending):
    network, people, join_request = pending
    content = (
        client_for(client, people["facilitator"])
        .get(reverse("manage-join-requests", args=[network.slug]))
        .content.decode()
    )
    assert "hakija@example.fi" in content and "Kemin kaupunki" in content and "Haluamme mukaan." in content
    assert reverse("manage-decide-join-request", args=[network.slug, join_request.pk]) in content


def test_accept_makes_a_member_and_tells_the_applicant(client, pending):
    network, people, join_request = pending
    response = decide(client_for(client, people["facilitator"]), network, join_request, "accept")

    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.ACCEPTED
    assert join_request.decided_by == people["facilitator"]
    membership = Membership.objects.active().get(network=network, user=join_request.user)
    assert (membership.role, membership.organisation) == ("member", join_request.organisation)
    assert join_request.user.groups.filter(pk=network.members_group_id).exists()
    assert [m.to for m in mail.outbox] == [["hakija@example.fi"]]
    assert reverse("space", args=[network.slug]) in mail.outbox[0].body
    assert client_for(client, join_request.user).get(reverse("space", args=[network.slug])).status_code == 200


def test_decline_tells_the_applicant_and_makes_no_member(client, pending):
    network, people, join_request = pending
    response = decide(client_for(client, people["staff"]), network, join_request, "decline")

    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert not Membership.objects.filter(user=join_request.user).exists()
    assert [m.to for m in mail.outbox] == [["hakija@example.fi"]]
    assert "ei tällä kertaa hyväksytty" in mail.outbox[0].body


def test_deciding_twice_is_refused(client, pending):
    network, people, join_request = pending
    client = client_for(client, people["facilitator"])
    decide(client, network, join_request, "decline")
    mail.outbox.clear()
    response = decide(client, network, join_request, "accept")
    assert "jo käsitelty" in messages_of(response)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert not Membership.objects.filter(user=join_request.user).exists()
    assert mail.outbox == []


def test_a_bogus_decision_changes_nothing(client, pending):
    network, people, join_request = pending
    response = decide(client_for(client, people["facilitator"]), network, join_request, "maybe")
    assert "Pyyntöä ei käsitelty" in messages_of(response)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_decided_requests_are_listed_and_can_apply_again(client, pending):
    network, people, join_request = pending
    client = client_for(client, people["facilitator"])
    decide(client, network, join_request, "decline")
    response = client.get(reverse("manage-join-requests", args=[network.slug]))
    assert list(response.context["pending"]) == []
    assert list(response.context["decided"]) == [join_request]
    # A declined applicant may ask again after the cooling-off period.
    JoinRequest.objects.filter(pk=join_request.pk).update(decided=timezone.now() - timedelta(days=365))
    response = apply(client_for(client, join_request.user), network, make_organisation())
    assert JoinRequest.objects.filter(user=join_request.user, status=JoinRequest.Status.PENDING).count() == 1
