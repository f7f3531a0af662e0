"""Security headers: the public CSP names only this site's own websocket origin; the Wagtail admin has a
policy of its own with no inline script, and its pages contain none (tests/browser/test_admin_csp.py checks
the same in Chromium, where widgets also add content at run time)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.rich_text import RichText

from tests.conftest import client_for
from tests.factories import make_document, make_image, make_standard_page, make_workshop

pytestmark = pytest.mark.django_db


def directives(policy):
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_the_public_csp_names_this_sites_own_websocket_origin(client, site_tree):
    policy = directives(client.get("/", HTTP_HOST="localhost:8000").headers["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'", "ws://localhost:8000"]
    assert policy["script-src"] == ["'self'"]


def test_behind_the_tls_proxy_the_websocket_origin_is_wss(client, site_tree, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/", HTTP_HOST="verkostamo.example.fi", HTTP_X_FORWARDED_PROTO="https")
    assert directives(response.headers["Content-Security-Policy"])["connect-src"] == [
        "'self'",
        "wss://verkostamo.example.fi",
    ]


def test_no_policy_allows_any_websocket_or_third_party_script():
    for policy in (settings.CONTENT_SECURITY_POLICY, settings.ADMIN_CONTENT_SECURITY_POLICY):
        parsed = directives(policy)
        assert not {"ws:", "wss:", "*", "https:", "http:"} & set(parsed["connect-src"])
        assert parsed["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host


def test_the_admin_gets_its_own_policy(client, admin_people):
    _network, _other, people = admin_people
    response = client_for(client, people["superuser"]).get("/admin/")
    assert response.headers["Content-Security-Policy"] == settings.ADMIN_CONTENT_SECURITY_POLICY


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)


@pytest.fixture
def admin_pages(admin_people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    network, _other, people = admin_people
    home = network.get_parent().get_parent()
    index = network.get_parent()
    document = make_document(network.collection)
    image = make_image(network.collection)
    workshop = make_workshop(network, members_content=[("paragraph", RichText("<p>Aineisto</p>"))])
    standard = make_standard_page(home)
    pages = [home, index, network, workshop, standard]
    urls = [
        "/admin/",
        "/admin/pages/",
        reverse("wagtailadmin_pages:add", args=["workshops", "workshoppage", network.pk]),
        reverse("wagtailadmin_pages:add", args=["home", "standardpage", home.pk]),
        reverse("wagtailadmin_pages:copy", args=[workshop.pk]),
        reverse("wagtailadmin_pages:move", args=[workshop.pk]),
        reverse("wagtailadmin_pages:history", args=[workshop.pk]),
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:add_multiple"),
        reverse("wagtaildocs:edit", args=[document.pk]),
        reverse("wagtailimages:index"),
        reverse("wagtailimages:add_multiple"),
        reverse("wagtailimages:edit", args=[image.pk]),
        "/admin/snippets/networks/organisation/",
        "/admin/snippets/networks/organisation/add/",
        "/admin/snippets/networks/theme/add/",
        "/admin/collections/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/settings/home/sitesettings/",
        "/admin/reports/site-history/",
        "/admin/redirects/",
        "/admin/account/",
    ]
    for page in pages:
        urls += [f"/admin/pages/{page.pk}/", reverse("wagtailadmin_pages:edit", args=[page.pk])]
    return people, urls


def test_admin_pages_contain_no_inline_script_or_third_party_request(client, admin_pages):
    people, urls = admin_pages
    client = client_for(client, people["superuser"])
    found = {}
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        scripts = INLINE_SCRIPT.findall(html)
        third_party = re.findall(r"""(?:\bsrc=|<link[^>]*\bhref=)["'](?:https?:)?//[^"']+""", html)
        if scripts or third_party:
            found[url] = scripts + third_party
    assert not found
