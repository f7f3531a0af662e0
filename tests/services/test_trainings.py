"""The internal developers' training as a kind of network: the network index's kind filter, the labels on the cards,
the page and the member space, the trainers, the public projects as the training's results (a section of its
page, the index's "has results"), the actions' refusals, and the training page's pinned queries at two sizes."""

import pytest
from django.urls import reverse
from wagtail.models import Locale

from networks.models import NetworkFacilitator, NetworkPage
from services import projects
from tests.conftest import assert_queries, client_for, queries_for, refused
from tests.factories import make_membership, make_network, make_user
from tests.services.training_site import build_training_site, make_project

TRAINING_LABEL = "Sisäisten kehittäjien koulutus"
# The training's public page (tests.conftest.assert_queries), anonymous: the same as another network's page with
# one query more for the projects.
PAGE_QUERIES = 23


@pytest.fixture
def training_site(site_tree):
    _home, index = site_tree
    return build_training_site(index)


def listed(client, url):
    return {network.title for network in client.get(url).context["networks"]}


def projects_section(html):
    start = html.find('id="kehittamishankkeet"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


# ---------- The kind across the networks app ----------


def test_the_index_filters_trainings_by_kind(client, training_site):
    index = training_site.index
    trainings = {training_site.training.title, training_site.other_training.title}
    assert listed(client, f"{index.url}?kind=koulutus") == trainings
    assert listed(client, f"{index.url}?kind=oppimis") == {training_site.learning.title}
    assert listed(client, f"{index.url}?kind=kehittamis") == set()
    html = client.get(index.url).content.decode()
    assert f'<option value="koulutus">{TRAINING_LABEL}</option>' in html
    assert f'<span class="badge badge--kind">{TRAINING_LABEL}</span>' in html


def test_the_page_says_it_is_a_training_and_lists_its_trainers(client, training_site):
    training = training_site.training
    NetworkFacilitator.objects.create(page=training, name="Kaisa Rinne", title="kouluttaja")
    html = client.get(training.url).content.decode()
    assert f'<span class="badge badge--kind">{TRAINING_LABEL}</span>' in html
    assert ">Kouluttajat</h3>" in html and "Kaisa Rinne" in html
    assert ">Fasilitaattorit</h3>" not in html

    # Other kinds keep their facilitators.
    other = client.get(training_site.learning.url).content.decode()
    assert ">Fasilitaattorit</h3>" in other and ">Kouluttajat</h3>" not in other
    empty = client.get(training_site.other_training.url).content.decode()
    assert "Kouluttajia ei ole vielä nimetty." in empty


def test_the_member_space_calls_facilitators_trainers_and_links_the_projects(client, training_site):
    client_for(client, training_site.people["member"])
    space = reverse("space", args=[training_site.training.slug])
    projects_url = reverse("space-projects", args=[training_site.training.slug])
    html = client.get(space).content.decode()
    assert html.count(f'href="{projects_url}"') == 2  # the tab and the dashboard's panel
    directory = client.get(reverse("space-directory", args=[training_site.training.slug])).content.decode()
    assert "Kouluttaja</span>" in directory and "Fasilitaattori</span>" not in directory

    # A learning network has neither.
    learning = training_site.learning
    make_membership(learning, make_user(), "facilitator")
    html = client.get(reverse("space", args=[learning.slug])).content.decode()
    assert "hankkeet" not in html
    directory = client.get(reverse("space-directory", args=[learning.slug])).content.decode()
    assert "Fasilitaattori</span>" in directory and "Kouluttaja</span>" not in directory


# ---------- The projects as the training's results ----------


def test_the_page_lists_only_the_trainings_public_projects(client, training_site):
    make_project(
        training_site.training,
        None,
        training_site.kemi,
        "Laskujen <b>kierto</b>",
        summary="Ensimmäinen kappale.\n\nToinen <script>x</script>",
    )
    section = projects_section(client.get(training_site.training.url).content.decode())
    assert "Osallistujien kehittämishankkeet" in section
    assert "Kotihoidon reittisuunnittelu" in section and "Kemin kaupunki" in section
    assert training_site.project.summary in section
    assert "Laskujen &lt;b&gt;kierto&lt;/b&gt;" in section
    assert "<p>Toinen &lt;script&gt;x&lt;/script&gt;</p>" in section
    assert "Kirjaston aukiolokokeilu" not in section  # not public
    assert "Tornion tilauskäytännöt" not in section  # another training's
    assert "Olli" not in section  # the page names no one
    assert "kehittävät omaa työtään 2 kehittämishankkeessa" in section


def test_no_section_without_public_projects_nor_for_other_kinds(client, training_site):
    training_site.project.delete()
    assert projects_section(client.get(training_site.training.url).content.decode()) == ""
    # A project row on a learning network (its kind changed afterwards) is no training's result.
    make_project(training_site.learning, None, training_site.kemi, "Vanha hanke")
    assert projects_section(client.get(training_site.learning.url).content.decode()) == ""


def test_a_training_with_public_projects_has_results(client, training_site):
    index = training_site.index
    silent = make_network(index, "Jämsän koulutus", kind=NetworkPage.Kind.TRAINING)
    make_project(silent, None, None, "Piilossa", public=False)
    make_project(training_site.learning, None, None, "Ei koulutuksen")
    assert listed(client, f"{index.url}?results=on") == {
        training_site.training.title,
        training_site.other_training.title,
    }
    assert listed(client, f"{index.url}?results=on&kind=koulutus") == {
        training_site.training.title,
        training_site.other_training.title,
    }
    training_site.elsewhere.public = False
    training_site.elsewhere.save()
    assert listed(client, f"{index.url}?results=on") == {training_site.training.title}


def test_a_translated_training_page_shows_the_originals_projects(client, training_site):
    from tests.tori.test_results import translate

    home = training_site.index.get_parent()
    translate(home, "sv")
    swedish_index = translate(training_site.index, "sv", title="Nätverk")
    swedish = translate(training_site.training, "sv", title="Utbildning för interna utvecklare i Kemi")
    assert swedish.locale == Locale.objects.get(language_code="sv")
    section = projects_section(client.get(swedish.url).content.decode())
    assert "Kotihoidon reittisuunnittelu" in section and 'lang="fi"' in section
    # The Finnish original and its translation are one training with results.
    assert swedish.title in listed(client, f"{swedish_index.url}?results=on")


def test_the_training_page_costs_the_same_queries_at_two_sizes(client, training_site):
    small = queries_for(client, training_site.training.url)
    for n in range(15):
        owner = make_membership(training_site.training, make_user(), "member", training_site.kemi).user
        make_project(training_site.training, owner, training_site.kemi, f"Hanke {n}")
        NetworkFacilitator.objects.create(page=training_site.training, name=f"Kouluttaja {n}")
    large = queries_for(client, training_site.training.url)
    assert_queries(PAGE_QUERIES, small=small, large=large)
    assert queries_for(client, training_site.learning.url) == PAGE_QUERIES - 1  # no projects asked of it


# ---------- The actions' own refusals ----------


def access_of(user, network):
    from networks.access import network_access

    return network_access(user, network)


def values(**overrides):
    return {"title": "Hanke", "summary": "Kuvaus.", "organisation": None, "public": True, **overrides}


@pytest.mark.usefixtures("finnish")
def test_the_actions_refuse_what_the_views_do_not_offer(training_site):
    people = training_site.people
    member = people["member"]
    before = list(projects.DevelopmentProject.objects.values_list("pk", "title", "public"))

    refused("not_a_training", projects.add_project, access_of(member, training_site.learning), member, **values())
    staff = people["staff"]
    refused("not_a_participant", projects.add_project, access_of(staff, training_site.training), staff, **values())
    refused(
        "wrong_organisation",
        projects.add_project,
        access_of(member, training_site.training),
        member,
        **values(organisation=training_site.tornio),
    )
    refused(
        "invalid_text", projects.add_project, access_of(member, training_site.training), member, **values(title=" ")
    )
    refused(
        "not_allowed",
        projects.update_project,
        training_site.project,
        access_of(member, training_site.training),
        member,
        **values(),
    )
    refused("not_facilitator", projects.hide_project, training_site.project, access_of(member, training_site.training))
    refused(
        "not_allowed", projects.delete_project, training_site.project, access_of(member, training_site.training), member
    )
    assert list(projects.DevelopmentProject.objects.values_list("pk", "title", "public")) == before


def test_a_trainer_keeps_the_owners_organisation_after_the_owner_left(training_site):
    """The owner's organisation stays a valid choice when a trainer edits the project of someone who left."""
    from networks.actions import end_membership

    end_membership(training_site.training.memberships.get(user=training_site.people["owner"]))
    facilitator = training_site.people["facilitator"]
    project = projects.update_project(
        training_site.project,
        access_of(facilitator, training_site.training),
        facilitator,
        **values(title="Uusi nimi", organisation=training_site.kemi),
    )
    assert (project.title, project.organisation, project.owner) == (
        "Uusi nimi",
        training_site.kemi,
        training_site.people["owner"],
    )


def test_a_persons_projects_are_in_their_data_export(training_site):
    from accounts.data import export_user_data

    exported = export_user_data(training_site.people["owner"])["development_projects"]
    assert exported == [
        {
            "training": training_site.training.title,
            "title": "Kotihoidon reittisuunnittelu",
            "summary": training_site.project.summary,
            "organisation": "Kemin kaupunki",
            "public": True,
            "created": training_site.project.created.isoformat(),
        }
    ]
    assert export_user_data(training_site.people["outsider"])["development_projects"] == []
