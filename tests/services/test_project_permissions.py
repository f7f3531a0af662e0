"""A training's development projects in its member space: the permission matrix of every URL, attacks with other
people's and other networks' projects, bad input (a clear Finnish message, nothing stored), and the pinned
queries of the list at two sizes."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from services.models import DevelopmentProject
from tests.conftest import assert_queries, client_for, queries_for
from tests.factories import make_membership, make_user
from tests.services.training_site import PROJECT_ROLES, build_training_site, make_project

# Queries pinned at both data sizes (tests.conftest.assert_queries): the network (its view restrictions, the page),
# the session, the person, their membership, then the projects with their organisations and owners (the list) or
# the organisations offered (the form), and the site's layout (7: site, menu, settings).
LIST_QUERIES = 13
FORM_QUERIES = 13

MEMBERS = {"owner", "member", "facilitator", "staff"}
EDITORS = {"owner", "facilitator", "staff"}  # of the owner's project


@pytest.fixture
def training_site(site_tree):
    _home, index = site_tree
    return build_training_site(index)


def url(name, network, *args):
    return reverse(name, args=[network.slug, *args])


def valid(**overrides):
    data = {"title": "Sijaisten hankinta uusiksi", "summary": "Sijaiset haetaan yhteisestä poolista.", "public": "yes"}
    return {**data, **overrides}


def assert_turned_away(response, role):
    """Anonymous → sign-in; signed in but not in the training → the not-a-member page."""
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    else:
        assert response.status_code == 403


def snapshot():
    return list(
        DevelopmentProject.objects.order_by("pk").values_list("pk", "title", "summary", "public", "organisation")
    )


# ---------- The matrix ----------


@pytest.mark.parametrize("role", PROJECT_ROLES)
def test_the_list(client, training_site, role):
    response = client_for(client, training_site.people[role]).get(url("space-projects", training_site.training))
    if role not in MEMBERS:
        assert_turned_away(response, role)
        return
    assert response.status_code == 200
    html = response.content.decode()
    # Members see every project of the training, public or not, and nothing of another training's.
    assert "Kotihoidon reittisuunnittelu" in html and "Kirjaston aukiolokokeilu" in html
    assert "Tornion tilauskäytännöt" not in html
    edit = url("space-project-edit", training_site.training, training_site.project.pk)
    assert (edit in html) == (role in EDITORS)
    assert (url("space-project-hide", training_site.training, training_site.project.pk) in html) == (
        role in {"facilitator", "staff"}
    )
    assert (url("space-project-new", training_site.training) in html) == (role != "staff")


@pytest.mark.parametrize("role", PROJECT_ROLES)
def test_adding_a_project(client, training_site, role):
    person = training_site.people[role]
    before = DevelopmentProject.objects.count()
    client_for(client, person)
    form = client.get(url("space-project-new", training_site.training))
    response = client.post(url("space-project-new", training_site.training), valid(organisation=training_site.kemi.pk))
    if role not in MEMBERS:
        assert_turned_away(form, role)
        assert_turned_away(response, role)
        assert DevelopmentProject.objects.count() == before
    elif role == "staff":
        # The programme office sees the projects but is no participant: told so, nothing stored.
        assert form.status_code == 200 and "omissa nimissään" in form.content.decode()
        assert response.status_code == 400 and "omissa nimissään" in response.content.decode()
        assert DevelopmentProject.objects.count() == before
    else:
        assert form.status_code == 200
        assert response.status_code == 302 and response.url == url("space-projects", training_site.training)
        project = DevelopmentProject.objects.latest("pk")
        assert (project.network, project.owner, project.title, project.public) == (
            training_site.training,
            person,
            "Sijaisten hankinta uusiksi",
            True,
        )
        # The facilitator has no organisation in the training: no organisation to choose, none stored.
        assert project.organisation == (None if role == "facilitator" else training_site.kemi)


@pytest.mark.parametrize("role", PROJECT_ROLES)
def test_editing_the_owners_project(client, training_site, role):
    project = training_site.project
    client_for(client, training_site.people[role])
    address = url("space-project-edit", training_site.training, project.pk)
    page = client.get(address)
    response = client.post(address, valid(title="Reitit ja tauot", organisation=training_site.kemi.pk, public="no"))
    project.refresh_from_db()
    if role in EDITORS:
        assert page.status_code == 200 and "Kotihoidon reittisuunnittelu" in page.content.decode()
        assert response.status_code == 302
        assert (project.title, project.public, project.owner) == (
            "Reitit ja tauot",
            False,
            training_site.people["owner"],
        )
    else:
        if role == "member":  # another member of the training: sees the project, may not change it
            assert page.status_code == 403 and response.status_code == 403
        else:
            assert_turned_away(page, role)
            assert_turned_away(response, role)
        assert (project.title, project.public) == ("Kotihoidon reittisuunnittelu", True)


@pytest.mark.parametrize("role", PROJECT_ROLES)
def test_hiding_a_project(client, training_site, role):
    project = training_site.project
    response = client_for(client, training_site.people[role]).post(
        url("space-project-hide", training_site.training, project.pk)
    )
    project.refresh_from_db()
    if role in {"facilitator", "staff"}:
        assert response.status_code == 302 and not project.public
        assert "ei enää näy julkisella sivulla" in client.get(response.url).content.decode()
    else:
        if role in {"owner", "member"}:
            assert response.status_code == 403  # the owner makes it private by editing, not with this button
        else:
            assert_turned_away(response, role)
        assert project.public


@pytest.mark.parametrize("role", PROJECT_ROLES)
def test_deleting_a_project(client, training_site, role):
    project = training_site.project
    client_for(client, training_site.people[role])
    address = url("space-project-delete", training_site.training, project.pk)
    page = client.get(address)
    response = client.post(address)
    exists = DevelopmentProject.objects.filter(pk=project.pk).exists()
    if role in EDITORS:
        assert page.status_code == 200 and "Poistetaanko hanke?" in page.content.decode()
        assert response.status_code == 302 and not exists
    else:
        if role == "member":
            assert page.status_code == 403 and response.status_code == 403
        else:
            assert_turned_away(page, role)
            assert_turned_away(response, role)
        assert exists


def test_get_does_not_hide(client, training_site):
    response = client_for(client, training_site.people["facilitator"]).get(
        url("space-project-hide", training_site.training, training_site.project.pk)
    )
    assert response.status_code == 405
    training_site.project.refresh_from_db()
    assert training_site.project.public


# ---------- Other kinds of network, other networks' projects ----------


@pytest.mark.parametrize("role", ["member", "staff"])
@pytest.mark.parametrize("name", ["space-projects", "space-project-new"])
def test_other_kinds_of_network_have_no_projects(client, training_site, role, name):
    response = client_for(client, training_site.people[role]).get(url(name, training_site.learning))
    assert response.status_code == 404
    before = snapshot()
    response = client.post(url("space-project-new", training_site.learning), valid())
    assert response.status_code == 404 and snapshot() == before


def test_a_learning_networks_project_row_is_not_reachable_either(client, training_site):
    stray = make_project(training_site.learning, training_site.people["member"], training_site.kemi, "Harhaileva")
    client_for(client, training_site.people["staff"])
    for name in ("space-project-edit", "space-project-delete"):
        assert client.get(url(name, training_site.learning, stray.pk)).status_code == 404
    assert client.post(url("space-project-hide", training_site.learning, stray.pk)).status_code == 404
    stray.refresh_from_db()
    assert stray.public


@pytest.mark.parametrize("role", ["facilitator", "staff"])
@pytest.mark.parametrize("name", ["space-project-edit", "space-project-hide", "space-project-delete"])
def test_a_project_of_another_training_is_not_found(client, training_site, role, name):
    """The id of another training's project, under this training's address: not found, nothing changed."""
    before = snapshot()
    client_for(client, training_site.people[role])
    address = url(name, training_site.training, training_site.elsewhere.pk)
    if name != "space-project-hide":
        assert client.get(address).status_code == 404
    assert client.post(address, valid(organisation=training_site.kemi.pk)).status_code == 404
    assert snapshot() == before


def test_a_member_of_the_other_training_cannot_reach_its_project_through_this_one(client, training_site):
    """The other training's member posts to this training's addresses with their own project's id."""
    before = snapshot()
    client_for(client, training_site.people["other_member"])
    address = url("space-project-edit", training_site.training, training_site.elsewhere.pk)
    assert client.post(address, valid(organisation=training_site.tornio.pk)).status_code == 403
    assert snapshot() == before


