"""Drafts of task answers (`…/tehtavat/<id>/luonnos/`): who may keep one (the permission matrix, GET and POST),
the size limit, the draft back in the task page's form, deleted when the answer is saved, private to its author,
pruned after 30 days, exported with the person's data and deleted with the account; the endpoint's queries."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.data import delete_account
from tests.conftest import ROLES, assert_queries, client_for
from tests.factories import make_membership, make_user, make_workshop
from tests.workshops.test_tasks import close, make_task
from workshops import answers
from workshops.models import AnswerDraft, Task

pytestmark = pytest.mark.django_db

# Queries pinned at both data sizes (tests.conftest.assert_queries): the session, the person, the network, the
# membership, the task; then the draft (GET: one read; POST: the person's answer, then the draft's update_or_create
# in a savepoint).
DRAFT_QUERIES = {"GET": 7, "POST": 11}

MAY_ANSWER = ("member", "contact", "facilitator", "staff")


@pytest.fixture
def setup(network_people):
    network, other, people = network_people
    workshop = make_workshop(network)
    return network, workshop, make_task(workshop), people


def draft_url(network, task):
    return reverse("task-draft", args=[network.slug, task.pk])


def drafts():
    return {(draft.user_id, draft.task_id): draft.text for draft in AnswerDraft.objects.all()}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_keep_a_draft(client, setup, role, method):
    network, _workshop, task, people = setup
    user = people[role]
    client_for(client, user)
    target = draft_url(network, task)
    if method == "POST":
        response = client.post(target, {"text": f"Luonnos: {role}"})
    else:
        response = client.get(target)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in ("outsider", "other_member"):
        assert response.status_code == 403
        assert "networks/space/not_member.html" in [template.name for template in response.templates]
    else:
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        body = response.json()
        assert body["text"] == (f"Luonnos: {role}" if method == "POST" else "")
    expected = {(user.pk, task.pk): f"Luonnos: {role}"} if method == "POST" and role in MAY_ANSWER else {}
    assert drafts() == expected


def test_a_task_of_another_network_is_not_found(client, setup, network_people):
    network, _workshop, _task, people = setup
    _network, other_network, _people = network_people
    other_task = make_task(make_workshop(other_network))
    client_for(client, people["member"])
    assert client.post(draft_url(network, other_task), {"text": "Väärä verkosto"}).status_code == 404
    assert client.get(draft_url(network, other_task)).status_code == 404
    assert drafts() == {}


def test_a_draft_comes_back_to_its_author_only(client, setup):
    network, _workshop, task, people = setup
    client_for(client, people["member"])
    saved = client.post(draft_url(network, task), {"text": "Ensimmäinen ajatus"}).json()
    assert saved["text"] == "Ensimmäinen ajatus" and saved["updated"]
    assert client.get(draft_url(network, task)).json()["text"] == "Ensimmäinen ajatus"
    page = client.get(reverse("task", args=[network.slug, task.pk]))
    assert page.context["form"]["text"].value() == "Ensimmäinen ajatus"
    assert "Kentässä on luonnoksesi" in page.content.decode()
    assert 'data-answer-draft="' + draft_url(network, task) + '"' in page.content.decode()
    for role in ("contact", "facilitator", "staff"):
        client_for(client, people[role])
        assert client.get(draft_url(network, task)).json() == {"text": "", "updated": None}, role
        content = client.get(reverse("task", args=[network.slug, task.pk])).content.decode()
        assert "Ensimmäinen ajatus" not in content, role
        assert "Kentässä on luonnoksesi" not in content, role
    client_for(client, people["member"])
    assert client.post(draft_url(network, task), {"text": " \n"}).json() == {"text": "", "updated": None}
    assert drafts() == {}, "an empty box deletes the draft"


def test_a_shared_tasks_draft_is_the_persons_own_not_the_organisations(client, setup):
    network, workshop, _task, people = setup
    task = make_task(workshop, answered_by=Task.AnsweredBy.ORGANISATION)
    client_for(client, people["member"]).post(draft_url(network, task), {"text": "Jäsenen luonnos"})
    page = client_for(client, people["contact"]).get(reverse("task", args=[network.slug, task.pk]))
    assert page.context["form"]["text"].value() == ""
    response = client.post(draft_url(network, task), {"text": "Yhteyshenkilön luonnos"})
    assert response.status_code == 200
    assert drafts() == {
        (people["member"].pk, task.pk): "Jäsenen luonnos",
        (people["contact"].pk, task.pk): "Yhteyshenkilön luonnos",
    }


@pytest.mark.parametrize("role", ["facilitator", "staff"])
def test_no_draft_of_a_shared_task_without_an_organisation(client, setup, role):
    network, workshop, _task, people = setup
    task = make_task(workshop, answered_by=Task.AnsweredBy.ORGANISATION)
    client_for(client, people[role])
    for response in (
        client.post(draft_url(network, task), {"text": "Ilman organisaatiota"}),
        client.get(draft_url(network, task)),
    ):
        assert response.status_code == 403
        assert response.json()["error"] == "no_organisation"
    assert drafts() == {}


def test_no_draft_after_the_due_date(client, setup):
    network, _workshop, task, people = setup
    client_for(client, people["member"]).post(draft_url(network, task), {"text": "Ennen määräaikaa"})
    close(task)
    response = client.post(draft_url(network, task), {"text": "Liian myöhään"})
    assert response.status_code == 403
    assert response.json() == {"error": "task_closed", "detail": str(answers.TaskClosed.message)}
    assert client.get(draft_url(network, task)).status_code == 403
    assert drafts() == {(people["member"].pk, task.pk): "Ennen määräaikaa"}, "nothing changed"


def test_a_draft_over_the_answers_size_limit_is_refused(client, setup):
    network, _workshop, task, people = setup
    client_for(client, people["member"])
    response = client.post(draft_url(network, task), {"text": "x" * 20_001})
    assert response.status_code == 400
    assert response.json()["error"] == "too_long"
    assert "20" in response.json()["detail"] and "merkkiä" in response.json()["detail"]
    assert client.post(draft_url(network, task), {}).status_code == 400, "no text at all"
    assert drafts() == {}
    assert client.post(draft_url(network, task), {"text": "x" * 20_000}).status_code == 200


def test_saving_the_answer_deletes_the_authors_draft_only(client, setup):
    network, workshop, _task, people = setup
    task = make_task(workshop, answered_by=Task.AnsweredBy.ORGANISATION)
    client_for(client, people["contact"]).post(draft_url(network, task), {"text": "Yhteyshenkilön kesken"})
    client_for(client, people["member"]).post(draft_url(network, task), {"text": "Valmis vastaus"})
    response = client.post(reverse("task", args=[network.slug, task.pk]), {"text": "Valmis vastaus", "version": ""})
    assert response.status_code == 302
    assert drafts() == {(people["contact"].pk, task.pk): "Yhteyshenkilön kesken"}
    page = client.get(reverse("task", args=[network.slug, task.pk]))
    assert page.context["form"]["text"].value() == "Valmis vastaus", "the answer itself, no draft"


def test_a_draft_that_arrives_after_its_answer_is_no_draft(client, setup):
    """The box lost focus to the form's button: its last save may arrive after the answer it was typed for."""
    network, _workshop, task, people = setup
    client_for(client, people["member"])
    client.post(reverse("task", args=[network.slug, task.pk]), {"text": "Valmis", "version": ""})
    assert client.post(draft_url(network, task), {"text": "Valmis"}).json() == {"text": "", "updated": None}
    assert drafts() == {}
    assert client.post(draft_url(network, task), {"text": "Valmis, ja jatkan"}).status_code == 200
    assert drafts() == {(people["member"].pk, task.pk): "Valmis, ja jatkan"}


