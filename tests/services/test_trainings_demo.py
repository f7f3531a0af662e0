"""The demo trainings (services/demo_trainings.py, site/content/trainings.json): five trainings of the programme's
examples under the network index, each with its three trainers, two held days with a pre-task and an inter-task,
and development projects; with the demo accounts a trainer and a participant of Kemi; loaded idempotently."""

import json
import shutil

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from core.demo import DemoContentError, default_content_dir, load_demo_content
from networks.models import Membership, NetworkFacilitator, NetworkPage
from services.models import DevelopmentProject
from workshops.models import Task, WorkshopPage

CITIES = {"Ikaalinen", "Kemi", "Turku", "Varkaus", "Jämsä"}


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (NetworkPage, WorkshopPage, Task, DevelopmentProject, Membership, Revision, PageLogEntry)
    }


@pytest.fixture
def loaded(db):
    load_demo_content()
    return snapshot()


def trainings():
    return NetworkPage.objects.live().filter(kind=NetworkPage.Kind.TRAINING).select_related("partner")


def test_five_trainings_under_the_network_index(loaded, client):
    found = list(trainings())
    assert len(found) == 5
    assert {organisation.municipality for t in found for organisation in t.organisations.all()} == CITIES
    index = found[0].get_parent()
    assert all(training.get_parent().pk == index.pk for training in found)
    listed = {network.title for network in client.get(f"{index.url}?kind=koulutus").context["networks"]}
    assert listed == {training.title for training in found}


def test_each_training_has_three_trainers_and_two_held_days_with_their_tasks(loaded):
    now = timezone.now()
    for training in trainings():
        trainers = NetworkFacilitator.objects.filter(page=training)
        assert trainers.count() == 3 and all(trainer.title == "kouluttaja" for trainer in trainers), training.title
        first, second = WorkshopPage.objects.child_of(training).live().order_by("start")
        assert first.end < second.start and second.end < now, training.title
        tasks = {task.kind: task for task in Task.objects.filter(workshop__in=[first, second])}
        assert set(tasks) == {Task.Kind.PRE, Task.Kind.INTER}, training.title
        assert tasks[Task.Kind.PRE].due < first.start < tasks[Task.Kind.INTER].due < second.start, training.title


def test_the_trainings_projects_are_their_results(loaded, client):
    kemi = trainings().get(slug="kemin-sisaiset-kehittajat")
    projects = DevelopmentProject.objects.filter(network=kemi)
    assert projects.filter(public=True).count() >= 6 and projects.filter(public=False).exists()
    assert all(project.owner_id is None for project in projects)  # written for people without accounts
    html = client.get(kemi.url).content.decode()
    assert "Osallistujien kehittämishankkeet" in html and "Kotihoidon reittisuunnittelu" in html
    assert "Palkanlaskennan poikkeamat" not in html  # not public
    assert ">Kouluttajat</h3>" in html
    for training in trainings():
        assert DevelopmentProject.objects.filter(network=training, public=True).count() >= 2, training.title


def test_running_twice_changes_nothing(loaded):
    assert not load_demo_content().changed
    assert snapshot() == loaded


def test_with_the_demo_accounts_kemi_has_a_trainer_and_a_participant_with_a_project(db, client):
    load_demo_content(users=True)
    kemi = trainings().get(slug="kemin-sisaiset-kehittajat")
    roles = {
        membership.user.email: membership.role
        for membership in Membership.objects.active().filter(network=kemi).select_related("user")
    }
    assert roles == {
        "fasilitaattori@demo.verkostamo.fi": Membership.Role.FACILITATOR,
        "juha.kemi@demo.verkostamo.fi": Membership.Role.MEMBER,
    }
    own = DevelopmentProject.objects.get(network=kemi, owner__email="juha.kemi@demo.verkostamo.fi")
    assert own.organisation.name == "Kemin kaupunki"
    before = snapshot()
    assert not load_demo_content(users=True).changed
    assert snapshot() == before


def test_a_project_of_an_unknown_organisation_stops_the_load(db, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content)
    data = json.loads((content / "trainings.json").read_text(encoding="utf-8"))
    data["trainings"][0]["projects"][0]["organisation"] = "Ei ole olemassa"
    (content / "trainings.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DemoContentError, match="Ei ole olemassa"):
        load_demo_content(content)
    assert not NetworkPage.objects.filter(kind=NetworkPage.Kind.TRAINING).exists()  # rolled back