def test_a_former_member_no_longer_edits_their_project(client, training_site):
    from networks.actions import end_membership

    membership = training_site.training.memberships.get(user=training_site.people["owner"])
    end_membership(membership)
    client_for(client, training_site.people["owner"])
    address = url("space-project-edit", training_site.training, training_site.project.pk)
    assert client.post(address, valid(organisation=training_site.kemi.pk)).status_code == 403
    training_site.project.refresh_from_db()
    assert training_site.project.title == "Kotihoidon reittisuunnittelu"


# ---------- Bad input ----------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (valid(title="  "), "Anna hankkeelle nimi."),
        (valid(title="x" * 201), "Hankkeen nimi saa olla enintään 200 merkkiä"),
        (valid(summary=""), "Kuvaa hanke muutamalla lauseella."),
        (valid(summary="x" * 1501), "Kuvaus saa olla enintään 1500 merkkiä"),
        (valid(public="ehkä"), "Valitse kyllä tai ei."),
        ({k: v for k, v in valid().items() if k != "public"}, "Valitse, näkyykö hanke julkisesti."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, training_site, data, message):
    before = snapshot()
    client_for(client, training_site.people["owner"])
    response = client.post(
        url("space-project-new", training_site.training), {**data, "organisation": training_site.kemi.pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Hanketta ei tallennettu" in html
    assert snapshot() == before


@pytest.mark.parametrize("role", ["owner", "facilitator"])
def test_an_organisation_the_owner_does_not_represent_is_refused(client, training_site, role):
    """Adding in the name of another organisation, or a trainer moving the owner's project to one."""
    before = snapshot()
    client_for(client, training_site.people[role])
    if role == "owner":
        address = url("space-project-new", training_site.training)
    else:
        address = url("space-project-edit", training_site.training, training_site.project.pk)
    response = client.post(address, valid(organisation=training_site.tornio.pk))
    assert response.status_code == 400
    assert "Valitse organisaatio, jota hankkeen tekijä edustaa tässä koulutuksessa." in response.content.decode()
    assert snapshot() == before


def test_the_text_is_stored_plain_and_shown_escaped(client, training_site):
    client_for(client, training_site.people["owner"])
    text = "<script>alert(1)</script>\n\nToinen kappale & <b>lihava</b>"
    client.post(
        url("space-project-new", training_site.training), valid(summary=text, organisation=training_site.kemi.pk)
    )
    project = DevelopmentProject.objects.latest("pk")
    assert project.summary == text
    html = client.get(url("space-projects", training_site.training)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<p>Toinen kappale &amp; &lt;b&gt;lihava&lt;/b&gt;</p>" in html


# ---------- Queries ----------


def add_projects(site, count):
    for n in range(count):
        owner = make_membership(site.training, make_user(), "member", site.kemi).user
        make_project(site.training, owner, site.kemi, f"Hanke {n}", public=n % 2 == 0)


@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_the_list_and_form_cost_the_same_queries_at_two_sizes(client, training_site, role):
    client_for(client, training_site.people[role])
    list_url = url("space-projects", training_site.training)
    form_url = url("space-project-new", training_site.training)
    small = queries_for(client, list_url), queries_for(client, form_url)
    add_projects(training_site, 12)
    large = queries_for(client, list_url), queries_for(client, form_url)
    assert_queries(LIST_QUERIES, small=small[0], large=large[0])
    assert_queries(FORM_QUERIES, small=small[1], large=large[1])
