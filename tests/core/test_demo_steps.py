"""The demo loader's registry: each app adds its steps, and they run in their declared order in one transaction."""

import json

import pytest

from core.demo import DemoContentError, DemoSteps, load_demo_content, steps
from networks.models import Theme

# Declared by home, networks, tori, workshops, services, events, news, newsletter and discussions in their demo
# modules; a new app takes an order between them.
APPS_STEPS = [
    ("themes", 100),
    ("organisations", 110),
    ("home page", 200),
    ("site", 210),
    ("site settings", 220),
    ("network index", 230),
    ("tori index", 235),
    ("standard pages", 240),
    ("page translations", 245),
    ("networks", 300),
    ("network translations", 310),
    ("trainings", 320),
    ("workshops", 400),
    ("acts", 450),
    ("top lists", 460),
    ("services page", 470),
    ("experts", 472),
    ("sparring requests", 474),
    ("coach accounts", 480),
    ("news index", 482),
    ("articles", 483),
    ("event index", 485),
    ("events", 486),
    ("event registrations", 487),
    ("users", 500),
    ("training participants", 520),
    ("newsletter subscribers", 530),
    ("newsletter issues", 532),
    ("activity", 600),
    ("discussions", 700),
    ("act in review", 820),
]
USER_STEPS = {"coach accounts", "users", "training participants", "activity", "discussions", "act in review"}


def test_the_apps_steps_run_in_their_declared_order():
    assert [(step.name, step.order) for step in steps.selected(users=True)] == APPS_STEPS
    assert [step.name for step in steps.selected(users=False)] == [
        name for name, _order in APPS_STEPS if name not in USER_STEPS
    ]
    assert steps.files(users=False) == [
        "themes.json",
        "organisations.json",
        "site.json",
        "tori.json",
        "translations.json",
        "networks.json",
        "trainings.json",
        "services.json",
        "news.json",
        "events.json",
        "newsletter.json",
    ]
    assert steps.files(users=True)[-6:] == [
        "users.json",
        "news.json",
        "events.json",
        "newsletter.json",
        "activity.json",
        "discussions.json",
    ]


@pytest.fixture
def content(tmp_path):
    for name, data in {"themes.json": [{"slug": "testi", "name": "Testiteema"}], "people.json": ["aino"]}.items():
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def registry_that_records(ran):
    """A registry filled from outside, out of order: as a test (or a new app) would add its steps."""
    registry = DemoSteps()

    @registry.register("people", order=30, files=("people.json",), users=True)
    def people(load):
        ran.append(("people", load.read("people.json")))

    @registry.register("late", order=20)
    def late(load):
        ran.append(("late", Theme.objects.filter(slug="testi").exists()))

    @registry.register("themes", order=10, files=("themes.json",))
    def themes(load):
        for spec in load.read("themes.json"):
            existing = Theme.objects.filter(slug=spec["slug"]).first()
            load.sync_object("themes", Theme, existing, {"slug": spec["slug"]}, {"name": spec["name"]})
        ran.append(("themes", None))

    return registry


def test_a_registered_step_runs_in_its_order_and_sees_what_earlier_steps_made(db, content):
    ran = []
    registry = registry_that_records(ran)

    report = load_demo_content(content, registry=registry)

    assert ran == [("themes", None), ("late", True)]
    assert report.counts["themes"]["created"] == 1

    ran.clear()
    report = load_demo_content(content, users=True, registry=registry)

    assert ran == [("themes", None), ("late", True), ("people", ["aino"])]
    assert not report.changed, "a second run writes nothing"


def test_a_failing_step_rolls_back_the_steps_before_it(db, content):
    registry = registry_that_records([])

    @registry.register("broken", order=25)
    def broken(load):
        raise DemoContentError("Rikki.")

    with pytest.raises(DemoContentError, match="Rikki"):
        load_demo_content(content, registry=registry)
    assert not Theme.objects.filter(slug="testi").exists()


def test_a_missing_file_stops_the_load_before_any_step_runs(db, content):
    ran = []
    registry = registry_that_records(ran)
    (content / "people.json").unlink()

    with pytest.raises(DemoContentError, match="people.json is missing"):
        load_demo_content(content, users=True, registry=registry)
    assert ran == []
    load_demo_content(content, registry=registry)  # without the demo accounts, people.json is not needed
    assert ran[-1] == ("late", True)


def test_a_step_reads_only_the_files_it_declares(db, content):
    registry = DemoSteps()

    @registry.register("nosy", order=10)
    def nosy(load):
        load.read("themes.json")

    with pytest.raises(LookupError, match="themes.json"):
        load_demo_content(content, registry=registry)


def test_two_steps_cannot_share_a_name_or_an_order():
    registry = DemoSteps()
    registry.register("themes", order=10)(lambda load: None)
    for name, order in (("themes", 20), ("rooms", 10)):
        with pytest.raises(ValueError, match="clashes"):
            registry.register(name, order=order)(lambda load: None)
    assert [step.name for step in registry.selected(users=True)] == ["themes"]
