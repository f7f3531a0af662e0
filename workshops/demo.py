"""The workshops app's demo content: each demo network's documents, workshops and tasks, and — with the demo
accounts — the activity of the demo networks (registrations, attendance, answers, anonymous feedback). core.demo
loads them after the networks app's networks and demo accounts (the orders are in docs/architecture.md).

``networks.json``
    each network's ``documents`` (``{file, title}``: files in ``documents/`` put in the network's private
    collection) and ``workshops`` (their ``start``/``end`` are Europe/Helsinki local times; a document block
    names a file of the network's documents; ``tasks`` with their ``due`` times).
``activity.json`` (only with the demo accounts)
    ``networks``: by network slug and workshop number, ``rsvp`` (``yes``/``maybe``/``no``: lists of people, in
    the order they answered), ``attended``, ``feedback`` and ``answers``. A person is named by the part of
    their demo e-mail address before ``@demo.verkostamo.fi``.

Everything is found by its natural key, only differences are written, and a second run writes nothing.
Activity rows are only ever created, never overwritten: someone trying the demo may have changed them.
"""

from datetime import timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.core.files import File
from django.utils import timezone
from wagtail.documents import get_document_model

from core.demo import DemoContentError, local_datetime, page_values, steps
from core.text import render_markdown
from networks.demo import demo_networks
from networks.models import Membership

from .feedback import close_due_feedback
from .models import Feedback, FeedbackRespondent, Registration, Submission, Task, WorkshopPage

DEMO_EMAIL_DOMAIN = "@demo.verkostamo.fi"


@steps.register("workshops", order=400, files=("networks.json",))
def load_workshops(load):
    """Each network's documents, then its workshops, each with its tasks."""
    networks = demo_networks()
    for spec in load.read("networks.json"):
        network = networks[spec["slug"]]
        documents = sync_documents(load, network, spec.get("documents", []))
        for workshop_spec in spec.get("workshops", []):
            workshop = sync_workshop(load, network, workshop_spec, documents)
            sync_tasks(load, workshop, workshop_spec.get("tasks", []))


def sync_documents(load, network, specs):
    """The network's demo documents in its private collection, by title; returns {file name: Document}."""
    Document = get_document_model()  # noqa: N806
    documents = {}
    for spec in specs:
        path = load.content_dir / "documents" / spec["file"]
        if not path.is_file():
            raise DemoContentError(f"Network {network.slug!r}: document file {path} is missing.")
        document = Document.objects.filter(collection=network.collection, title=spec["title"]).first()
        if document is None:
            with path.open("rb") as handle:
                document = Document(title=spec["title"], collection=network.collection)
                document.file.save(spec["file"], File(handle), save=False)
                document._set_document_file_metadata()
                document.save()
            load.report.add("documents", "created")
        else:
            load.report.add("documents", "unchanged")
        documents[spec["file"]] = document
    return documents


def with_documents(blocks, documents, where):
    """StreamField data whose document blocks name a file of the network's documents, with its id instead."""
    resolved = []
    for block in blocks:
        if block["type"] == "document":
            if block["value"] not in documents:
                raise DemoContentError(f"{where}: document {block['value']!r} is not among the network's documents.")
            block = {**block, "value": documents[block["value"]].pk}
        resolved.append(block)
    return resolved


def sync_workshop(load, network, spec, documents):
    where = f"Workshop {network.slug}/{spec['slug']}"
    values = page_values(
        spec,
        number=spec["number"],
        start=local_datetime(spec["start"]),
        end=local_datetime(spec["end"]),
        place=spec.get("place", ""),
        online_url=spec.get("online_url", ""),
        summary=spec.get("summary", ""),
        agenda=spec.get("agenda", []),
        capacity=spec.get("capacity"),
        cancelled=spec.get("cancelled", False),
        members_content=with_documents(spec.get("members_content", []), documents, where),
        facilitator_notes=with_documents(spec.get("facilitator_notes", []), documents, where),
    )
    return load.sync_page("workshops", network, WorkshopPage, values)


def sync_tasks(load, workshop, specs):
    existing = {task.title: task for task in Task.objects.filter(workshop=workshop)}
    for spec in specs:
        values = {
            "kind": spec["kind"],
            "instructions": spec["instructions"],
            "instructions_html": render_markdown(spec["instructions"]),
            "due": local_datetime(spec["due"]),
            "answered_by": spec.get("answered_by", Task.AnsweredBy.PERSON),
            "answers_visible": spec.get("answers_visible", False),
        }
        lookup = {"workshop": workshop, "title": spec["title"]}
        load.sync_object("tasks", Task, existing.get(spec["title"]), lookup, values)


