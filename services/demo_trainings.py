"""The demo trainings: the internal developers' trainings of the programme's examples (Ikaalinen, Kemi, Turku,
Varkaus, Jämsä), each a network of the kind TRAINING under the network index, and — with the demo accounts — a
trainer and a participant of the Kemi training with a project of their own (core.demo loads them; the orders are
listed in docs/architecture.md).

``trainings.json``
    ``trainings``: networks in the format of ``networks.json`` (networks/demo.py and workshops/demo.py: page
    fields, trainers as ``facilitators``, ``organisations``, two ``workshops`` — the two days — with their
    ``tasks``: a pre-task before day 1 and an inter-task between the days), ``kind`` always ``koulutus``, and
    ``projects``: the participants' development projects (``title``, ``summary``, ``organisation`` by name,
    ``public``), which have no owner account.
    ``participants`` (only with the demo accounts): ``user`` (the part of a demo e-mail address before
    ``@demo.verkostamo.fi``), ``network``, ``role``, ``organisation`` (optional) and their own ``projects``.

Projects are rows the demo's visitors may change, so they are only ever created (found by training and title).
"""

from django.contrib.auth import get_user_model

from core.demo import DemoContentError, steps
from networks.actions import add_member
from networks.demo import demo_networks, network_index, sync_network
from networks.models import NetworkPage, Organisation, Theme
from workshops.demo import DEMO_EMAIL_DOMAIN, sync_tasks, sync_workshop

from .models import DevelopmentProject


@steps.register("trainings", order=320, files=("themes.json", "organisations.json", "trainings.json"))
def load_trainings(load):
    """The trainings with their trainers, organisations, days (workshops) with their tasks, and projects."""
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    organisations = {organisation.name: organisation for organisation in Organisation.objects.all()}
    index = network_index()
    for spec in load.read("trainings.json")["trainings"]:
        if spec["kind"] != NetworkPage.Kind.TRAINING:
            raise DemoContentError(f"Training {spec['slug']!r}: its kind must be {NetworkPage.Kind.TRAINING!r}.")
        network = sync_network(load, index, spec, themes, organisations, kind="trainings")
        for day in spec["workshops"]:
            workshop = sync_workshop(load, network, day, documents={})
            sync_tasks(load, workshop, day.get("tasks", []))
        for project in spec.get("projects", []):
            sync_project(load, network, project, organisations, owner=None)


def sync_project(load, network, spec, organisations, owner):
    name = spec.get("organisation")
    if name is not None and name not in organisations:
        raise DemoContentError(f"Project {spec['title']!r}: organisation {name!r} is not in organisations.json.")
    _project, created = DevelopmentProject.objects.get_or_create(
        network=network,
        title=spec["title"],
        defaults={
            "summary": spec["summary"],
            "organisation": organisations.get(name),
            "owner": owner,
            "public": spec.get("public", True),
        },
    )
    load.report.add("development projects", "created" if created else "unchanged")


@steps.register("training participants", order=520, files=("trainings.json",), users=True)
def load_training_participants(load):
    """Demo accounts in the trainings (after the networks' users, step 500), with their own projects."""
    networks = demo_networks()
    organisations = {organisation.name: organisation for organisation in Organisation.objects.all()}
    User = get_user_model()  # noqa: N806
    for spec in load.read("trainings.json")["participants"]:
        where = f"Training participant {spec['user']!r}"
        user = User.objects.filter(email=spec["user"] + DEMO_EMAIL_DOMAIN).first()
        if user is None:
            raise DemoContentError(f"{where}: there is no such demo account.")
        network = networks.get(spec["network"])
        if network is None or not network.is_training:
            raise DemoContentError(f"{where}: {spec['network']!r} is not a demo training.")
        organisation = spec.get("organisation")
        if organisation is not None and organisation not in organisations:
            raise DemoContentError(f"{where}: organisation {organisation!r} is unknown.")
        _membership, created = add_member(network, user, spec["role"], organisations.get(organisation))
        load.report.add("memberships", "created" if created else "unchanged")
        for project in spec.get("projects", []):
            sync_project(load, network, project, organisations, owner=user)
