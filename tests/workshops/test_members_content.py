"""A workshop's members-only section: members (and the programme office) see it, everyone sees the summary."""

import json

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from networks.actions import end_membership
from networks.models import Membership
from tests.conftest import ROLES, assert_queries, client_for
from tests.factories import make_membership, make_user, make_workshop

# Queries pinned at both data sizes (tests.conftest.assert_queries).
WORKSHOP_PAGE_QUERIES = 25  # the public workshop page, read by a member (its translations for hreflang included)


SECRET = "Välitehtävän ohjeet vain jäsenille"
VIDEO_URL = "https://www.youtube.com/watch?v=verkostamo"
MEMBERS = {"member", "contact", "facilitator", "staff"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def workshop(network_people):
    network, _other, _people = network_people
    document = get_document_model().objects.create(
        title="Työpajan diat", file=ContentFile(b"%PDF-1.4 diat", name="diat.pdf"), collection=network.collection
    )
    # The video's embed is cached in the database, so rendering never calls the provider.
    Embed.objects.create(
        url=VIDEO_URL,
        max_width=800,
        hash=get_embed_hash(VIDEO_URL, 800),
        type="video",
        html='<iframe title="Työpajan tallenne" src="https://www.youtube-nocookie.com/embed/verkostamo"></iframe>',
    )
    return make_workshop(
        network,
        summary="<p>Julkinen yhteenveto työpajasta</p>",
        members_content=json.dumps(
            [
                {"type": "paragraph", "value": f"<p>{SECRET}</p>"},
                {"type": "document", "value": document.pk},
                {"type": "link", "value": {"title": "Yhteinen kansio", "url": "https://example.org/kansio"}},
                {"type": "video", "value": VIDEO_URL},
            ]
        ),
    )


@pytest.mark.parametrize("role", ROLES)
def test_members_content_is_shown_to_members_only(client, network_people, workshop, role):
    network, _other, people = network_people

    response = client_for(client, people[role]).get(workshop.url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Julkinen yhteenveto työpajasta" in content  # the summary is public
    assert "Materiaalit jäsenille" in content
    document = get_document_model().objects.get()
    if role in MEMBERS:
        assert response.context["can_see_members_content"] is True
        assert SECRET in content
        assert f'href="{document.url}"' in content
        assert "Yhteinen kansio" in content and "https://example.org/kansio" in content
        assert "youtube-nocookie.com/embed/verkostamo" in content
    else:
        assert response.context["can_see_members_content"] is False
        for hidden in (SECRET, document.url, "Yhteinen kansio", "https://example.org/kansio", "youtube"):
            assert hidden not in content
        assert "vain verkoston jäsenille" in content
        if role == "anonymous":
            assert f'href="{resolve_url(settings.LOGIN_URL)}?next={workshop.url}' in content
        else:
            assert f'href="{reverse("space", args=[network.slug])}"' in content


def test_a_removed_member_no_longer_sees_it(client, network_people, workshop):
    network, _other, _people = network_people
    member = make_user("lahtija@example.fi")
    membership = make_membership(network, member)
    client_for(client, member)
    assert SECRET in client.get(workshop.url).content.decode()

    end_membership(Membership.objects.get(pk=membership.pk))

    assert SECRET not in client.get(workshop.url).content.decode()


def test_no_members_section_without_members_content(client, network_people):
    network, _other, people = network_people
    plain = make_workshop(network, summary="<p>Julkinen kuvaus</p>")
    for role in ("anonymous", "member"):
        content = client_for(client, people[role]).get(plain.url).content.decode()
        assert "Julkinen kuvaus" in content
        assert "Materiaalit jäsenille" not in content


def test_members_content_is_not_searchable(client, network_people, workshop):
    response = client.get(reverse("search"), {"q": "Välitehtävän"})
    assert response.status_code == 200
    assert workshop.title not in response.content.decode()


def test_the_member_check_costs_the_same_whatever_the_network_size(client, network_people, workshop):
    network, _other, people = network_people
    client_for(client, people["member"])

    def queries():
        client.get(workshop.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(workshop.url).status_code == 200
        return len(captured)

    small = queries()
    for _ in range(20):
        make_membership(network, make_user())
        make_workshop(network)
    assert_queries(WORKSHOP_PAGE_QUERIES, small=small, large=queries())
