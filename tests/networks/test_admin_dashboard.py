"""The Wagtail admin as Verkostamo's own: its logo, name and colours, Finnish where Wagtail's catalogue has
gaps, no Gravatar, and the dashboard's networks panel with the member space's way back to the admin."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Workflow

from tests.conftest import assert_queries, client_for
from tests.factories import make_membership, make_network

PANEL = re.compile(r'<section[^>]*id="verkostamo-networks-section".*?</section>', re.DOTALL)


def panel(response):
    """The networks panel's HTML, or None when the dashboard has none."""
    match = PANEL.search(response.content.decode())
    return match.group(0) if match else None


def links_of(network):
    return [
        reverse("space", args=[network.slug]),
        network.url,
        reverse("wagtailadmin_pages:edit", args=[network.pk]),
    ]


def test_the_facilitator_sees_exactly_their_networks_with_working_links(client, network_people):
    network, other_network, people = network_people
    client = client_for(client, people["facilitator"])
    html = panel(client.get("/admin/"))

    assert "Verkostosi" in html
    assert network.title in html
    assert other_network.title not in html
    for url in links_of(network):
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200, url
    assert reverse("space", args=[other_network.slug]) not in html


def test_a_draft_network_is_listed_for_editing_only(client, network_people):
    network, _other, people = network_people
    network.unpublish()
    html = panel(client_for(client, people["facilitator"]).get("/admin/"))
    assert reverse("wagtailadmin_pages:edit", args=[network.pk]) in html
    assert reverse("space", args=[network.slug]) not in html


def test_a_facilitator_elsewhere_sees_only_that_network(client, network_people):
    """A member here and a facilitator in another network: the panel lists only the network they facilitate."""
    network, other_network, people = network_people
    make_membership(other_network, people["member"], "facilitator")
    html = panel(client_for(client, people["member"]).get("/admin/"))
    assert other_network.title in html
    assert network.title not in html


@pytest.mark.parametrize("role", ["outsider", "other_member", "member", "contact"])
def test_members_without_admin_access_cannot_reach_the_admin(client, network_people, role):
    _network, _other, people = network_people
    response = client_for(client, people[role]).get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))


def test_the_programme_office_sees_every_programme_network(client, admin_people):
    network, other_network, people = admin_people
    html = panel(client_for(client, people["superuser"]).get("/admin/"))
    assert "Ohjelman verkostot" in html
    for each in (network, other_network):
        for url in links_of(each):
            assert f'href="{url}"' in html


def test_staff_without_admin_access_stay_out_of_the_admin(client, network_people):
    """The programme office manages member spaces; the admin needs Wagtail's own permission, which is_staff is not."""
    _network, _other, people = network_people
    assert client_for(client, people["staff"]).get("/admin/").status_code in (302, 403)


def dashboard_queries(client):
    client.get("/admin/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(queries)


def test_the_panel_costs_the_same_queries_for_one_and_three_networks(client, network_people):
    network, _other, people = network_people
    client = client_for(client, people["facilitator"])
    one = dashboard_queries(client)
    for _ in range(2):
        make_membership(make_network(network.get_parent()), people["facilitator"], "facilitator")
    three = dashboard_queries(client)
    assert panel(client.get("/admin/")).count(">Jäsentila<") == 3
    assert_queries(one, one=one, three=three)


def test_the_admin_carries_verkostamos_logo_name_and_colours(client, admin_people):
    _network, _other, people = admin_people
    html = client_for(client, people["superuser"]).get("/admin/").content.decode()
    assert re.search(r"<title>[^<]* - Verkostamo</title>", html)
    logo = re.search(r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", html, re.DOTALL).group(1)
    assert re.search(r'^<img class="verkostamo-logo" src="[^"]*img/logo\.svg" alt="Verkostamo"', logo)
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/admin\.css">', html)
    assert re.search(r'<link rel="icon" href="[^"]*img/favicon\.svg"', html)
    assert "wagtailadmin/images/favicon.ico" not in html


def test_the_admins_404_page_shows_the_logo_too(client, admin_people):
    _network, _other, people = admin_people
    response = client_for(client, people["superuser"]).get("/admin/ei-ole/")
    assert response.status_code == 404
    assert 'class="verkostamo-logo"' in response.content.decode()


@pytest.mark.parametrize("url", ["/admin/", "/admin/account/", "/admin/users/"])
def test_no_admin_page_asks_gravatar(client, admin_people, url):
    _network, _other, people = admin_people
    html = client_for(client, people["superuser"]).get(url).content.decode()
    assert "gravatar" not in html.lower()


def test_wagtails_missing_finnish_is_ours(client, admin_people):
    network, _other, people = admin_people
    client = client_for(client, people["superuser"])
    dashboard = client.get("/admin/").content.decode()
    assert "Hae kaikista sivuista…" in dashboard
    assert "Search all pages" not in dashboard
    explorer = client.get(reverse("wagtailadmin_explore", args=[network.get_parent().pk])).content.decode()
    assert "Selataan" in explorer
    assert "Exploring" not in explorer


def test_wagtails_missing_finnish_reaches_its_javascript(client, admin_people):
    _network, _other, people = admin_people
    catalog = client_for(client, people["superuser"]).get(reverse("wagtailadmin_javascript_catalog")).content
    assert "Hakuvalinnat" in catalog.decode()  # the catalogue escapes the ellipsis


def test_the_default_workflow_is_named_in_finnish(db):
    assert Workflow.objects.filter(name="Moderaattorien hyväksyntä").exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()


def test_the_member_space_links_to_the_admin_for_those_who_may_edit(client, admin_people):
    network, _other, people = admin_people
    edit = reverse("wagtailadmin_pages:edit", args=[network.pk])
    shown = {}
    for role in ("member", "contact", "facilitator", "staff", "superuser"):
        html = client_for(client, people[role]).get(reverse("space", args=[network.slug])).content.decode()
        shown[role] = f'href="{edit}"' in html and "Muokkaa verkoston sivua ylläpidossa" in html
    assert shown == {"member": False, "contact": False, "facilitator": True, "staff": False, "superuser": True}
