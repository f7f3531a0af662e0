"""The news's permission matrix: everyone reads the published articles and feeds, nobody is served a draft, and only
the programme office (with the admin's access) and superusers write, edit and publish articles; facilitators' page
permissions stay on their own networks."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from networks.groups import grant_office_pages
from tests.conftest import ADMIN_ROLES, ROLES, client_for
from tests.news.news_site import build_news_site

pytestmark = pytest.mark.django_db

WRITERS = {"staff", "superuser"}


@pytest.fixture
def news_site(admin_people, site_tree):
    network, _other, people = admin_people
    people["staff"].user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return build_news_site(site_tree), people


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_published_news(client, news_site, role):
    site, people = news_site
    client_for(client, people[role])
    index = site["index"]
    for url in (
        index.url,
        index.url + f"?kind=blogi&theme={site['lean'].slug}",
        index.url + "syote/rss/",
        index.url + "syote/atom/",
        site["story"].url,
        site["home"].url,
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(site["draft"].url).status_code == 404
    assert "Luonnos uutisesta" not in client.get(index.url).content.decode()


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_only_the_office_and_superusers_write_the_news(client, news_site, role):
    site, people = news_site
    user = people[role]
    index, story = site["index"], site["story"]
    add_url = reverse("wagtailadmin_pages:add", args=("news", "articlepage", index.pk))
    edit_url = reverse("wagtailadmin_pages:edit", args=(story.pk,))
    client_for(client, user)
    for url in (add_url, edit_url):
        response = client.get(url)
        if role in WRITERS:
            assert response.status_code == 200, url
        else:
            assert response.status_code in (302, 403), url
    if user is None:
        return
    may_write = role in WRITERS
    assert index.permissions_for_user(user).can_add_subpage() is may_write
    assert story.permissions_for_user(user).can_edit() is may_write
    assert story.permissions_for_user(user).can_publish() is may_write
    assert story.permissions_for_user(user).can_delete() is may_write  # articles hold nobody's data


def test_a_facilitator_keeps_their_own_network_only(news_site):
    site, people = news_site
    facilitator = people["facilitator"]
    network = site["network"]  # not the facilitator's
    assert not network.permissions_for_user(facilitator).can_edit()
    assert not site["index"].permissions_for_user(facilitator).can_add_subpage()


def test_granting_the_office_twice_adds_nothing(news_site):
    site, _people = news_site
    from wagtail.models import GroupPagePermission

    before = GroupPagePermission.objects.filter(page=site["index"]).count()
    grant_office_pages(site["index"])
    assert GroupPagePermission.objects.filter(page=site["index"]).count() == before == 3


def test_post_to_a_feed_changes_nothing_and_is_not_an_error(client, news_site):
    site, _people = news_site
    response = client.post(site["index"].url + "syote/rss/", {"title": "x"})
    assert response.status_code in (200, 405)
