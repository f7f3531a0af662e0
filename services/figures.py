"""The programme's figures per service and per year (docs/services.md, "Luvut"): the networks, the internal
developers' trainings and sparring, each year and in all, as the programme reports them to the ESR — days
delivered, organisations, participants, women %, employees-and-supervisors % and managers % — and the key
figures of the front page.

How they are counted:

- A year is the calendar year in Helsinki of the workshop's start or of the sparring day's date.
- "Verkostot" are the programme's networks of the kinds development and learning, "Koulutukset" its trainings
  (NetworkPage.Kind.TRAINING): their participants are people marked attended at their live workshops, each
  counted once in a row however many workshops they attended, with their organisation, gender and role as
  workshops.figures counts them. A person who attended in two years is in both years' rows and once in the
  total; one who attended a network and a training is in both services and once in the programme's total.
- "Sparraus" counts the sparring days the coaches logged. Their participants are headcounts (most have no
  account), summed over the days: the same people on two days are counted twice. The headcounts by gender
  give women, men and other; those who did not tell are the rest of the participants (the day log makes
  the categories add up). The role counts give employees, supervisors and managers; the rest of the
  participants are "role unknown". Its organisations are the distinct organisations of the requests that
  have a day logged.
- "Sparraus + koulutus" is the two together, as the programme's ESR statistics reported them, and
  "Kaikki palvelut" all three: the workshop participants counted once plus the sparring headcounts, the
  organisations of any of them counted once.
- Days delivered: the sparring days logged; the trainings' held workshops (a two-day training is two
  workshops); the networks' held workshops (ended, not cancelled). The totals add them up.
- The gender and role breakdown (women %, employees-and-supervisors %, managers %) is given for each service
  over all the years and for the whole programme each year; each service in each year has its days,
  organisations and participants. A breakdown of every service in every year would be a grid whose rows and
  columns both add up: a small count in one cell (three managers in a year's trainings) could then be
  worked out from its row or its column, and hiding enough to stop that hides most of the grid.
- Small counts are hidden (workshops.disclosure) together with the programme's figures on the same page
  (workshops.figures.ProgrammeFigures): their hidden counts are settled there (the networks' own pages show
  them), and the counts of these rows are hidden around them. The links a reader knows: the services add
  up to the whole programme (networks + trainings + sparring, networks + sparring-and-training), sparring and
  training to "Sparraus + koulutus", the years to the whole, the networks and trainings to the programme's
  workshop figures, and those with sparring to the whole.

Cost: one query more than workshops.figures.programme_figures (the sparring days, as flat rows), whatever
the number of days, workshops and people.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from networks.models import NetworkPage, Organisation
from workshops.disclosure import suppress
from workshops.figures import (
    PROGRAMME,
    Breakdown,
    Label,
    PeopleFigures,
    ProgrammeFigures,
    count_people,
    workshop_participants,
)

from .models import SparringDay

NETWORKS = "verkostot"
TRAININGS = "koulutukset"
SPARRING = "sparraus"
SPARRING_AND_TRAINING = "sparraus-koulutus"
ALL = "kaikki"
# The rows of each year, in the order the page and the downloads show them: (key, label, the services in it).
SERVICES: list[tuple[str, Label, frozenset[str]]] = [
    (NETWORKS, _("Verkostot"), frozenset({NETWORKS})),
    (TRAININGS, _("Koulutukset"), frozenset({TRAININGS})),
    (SPARRING, _("Sparraus"), frozenset({SPARRING})),
    (SPARRING_AND_TRAINING, _("Sparraus + koulutus"), frozenset({SPARRING, TRAININGS})),
    (ALL, _("Kaikki palvelut"), frozenset({NETWORKS, TRAININGS, SPARRING})),
]
ALL_YEARS = None  # the year of a service's total row

Key = tuple[str, int | None]  # (service, year or ALL_YEARS)


# The PeopleFigures counts a sparring day adds to.
HEADCOUNTS = (
    "participants",
    "women",
    "men",
    "other_gender",
    "gender_unknown",
    "employees",
    "supervisors",
    "managers",
    "role_unknown",
)


@dataclass
class _Tally:
    """What one row gathers: the workshop participants ({user id: their organisations}), the sparring
    headcounts and organisations, and the days delivered."""

    people: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    headcounts: Counter = field(default_factory=Counter)
    organisations: set[int] = field(default_factory=set)
    days: int = 0

    def figures(self, people_of: dict[int, tuple[str, str]]) -> PeopleFigures:
        attended = count_people({user: people_of[user] for user in self.people}, self.people.__getitem__)
        counts = {name: getattr(attended, name) + self.headcounts[name] for name in HEADCOUNTS}
        organisations = set().union(self.organisations, *self.people.values())
        return PeopleFigures(
            organisations=len(organisations), without_organisation=attended.without_organisation, **counts
        )


def _headcounts(participants, women, men, other, employees, supervisors, managers) -> Counter:
    return Counter(
        participants=participants,
        women=women,
        men=men,
        other_gender=other,
        gender_unknown=participants - women - men - other,
        employees=employees,
        supervisors=supervisors,
        managers=managers,
        role_unknown=participants - employees - supervisors - managers,
    )


@dataclass(frozen=True)
class ServiceRow:
    """One service in one year (or in all years: `year` ALL_YEARS), as the page shows it; `breakdown` None where
    the gender and role are not shown (a service in one year)."""

    service: str
    label: Label
    year: int | None
    days: int
    people: PeopleFigures
    breakdown: Breakdown | None


@dataclass
class ServiceFigures:
    """The figures of each service in each year and in all: `people` and `days` keyed by (service, year)."""

    programme: ProgrammeFigures
    years: list[int]
    people: dict[Key, PeopleFigures]
    days: dict[Key, int]
    computed: datetime | None = None

    def with_breakdown(self) -> list[Key]:
        """The rows whose gender and role are shown: each service over all the years, the programme each year."""
        return [(service, ALL_YEARS) for service, *_rest in SERVICES] + [(ALL, year) for year in self.years]

    def links(self) -> list[tuple[object, list[object]]]:
        """The sums a reader of the page knows between the rows with a breakdown and the programme's workshop
        figures, as workshops.disclosure.suppress's links (each: the parts add up to the total, plus whoever is
        in two parts)."""
        total = (ALL, ALL_YEARS)
        networks, trainings, sparring = ((service, ALL_YEARS) for service in (NETWORKS, TRAININGS, SPARRING))
        return [
            (PROGRAMME, [row.pk for row in self.programme.networks]),
            (PROGRAMME, [networks, trainings]),
            (total, [PROGRAMME, sparring]),
            (total, [networks, trainings, sparring]),
            ((SPARRING_AND_TRAINING, ALL_YEARS), [sparring, trainings]),
            (total, [networks, (SPARRING_AND_TRAINING, ALL_YEARS)]),
            (total, [(ALL, year) for year in self.years]),
        ]

    @cached_property
    def breakdowns(self) -> dict[Key, Breakdown]:
        """The Breakdown of each row with one: its small counts hidden, and more where they could be worked out
        from the other rows or the programme's figures (whose hidden counts stay as they are)."""
        tables: dict[object, PeopleFigures] = {PROGRAMME: self.programme.people}
        tables.update({row.pk: row.people for row in self.programme.networks})
        tables.update({key: self.people[key] for key in self.with_breakdown()})
        settled = {key: breakdown.hidden for key, breakdown in self.programme.breakdowns.items()}
        hidden = suppress(tables, links=self.links(), settled=settled)
        return {key: Breakdown(self.people[key], hidden[key]) for key in self.with_breakdown()}

    def row(self, service: str, label: Label, year: int | None) -> ServiceRow:
        key = (service, year)
        return ServiceRow(service, label, year, self.days[key], self.people[key], self.breakdowns.get(key))

    def services(self) -> list[ServiceRow]:
        """Each service over all the years, with its breakdown, in SERVICES' order."""
        return [self.row(service, label, ALL_YEARS) for service, label, _parts in SERVICES]

    def by_year(self) -> list[ServiceRow]:
        """The whole programme each year, then over all the years, with its breakdown."""
        label = SERVICES[-1][1]
        return [self.row(ALL, label, year) for year in [*self.years, ALL_YEARS]]

    def years_and_services(self) -> list[tuple[int, list[ServiceRow]]]:
        """[(year, each service that year)]: days, organisations and participants (no breakdown)."""
        return [(year, [self.row(service, label, year) for service, label, _parts in SERVICES]) for year in self.years]


