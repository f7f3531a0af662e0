import json
import shutil

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page, PageLogEntry, Revision, Site

from core.demo import DemoContentError, default_content_dir, load_demo_content
from home.models import HomePage, SiteSettings, StandardPage
from networks.models import NetworkPage, Organisation, Theme
from workshops.models import WorkshopPage

DOMAIN_NETWORKS = [
    "Henkilöstölähtöinen tuloksellisuus",
    "TUJU",
    "Perheystävälliset kuntatyöpaikat",
    "Leanin avulla",
    "Esimiestyö muutoksessa",
    "Turvallisuus hallintaan",
    "Ikäjohtaminen",
    "ergonomia",
    "Toimintakykyä työelämään",
    "Työn rikastajat ja rakastajat",
    "Osallistavat menetelmät",
    "Keveät ja nopeat työskentelytavat",
]


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (Page, Revision, PageLogEntry, Organisation, Theme, Site, SiteSettings)
    }


@pytest.fixture
def loaded(db):
    load_demo_content()
    return snapshot()


def test_builds_the_site_from_the_content_folder(loaded):
    home = Site.objects.get(is_default_site=True).root_page.specific
    assert isinstance(home, HomePage)
    # Wagtail's welcome page is gone; the home page's Swedish and English translations are its siblings.
    assert not Page.objects.filter(depth=2).exclude(translation_key=home.translation_key).exists()
    assert Page.objects.filter(depth=2, translation_key=home.translation_key).count() == 3
    titles = list(NetworkPage.objects.live().values_list("title", flat=True))
    for name in DOMAIN_NETWORKS:
        assert any(name in title for title in titles), name
    assert StandardPage.objects.live().filter(slug="saavutettavuusseloste").exists()


def test_every_network_has_a_theme_organisations_and_past_and_upcoming_workshops(loaded):
    # Translations have no workshops; a training is one municipality's, without a theme (tests/services).
    networks = NetworkPage.objects.live().filter(locale=Locale.get_default()).exclude(kind=NetworkPage.Kind.TRAINING)
    for network in networks:
        assert network.theme_id, network.title
        assert 4 <= network.organisations.count() <= 10, network.title
        assert WorkshopPage.objects.child_of(network).live().count() >= 2, network.title
    statuses = set(NetworkPage.objects.values_list("status", flat=True))
    assert NetworkPage.Status.OPEN in statuses and NetworkPage.Status.RUNNING in statuses


def test_networks_have_a_contact_address_on_the_demo_domain(loaded):
    addresses = dict(NetworkPage.objects.live().values_list("slug", "contact_email"))
    assert addresses["latu"] == "latu@demo.verkostamo.fi"
    assert all(address.endswith("@demo.verkostamo.fi") for address in addresses.values() if address)
    # One is left without, so that the demo shows the programme office's address instead.
    assert addresses["toimintakykya-tyoelamaan"] == ""


def test_running_twice_changes_nothing(loaded):
    report = load_demo_content()
    assert not report.changed
    assert snapshot() == loaded


def test_the_command_is_idempotent_too(loaded, capsys):
    call_command("load_demo_content")
    assert snapshot() == loaded
    assert capsys.readouterr().out.startswith("Demo content: 0 created, 0 updated, ")


def test_a_changed_file_updates_only_what_changed(loaded, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content)
    networks = json.loads((content / "networks.json").read_text(encoding="utf-8"))
    networks[0]["summary"] = "Uusi tiivistelmä."
    (content / "networks.json").write_text(json.dumps(networks, ensure_ascii=False), encoding="utf-8")

    report = load_demo_content(content)

    assert report.total("updated") == 1
    finnish = NetworkPage.objects.get(slug=networks[0]["slug"], locale=Locale.get_default())
    assert finnish.summary == "Uusi tiivistelmä."
    assert Revision.objects.count() == loaded["Revision"] + 1


def test_a_changed_contact_address_is_updated(loaded, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content)
    networks = json.loads((content / "networks.json").read_text(encoding="utf-8"))
    networks[0]["contact_email"] = "uusi.osoite@demo.verkostamo.fi"
    (content / "networks.json").write_text(json.dumps(networks, ensure_ascii=False), encoding="utf-8")

    report = load_demo_content(content)

    # The network (latu) and its Swedish and English translations, which share the address.
    assert report.total("updated") == 3
    for network in NetworkPage.objects.filter(slug=networks[0]["slug"]):
        assert network.contact_email == "uusi.osoite@demo.verkostamo.fi"
    assert Revision.objects.count() == loaded["Revision"] + 3


def test_broken_content_writes_nothing(loaded, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content)
    networks = json.loads((content / "networks.json").read_text(encoding="utf-8"))
    networks[0]["summary"] = "Muuttunut."
    networks[-1]["theme"] = "ei-tallaista-teemaa"
    (content / "networks.json").write_text(json.dumps(networks, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(DemoContentError):
        load_demo_content(content)
    assert snapshot() == loaded
    finnish = NetworkPage.objects.get(slug=networks[0]["slug"], locale=Locale.get_default())
    assert finnish.summary != "Muuttunut."
