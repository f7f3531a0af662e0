"""The Tori's demo content: the index in the menu after the networks, about twenty published acts from the
programme's examples, a few featured, a TOP list, an ended network with its results; loaded idempotently."""

import json
import shutil

import pytest
from wagtail.models import Locale, PageLogEntry, Revision

from core.demo import DemoContentError, default_content_dir, load_demo_content
from home.figures import key_figures
from home.models import HomePage
from networks.models import NetworkIndexPage, NetworkPage, Organisation
from tori.figures import featured_acts
from tori.models import ActFigure, ActPage, TopList, TopListItem, ToriIndexPage


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (ActPage, ActFigure, TopList, TopListItem, Organisation, Revision, PageLogEntry)
    }


@pytest.fixture
def loaded(db):
    load_demo_content()
    return snapshot()


def copy_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content)
    return content, json.loads((content / "tori.json").read_text(encoding="utf-8"))


def write(content, data):
    (content / "tori.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_the_tori_comes_after_the_networks_in_the_menu(loaded):
    home = HomePage.objects.get(locale=Locale.get_default())
    menu = list(home.get_children().live().in_menu().specific())
    assert isinstance(menu[0], NetworkIndexPage)
    assert isinstance(menu[1], ToriIndexPage)
    assert menu[1].slug == "tekojen-tori" and menu[1].title == "Tekojen Tori" and menu[1].intro


def test_about_twenty_published_acts_of_several_sectors(loaded, client):
    acts = ActPage.objects.live().select_related("organisation")
    assert 18 <= acts.count() <= 24
    assert len({act.sector for act in acts}) >= 6
    assert all(act.contact_email.endswith("@example.fi") and act.consent_given_by for act in acts)
    assert ActFigure.objects.filter(page__in=acts).count() >= 10
    assert key_figures()["acts"] == acts.count()
    suupohja = acts.get(slug="ostolaskun-kasittely-120-tunnista-29-tuntiin")
    assert (suupohja.figures.get().before, suupohja.figures.get().after) == ("120 h", "29 h")
    response = client.get(suupohja.url)
    assert response.status_code == 200 and "Suupohjan peruspalveluliikelaitoskuntayhtymä" in response.content.decode()


def test_featured_acts_and_the_home_page(loaded, client):
    assert 2 <= ActPage.objects.live().filter(featured=True).count() <= 3
    featured = featured_acts()
    home = HomePage.objects.get(locale=Locale.get_default())
    html = client.get(home.url).content.decode()
    assert all(act.title in html for act in featured)


def test_the_early_childhood_top_list(loaded):
    top_list = TopList.objects.get(slug="varhaiskasvatuksen-top")
    acts = [item.act for item in top_list.items.select_related("act")]
    assert 3 <= len(acts) <= TopList.MAX_ITEMS
    assert all(act.live and act.sector == top_list.sector == "varhaiskasvatus" for act in acts)


def test_an_ended_network_shows_its_results(loaded, client):
    lean = NetworkPage.objects.get(slug="lean", locale=Locale.get_default())
    assert lean.status == NetworkPage.Status.ENDED and lean.results_summary
    assert lean.acts.live().count() >= 2
    html = client.get(lean.url).content.decode()
    assert 'id="tulokset"' in html and "120 tunnista 29 tuntiin" in html
    swedish = NetworkPage.objects.get(translation_key=lean.translation_key, locale__language_code="sv")
    html = client.get(swedish.url).content.decode()
    assert "Nätverkets sju organisationer" in html and "120 tunnista 29 tuntiin" in html
    index = NetworkIndexPage.objects.get(locale=Locale.get_default())
    with_results = {network.slug for network in client.get(f"{index.url}?results=on").context["networks"]}
    assert "lean" in with_results and "tuju" in with_results and "ikajohtaminen" not in with_results


def test_running_twice_changes_nothing(loaded):
    report = load_demo_content()
    assert not report.changed, report.summary()
    assert snapshot() == loaded


def test_a_changed_top_list_and_act_update_only_themselves(loaded, tmp_path):
    content, data = copy_content(tmp_path)
    data["top_lists"][0]["acts"].reverse()
    data["acts"][0]["summary"] = "Uusi tiivistelmä."
    write(content, data)

    report = load_demo_content(content)

    assert report.counts["acts"]["updated"] == 1 and report.counts["top list items"]["updated"] == 1
    assert [item.act.slug for item in TopList.objects.get().items.all()] == data["top_lists"][0]["acts"]
    assert ActPage.objects.get(slug=data["acts"][0]["slug"]).summary == "Uusi tiivistelmä."
    assert not load_demo_content(content).changed


def test_a_site_loaded_before_the_tori_gets_it_after_the_networks(loaded):
    home = HomePage.objects.get(locale=Locale.get_default())
    tori = ToriIndexPage.objects.get()
    tori.move(home, pos="last-child")

    report = load_demo_content()

    children = list(home.get_children().values_list("slug", flat=True))
    assert children[children.index("verkostot") + 1] == "tekojen-tori"
    assert "moved Tekojen Tori after the networks" in report.notes
    assert not load_demo_content().changed


@pytest.mark.parametrize(
    "breakage",
    ["another sector", "a draft", "too many", "unknown organisation", "unknown network"],
)
def test_broken_tori_content_writes_nothing(loaded, tmp_path, breakage):
    content, data = copy_content(tmp_path)
    top = data["top_lists"][0]
    data["acts"][0]["summary"] = "Tätä ei kirjoiteta."
    if breakage == "another sector":
        top["acts"].append(next(act["slug"] for act in data["acts"] if act["sector"] != top["sector"]))
    elif breakage == "a draft":
        top["acts"].append("ei-tallaista-tekoa")
    elif breakage == "too many":
        top["acts"] = top["acts"] * 4
    elif breakage == "unknown organisation":
        data["acts"][-1]["organisation"] = "Ei tällaista kuntaa"
    else:
        data["acts"][-1]["network"] = "ei-tallaista-verkostoa"
    write(content, data)

    with pytest.raises(DemoContentError):
        load_demo_content(content)
    assert snapshot() == loaded
    assert ActPage.objects.get(slug=data["acts"][0]["slug"]).summary != "Tätä ei kirjoiteta."
