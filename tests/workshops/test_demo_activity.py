"""The demo networks look alive on `make run`: materials, tasks, answers, registrations, attendance and
feedback come with the demo accounts, and loading again writes nothing."""

import pytest
from django.utils import timezone

from core.demo import load_demo_content
from networks.models import NetworkPage
from workshops.feedback_results import network_running_average
from workshops.models import (
    FEEDBACK_MIN_ANSWERS,
    Feedback,
    FeedbackClosure,
    FeedbackRespondent,
    Registration,
    Submission,
    Task,
    WorkshopPage,
)

pytestmark = pytest.mark.django_db

DEMO_NETWORKS = ("latu", "perheystavalliset-kuntatyopaikat")


def counts():
    models = (Task, Submission, Registration, Feedback, FeedbackRespondent, FeedbackClosure)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo_content(users=True)


def test_the_demo_networks_have_the_whole_rhythm(demo):
    for slug in DEMO_NETWORKS:
        assert_alive(NetworkPage.objects.get(locale__language_code="fi", slug=slug))

    waitlisted = Registration.objects.filter(waitlisted=True).select_related("workshop")
    assert waitlisted.exists(), "a full workshop shows its waiting list"
    workshop = waitlisted.first().workshop
    assert Registration.objects.filter(workshop=workshop, response="yes", waitlisted=False).count() == workshop.capacity
    # Nobody answered in the future: someone trying the demo joins the end of the line.
    assert not Registration.objects.filter(responded__gt=timezone.now()).exists()


def assert_alive(network):
    workshops = WorkshopPage.objects.child_of(network)
    assert Task.objects.filter(workshop__in=workshops, kind=Task.Kind.PRE).exists()
    assert Task.objects.filter(workshop__in=workshops, kind=Task.Kind.INTER).exists()
    assert Submission.objects.filter(task__workshop__in=workshops).count() >= 5
    assert Registration.objects.filter(workshop__in=workshops, attended=True).count() >= 15
    assert Feedback.objects.filter(workshop__in=workshops).count() >= FEEDBACK_MIN_ANSWERS
    # Each answer's author is recorded apart, and every one of them attended; held workshops have closed.
    respondents = set(FeedbackRespondent.objects.filter(workshop__in=workshops).values_list("workshop", "user"))
    attendees = set(Registration.objects.filter(workshop__in=workshops, attended=True).values_list("workshop", "user"))
    assert len(respondents) == Feedback.objects.filter(workshop__in=workshops).count()
    assert respondents <= attendees
    assert network_running_average(network) is not None
    materials = [block for workshop in workshops for block in workshop.members_content]
    documents = [block.value for block in materials if block.block_type == "document"]
    assert documents and all(document.collection_id == network.collection_id for document in documents)


def test_loading_the_activity_again_writes_nothing(demo):
    before = counts()
    report = load_demo_content(users=True)
    assert counts() == before
    assert report.total("created") == 0 and report.total("updated") == 0