@steps.register("activity", order=600, files=("activity.json",), users=True)
def load_activity(load):
    """Registrations, attendance, feedback and answers of the demo people."""
    spec = load.read("activity.json")
    networks = demo_networks()
    people = {
        user.email.removesuffix(DEMO_EMAIL_DOMAIN): user
        for user in get_user_model().objects.filter(email__endswith=DEMO_EMAIL_DOMAIN).select_related("organisation")
    }

    def person(where, handle):
        if handle not in people:
            raise DemoContentError(f"{where}: nobody is called {handle!r} among the demo accounts.")
        return people[handle]

    for network_slug, workshops in spec["networks"].items():
        network = networks.get(network_slug)
        if network is None:
            raise DemoContentError(f"Activity: network {network_slug!r} is unknown.")
        by_number = {workshop.number: workshop for workshop in WorkshopPage.objects.child_of(network)}
        for number, activity in workshops.items():
            workshop = by_number.get(int(number))
            where = f"Activity of {network_slug} workshop {number}"
            if workshop is None:
                raise DemoContentError(f"{where}: the workshop is unknown.")
            named = partial(person, where)
            sync_registrations(load, workshop, activity, named)
            sync_feedback(load, workshop, activity.get("feedback", []), named, where)
            sync_answers(load, workshop, activity.get("answers", []), named, where)
    # Feedback on workshops held more than FEEDBACK_PERIOD ago has closed: its results show at once.
    for _closing in range(close_due_feedback()):
        load.report.add("feedback closings", "created")


def sync_registrations(load, workshop, activity, person):
    """Answers in list order (the waiting list's order too), then who attended."""
    # Two weeks before the workshop, or before today for one still ahead: never in the future, so that
    # someone trying the demo joins the end of the line.
    answered_at = min(workshop.start, timezone.now()) - timedelta(days=14)
    places_taken = Registration.objects.filter(workshop=workshop, response="yes", waitlisted=False).count()
    for response in ("yes", "maybe", "no"):
        for position, handle in enumerate(activity.get("rsvp", {}).get(response, [])):
            waitlisted = response == "yes" and workshop.capacity is not None and places_taken >= workshop.capacity
            _registration, created = Registration.objects.get_or_create(
                workshop=workshop,
                user=person(handle),
                defaults={
                    "response": response,
                    "waitlisted": waitlisted,
                    "responded": answered_at + timedelta(minutes=position),
                },
            )
            if created and response == "yes" and not waitlisted:
                places_taken += 1
            load.report.add("registrations", "created" if created else "unchanged")
    for handle in activity.get("attended", []):
        registration, created = Registration.objects.get_or_create(
            workshop=workshop, user=person(handle), defaults={"attended": True}
        )
        if registration.attended is None:
            registration.attended = True
            registration.save(update_fields=["attended"])
            created = True
        load.report.add("attendance", "created" if created else "unchanged")


def sync_feedback(load, workshop, specs, person, where):
    """Feedback from demo people who attended: that they answered, and their answer, stored apart without
    them (workshops.feedback). Once a person is recorded as having answered, nothing more is written."""
    attended = set(Registration.objects.filter(workshop=workshop, attended=True).values_list("user_id", flat=True))
    facilitators = set(
        Membership.objects.filter(
            network__path=workshop.path[: -workshop.steplen], role=Membership.Role.FACILITATOR
        ).values_list("user_id", flat=True)
    )
    for spec in specs:
        user = person(spec["by"])
        if user.pk not in attended or user.pk in facilitators:
            raise DemoContentError(f"{where}: {spec['by']!r} gives feedback but is not an attendee who may answer.")
        _respondent, created = FeedbackRespondent.objects.get_or_create(workshop=workshop, user=user)
        if created:
            statements = dict(zip(Feedback.STATEMENTS, spec["statements"], strict=True))
            Feedback.objects.create(
                workshop=workshop, overall=spec["overall"], comment=spec.get("comment", ""), **statements
            )
        load.report.add("feedback", "created" if created else "unchanged")


def sync_answers(load, workshop, specs, person, where):
    tasks = {task.title: task for task in Task.objects.filter(workshop=workshop)}
    for spec in specs:
        task = tasks.get(spec["task"])
        if task is None:
            raise DemoContentError(f"{where}: task {spec['task']!r} is unknown.")
        author = person(spec["by"])
        lookup = {"task": task, "organisation": author.organisation if task.per_organisation else None}
        if not task.per_organisation:
            lookup["user"] = author
        defaults = {"user": author, "text": spec["text"], "text_html": render_markdown(spec["text"])}
        _submission, created = Submission.objects.get_or_create(**lookup, defaults=defaults)
        load.report.add("answers", "created" if created else "unchanged")
