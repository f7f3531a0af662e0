"""A sparring day's feedback in figures, for its coach and the programme office, by the rule of workshop
feedback (workshops.feedback_results): nothing while feedback is open — not even how many have answered —
and nothing from fewer than FEEDBACK_MIN_ANSWERS answers, so that no single answer can be told apart. No
answer is taken after closing (services.days), so shown results never change. Two queries at most.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Aggregate, Avg, Count, Q
from django.utils.translation import gettext as _

from workshops.feedback_results import GRADE_LABELS, GRADES, Question, as_float, distribution_chart
from workshops.models import FEEDBACK_MIN_ANSWERS, Feedback

from .models import SparringDay, SparringFeedback


@dataclass
class DayResults:
    """`closed` is None while feedback is open; `count` is None unless the results are shown."""

    closed: datetime | None = None
    count: int | None = None
    overall: Question | None = None
    useful: Question | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.count is not None

    @property
    def min_answers(self) -> int:
        return FEEDBACK_MIN_ANSWERS


def day_results(day: SparringDay, closed: datetime | None) -> DayResults:
    """The day's results once its feedback has closed (`closed`: when, or None): one query for the counts and
    averages, one more for the comments when the results are shown."""
    if closed is None:
        return DayResults()
    aggregates: dict[str, Aggregate] = {
        "count": Count("pk"),
        "overall_average": Avg("overall"),
        "useful_average": Avg("useful"),
        "useful_dont_know": Count("pk", filter=Q(useful__isnull=True)),
    }
    for grade in GRADES:
        aggregates[f"overall_{grade}"] = Count("pk", filter=Q(overall=grade))
        aggregates[f"useful_{grade}"] = Count("pk", filter=Q(useful=grade))
    figures = SparringFeedback.objects.filter(day=day).aggregate(**aggregates)
    if figures["count"] < FEEDBACK_MIN_ANSWERS:
        return DayResults(closed=closed)

    overall = Question(
        key="overall",
        label=_("Kokonaisarvio"),
        counts={grade: figures[f"overall_{grade}"] for grade in GRADES},
        average=as_float(figures["overall_average"]),
    )
    overall.chart = distribution_chart(
        overall, GRADE_LABELS, _("Kokonaisarvioiden jakauma (1 = heikko, 5 = erinomainen)")
    )
    statement = str(SparringFeedback._meta.get_field("useful").verbose_name)
    useful = Question(
        key="useful",
        label=statement,
        counts={grade: figures[f"useful_{grade}"] for grade in GRADES},
        average=as_float(figures["useful_average"]),
        dont_know=figures["useful_dont_know"],
    )
    useful.chart = distribution_chart(
        useful, dict(Feedback.Agreement.choices), _("Vastausten jakauma: %(statement)s") % {"statement": statement}
    )
    # Without names (answers have none), in an order that says nothing of who answered when: alphabetical.
    comments = SparringFeedback.objects.filter(day=day).exclude(comment="").values_list("comment", flat=True)
    return DayResults(
        closed=closed,
        count=figures["count"],
        overall=overall,
        useful=useful,
        comments=sorted(comments, key=lambda comment: (comment.casefold(), comment)),
    )
