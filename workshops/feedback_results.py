"""Workshop feedback in figures: a workshop's results for its facilitators, and a network's running average
for its public page.

Nothing is shown while feedback is open — not even how many have answered, which would let anyone tell
one answer from consecutive results — and nothing from fewer than FEEDBACK_MIN_ANSWERS answers (`is_shown`
decides), so that no single answer can be told apart. Once feedback has closed no answer is added
(workshops.feedback), so shown results never change. The network's running average counts only workshops
whose own results are shown: otherwise the difference between the network's average and a shown
workshop's average would reveal the answers of a workshop that has too few to show. Every figure is
computed in the database, in a fixed number of queries whatever the number of answers.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Aggregate, Avg, Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import BarChart
from networks.models import NetworkPage

from .figures import Label
from .models import FEEDBACK_MIN_ANSWERS, Feedback, FeedbackClosure, WorkshopPage

GRADES = range(1, 6)

# The overall grade's scale, as the form and the results show it.
GRADE_LABELS: dict[int, Label] = {
    1: gettext_lazy("1 – heikko"),
    2: gettext_lazy("2 – välttävä"),
    3: gettext_lazy("3 – tyydyttävä"),
    4: gettext_lazy("4 – hyvä"),
    5: gettext_lazy("5 – erinomainen"),
}


def is_shown(closure: FeedbackClosure | None, count: int) -> bool:
    """May results computed from `count` answers be shown, feedback having closed (`closure`, a
    FeedbackClosure or None)? The same rule for everyone, facilitators too."""
    return closure is not None and count >= FEEDBACK_MIN_ANSWERS


def as_float(value: Decimal | float | None) -> float | None:
    """An average as a float (PostgreSQL gives a Decimal), or None when nothing was averaged."""
    return float(value) if value is not None else None


def format_average(value: float) -> str:
    """An average with one decimal in the reader's language: 4,6 in Finnish."""
    return number_format(value, decimal_pos=1)


@dataclass
class Question:
    """One question's results: the overall grade or one statement. `answered` leaves out "en osaa sanoa"
    (`dont_know`), and so does the average."""

    key: str
    label: str
    counts: dict[int, int]  # {grade: number of answers}
    average: float | None
    dont_know: int = 0
    chart: BarChart | None = field(default=None, repr=False)

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def average_display(self) -> str | None:
        return format_average(self.average) if self.average is not None else None


@dataclass
class FeedbackResults:
    """What every feedback's results hold (a workshop's, a sparring day's): `count` is None unless the results are
    shown; the comments are without names, in alphabetical order (`alphabetical`)."""

    count: int | None = None
    overall: Question | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.count is not None

    @property
    def min_answers(self) -> int:
        return FEEDBACK_MIN_ANSWERS


@dataclass
class WorkshopResults(FeedbackResults):
    """`closure` is None while feedback is open."""

    closure: FeedbackClosure | None = None
    statements: list[Question] = field(default_factory=list)


def scale_aggregates(key: str, dont_know: bool = False) -> dict[str, Aggregate]:
    """The aggregates of one 1–5 question `key`: `<key>_<grade>` counts, `<key>_average` and, for a statement,
    `<key>_dont_know` (the unanswered "en osaa sanoa")."""
    aggregates: dict[str, Aggregate] = {f"{key}_average": Avg(key)}
    if dont_know:
        aggregates[f"{key}_dont_know"] = Count("pk", filter=Q(**{f"{key}__isnull": True}))
    for grade in GRADES:
        aggregates[f"{key}_{grade}"] = Count("pk", filter=Q(**{key: grade}))
    return aggregates


def overall_question(figures: Mapping[str, int | float | Decimal | None]) -> Question:
    """The overall grade's results (from `scale_aggregates("overall")`), with its chart."""
    question = Question(
        key="overall",
        label=_("Kokonaisarvio"),
        counts={grade: int(figures[f"overall_{grade}"] or 0) for grade in GRADES},
        average=as_float(figures["overall_average"]),
    )
    question.chart = distribution_chart(
        question, GRADE_LABELS, _("Kokonaisarvioiden jakauma (1 = heikko, 5 = erinomainen)")
    )
    return question


def statement_question(figures: Mapping[str, int | float | Decimal | None], key: str, label: str) -> Question:
    """One agreement statement's results (from `scale_aggregates(key, dont_know=True)`), with its chart."""
    question = Question(
        key=key,
        label=label,
        counts={grade: int(figures[f"{key}_{grade}"] or 0) for grade in GRADES},
        average=as_float(figures[f"{key}_average"]),
        dont_know=int(figures[f"{key}_dont_know"] or 0),
    )
    question.chart = distribution_chart(
        question, dict(Feedback.Agreement.choices), _("Vastausten jakauma: %(statement)s") % {"statement": label}
    )
    return question


def alphabetical(comments: Iterable[str]) -> list[str]:
    """Free-text comments in an order that says nothing of who answered when (answers have no names)."""
    return sorted(comments, key=lambda comment: (comment.casefold(), comment))


def distribution_chart(question: Question, labels: Mapping[int, Label], title: str) -> BarChart:
    """The chart of how the answers to `question` fall on its scale (`labels`: {value: label}); also sparring
    feedback's (services.feedback_results)."""
    chart = BarChart(
        id=f"feedback-{question.key}".replace("_", "-"),
        title=title,
        value_heading=_("Vastauksia"),
        label_heading=_("Vastaus"),
    )
    for value, label in labels.items():
        chart.add(label, question.counts[value])
    return chart


def workshop_results(workshop: WorkshopPage, closure: FeedbackClosure | None) -> WorkshopResults:
    """The workshop's feedback results once it has closed (`closure`, a FeedbackClosure or None): one query
    for every count and average, one more for the free-text comments when the results are shown. While
    feedback is open, and below the threshold, nothing is filled in — not the number of answers either."""
    if closure is None:
        return WorkshopResults()
    aggregates: dict[str, Aggregate] = {"count": Count("pk"), **scale_aggregates("overall")}
    for key in Feedback.STATEMENTS:
        aggregates.update(scale_aggregates(key, dont_know=True))
    figures = Feedback.objects.filter(workshop=workshop).aggregate(**aggregates)

    if not is_shown(closure, figures["count"]):
        return WorkshopResults(closure=closure)
    comments = Feedback.objects.filter(workshop=workshop).exclude(comment="").values_list("comment", flat=True)
    return WorkshopResults(
        closure=closure,
        count=figures["count"],
        overall=overall_question(figures),
        statements=[statement_question(figures, key, str(label)) for key, label in Feedback.STATEMENTS.items()],
        comments=alphabetical(comments),
    )


@dataclass
class RunningAverage:
    count: int
    average: float

    @property
    def display(self) -> str:
        return format_average(self.average)


def network_running_average(network: NetworkPage) -> RunningAverage | None:
    """The average overall grade over the network's live workshops whose results are shown (feedback closed,
    at least FEEDBACK_MIN_ANSWERS answers), or None while there are none. One query."""
    workshops = (
        WorkshopPage.objects.live()
        .child_of(network)
        .filter(feedback_closure__isnull=False)
        .annotate(answers=Count("feedback"))
        .filter(answers__gte=FEEDBACK_MIN_ANSWERS)
        .values("pk")
    )
    figures = Feedback.objects.filter(workshop__in=workshops).aggregate(count=Count("pk"), average=Avg("overall"))
    if not figures["count"] or figures["average"] is None:
        return None
    return RunningAverage(count=figures["count"], average=float(figures["average"]))
