"""The public services page: the texts, the pool of active coaches and trainers with their photos' alternative
text, the call to apply (or to sign in), its queries at two pool sizes; and the pool and budgets as Wagtail
snippets that only the programme office and superusers may edit."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import Collection

from services.models import DevelopmentTheme, Expert, ServicesPage, SparringBudget
from tests.conftest import ADMIN_ROLES, assert_queries, client_for, queries_for
from tests.factories import make_image
from tests.services.request_helpers import make_expert


@pytest.fixture
def services_page(site_tree):
    home, _index = site_tree
    return home.add_child(
        instance=ServicesPage(
            title="Sparraus ja koulutukset",
            slug="palvelut",
            intro="Ohjelma tukee työpaikkoja kahdella tavalla.",
            sparring="<p>Sparraus on <b>maksutonta</b>.</p>",
            training="<p>Koulutus kestää kaksi päivää.</p>",
        )
    )


def test_the_page_shows_the_texts_and_the_active_pool(client, services_page):
    photo = make_image(Collection.get_first_root_node(), title="Kuvan otsikko")
    photo.description = "Aino Kallioniemi hymyilee kameralle"
    photo.save()
    make_expert(
        "Aino Kallioniemi",
        organisation="Kehittämistoimisto Kallioniemi",
        themes=[DevelopmentTheme.STRATEGY, DevelopmentTheme.WELLBEING],
        regions="Pirkanmaa, Satakunta",
        bio="Johtamisen kehittäjä.\n\nToinen kappale.",
        photo=photo,
    )
    make_expert("Anu Korpela", is_coach=False, is_trainer=True, organisation="Akatemia")
    make_expert("Molemmat Tekijä", is_trainer=True)
    make_expert("Lähtenyt Sparraaja", active=False)
    html = client.get(services_page.url).content.decode()
    assert "Ohjelma tukee työpaikkoja kahdella tavalla." in html and "<b>maksutonta</b>" in html
    assert "Koulutus kestää kaksi päivää." in html
    coaches, trainers = html.split('id="coaches-heading"')[1].split('id="trainers-heading"')
    assert "Aino Kallioniemi" in coaches and "Molemmat Tekijä" in coaches and "Anu Korpela" not in coaches
    assert "Anu Korpela" in trainers and "Molemmat Tekijä" in trainers and "Aino Kallioniemi" not in trainers
    assert "Lähtenyt Sparraaja" not in html
    assert 'alt="Aino Kallioniemi hymyilee kameralle"' in html
    assert "Kehittämistoimisto Kallioniemi" in coaches and "Pirkanmaa, Satakunta" in coaches
    assert "Strategia käytäntöön, Työhyvinvointi" in coaches and "<p>Toinen kappale.</p>" in coaches


def test_anonymous_visitors_are_told_to_sign_in_to_apply(client, services_page):
    html = client.get(services_page.url).content.decode()
    login = f"{reverse('account_login')}?next={reverse('sparring-apply')}"
    assert f'href="{login}"' in html and "Kirjaudu sisään hakeaksesi sparrausta" in html
    assert f'href="{reverse("sparring-apply")}"' not in html


def test_signed_in_people_get_the_apply_link(client, services_page, network_people):
    _network, _other, people = network_people
    html = client_for(client, people["outsider"]).get(services_page.url).content.decode()
    assert f'<a class="button" href="{reverse("sparring-apply")}">Hae sparrausta</a>' in html


def test_hostile_expert_text_stays_inert(client, services_page):
    make_expert("<script>alert(1)</script>", bio="<img src=x onerror=alert(1)>", regions="<i>x</i>")
    html = client.get(services_page.url).content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html and "<i>x</i>" not in html


def test_the_pages_queries_do_not_grow_with_the_pool(client, services_page):
    collection = Collection.get_first_root_node()

    def experts(n):
        for i in range(n):
            make_expert(f"Asiantuntija {Expert.objects.count()}", photo=make_image(collection), is_trainer=i % 2 == 0)

    experts(2)
    small = queries_for(client, services_page.url)
    experts(8)
    large = queries_for(client, services_page.url)
    # Wagtail's serving of the page (8), the experts, their photos and the photos' renditions (3), the site's
    # chrome (6).
    assert_queries(17, small=small, large=large)


# The pool and the budgets in the admin.


SNIPPET_URLS = (
    reverse("wagtailsnippets_services_expert:list"),
    reverse("wagtailsnippets_services_expert:add"),
    reverse("wagtailsnippets_services_sparringbudget:list"),
    reverse("wagtailsnippets_services_sparringbudget:add"),
)


def with_admin_access(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_only_the_office_and_superusers_keep_the_pool_and_budgets(client, admin_people, role):
    """The office's group has the snippets' permissions; facilitators have admin access but none of them, and
    staff reach the admin only with Wagtail's admin access (which is_staff is not)."""
    _network, _other, people = admin_people
    if role == "staff":
        with_admin_access(people["staff"])
    client_for(client, people[role])
    for url in SNIPPET_URLS:
        response = client.get(url)
        if role in ("staff", "superuser"):
            assert response.status_code == 200, url
        else:
            assert response.status_code in (302, 403), url
            if response.status_code == 302:
                assert response["Location"].startswith((reverse("account_login"), "/admin/login/", "/admin/"))
    before = SparringBudget.objects.count()
    client.post(reverse("wagtailsnippets_services_sparringbudget:add"), {"year": "2030", "days": "40"})
    assert SparringBudget.objects.count() == before + (1 if role in ("staff", "superuser") else 0)


def test_staff_without_admin_access_stay_out(client, admin_people):
    _network, _other, people = admin_people
    response = client_for(client, people["staff"]).get(SNIPPET_URLS[0])
    assert response.status_code in (302, 403)


def test_the_expert_form_offers_the_themes_as_checkboxes(client, admin_people):
    _network, _other, people = admin_people
    client_for(client, people["superuser"])
    html = client.get(reverse("wagtailsnippets_services_expert:add")).content.decode()
    assert 'type="checkbox" name="themes" value="strategia"' in html
    response = client.post(
        reverse("wagtailsnippets_services_expert:add"),
        {"name": "Uusi Sparraaja", "is_coach": "on", "themes": ["strategia", "prosessit"], "active": "on"},
    )
    assert response.status_code == 302
    assert Expert.objects.get(name="Uusi Sparraaja").themes == ["strategia", "prosessit"]


def test_the_office_menu_links_to_the_queue(client, admin_people):
    _network, _other, people = admin_people
    html = client_for(client, people["superuser"]).get("/admin/").content.decode()
    assert reverse("sparring-office") in html
    user_menu = client.get(reverse("start")).content.decode()
    assert f'href="{reverse("sparring-office")}"' in user_menu and f'href="{reverse("sparring-mine")}"' in user_menu
