"""A sparring day's feedback in figures, for its coach and the programme office, by the rule of workshop
feedback (workshops.feedback_results): nothing while feedback is open — not even how many have answered —
and nothing from fewer than FEEDBACK_MIN_ANSWERS answers, so that no single answer can be told apart. No
answer is taken after closing (services.days), so shown results never change. Two queries at most.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Aggregate, Count

from workshops.feedback_results import (
    FeedbackResults,
    Question,
    alphabetical,
    overall_question,
    scale_aggregates,
    statement_question,
)
from workshops.models import FEEDBACK_MIN_ANSWERS

from .models import SparringDay, SparringFeedback


@dataclass
class DayResults(FeedbackResults):
    """`closed` is None while feedback is open."""

    closed: datetime | None = None
    useful: Question | None = None


def day_results(day: SparringDay, closed: datetime | None) -> DayResults:
    """The day's results once its feedback has closed (`closed`: when, or None): one query for the counts and
    averages, one more for the comments when the results are shown."""
    if closed is None:
        return DayResults()
    aggregates: dict[str, Aggregate] = {
        "count": Count("pk"),
        **scale_aggregates("overall"),
        **scale_aggregates("useful", dont_know=True),
    }
    figures = SparringFeedback.objects.filter(day=day).aggregate(**aggregates)
    if figures["count"] < FEEDBACK_MIN_ANSWERS:
        return DayResults(closed=closed)
    statement = str(SparringFeedback._meta.get_field("useful").verbose_name)
    comments = SparringFeedback.objects.filter(day=day).exclude(comment="").values_list("comment", flat=True)
    return DayResults(
        closed=closed,
        count=figures["count"],
        overall=overall_question(figures),
        useful=statement_question(figures, "useful", statement),
        comments=alphabetical(comments),
    )
