from django.contrib.auth import get_user_model
from wagtail.models import Locale

from home.figures import key_figures
from networks.models import Membership, NetworkPage
from tests.factories import make_network, make_organisation, make_workshop
from workshops.models import WorkshopPage

# The key figures of an empty programme (the sparring days and trainings: tests/services/test_figures.py).
NONE = {
    "contacts": 0,
    "organisations": 0,
    "participants": 0,
    "sparring_days": 0,
    "trainings": 0,
    "development_networks": 0,
    "learning_networks": 0,
    "members": 0,
    "workshops_held": 0,
    "acts": 0,
    "subscribers": 0,
}


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

    assert key_figures() == {**NONE, "learning_networks": 2, "organisations": 3, "members": 1, "workshops_held": 2}
    response = client.get(home.url)
    assert response.context["figures"]["learning_networks"] == 2

    # The figures change with the data: a new member, an ended membership, a network taken down.
    other = get_user_model().objects.create_user("bertta@example.fi", "x")
    Membership.objects.create(user=other, network=latu, organisation=turku)
    assert key_figures()["members"] == 2
    Membership.objects.filter(user=other).update(left="2026-01-01")
    assert key_figures()["members"] == 1
    latu.unpublish()
    assert key_figures() == {**NONE, "learning_networks": 1, "organisations": 2, "members": 1, "workshops_held": 2}


def test_home_page_shows_the_figures(client, site_tree):
    home, index = site_tree
    make_network(index, organisations=[make_organisation()])
    content = client.get(home.url).content.decode()
    assert client.get(home.url).status_code == 200
    assert "Tunnusluvut" in content or "tunnusluvut" in content.lower()


def test_a_translated_network_and_its_workshops_count_once(client, site_tree):
    """A network translated to Swedish and English is three pages, and still one network of the programme."""
    home, index = site_tree
    lean = make_network(index, organisations=[make_organisation("Sipoo")])
    make_workshop(lean, days_from_now=-5)
    for language in ("sv", "en"):
        locale = Locale.objects.get_or_create(language_code=language)[0]
        home.copy_for_translation(locale, copy_parents=True, alias=True)
        translated = lean.copy_for_translation(locale, copy_parents=True)
        translated.save_revision().publish()
        for workshop in WorkshopPage.objects.child_of(lean):
            workshop.copy_for_translation(locale).save_revision().publish()

    assert NetworkPage.objects.live().count() == 3
    assert WorkshopPage.objects.live().count() == 3
    assert key_figures() == {**NONE, "learning_networks": 1, "organisations": 1, "workshops_held": 1}
