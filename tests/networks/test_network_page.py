import pytest
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from home.models import SiteSettings
from networks.models import NetworkFacilitator
from tests.conftest import client_for
from tests.factories import make_network, make_organisation, make_workshop


def test_network_page_shows_its_people_organisations_and_workshops(client, site_tree):
    _home, index = site_tree
    organisations = [make_organisation("Sipoo"), make_organisation("Kemi")]
    network = make_network(index, "Lean-verkosto", organisations=organisations, goals="<p>Turhat vaiheet pois</p>")
    NetworkFacilitator.objects.create(page=network, name="Maija Sparraaja", title="kouluttaja")
    upcoming = make_workshop(network, days_from_now=10)
    past = make_workshop(network, days_from_now=-30)

    response = client.get(network.url)

    assert response.status_code == 200
    [workshops] = [s.context for s in response.context["sections"] if s.template.startswith("workshops/")]
    assert [w.pk for w in workshops["upcoming"]] == [upcoming.pk]
    assert [w.pk for w in workshops["past"]] == [past.pk]
    content = response.content.decode()
    expected = ["Lean-verkosto", "Maija Sparraaja", "Sipoo", "Kemi", "Turhat vaiheet pois", upcoming.title, past.title]
    for text in expected:
        assert text in content


def test_an_unpublished_workshop_is_not_shown(client, site_tree):
    _home, index = site_tree
    network = make_network(index)
    draft = make_workshop(network)
    draft.unpublish()
    response = client.get(network.url)
    assert draft.title not in response.content.decode()


def test_the_contact_address_is_shown_with_the_facilitators(client, site_tree):
    _home, index = site_tree
    network = make_network(index, contact_email="lean@demo.verkostamo.fi")
    NetworkFacilitator.objects.create(page=network, name="Maija Sparraaja")

    content = client.get(network.url).content.decode()

    contacts = content[content.index('id="yhteystiedot"') :]
    assert "Yhteystiedot" in contacts
    assert '<a href="mailto:lean@demo.verkostamo.fi">lean@demo.verkostamo.fi</a>' in contacts
    assert "Maija Sparraaja" in contacts


def test_without_an_address_the_programme_office_is_shown(client, site_tree):
    _home, index = site_tree
    network = make_network(index)
    SiteSettings.objects.create(site=Site.objects.get(is_default_site=True), contact_email="tuki@verkostamo.fi")

    content = client.get(network.url).content.decode()

    assert "Kysy verkostosta KunTeko-ohjelman toimistolta:" in content
    assert '<a href="mailto:tuki@verkostamo.fi">tuki@verkostamo.fi</a>' in content


def test_without_any_address_no_empty_link_is_shown(client, site_tree):
    _home, index = site_tree
    content = client.get(make_network(index).url).content.decode()
    assert 'href="mailto:"' not in content
    assert "Yhteystiedot" in content


def edit_contact_email(client, network, address):
    """A facilitator saves their network's page in the admin with `address` as its contact address."""
    data = nested_form_data(
        {
            "title": network.title,
            "slug": network.slug,
            "summary": network.summary,
            "kind": network.kind,
            "status": network.status,
            "goals": rich_text("<p>Tavoitteet</p>"),
            "body": streamfield([]),
            "comments": inline_formset([]),
            "facilitators": inline_formset([]),
            "contact_email": address,
        }
    )
    return client.post(reverse("wagtailadmin_pages:edit", args=[network.pk]), data)


@pytest.mark.django_db
def test_a_facilitator_keeps_the_contact_address_in_the_admin(client, network_people):
    network, _other, people = network_people
    client = client_for(client, people["facilitator"])

    response = edit_contact_email(client, network, "lean@demo.verkostamo.fi")

    assert response.status_code == 302
    network.refresh_from_db()
    assert network.get_latest_revision_as_object().contact_email == "lean@demo.verkostamo.fi"


@pytest.mark.django_db
def test_a_malformed_contact_address_is_refused_in_finnish(client, network_people):
    network, _other, people = network_people
    client = client_for(client, people["facilitator"])

    response = edit_contact_email(client, network, 'lean@<script>"')

    assert response.status_code == 200
    assert response.context["form"].errors["contact_email"] == ["Syötä kelvollinen sähköpostiosoite."]
    network.refresh_from_db()
    assert network.get_latest_revision_as_object().contact_email == ""
