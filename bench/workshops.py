"""Workshop pages of the member space: median and p95 time and queries per page for a facilitator (and
staff for the programme figures), with the demo activity and with ten times as many members, each with
registrations, attendance, answers and feedback. Prints figures; asserts nothing.

Run on its own with `python -m bench.workshops` (its own process: it sets Django up with a database of its own).
"""

import os
import tempfile
from datetime import timedelta

from bench.pages import measure


def setup_django(database_path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database_path}"
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = os.path.join(os.path.dirname(database_path), "media")
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", "--with-users", verbosity=0)


def grow(network, members):
    """`members` more members of the network, spread over its organisations, each registered for,
    attending and giving feedback on every workshop, and answering every task."""
    from django.contrib.auth import get_user_model

    from workshops.models import Feedback, FeedbackRespondent, Registration, Submission, Task, WorkshopPage

    User = get_user_model()  # noqa: N806
    workshops = list(WorkshopPage.objects.live().child_of(network))
    tasks = list(Task.objects.filter(workshop__in=workshops, answered_by=Task.AnsweredBy.PERSON))
    organisations = list(network.organisations.all())
    users = User.objects.bulk_create(
        User(email=f"kasvu{n}@bench.example", first_name="Kasvu", last_name=f"{n}", gender="woman")
        for n in range(members)
    )
    from networks.models import Membership

    Membership.objects.bulk_create(
        Membership(user=user, network=network, organisation=organisations[n % len(organisations)])
        for n, user in enumerate(users)
    )
    Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            user=user,
            response="yes",
            waitlisted=workshop.capacity is not None,
            attended=workshop.is_past or None,
            responded=workshop.start - timedelta(days=3),
        )
        for workshop in workshops
        for user in users
    )
    held = [workshop for workshop in workshops if workshop.is_past]
    FeedbackRespondent.objects.bulk_create(
        FeedbackRespondent(workshop=workshop, user=user) for workshop in held for user in users
    )
    Feedback.objects.bulk_create(
        Feedback(workshop=workshop, overall=1 + n % 5, met_expectations=4) for workshop in held for n in range(members)
    )
    Submission.objects.bulk_create(
        Submission(task=task, user=user, text="Vastaus", text_html="<p>Vastaus</p>") for task in tasks for user in users
    )


def main():
    with tempfile.TemporaryDirectory() as folder:
        setup_django(os.path.join(folder, "bench.sqlite3"))
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        from networks.models import Membership, NetworkPage
        from workshops.models import Task, WorkshopPage

        network = NetworkPage.objects.live().get(locale__language_code="fi", slug="latu")
        workshops = WorkshopPage.objects.live().child_of(network).order_by("start")
        past, upcoming = workshops.first(), workshops.last()
        task = Task.objects.filter(workshop=past).first()
        slug = network.slug
        facilitator = Client()
        facilitator.force_login(get_user_model().objects.get(email="fasilitaattori@demo.verkostamo.fi"))
        staff = Client()
        staff.force_login(get_user_model().objects.get(email="ohjelmatoimisto@demo.verkostamo.fi"))
        pages = {
            "dashboard": (facilitator, reverse("space", args=[slug])),
            "workshops": (facilitator, reverse("space-workshops", args=[slug])),
            "workshop": (facilitator, reverse("space-workshop", args=[slug, upcoming.pk])),
            "task": (facilitator, reverse("task", args=[slug, task.pk])),
            "task answers": (facilitator, reverse("task-answers", args=[slug, task.pk])),
            "attendance": (facilitator, reverse("workshop-attendance", args=[slug, past.pk])),
            "feedback": (facilitator, reverse("workshop-feedback-results", args=[slug, past.pk])),
            "figures": (facilitator, reverse("network-figures", args=[slug])),
            "figures.xlsx": (facilitator, reverse("network-figures-xlsx", args=[slug])),
            "programme": (staff, reverse("programme-figures")),
            "calendar.ics": (facilitator, reverse("network-calendar", args=[slug])),
            "network page": (facilitator, network.url),
        }
        print(f"{'workshop page':<15} {'members':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for extra in (0, 450):
            if extra:
                grow(network, extra)
            members = Membership.objects.active().filter(network=network).count()
            for name, (client, url) in pages.items():
                median, p95, queries = measure(client, url, rounds=15)
                print(f"{name:<15} {members:>8} {median * 1000:>10.1f} {p95 * 1000:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
