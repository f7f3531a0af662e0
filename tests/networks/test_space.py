"""The member space: who gets in, what its front page and member directory show, and its query counts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.shortcuts import resolve_url
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Locale

from networks.actions import end_membership, request_to_join
from networks.models import Membership, NetworkPage
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_organisation, make_user, make_workshop

# Queries pinned at both data sizes (tests.conftest.assert_queries).
QUERIES = {
    ("space", "member"): 17,  # with whether they muted the network (its small form)
    # + the admin link (their permissions, groups and page permissions), and instead of their own answer to the
    # next workshop, its counts and how many have not answered, the count of reported messages
    ("space", "facilitator"): 23,
    ("space-directory", "member"): 13,
    ("space-directory", "facilitator"): 13,
    ("space-materials", "member"): 14,
    ("space-materials", "facilitator"): 14,
}


SPACE_VIEWS = ("space", "space-directory", "space-materials")
MEMBERS = {"member", "contact", "facilitator", "staff"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_document(network, title="Työpajan muistio", content=b"%PDF-1.4 muistio", name="muistio.pdf"):
    return get_document_model().objects.create(
        title=title, file=ContentFile(content, name=name), collection=network.collection
    )


def space_url(name, network):
    return reverse(name, args=[network.slug])


# ---------- Who gets in ----------


@pytest.mark.parametrize("view", SPACE_VIEWS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, network_people, role, view):
    network, _other, people = network_people
    url = space_url(view, network)

    response = client_for(client, people[role]).get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
        assert "next=" in response.url
    elif role in MEMBERS:
        assert response.status_code == 200
        assert response.context["access"].network.pk == network.pk
    else:
        assert response.status_code == 403
        assert "networks/space/not_member.html" in [t.name for t in response.templates]
        assert network.title in response.content.decode()


@pytest.mark.parametrize("view", SPACE_VIEWS)
def test_an_unknown_network_is_not_found(client, network_people, view):
    _network, _other, people = network_people
    response = client_for(client, people["staff"]).get(reverse(view, args=["ei-tallaista-verkostoa"]))
    assert response.status_code == 404


@pytest.mark.parametrize("view", SPACE_VIEWS)
@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
def test_a_draft_network_has_no_space(client, network_people, view, role):
    network, _other, people = network_people
    network.unpublish()
    response = client_for(client, people[role]).get(space_url(view, network))
    assert response.status_code == 404


@pytest.mark.parametrize("view", SPACE_VIEWS)
def test_a_removed_member_loses_the_space_at_once(client, network_people, view):
    network, _other, people = network_people
    client_for(client, people["member"])
    assert client.get(space_url(view, network)).status_code == 200

    end_membership(Membership.objects.active().get(user=people["member"], network=network))

    response = client.get(space_url(view, network))
    assert response.status_code == 403
    assert network.title in response.content.decode()


# ---------- The join information page ----------


def test_not_member_page_says_what_the_network_is_and_that_joining_is_by_invitation(client, network_people):
    network, _other, people = network_people
    response = client_for(client, people["outsider"]).get(space_url("space", network))
    content = response.content.decode()
    assert response.status_code == 403
    assert network.title in content
    assert network.summary in content
    assert network.get_status_display() in content
    assert f'href="{network.url}"' in content
    assert "kutsusta" in content
    assert "#liity" not in content


def test_not_member_page_links_to_the_join_form_when_applications_are_open(client, network_people):
    network, _other, people = network_people
    NetworkPage.objects.filter(pk=network.pk).update(status=NetworkPage.Status.OPEN)
    response = client_for(client, people["outsider"]).get(space_url("space", network))
    assert response.status_code == 403
    assert response.context["access"].can_apply
    assert f'href="{network.url}#liity"' in response.content.decode()


def test_not_member_page_says_a_request_is_pending(client, network_people):
    network, _other, people = network_people
    NetworkPage.objects.filter(pk=network.pk).update(status=NetworkPage.Status.OPEN)
    network.refresh_from_db()
    request_to_join(network, people["outsider"], make_organisation("Kemin kaupunki"), "Haluamme oppia leania.")
    response = client_for(client, people["outsider"]).get(space_url("space", network))
    content = response.content.decode()
    assert response.status_code == 403
    assert "odottaa" in content
    assert "#liity" not in content


# ---------- The front page ----------


def test_dashboard_shows_the_next_workshop_in_helsinki_time(client, network_people):
    network, other, people = network_people
    make_workshop(network, days_from_now=-7)  # past
    later = make_workshop(network, days_from_now=30)
    draft = make_workshop(network, days_from_now=1)
    draft.unpublish()
    make_workshop(other, days_from_now=2)  # another network's
    nearest = make_workshop(network, days_from_now=10, place="Sipoon kunnantalo", online_url="https://example.org/m")
    nearest.start = datetime(2030, 2, 3, 7, 0, tzinfo=UTC)  # 09:00 in Helsinki
    nearest.end = nearest.start + timedelta(hours=3)
    nearest.save_revision().publish()
    later.start = datetime(2030, 5, 3, 7, 0, tzinfo=UTC)
    later.end = later.start + timedelta(hours=3)
    later.save_revision().publish()

    response = client_for(client, people["member"]).get(space_url("space", network))

    assert response.status_code == 200
    assert response.context["next_workshop"].pk == nearest.pk
    content = response.content.decode()
    assert nearest.title in content
    assert reverse("space-workshop", args=[network.slug, nearest.pk]) in content
    assert "3.2.2030 09:00" in content
    assert "Sipoon kunnantalo" in content
    assert "https://example.org/m" in content


def test_dashboard_shows_the_five_newest_documents_of_the_network(client, network_people):
    network, other, people = network_people
    documents = [make_document(network, title=f"Aineisto {n}") for n in range(7)]
    make_document(other, title="Toisen verkoston aineisto")

    response = client_for(client, people["member"]).get(space_url("space", network))

    assert [d.pk for d in response.context["latest_documents"]] == [d.pk for d in reversed(documents[2:])]
    content = response.content.decode()
    assert "Aineisto 6" in content and "Aineisto 2" in content
    assert "Aineisto 1" not in content
    assert "Toisen verkoston aineisto" not in content
    assert documents[6].url in content


def test_dashboard_counts_pending_join_requests_for_facilitators_only(client, network_people):
    network, _other, people = network_people
    NetworkPage.objects.filter(pk=network.pk).update(status=NetworkPage.Status.OPEN)
    network.refresh_from_db()
    for _ in range(2):
        request_to_join(network, make_user(), make_organisation(), "Mukaan!")
    link = reverse("manage-join-requests", args=[network.slug])

    for role in ("facilitator", "staff"):
        response = client_for(client, people[role]).get(space_url("space", network))
        assert response.context["pending_requests"] == 2
        assert link in response.content.decode()
        assert "2 liittymispyyntöä odottaa" in response.content.decode()

    response = client_for(client, people["member"]).get(space_url("space", network))
    assert response.context["pending_requests"] is None
    assert link not in response.content.decode()


def test_space_pages_have_one_h1_and_mark_the_active_tab(client, network_people):
    network, _other, people = network_people
    client_for(client, people["facilitator"])
    for view in SPACE_VIEWS:
        content = client.get(space_url(view, network)).content.decode()
        assert content.count("<h1") == 1, view
        assert content.count('aria-current="page"') == 1, view
        assert "style=" not in content and "<style" not in content and "<script" not in content


# ---------- The member directory ----------


def test_directory_groups_active_members_by_organisation(client, network_people):
    network, other, people = network_people
    kemi = make_organisation("Kemin kaupunki")
    anna = make_user("anna@example.fi", first_name="Anna", last_name="Aalto", job_title="henkilöstöpäällikkö")
    make_membership(network, anna, "member", kemi)
    profile_only = make_user("profiili@example.fi", first_name="Pekka", last_name="Profiili", organisation=kemi)
    make_membership(network, profile_only)  # no organisation on the membership: the profile's does not count
    gone = make_membership(
        network, make_user("poissa@example.fi", first_name="Poissa", last_name="Olija"), "member", kemi
    )
    end_membership(gone)
    make_membership(other, make_user("muualla@example.fi", first_name="Muualla", last_name="Oleva"), "member", kemi)

    response = client_for(client, people["member"]).get(space_url("space-directory", network))

    assert response.status_code == 200
    groups = {group.organisation.name: group for group in response.context["organisation_groups"]}
    assert list(groups) == ["Kemin kaupunki", "Sipoon kunta"]
    assert [m.user.email for m in groups["Kemin kaupunki"].memberships] == ["anna@example.fi"]
    assert [m.role for m in groups["Sipoon kunta"].memberships] == ["contact", "member"]
    without = response.context["without_organisation"]
    assert [m.user for m in without.memberships] == [people["facilitator"], profile_only]
    assert response.context["member_count"] == 5
    content = response.content.decode()
    assert "Anna Aalto" in content and "henkilöstöpäällikkö" in content
    assert "Poissa Olija" not in content and "Muualla Oleva" not in content
    assert "role-badge--facilitator" in content and "Fasilitaattori" in content
    assert "role-badge--contact" in content and "Yhteyshenkilö" in content
    assert content.index("Kemin kaupunki") < content.index("Sipoon kunta") < content.index("Ei organisaatiota")


# ---------- Queries do not grow with the data ----------


def grow(network, organisations, members, documents, workshops):
    orgs = [make_organisation() for _ in range(organisations)]
    for n in range(members):
        make_membership(network, make_user(first_name="Jäsen", last_name=f"N{n}"), "member", orgs[n % len(orgs)])
    for _ in range(documents):
        make_document(network, title="Aineisto")
    for n in range(workshops):  # past and upcoming ones, so the page has a next workshop either way
        make_workshop(network, days_from_now=(n - workshops // 2) * 7 + 1)


@pytest.mark.parametrize("role", ["member", "facilitator"])
@pytest.mark.parametrize("view", SPACE_VIEWS)
def test_queries_stay_constant_when_members_and_documents_grow_tenfold(client, network_people, view, role):
    network, _other, people = network_people
    client_for(client, people[role])
    url = space_url(view, network)
    grow(network, organisations=2, members=3, documents=3, workshops=2)
    small = queries_for(client, url)

    grow(network, organisations=18, members=27, documents=27, workshops=18)
    large = queries_for(client, url)

    assert_queries(QUERIES[view, role], small=small, large=large)


@pytest.mark.parametrize("view", SPACE_VIEWS)
def test_other_methods_are_not_allowed(client, network_people, view):
    network, _other, people = network_people
    client_for(client, people["facilitator"])
    assert client.delete(space_url(view, network)).status_code == 405
    if view != "space-materials":
        assert client.post(space_url(view, network)).status_code == 405


def test_a_translated_network_shares_its_slug_and_still_has_one_space(client, network_people):
    """Translations keep the slug (each locale has its own tree): the space is the default language's network."""
    network, _other, people = network_people
    swedish = Locale.objects.create(language_code="sv")
    network.get_parent().get_parent().copy_for_translation(swedish)
    network.get_parent().copy_for_translation(swedish)
    translation = network.copy_for_translation(swedish)
    translation.save_revision().publish()
    assert translation.slug == network.slug

    response = client_for(client, people["member"]).get(space_url("space", network))

    assert response.status_code == 200
    assert response.context["access"].network.pk == network.pk