def test_a_refused_answer_keeps_the_draft(client, setup):
    network, _workshop, task, people = setup
    client_for(client, people["member"]).post(draft_url(network, task), {"text": "Kesken"})
    response = client.post(reverse("task", args=[network.slug, task.pk]), {"text": "x" * 20_001, "version": ""})
    assert response.status_code == 400
    assert drafts() == {(people["member"].pk, task.pk): "Kesken"}


def test_answer_drafts_untouched_for_thirty_days_are_pruned(setup):
    _network, workshop, task, people = setup
    other_task = make_task(workshop, title="Toinen")
    for user, on, days in (
        (people["member"], task, 31),
        (people["contact"], task, 29),
        (people["member"], other_task, 40),
    ):
        answers.save_answer_draft(on, user, None, f"{days} päivää")
        AnswerDraft.objects.filter(task=on, user=user).update(updated=timezone.now() - timedelta(days=days))
    output = StringIO()
    call_command("prune_drafts", stdout=output)
    assert "2 of task answers" in output.getvalue()
    assert drafts() == {(people["contact"].pk, task.pk): "29 päivää"}
    assert answers.prune_answer_drafts() == 0


def test_answer_drafts_are_in_the_persons_data_export_and_go_with_the_account(client, setup):
    network, workshop, task, people = setup
    answers.save_answer_draft(task, people["member"], None, "Oma kesken")
    answers.save_answer_draft(task, people["contact"], None, "Toisen kesken")
    data = json.loads(client_for(client, people["member"]).get("/tili/omat-tiedot/").content)
    assert [(d["workshop"], d["task"], d["text"]) for d in data["workshop_answer_drafts"]] == [
        (workshop.title, task.title, "Oma kesken")
    ]
    delete_account(people["member"])
    assert drafts() == {(people["contact"].pk, task.pk): "Toisen kesken"}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_draft_endpoint_runs_the_same_queries_as_drafts_and_answers_grow(client, setup, method):
    network, _workshop, task, people = setup
    client_for(client, people["member"])
    target = draft_url(network, task)
    client.post(target, {"text": "Lämmittely"})  # the person's draft exists: the usual case while typing

    def measure(n):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(target, {"text": f"Kesken {n}"}) if method == "POST" else client.get(target)
        assert response.status_code == 200
        return len(queries)

    small = measure(1)
    for n in range(30):
        user = make_membership(network, make_user()).user
        answers.save_answer_draft(task, user, None, f"Toisen luonnos {n}")
        if n % 2:
            answers.save_answer(task, user, None, f"Vastaus {n}", [])
    large = measure(2)
    assert_queries(DRAFT_QUERIES[method], small=small, large=large)
