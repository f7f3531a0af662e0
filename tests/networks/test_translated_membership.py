"""A network translated to Swedish and English is one network: each translation of its page recognises the same
members, facilitators and applicants as the Finnish page, links to the same member space, and a translated workshop
is the same workshop (the same registrations, feedback and calendar). Memberships point at the Finnish page only
(NetworkPage.original, docs/architecture.md "Languages")."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from networks.access import live_network, live_network_id, network_access
from networks.models import JoinRequest, NetworkPage
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_network, make_organisation, make_user, make_workshop
from workshops.models import Feedback, FeedbackClosure, Registration, WorkshopPage

pytestmark = pytest.mark.django_db

LANGUAGES = ("fi", "sv", "en")
# Queries of the Swedish network page for a member, pinned at both data sizes (tests.conftest.assert_queries): the
# Finnish page's 26, three for serving from the Swedish tree (routing one level deeper, the Swedish menu's locale and
# index) and one to find the network itself (NetworkPage.original).
TRANSLATED_NETWORK_PAGE_QUERIES = 30


def translate(page, language):
    """The page's published translation in `language`, made (with its ancestors' translations) if missing."""
    locale, _created = Locale.objects.get_or_create(language_code=language)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    parent = page.get_parent()
    if parent.depth > 1 and not parent.get_translation_or_none(locale):
        translate(parent.specific, language)
    translation = page.copy_for_translation(locale)
    translation.title = f"{page.title} ({language})"
    translation.save_revision().publish()
    return type(page).objects.get(pk=translation.pk)


def pages_of(network):
    """{language: the network's page in it}: the Finnish page and its Swedish and English translations."""
    return {"fi": network, **{language: translate(network, language) for language in ("sv", "en")}}


@pytest.fixture
def translated(network_people):
    """(the Finnish network, {language: its page}, the other network, people), the network open for applications."""
    network, other, people = network_people
    network.status = NetworkPage.Status.OPEN
    network.save_revision().publish()
    network = NetworkPage.objects.get(pk=network.pk)
    return network, pages_of(network), other, people


def access_answers(access):
    return (
        access.network.pk,
        access.membership.pk if access.membership else None,
        access.is_member,
        access.is_facilitator,
        access.can_apply,
    )


EXPECTED = {  # role: (is_member, is_facilitator, can_apply)
    "anonymous": (False, False, False),
    "outsider": (False, False, True),
    "other_member": (False, False, True),
    "member": (True, False, False),
    "contact": (True, False, False),
    "facilitator": (True, True, False),
    "staff": (True, True, True),  # staff see every space; not being members, they may still ask to join
}


def test_access_gives_the_same_answers_on_every_translation(translated):
    network, pages, _other, people = translated
    for role in ROLES:
        user = people[role] or AnonymousUser()
        answers = {}
        for language, page in pages.items():
            access = network_access(user, NetworkPage.objects.get(pk=page.pk))  # nothing of it loaded yet
            answers[language] = access_answers(access)
            assert access.network.pk == network.pk, (role, language)
            assert (access.is_member, access.is_facilitator, access.can_apply) == EXPECTED[role], (role, language)
        assert answers["sv"] == answers["fi"] == answers["en"], role


def join_box(response):
    """The network page's "Jäsentila / Hae mukaan" section, as text."""
    content = response.content.decode()
    start = content.index('id="liity"')
    return content[start : content.index("</section>", start)]


def test_every_translation_of_the_page_recognises_members_facilitators_and_applicants(client, translated):
    network, pages, _other, people = translated
    space = reverse("space", args=[network.slug])
    join = reverse("join-request", args=[network.slug])
    for role in ROLES:
        for language, page in pages.items():
            response = client_for(client, people[role]).get(page.url)
            assert response.status_code == 200, (role, language)
            assert f'<html lang="{language}"' in response.content.decode()
            access = response.context["access"]
            assert access.network.pk == network.pk
            assert (access.is_member, access.is_facilitator, access.can_apply) == EXPECTED[role], (role, language)
            box = join_box(response)
            if EXPECTED[role][0]:  # members, facilitators and staff: the way to the member space
                assert f'href="{space}"' in box, (role, language)
                assert join not in box
            elif role == "anonymous":  # open for applications: sign in, then ask
                assert f"{reverse('account_login')}?next={page.url}" in box, language
            else:  # the join form, posting to the network with the page it came from
                assert f'action="{join}"' in box, (role, language)
                assert f'<input type="hidden" name="page" value="{page.pk}">' in box
                assert space not in box


def test_who_answers_a_request_is_the_networks_facilitators_on_every_translation(client, translated):
    network, pages, _other, people = translated
    people["facilitator"].first_name, people["facilitator"].last_name = "Fanni", "Fasilitaattori"
    people["facilitator"].save()
    for language, page in pages.items():
        response = client_for(client, people["outsider"]).get(page.url)
        assert "Fanni Fasilitaattori" in str(response.context["who_answers"]), language


def test_a_join_request_from_a_translation_is_the_networks_and_comes_back_to_the_page(client, translated):
    network, pages, _other, people = translated
    swedish = pages["sv"]
    organisation = make_organisation()
    outsider = client_for(client, people["outsider"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = outsider.post(
            reverse("join-request", args=[network.slug]),
            {"organisation": organisation.pk, "motivation": "Vi vill vara med.", "page": swedish.pk},
        )

    assert response.status_code == 302
    assert response["Location"] == f"{swedish.url}#liity"
    request = JoinRequest.objects.get()
    assert (request.network_id, request.user, request.organisation) == (network.pk, people["outsider"], organisation)
    for page in pages.values():  # every translation says it waits
        access = outsider.get(page.url).context["access"]
        assert access.has_pending_request and not access.can_apply


def test_an_invalid_request_from_a_translation_shows_that_page_in_its_language(client, translated):
    network, pages, _other, people = translated
    response = client_for(client, people["outsider"]).post(
        reverse("join-request", args=[network.slug]), {"organisation": "", "motivation": "", "page": pages["en"].pk}
    )
    assert response.status_code == 200
    assert response.context["page"].pk == pages["en"].pk
    assert '<html lang="en"' in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_a_page_id_of_another_network_is_ignored(client, translated):
    network, _pages, other, people = translated
    foreign = translate(other, "sv")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(client, people["outsider"]).post(
            reverse("join-request", args=[network.slug]),
            {"organisation": make_organisation().pk, "motivation": "Mukaan", "page": foreign.pk},
        )
    assert response["Location"] == f"{network.url}#liity"
    assert JoinRequest.objects.get().network_id == network.pk


def test_the_status_is_the_networks_on_every_translation(client, translated):
    """Whether one may ask to join is the network's status, even when a translation was left at an older one."""
    network, pages, _other, people = translated
    NetworkPage.objects.filter(pk=pages["sv"].pk).update(status=NetworkPage.Status.FORMING)
    response = client_for(client, people["outsider"]).get(pages["sv"].url)
    assert response.context["access"].can_apply
    assert 'badge--haku"' in response.content.decode()


def test_a_translation_with_a_slug_of_its_own_names_the_same_member_space(client, translated):
    network, pages, _other, people = translated
    swedish = pages["sv"]
    swedish.slug = "personalbaserad"
    swedish.save_revision().publish()

    assert live_network("personalbaserad").pk == network.pk
    assert live_network_id("personalbaserad") == network.pk
    response = client_for(client, people["member"]).get(reverse("space", args=["personalbaserad"]))
    assert response.status_code == 200
    assert response.context["access"].network.pk == network.pk
    # and the translated page links to the network's own address
    page = client_for(client, people["member"]).get(NetworkPage.objects.get(pk=swedish.pk).url)
    assert f'href="{reverse("space", args=[network.slug])}"' in join_box(page)


def test_a_translation_of_an_unpublished_network_has_no_member_space(client, translated):
    network, pages, _other, people = translated
    pages["sv"].slug = "personalbaserad"
    pages["sv"].save_revision().publish()
    network.unpublish()
    response = client_for(client, people["member"]).get(reverse("space", args=["personalbaserad"]))
    assert response.status_code == 404


# ---------- Workshops under a translated page ----------


@pytest.fixture
def translated_workshop(translated):
    """(network, pages, the Finnish workshop, {language: its page}, people): a workshop translated with the
    network, with material for members only."""
    network, pages, _other, people = translated
    workshop = make_workshop(network, members_content=[("paragraph", "<p>Diat jäsenille</p>")])
    workshop = WorkshopPage.objects.get(pk=workshop.pk)
    workshops = {"fi": workshop, **{language: translate(workshop, language) for language in ("sv", "en")}}
    return network, pages, workshop, workshops, people


def test_a_translated_workshop_leads_members_to_the_same_workshop_in_the_member_space(client, translated_workshop):
    network, _pages, workshop, workshops, people = translated_workshop
    space_workshop = reverse("space-workshop", args=[network.slug, workshop.pk])
    calendar = reverse("workshop-calendar", args=[network.slug, workshop.pk])
    for role in ROLES:
        for language, page in workshops.items():
            response = client_for(client, people[role]).get(page.url)
            content = response.content.decode()
            assert response.status_code == 200
            member = EXPECTED[role][0]
            assert response.context["can_see_members_content"] is member, (role, language)
            assert ("Diat jäsenille" in content) is member, (role, language)
            assert (f'href="{space_workshop}"' in content) is member, (role, language)
            assert f'href="{calendar}"' in content, (role, language)
    assert client.get(calendar).status_code == 200


def test_a_member_answers_from_a_translated_workshop_and_it_counts_once(client, translated_workshop):
    network, _pages, workshop, workshops, people = translated_workshop
    member = client_for(client, people["member"])
    content = member.get(workshops["sv"].url).content.decode()
    [space_url] = re.findall(r'href="(/verkostot/[^"]+/tila/tyopajat/\d+/)"', content)
    assert member.get(space_url).status_code == 200

    response = member.post(reverse("workshop-rsvp", args=[network.slug, workshop.pk]), {"response": "yes"})

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.workshop_id, registration.user, registration.response) == (
        workshop.pk,
        people["member"],
        Registration.Response.YES,
    )
    # The same registration, whichever page the member came from; the facilitator counts one person coming.
    for page in workshops.values():
        content = member.get(page.url).content.decode()
        assert f'href="{space_url}"' in content
    rsvp = client_for(client, people["facilitator"]).get(space_url).context["rsvp"]
    assert rsvp.counts["places"] == 1


def test_a_translated_page_lists_the_networks_workshops_once(client, translated_workshop):
    """Its own translated workshops, and the Finnish network's workshops without a translation (in Finnish,
    linked under the page's prefix)."""
    _network, pages, workshop, workshops, _people = translated_workshop
    untranslated = make_workshop(pages["fi"], days_from_now=14, title="Vain suomeksi")
    response = client.get(pages["sv"].url)
    [section] = [s.context for s in response.context["sections"] if s.template.startswith("workshops/")]
    assert [w.pk for w in section["upcoming"]] == [workshops["sv"].pk, untranslated.pk]
    content = response.content.decode()
    assert f'<h3 class="workshop-item__title" lang="fi">\n        <a href="/sv{untranslated.url}">' in content
    assert f'<h3 class="workshop-item__title">\n        <a href="{workshops["sv"].url}">' in content
    assert f'href="{workshop.url}"' not in content  # the Finnish page of a translated workshop is not listed


def test_the_feedback_average_is_the_networks_on_every_translation(client, translated_workshop):
    network, pages, workshop, _workshops, _people = translated_workshop
    WorkshopPage.objects.filter(pk=workshop.pk).update(start=timezone.now(), end=timezone.now())
    for grade in (5, 4, 4, 3, 5):
        Feedback.objects.create(workshop=workshop, overall=grade)
    FeedbackClosure.objects.create(workshop=workshop, closed=timezone.now())
    for language, page in pages.items():
        response = client.get(page.url)
        [section] = [s.context for s in response.context["sections"] if s.template.startswith("workshops/")]
        assert section["feedback_average"].count == 5, language
        assert section["network"].pk == network.pk


# ---------- Cost ----------


def test_a_translated_network_page_costs_the_same_as_the_data_grows(client, site_tree):
    _home, index = site_tree
    network = make_network(index)
    swedish = translate(network, "sv")
    member = make_membership(network, make_user()).user
    client_for(client, member)

    def grow(workshops, members):
        for day in range(workshops):
            translate(make_workshop(network, days_from_now=day * 7 - 14), "sv")
            make_workshop(network, days_from_now=day * 7 - 10)  # not translated: listed in Finnish
        for _ in range(members):
            make_membership(network)

    grow(2, 2)
    small = queries_for(client, swedish.url)
    grow(18, 18)
    large = queries_for(client, swedish.url)
    assert_queries(TRANSLATED_NETWORK_PAGE_QUERIES, small=small, large=large)
