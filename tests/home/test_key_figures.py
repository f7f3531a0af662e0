from django.contrib.auth import get_user_model

from networks.figures import programme_figures
from networks.models import Membership
from tests.factories import make_network, make_organisation, make_workshop


def test_key_figures_follow_the_data(client, site_tree):
    home, index = site_tree
    sipoo, kemi, turku = (make_organisation(name) for name in ("Sipoo", "Kemi", "Turku"))
    lean = make_network(index, organisations=[sipoo, kemi])
    latu = make_network(index, organisations=[kemi, turku])
    make_workshop(lean, days_from_now=-20)
    make_workshop(lean, days_from_now=-5)
    make_workshop(latu, days_from_now=+5)
    user = get_user_model().objects.create_user("anna@example.fi", "x")
    Membership.objects.create(user=user, network=lean, organisation=sipoo)
    Membership.objects.create(user=user, network=latu, organisation=sipoo)

    assert programme_figures() == {"networks": 2, "organisations": 3, "members": 1, "workshops_held": 2}
    response = client.get(home.url)
    assert response.context["figures"]["networks"] == 2

    # The figures change with the data: a new member, an ended membership, a network taken down.
    other = get_user_model().objects.create_user("bertta@example.fi", "x")
    Membership.objects.create(user=other, network=latu, organisation=turku)
    assert programme_figures()["members"] == 2
    Membership.objects.filter(user=other).update(left="2026-01-01")
    assert programme_figures()["members"] == 1
    latu.unpublish()
    assert programme_figures() == {"networks": 1, "organisations": 2, "members": 1, "workshops_held": 2}


def test_home_page_shows_the_figures(client, site_tree):
    home, index = site_tree
    make_network(index, organisations=[make_organisation()])
    content = client.get(home.url).content.decode()
    assert client.get(home.url).status_code == 200
    assert "Tunnusluvut" in content or "tunnusluvut" in content.lower()
