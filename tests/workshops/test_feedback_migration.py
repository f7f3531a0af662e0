"""The migration that separates feedback from its authors (workshops 0004): who answered becomes a
FeedbackRespondent row, the answers keep their content and lose their author and time, and going back keeps
the answers without authors."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import build_site, make_network, make_user, make_workshop
from workshops.models import Feedback, FeedbackRespondent

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("workshops", "0003_rhythm")]
AFTER = [("workshops", "0004_anonymous_feedback")]
CONTENT = (
    "workshop_id",
    "overall",
    "met_expectations",
    "useful_for_work",
    "learned_from_others",
    "will_apply",
    "comment",
)


def migrate(targets):
    """Migrates the database to `targets` (None: the latest) and returns the models as they are there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def columns(table):
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


@pytest.fixture
def before_the_migration():
    """A database at workshops 0003 with answers that name their authors; back at the latest afterwards."""
    _home, index = build_site()
    network = make_network(index)
    first, second = make_workshop(network, days_from_now=-9), make_workshop(network, days_from_now=-2)
    anna, ben, cecilia = make_user("anna@example.fi"), make_user("ben@example.fi"), make_user("cecilia@example.fi")
    old_apps = migrate(BEFORE)
    OldFeedback = old_apps.get_model("workshops", "Feedback")  # noqa: N806
    assert {"user_id", "created"} <= columns("workshops_feedback")
    answers = [
        {"workshop_id": first.pk, "user_id": anna.pk, "overall": 5, "met_expectations": 4, "comment": "Hyvä"},
        {"workshop_id": first.pk, "user_id": ben.pk, "overall": 3, "useful_for_work": 2, "comment": ""},
        {"workshop_id": second.pk, "user_id": anna.pk, "overall": 4, "will_apply": 5, "comment": "Kiitos"},
        {"workshop_id": second.pk, "user_id": None, "overall": 2, "learned_from_others": 1, "comment": "Poistettu"},
    ]
    for answer in answers:
        OldFeedback.objects.create(**answer)
    yield {"answers": answers, "first": first, "second": second, "people": (anna, ben, cecilia)}
    migrate(None)


def content_of(rows):
    return sorted(tuple(row.get(name) for name in CONTENT) for row in rows)


def test_the_migration_records_who_answered_apart_and_keeps_the_answers_without_them(before_the_migration):
    answers = before_the_migration["answers"]
    first, second = before_the_migration["first"], before_the_migration["second"]
    anna, ben, _cecilia = before_the_migration["people"]

    migrate(AFTER)

    assert columns("workshops_feedback") == {"id", *CONTENT}
    assert set(FeedbackRespondent.objects.values_list("workshop_id", "user_id")) == {
        (first.pk, anna.pk),
        (first.pk, ben.pk),
        (second.pk, anna.pk),
    }
    assert content_of(Feedback.objects.values(*CONTENT)) == content_of(answers)
    assert all(isinstance(pk, uuid.UUID) for pk in Feedback.objects.values_list("pk", flat=True))
    assert FeedbackRespondent.objects.count() == 3, "an answer whose author was deleted has no respondent"


def test_going_back_keeps_the_answers_without_their_authors(before_the_migration):
    answers = before_the_migration["answers"]
    migrate(AFTER)

    old_apps = migrate(BEFORE)

    OldFeedback = old_apps.get_model("workshops", "Feedback")  # noqa: N806
    assert content_of(OldFeedback.objects.values(*CONTENT)) == content_of(answers)
    assert not OldFeedback.objects.filter(user__isnull=False).exists()