def service_figures(programme: ProgrammeFigures) -> ServiceFigures:
    """ServiceFigures of the programme's networks and trainings (from `programme`, the programme's workshop
    figures: no query) and of the sparring days logged (one query)."""
    kind_of = {row.pk: row.kind for row in programme.networks}
    tallies: defaultdict[Key, _Tally] = defaultdict(_Tally)

    def rows_of(service: str, year: int) -> list[_Tally]:
        return [tallies[key, when] for key, _label, parts in SERVICES if service in parts for when in (year, ALL_YEARS)]

    years = set()
    for workshop in programme.workshops:
        service = TRAININGS if kind_of[workshop.network_id] == NetworkPage.Kind.TRAINING else NETWORKS
        year = workshop.date.year
        attendees = programme.attendees.get(workshop.pk, set())
        if attendees or workshop.held:
            years.add(year)
        for tally in rows_of(service, year):
            tally.days += workshop.held
            for user_id in attendees:
                tally.people[user_id] |= programme.organisations_in(workshop.network_id, user_id)

    days = SparringDay.objects.values_list(
        "date",
        "request__organisation_id",
        "participants",
        "women",
        "men",
        "other_gender",
        "employees",
        "supervisors",
        "managers",
    )
    for day, organisation_id, *counts in days:
        years.add(day.year)
        headcounts = _headcounts(*counts)
        for tally in rows_of(SPARRING, day.year):
            tally.days += 1
            tally.headcounts += headcounts
            tally.organisations.add(organisation_id)

    keys = [(service, year) for service, *_rest in SERVICES for year in [*sorted(years), ALL_YEARS]]
    return ServiceFigures(
        programme=programme,
        years=sorted(years),
        people={key: tallies[key].figures(programme.people_of) for key in keys},
        days={key: tallies[key].days for key in keys},
        computed=programme.computed,
    )


def key_figures() -> dict[str, int]:
    """The front page's key figures that take sparring in: two queries (and PageQuerySet.public()'s), whatever
    the size of the data.

    - organisations: the organisations taking part in the programme's networks or trainings (named on their
      pages) or with a sparring day logged, each once;
    - participants: the people marked attended at a live, public workshop, each once, plus the sparring days'
      headcounts;
    - sparring_days: the sparring days logged.
    """
    sparring = SparringDay.objects.aggregate(days=Count("pk"), headcount=Sum("participants"))
    organisations = Organisation.objects.filter(
        Q(networks__in=NetworkPage.objects.programme())
        | Q(pk__in=SparringDay.objects.values("request__organisation_id"))
    )
    return {
        "organisations": organisations.distinct().count(),
        "participants": workshop_participants() + (sparring["headcount"] or 0),
        "sparring_days": sparring["days"],
    }
