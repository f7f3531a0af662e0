from networks.models import NetworkFacilitator
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
