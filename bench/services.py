"""The programme's figures per service and year (services.figures) at two sizes: 200 and 2 000 sparring days over
three years, with the demo content's networks and five two-day trainings of 40 participants each. Prints the
median time and the queries of computing the figures (with their small-cell protection), of the /luvut/ page and
of its XLSX download, and of the front page's key figures. Asserts nothing (machines here are shared and noisy).

Run on its own with `python -m bench.services` (its own process: it sets Django up with a database of its own).
"""

import os
import statistics
import tempfile
import time
from datetime import date, timedelta

from bench.pages import measure
from bench.workshops import setup_django

TRAININGS = 5
TRAINING_PARTICIPANTS = 40
SIZES = (200, 2000)


def add_trainings(index):
    """TRAININGS two-day trainings under the network index, each with TRAINING_PARTICIPANTS attendees."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from networks.models import Membership, NetworkPage, Organisation
    from workshops.models import Registration, WorkshopPage

    user_model = get_user_model()
    organisations = list(Organisation.objects.all()[:TRAININGS])
    for number in range(TRAININGS):
        training = index.add_child(
            instance=NetworkPage(
                title=f"Sisäisten kehittäjien koulutus {number}",
                slug=f"bench-koulutus-{number}",
                summary="Kaksipäiväinen koulutus.",
                kind=NetworkPage.Kind.TRAINING,
            )
        )
        start = timezone.now() - timedelta(days=400 * (number % 3) + 30)
        days = [
            training.add_child(
                instance=WorkshopPage(
                    title=f"Koulutuspäivä {day + 1}",
                    slug=f"paiva-{day + 1}",
                    number=day + 1,
                    start=start + timedelta(days=day),
                    end=start + timedelta(days=day, hours=6),
                    place="Kaupungintalo",
                )
            )
            for day in range(2)
        ]
        users = user_model.objects.bulk_create(
            user_model(
                email=f"koulutus{number}-{n}@bench.example",
                gender=("woman", "woman", "woman", "man", "undisclosed")[n % 5],
                role_category=("employee", "employee", "supervisor", "manager")[n % 4],
            )
            for n in range(TRAINING_PARTICIPANTS)
        )
        organisation = organisations[number % len(organisations)]
        Membership.objects.bulk_create(
            Membership(user=user, network=training, organisation=organisation) for user in users
        )
        Registration.objects.bulk_create(
            Registration(workshop=day, user=user, response="yes", attended=True) for day in days for user in users
        )


def add_sparring_days(total):
    """Sparring days up to `total`, five per accepted request, over three years, for the demo organisations."""
    from networks.models import Organisation
    from services.models import SparringDay, SparringRequest

    organisations = list(Organisation.objects.all())
    missing = total - SparringDay.objects.count()
    requests = SparringRequest.objects.bulk_create(
        SparringRequest(
            organisation=organisations[n % len(organisations)],
            unit="Perusturva",
            contact_name="Maija Meikäläinen",
            contact_email=f"sparraus{n}@bench.example",
            goals="Yhteinen toimintakulttuuri.",
            days_requested=5,
            days_granted=5,
            year=2023 + n % 3,
            status=SparringRequest.Status.ACCEPTED,
        )
        for n in range((missing + 4) // 5)
    )
    SparringDay.objects.bulk_create(
        SparringDay(
            request=requests[n // 5],
            date=date(requests[n // 5].year, 1 + n % 12, 1 + n % 28),
            participants=20,
            women=14,
            men=4,
            other_gender=n % 2,
            gender_untold=2 - n % 2,
            employees=12,
            supervisors=4,
            managers=3,
            report="Päivä pidettiin.",
        )
        for n in range(missing)
    )


def time_figures(rounds=15):
    """Median seconds and queries of computing the programme's figures and protecting them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from services.figures import service_figures
    from workshops.figures import programme_figures

    timings = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            figures = service_figures(programme_figures())
            figures.breakdowns  # noqa: B018 - the small-cell protection is the costly part
            timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(queries)


def main():
    with tempfile.TemporaryDirectory() as folder:
        setup_django(os.path.join(folder, "bench.sqlite3"))
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        from home.models import HomePage
        from networks.models import NetworkIndexPage

        add_trainings(NetworkIndexPage.objects.get(locale__language_code="fi"))
        staff = Client()
        staff.force_login(get_user_model().objects.get(email="ohjelmatoimisto@demo.verkostamo.fi"))
        home = HomePage.objects.get(locale__language_code="fi").url
        print(f"{'services figures':<18} {'days':>6} {'median ms':>10} {'queries':>8}")
        for size in SIZES:
            add_sparring_days(size)
            median, queries = time_figures()
            print(f"{'computed':<18} {size:>6} {median * 1000:>10.1f} {queries:>8}")
            for name, (client, url) in {
                "/luvut/": (staff, reverse("programme-figures")),
                "/luvut/ .xlsx": (staff, reverse("programme-figures-xlsx")),
                "front page": (Client(), home),
            }.items():
                median, _p95, queries = measure(client, url, rounds=10)
                print(f"{name:<18} {size:>6} {median * 1000:>10.1f} {queries:>8}")


if __name__ == "__main__":
    main()
