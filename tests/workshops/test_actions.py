"""The workshop actions on their own (workshops.answers, .registrations, .feedback): each refusal is an
ActionError with its code, and a refused action has changed nothing and queued nothing. The pages that
translate them are tested in test_tasks, test_rsvp, test_attendance and test_feedback."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from networks.access import network_access
from networks.models import Membership
from notices.models import Kind
from tests.conftest import refused
from tests.factories import make_membership, make_user, make_workshop
from tests.notices.helpers import never
from workshops import answers, feedback, registrations
from workshops.models import (
    Feedback,
    FeedbackClosure,
    FeedbackRespondent,
    Registration,
    Submission,
    Task,
    WorkshopPage,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("finnish")]


def make_task(workshop, **fields):
    fields = {"title": "Nykytilan kuvaus", "instructions": "Kuvatkaa nykytila.", **fields}
    return Task.objects.create(workshop=workshop, due=timezone.now() + timedelta(days=3), **fields)


def close(task):
    Task.objects.filter(pk=task.pk).update(due=timezone.now() - timedelta(hours=1))
    task.refresh_from_db()


def organisation_of(network, user):
    return Membership.objects.active().get(network=network, user=user).organisation


# ---------- Tasks and answers ----------


@pytest.fixture
def task(network_people):
    network, _other, people = network_people
    return network, make_task(make_workshop(network)), people


def test_an_answer_after_the_due_date_is_refused(task, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    network, task, people = task
    member = people["member"]
    close(task)
    upload = SimpleUploadedFile("liite.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    refused("task_closed", answers.check_can_answer, task, None)
    refused("task_closed", answers.save_answer, task, member, None, "Myöhässä", [upload])

    assert not Submission.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_shared_answer_needs_an_organisation(task):
    network, task, people = task
    Task.objects.filter(pk=task.pk).update(answered_by=Task.AnsweredBy.ORGANISATION)
    task.refresh_from_db()

    refused("no_organisation", answers.check_can_answer, task, None)
    refused("no_organisation", answers.save_answer, task, people["facilitator"], None, "Meidän vastaus", [])
    answers.check_can_answer(task, organisation_of(network, people["member"]))
    assert not Submission.objects.exists()


def test_an_answer_saved_meanwhile_is_not_overwritten(task):
    network, task, people = task
    first = answers.save_answer(task, people["member"], None, "Ensimmäinen", [])
    version = answers.version_of(first)
    answers.save_answer(task, people["member"], None, "Toisessa ikkunassa", [])

    refusal = refused("answer_changed", answers.save_answer, task, people["member"], None, "Vanha", [], version)

    assert refusal.submission.text == "Toisessa ikkunassa"
    assert Submission.objects.get().text == "Toisessa ikkunassa"


def test_a_file_is_not_removed_after_the_due_date(task, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    network, task, people = task
    upload = SimpleUploadedFile("liite.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    attachment = answers.save_answer(task, people["member"], None, "", [upload]).files.get()
    close(task)

    refused("task_closed", answers.delete_answer_file, attachment)

    assert Submission.objects.get().files.get() == attachment


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"answered_by": Task.AnsweredBy.ORGANISATION}, "answered_by_locked"),
        ({"answers_visible": True}, "visibility_locked"),
    ],
)
def test_answers_lock_who_answers_and_private_answers(task, change, code):
    network, task, people = task
    answers.check_task_change(task, change, answered=False)  # nothing to lock yet
    answers.save_answer(task, people["member"], None, "Vastaus", [])

    refusal = refused(code, answers.update_task, task, title="Uusi otsikko", **change)

    assert refusal.field == next(iter(change))
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.answered_by, stored.answers_visible) == ("Nykytilan kuvaus", "person", False)
    answers.update_task(Task.objects.get(pk=task.pk), title="Uusi otsikko")  # the rest may change


def test_a_reminder_is_refused_after_the_due_date_and_within_its_cooldown(task):
    network, task, people = task
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert answers.send_reminder(task, network) == (2, 2)
    reminded = Task.objects.get(pk=task.pk).reminded

    refused("rate_limited", answers.send_reminder, task, network)
    close(task)
    refused("task_closed", answers.send_reminder, task, network)
    assert Task.objects.get(pk=task.pk).reminded == reminded


def test_a_reminder_goes_only_to_people_who_hear_of_tasks(task, mailoutbox):
    network, task, people = task
    never(people["contact"], Kind.TASKS)
    never(people["member"], Kind.MENTION, Kind.REPLY, Kind.ROOM_MESSAGES)  # no discussion e-mail: tasks still come
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert answers.send_reminder(task, network) == (2, 1)
    assert [message.to for message in mailoutbox] == [[people["member"].email]]


# ---------- Coming or not, and attendance ----------


@pytest.fixture
def upcoming(network_people):
    network, _other, people = network_people
    return network, make_workshop(network, capacity=5), people


def test_an_unknown_answer_is_refused(upcoming):
    network, workshop, people = upcoming
    refused("invalid_response", registrations.respond, workshop, people["member"], "perhaps")
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("fields", "code"), [({"cancelled": True}, "workshop_cancelled"), ({"days_from_now": -1}, "workshop_started")]
)
def test_answers_close_when_the_workshop_is_cancelled_or_starts(network_people, fields, code):
    network, _other, people = network_people
    workshop = make_workshop(network, **fields)

    assert registrations.answers_refusal(workshop).code == code
    refused(code, registrations.respond, workshop, people["member"], "yes")
    assert not Registration.objects.exists()


def test_attendance_opens_when_the_workshop_starts(upcoming):
    network, workshop, people = upcoming
    member = people["member"].pk
    refused("workshop_not_started", registrations.mark_attendance, workshop, network, [member], [member])

    cancelled = make_workshop(network, days_from_now=-1, cancelled=True)
    refused("workshop_cancelled", registrations.mark_attendance, cancelled, network, [member], [member])
    assert not Registration.objects.exists()


def test_attendance_is_marked_for_the_networks_members_only(network_people):
    network, other, people = network_people
    workshop = make_workshop(network, days_from_now=-1)
    member, outsider, other_member = people["member"].pk, people["outsider"].pk, people["other_member"].pk
    former = make_membership(network, make_user())
    former.left = timezone.localdate()
    former.save()

    marked = registrations.mark_attendance(
        workshop, network, [member, people["contact"].pk, outsider], [member, other_member, former.user_id]
    )

    assert (marked.attended, marked.listed, marked.skipped) == (1, 2, 3)
    assert dict(Registration.objects.values_list("user_id", "attended")) == {member: True, people["contact"].pk: False}
    assert registrations.attendance_refusal(workshop) is None


# ---------- Feedback ----------


@pytest.fixture
def held(network_people):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-1)
    Registration.objects.create(workshop=workshop, user=people["member"], attended=True)
    return network, workshop, people


def check(network, workshop, user):
    return feedback.check_can_answer(network_access(user, network), feedback.feedback_state(workshop, user))


ANSWER = {"overall": 4}


@pytest.mark.parametrize(
    ("role", "code"), [("staff", "not_member"), ("facilitator", "facilitator"), ("contact", "not_attended")]
)
def test_only_attendees_who_are_not_facilitators_give_feedback(held, role, code):
    network, workshop, people = held
    refused(code, check, network, workshop, people[role])
    check(network, workshop, people["member"])


def cancel(workshop):
    WorkshopPage.objects.filter(pk=workshop.pk).update(cancelled=True)


def postpone(workshop):
    tomorrow = timezone.now() + timedelta(days=1)
    WorkshopPage.objects.filter(pk=workshop.pk).update(start=tomorrow, end=tomorrow + timedelta(hours=4))


def close_feedback(workshop):
    FeedbackClosure.objects.create(workshop=workshop, closed=timezone.now())


@pytest.mark.parametrize(
    ("change", "code"),
    [(cancel, "workshop_cancelled"), (postpone, "workshop_not_started"), (close_feedback, "feedback_closed")],
)
def test_feedback_is_given_while_it_is_open(held, change, code):
    network, workshop, people = held
    change(workshop)
    workshop.refresh_from_db()

    refused(code, check, network, workshop, people["member"])
    refused(code, feedback.give_feedback, workshop, people["member"], ANSWER)
    assert not Feedback.objects.exists() and not FeedbackRespondent.objects.exists()


def test_feedback_is_given_once(held):
    network, workshop, people = held
    feedback.give_feedback(workshop, people["member"], ANSWER)

    refused("already_answered", feedback.give_feedback, workshop, people["member"], {"overall": 1})

    assert list(Feedback.objects.values_list("overall", flat=True)) == [4]
    check(network, workshop, people["member"])  # the page thanks them


def test_feedback_is_closed_only_once_the_workshop_has_started(upcoming):
    network, workshop, people = upcoming
    refused("workshop_not_started", feedback.close_feedback, workshop, people["facilitator"])
    cancelled = make_workshop(network, days_from_now=-1, cancelled=True)
    refused("workshop_cancelled", feedback.close_feedback, cancelled, people["facilitator"])
    assert not FeedbackClosure.objects.exists()


def test_expected_respondents_follow_the_rule(held):
    network, workshop, people = held
    Registration.objects.create(workshop=workshop, user=people["facilitator"], attended=True)
    Registration.objects.create(workshop=workshop, user=people["contact"], attended=True)
    FeedbackRespondent.objects.create(workshop=workshop, user=people["contact"])
    assert list(feedback.expected_respondents(workshop, network)) == [people["member"]]
