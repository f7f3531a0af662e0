"""The workshops of a network in its member space: the series and one workshop's page, who gets in, what
they show, and their query counts as the network grows."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from discussions.models import Room
from networks.actions import request_to_join
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_network, make_organisation, make_user, make_workshop
from workshops.models import Feedback, FeedbackRespondent, Registration, Submission, Task

# Queries pinned at both data sizes (tests.conftest.assert_queries).
# the dashboard (with whether the network is muted), the workshops, a past and an upcoming workshop
QUERIES = [18, 16, 19, 19]


MEMBERS = {"member", "contact", "facilitator", "staff"}


def make_task(workshop, **fields):
    fields.setdefault("title", "Ennakkotehtävä")
    fields.setdefault("instructions", "Kuvatkaa prosessi.")
    fields.setdefault("due", workshop.start - timedelta(days=1))
    return Task.objects.create(workshop=workshop, **fields)


def urls(network, workshop):
    return {
        "space-workshops": reverse("space-workshops", args=[network.slug]),
        "space-workshop": reverse("space-workshop", args=[network.slug, workshop.pk]),
    }


@pytest.mark.parametrize("view", ["space-workshops", "space-workshop"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, network_people, role, view):
    network, _other, people = network_people
    url = urls(network, make_workshop(network))[view]

    response = client_for(client, people[role]).get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    elif role in MEMBERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
    assert client.post(url).status_code in {302, 403, 405}


def test_a_workshop_of_another_network_or_a_draft_is_not_found(client, network_people):
    network, other_network, people = network_people
    client_for(client, people["staff"])
    elsewhere = make_workshop(other_network)
    draft = make_workshop(network)
    draft.unpublish()
    for workshop in (elsewhere, draft):
        assert client.get(reverse("space-workshop", args=[network.slug, workshop.pk])).status_code == 404


def test_the_list_shows_upcoming_and_past_workshops_with_my_answer_and_tasks(client, network_people):
    network, _other, people = network_people
    upcoming = make_workshop(network, days_from_now=10, title="Pilotit käyntiin")
    past = make_workshop(network, days_from_now=-30, title="Aloitustyöpaja")
    open_task = make_task(upcoming, title="Pilotin kuvaus", due=timezone.now() + timedelta(days=3))
    make_task(past, title="Ideointikierros", kind=Task.Kind.INTER, due=timezone.now() - timedelta(days=2))
    Registration.objects.create(workshop=upcoming, user=people["member"], response="yes")
    Submission.objects.create(task=open_task, user=people["member"], text="Kotihoito")

    response = client_for(client, people["member"]).get(reverse("space-workshops", args=[network.slug]))

    assert [row.workshop.pk for row in response.context["upcoming"]] == [upcoming.pk]
    assert [row.workshop.pk for row in response.context["past"]] == [past.pk]
    row = response.context["upcoming"][0]
    assert row.registration.response == "yes"
    assert [task.answered for task in row.tasks] == [True]
    assert [task.answered for task in response.context["past"][0].tasks] == [False]
    page = response.content.decode()
    assert "Pilotin kuvaus" in page and "vastattu" in page and "palautusaika päättyi" in page


def test_an_organisation_answer_counts_for_everyone_in_it(client, network_people):
    network, _other, people = network_people
    workshop = make_workshop(network)
    task = make_task(workshop, answered_by=Task.AnsweredBy.ORGANISATION, due=timezone.now() + timedelta(days=1))
    contact_membership = people["contact"].memberships.get(network=network)
    Submission.objects.create(task=task, user=people["contact"], organisation=contact_membership.organisation)

    response = client_for(client, people["member"]).get(reverse("space-workshops", args=[network.slug]))

    assert response.context["upcoming"][0].tasks[0].answered


def test_the_workshop_page_shows_materials_notes_and_the_room(client, network_people):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-1)
    workshop.members_content = [("paragraph", "<p>Alustuksen kalvot</p>")]
    workshop.facilitator_notes = [("paragraph", "<p>Sovittiin kokeiluista</p>")]
    workshop.save_revision().publish()

    response = client_for(client, people["member"]).get(reverse("space-workshop", args=[network.slug, workshop.pk]))

    page = response.content.decode()
    assert "Alustuksen kalvot" in page and "Sovittiin kokeiluista" in page
    room = Room.objects.get(workshop=workshop)
    assert reverse("discussion-room", args=[network.slug, room.pk]) in page
    assert reverse("workshop-calendar", args=[network.slug, workshop.pk]) in page
    assert "Fasilitaattorin työkalut" not in page
    facilitator_page = client_for(client, people["facilitator"]).get(
        reverse("space-workshop", args=[network.slug, workshop.pk])
    )
    assert "Fasilitaattorin työkalut" in facilitator_page.content.decode()


def test_the_dashboard_counts_down_to_the_next_workshop_and_open_tasks(client, network_people):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=5)
    make_task(workshop, title="Pilotin kuvaus", due=timezone.now() + timedelta(days=2, hours=1))
    make_task(workshop, title="Vanha tehtävä", due=timezone.now() - timedelta(days=2))

    response = client_for(client, people["member"]).get(reverse("space", args=[network.slug]))

    assert [task.title for task in response.context["open_tasks"]] == ["Pilotin kuvaus"]
    page = response.content.decode().replace("\xa0", " ")  # timeuntil keeps "2 päivää" on one line
    assert "aikaa 2 päivää" in page
    assert "Alkuun 4 päivää" in page or "Alkuun 5 päivää" in page
    assert "Et ole vielä kertonut, tuletko." in page


def test_facilitators_are_not_asked_whether_they_come(client, network_people):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=5)
    task = make_task(workshop, title="Pilotin kuvaus")
    Registration.objects.create(workshop=workshop, user=people["member"], response="yes")
    Submission.objects.create(task=task, user=people["member"], text="Vastaus")
    rsvp = reverse("workshop-rsvp", args=[network.slug, workshop.pk])
    attendance = reverse("workshop-attendance", args=[network.slug, workshop.pk])
    answers = reverse("task-answers", args=[network.slug, task.pk])
    pages = [reverse("space", args=[network.slug]), *urls(network, workshop).values()]

    for role in ("facilitator", "staff"):
        dashboard, workshops, page = (client_for(client, people[role]).get(target).content.decode() for target in pages)
        for content in (dashboard, workshops, page):
            assert "Et ole vielä kertonut, tuletko." not in content, role
            assert "Ei vielä vastattu" not in content, role
        assert f'action="{rsvp}"' not in page and "Tuletko työpajaan?" not in page
        assert "Ei vastannut" in page and attendance in page  # the contact has not answered
        assert "1 ei ole vastannut" in dashboard and "Tulossa 1 jäsen" in dashboard
        assert attendance in dashboard and answers in dashboard and "1 vastaus" in dashboard

    member_pages = [client_for(client, people["contact"]).get(target).content.decode() for target in pages]
    assert all("Et ole vielä kertonut, tuletko." in content for content in member_pages)
    assert f'action="{rsvp}"' in member_pages[2] and attendance not in member_pages[2]


def test_the_join_requests_panel_is_a_notice_only_when_requests_wait(client, network_people):
    network, _other, people = network_people
    client_for(client, people["facilitator"])
    dashboard = reverse("space", args=[network.slug])

    content = client.get(dashboard).content.decode()
    assert "space-panel--notice" not in content
    assert "Käsittelyä odottavia liittymispyyntöjä ei ole." in content

    request_to_join(network, make_user(), make_organisation(), "Mukaan!")
    content = client.get(dashboard).content.decode()
    assert "space-panel--notice" in content and "1 liittymispyyntö odottaa käsittelyä." in content


def grow(network, workshops, size):
    """`size` more members, each with a registration, an answer and feedback for every workshop."""
    organisation = make_organisation()
    for _ in range(size):
        user = make_membership(network, make_user(), "member", organisation).user
        for workshop in workshops:
            Registration.objects.create(workshop=workshop, user=user, response="yes", attended=True)
            FeedbackRespondent.objects.create(workshop=workshop, user=user)
            Feedback.objects.create(workshop=workshop, overall=4)
            for task in workshop.tasks.all():
                Submission.objects.create(task=task, user=user, text="Vastaus")


def test_query_counts_do_not_grow_with_the_network(client, site_tree):
    _home, index = site_tree
    network = make_network(index, "Kasvava verkosto")
    member = make_membership(network, make_user(), "member", make_organisation()).user
    workshops = [make_workshop(network, days_from_now=days) for days in (-20, 10)]
    for workshop in workshops:
        make_task(workshop)
    client_for(client, member)
    pages = [
        reverse("space", args=[network.slug]),
        reverse("space-workshops", args=[network.slug]),
        reverse("space-workshop", args=[network.slug, workshops[0].pk]),
        reverse("space-workshop", args=[network.slug, workshops[1].pk]),
    ]
    grow(network, workshops, 2)
    small = [queries_for(client, url) for url in pages]
    more = [make_workshop(network, days_from_now=days) for days in (-40, 30, 60)]
    for workshop in more:
        make_task(workshop)
    grow(network, workshops + more, 25)
    assert_queries(QUERIES, small=small, large=[queries_for(client, url) for url in pages])
