"""Participant figures of a network and of the whole programme: the figures the programme reports to the
ESR (participants, organisations, women %, employees-and-supervisors % and managers %) and the attendance
of each workshop. Facilitators see their network's participants, organisations and attendance; the gender
and role breakdown (Breakdown) is for the programme office only, with small counts hidden
(workshops.disclosure) so that no figure points at a person.

How they are counted (the pages say the same in Finnish, templates/workshops/figures/how_counted.html):

- A participant is a person marked attended (Registration.attended) at one or more live workshops of the
  network. In the programme, a person is counted once however many workshops and networks they attended.
- A participant's organisation is their membership's organisation in that network (the one they act for
  there), never the free profile field. Organisations are the distinct organisations of participants;
  participants whose membership names none are counted apart.
- Women % is women / (women + men + other): people who chose "prefer not to say", and people never asked
  (a blank gender), are left out of the denominator and shown as their own count. The same for the role:
  employees-and-supervisors % and managers % are of people with a role category.
- Percentages have one decimal, rounded half up; when no one answered there is no percentage (None), never
  0 % or a division by zero.
- In the breakdown, a count below 5 is shown as "< 5", and other counts are hidden with it where the hidden
  one could otherwise be worked out by subtraction (workshops.disclosure); so is the share of a hidden count.
- A workshop is held when it has ended and was not cancelled. Drafts (not live) are not counted at all.
- The programme's networks are the live, public ones; a translated network is one network, its page in
  the default language (the member space's, networks.access.live_network), as are its workshops.

Cost: a fixed number of queries whatever the number of networks, workshops, members and registrations —
the registration counts of each workshop are aggregated in the database, the attendances are loaded as flat
rows (values_list) and counted here.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, partial

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from accounts.models import User
from core.pages import one_per_translation
from networks.models import Membership, NetworkPage

from .disclosure import Suppressed, suppress
from .models import Registration, WorkshopPage

Label = str | Promise  # a translatable label

# The answers that count in the shares, and the PeopleFigures field each is counted in. Anything else
# ("undisclosed", blank) is counted as unknown.
GENDER_FIELDS: dict[str, str] = {User.Gender.WOMAN: "women", User.Gender.MAN: "men", User.Gender.OTHER: "other_gender"}
ROLE_FIELDS: dict[str, str] = {
    User.RoleCategory.EMPLOYEE: "employees",
    User.RoleCategory.SUPERVISOR: "supervisors",
    User.RoleCategory.MANAGER: "managers",
}
NO_PERCENTAGE = "–"
PROGRAMME = "programme"  # the programme's own table among its networks' (keyed by network id)


def percentage(count: int, total: int) -> Decimal | None:
    """count / total in per cent with one decimal, rounded half up; None when total is 0 (no one answered)."""
    if not total:
        return None
    return (Decimal(100 * count) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_percentage(value: Decimal | Suppressed | None) -> str:
    """ "76,7 %" in the current language's number format (a no-break space before %), "–" for None, and what
    the page shows instead of a hidden share (Suppressed)."""
    if value is None:
        return NO_PERCENTAGE
    if isinstance(value, Suppressed):
        return str(value)
    return f"{number_format(value, decimal_pos=1, use_l10n=True)}\N{NO-BREAK SPACE}%"


@dataclass(frozen=True)
class PeopleFigures:
    """The participants of a network or of the programme, counted once each."""

    participants: int = 0
    organisations: int = 0
    without_organisation: int = 0
    women: int = 0
    men: int = 0
    other_gender: int = 0
    gender_unknown: int = 0  # "prefer not to say" or never asked
    employees: int = 0
    supervisors: int = 0
    managers: int = 0
    role_unknown: int = 0

    @property
    def gender_answered(self) -> int:
        return self.women + self.men + self.other_gender

    @property
    def role_answered(self) -> int:
        return self.employees + self.supervisors + self.managers

    @property
    def employees_and_supervisors(self) -> int:
        return self.employees + self.supervisors

    def share(self, cell: str, of: str) -> Decimal | None:
        """The count `cell` as a percentage of the count `of` (those who told their gender or role)."""
        return percentage(getattr(self, cell), getattr(self, of))

    def summary(self) -> list[tuple[Label, int]]:
        """(label, count) of the figures every facilitator sees, in the order the page, the CSV file and the
        workbook show them."""
        return [
            (_("Osallistujia"), self.participants),
            (_("Organisaatioita"), self.organisations),
            (_("Osallistujia ilman organisaatiota"), self.without_organisation),
        ]


# The ESR breakdown's rows: (label, count, the count it is a share of, or None when a share makes no sense).
BREAKDOWN_ROWS = [
    (_("Naisia"), "women", "gender_answered"),
    (_("Miehiä"), "men", "gender_answered"),
    (_("Muu sukupuoli"), "other_gender", "gender_answered"),
    (_("Sukupuoli: ei tietoa"), "gender_unknown", None),
    (_("Työntekijöitä"), "employees", "role_answered"),
    (_("Esihenkilöitä"), "supervisors", "role_answered"),
    (_("Työntekijöitä ja esihenkilöitä yhteensä"), "employees_and_supervisors", "role_answered"),
    (_("Johtajia"), "managers", "role_answered"),
    (_("Asema: ei tietoa"), "role_unknown", None),
]


@dataclass(frozen=True)
class Breakdown:
    """The gender and role breakdown of a network or of the programme (the ESR figures), as the programme
    office may see it: a hidden count (workshops.disclosure) is a Suppressed instead of a number, and so is
    a share of a hidden count or of a hidden denominator (one share and its count would give the
    denominator away, and with it the hidden counts)."""

    people: PeopleFigures
    hidden: dict[str, Suppressed] = field(default_factory=dict)

    def count(self, cell: str) -> int | Suppressed:
        return self.hidden.get(cell, getattr(self.people, cell))

    def share(self, cell: str, of: str) -> Decimal | Suppressed | None:
        if cell in self.hidden or of in self.hidden:
            return Suppressed.SECONDARY
        return self.people.share(cell, of)

    def rows(self) -> list[tuple[Label, int | Suppressed, Decimal | Suppressed | str | None]]:
        """(label, count or Suppressed, share: a percentage, None when no one told, Suppressed, or "" when a
        share makes no sense)."""
        return [(label, self.count(cell), self.share(cell, of) if of else "") for label, cell, of in BREAKDOWN_ROWS]


def count_people(people: dict[int, tuple[str, str]], organisations_of: Callable[[int], set[int]]) -> PeopleFigures:
    """PeopleFigures of `people` ({user id: (gender, role category)}); organisations_of(user id) is the set
    of the person's organisation ids (empty: no organisation)."""
    counts: defaultdict[str, int] = defaultdict(int)
    organisations: set[int] = set()
    for user_id, (gender, role) in people.items():
        theirs = organisations_of(user_id)
        organisations |= theirs
        counts["without_organisation"] += not theirs
        counts[GENDER_FIELDS.get(gender, "gender_unknown")] += 1
        counts[ROLE_FIELDS.get(role, "role_unknown")] += 1
    return PeopleFigures(participants=len(people), organisations=len(organisations), **counts)


@dataclass(frozen=True)
class WorkshopAttendance:
    pk: int
    network_id: int
    network_title: str
    number: int
    title: str
    start: datetime
    end: datetime
    cancelled: bool
    registered: int  # said yes and has a place
    waitlisted: int  # said yes, waits in line
    attended: int
    now: datetime

    @property
    def date(self):
        return timezone.localdate(self.start)

    @property
    def held(self):
        return not self.cancelled and self.end < self.now

    @property
    def status(self):
        if self.cancelled:
            return _("Peruttu")
        return _("Pidetty") if self.held else _("Tulossa")


@dataclass(frozen=True)
class NetworkRow:
    """One network in the programme's figures (a training too: NetworkPage.Kind.TRAINING)."""

    pk: int
    title: str
    slug: str
    kind: str
    people: PeopleFigures
    workshops_held: int


@dataclass
class NetworkFigures:
    network: NetworkPage
    people: PeopleFigures
    workshops: list[WorkshopAttendance] = field(default_factory=list)
    computed: datetime | None = None

    @property
    def workshops_held(self) -> int:
        return sum(workshop.held for workshop in self.workshops)

    def summary(self) -> list[tuple[Label, int]]:
        return [*self.people.summary(), (_("Pidettyjä työpajoja"), self.workshops_held)]


@dataclass
class ProgrammeFigures:
    people: PeopleFigures
    networks: list[NetworkRow] = field(default_factory=list)
    workshops: list[WorkshopAttendance] = field(default_factory=list)
    computed: datetime | None = None
    # Who attended what, for figures that split the programme in other ways (services.figures: per year and
    # per service): {workshop id: user ids}, {user id: (gender, role category)}, and each participant's
    # organisations in the networks they attended (organisations_in).
    attendees: dict[int, set[int]] = field(default_factory=dict)
    people_of: dict[int, tuple[str, str]] = field(default_factory=dict)
    memberships: dict[tuple[int, int], int] = field(default_factory=dict)

    def organisations_in(self, network_id: int, user_id: int) -> set[int]:
        """The participant's organisation in the network (its membership's), as a set: empty without one."""
        organisation_id = self.memberships.get((network_id, user_id))
        return {organisation_id} if organisation_id else set()

    @property
    def workshops_held(self) -> int:
        return sum(workshop.held for workshop in self.workshops)

    def summary(self) -> list[tuple[Label, int]]:
        return [
            *self.people.summary(),
            (_("Pidettyjä työpajoja"), self.workshops_held),
            (_("Verkostoja"), len(self.networks)),
        ]

    @cached_property
    def breakdowns(self) -> dict[str | int, Breakdown]:
        """{PROGRAMME: the programme's Breakdown, network id: the network's}: protected together, because the
        networks' counts add up to the programme's."""
        tables: dict[str | int, PeopleFigures] = {PROGRAMME: self.people}
        tables.update({row.pk: row.people for row in self.networks})
        hidden = suppress(tables, programme=PROGRAMME)
        return {key: Breakdown(people, hidden[key]) for key, people in tables.items()}


def _attendance(workshops, networks, now):
    """Each workshop of `workshops` (a queryset) under one of `networks` ({path: (id, title)}), with its
    registration counts: one query."""
    yes = Q(registrations__response=Registration.Response.YES)
    rows = (
        workshops.annotate(
            registered_count=Count("registrations", filter=yes & Q(registrations__waitlisted=False)),
            waitlisted_count=Count("registrations", filter=yes & Q(registrations__waitlisted=True)),
            attended_count=Count("registrations", filter=Q(registrations__attended=True)),
        )
        .order_by("start", "number", "pk")
        .values(
            "pk",
            "path",
            "number",
            "title",
            "start",
            "end",
            "cancelled",
            "registered_count",
            "waitlisted_count",
            "attended_count",
        )
    )
    result = []
    for row in rows:
        network = networks.get(row["path"][: -Page.steplen])
        if network is None:  # under a network that is not live (or a translation)
            continue
        result.append(
            WorkshopAttendance(
                pk=row["pk"],
                network_id=network[0],
                network_title=network[1],
                number=row["number"],
                title=row["title"],
                start=row["start"],
                end=row["end"],
                cancelled=row["cancelled"],
                registered=row["registered_count"],
                waitlisted=row["waitlisted_count"],
                attended=row["attended_count"],
                now=now,
            )
        )
    return result


def _participants(workshops, attendance):
    """The people who attended one of `attendance`'s workshops: ({user id: (gender, role)},
    {network id: set of user ids}, {workshop id: set of user ids}). One query."""
    network_of = {workshop.pk: workshop.network_id for workshop in attendance}
    people, in_network, in_workshop = {}, defaultdict(set), defaultdict(set)
    rows = Registration.objects.filter(attended=True, workshop__in=workshops.values("pk")).values_list(
        "workshop_id", "user_id", "user__gender", "user__role_category"
    )
    for workshop_id, user_id, gender, role in rows:
        network_id = network_of.get(workshop_id)
        if network_id is None:
            continue
        people[user_id] = (gender, role)
        in_network[network_id].add(user_id)
        in_workshop[workshop_id].add(user_id)
    return people, in_network, in_workshop


def _membership_organisations(networks, workshops):
    """{(network id, user id): organisation id} of the participants' memberships in `networks` (ids) that
    name an organisation: the active membership's, else the one that ended last. One query (none without
    networks)."""
    rows = Membership.objects.filter(
        network_id__in=networks,
        organisation__isnull=False,
        user__in=Registration.objects.filter(attended=True, workshop__in=workshops.values("pk")).values("user_id"),
    ).values_list("network_id", "user_id", "organisation_id", "left")
    best: dict[tuple[int, int], tuple[tuple[bool, date], int]] = {}
    for network_id, user_id, organisation_id, left in rows:
        rank = (left is None, left or date.min)
        key = (network_id, user_id)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, organisation_id)
    return {key: organisation_id for key, (_rank, organisation_id) in best.items()}


def network_figures(network: NetworkPage) -> NetworkFigures:
    """NetworkFigures of one live network: three queries."""
    now = timezone.now()
    workshops = WorkshopPage.objects.live().child_of(network)
    attendance = _attendance(workshops, {network.path: (network.pk, network.title)}, now)
    people, _in_network, _in_workshop = _participants(workshops, attendance)
    memberships = _membership_organisations([network.pk], workshops)

    def organisations_of(user_id: int) -> set[int]:
        organisation_id = memberships.get((network.pk, user_id))
        return {organisation_id} if organisation_id else set()

    return NetworkFigures(network, count_people(people, organisations_of), attendance, now)


def programme_networks() -> list[tuple[int, str, str, str, str]]:
    """The programme's networks (NetworkPage.objects.programme(): each once, whatever its translations; the
    trainings too) as [(id, path, title, slug, kind)] by title."""
    rows = NetworkPage.objects.programme().values_list("pk", "path", "title", "slug", "kind")
    return sorted(rows, key=lambda network: (network[2].casefold(), network[0]))


def workshops_held() -> int:
    """For the front page's key figures: workshops held in the programme's networks (ended, not cancelled),
    each once whatever its translations. One query."""
    held = WorkshopPage.objects.live().public().filter(end__lt=timezone.now(), cancelled=False)
    return one_per_translation(held).count()


def programme_figures() -> ProgrammeFigures:
    """ProgrammeFigures of every live, public network (the trainings too: a training's days are workshops; the
    figures per service are services.figures'): four queries (PageQuerySet.public() is one)."""
    now = timezone.now()
    networks = programme_networks()
    by_path = {path: (pk, title) for pk, path, title, _slug, _kind in networks}
    workshops = WorkshopPage.objects.live()
    attendance = _attendance(workshops, by_path, now)
    people, in_network, in_workshop = _participants(workshops, attendance)
    memberships = _membership_organisations([pk for pk, *_rest in networks], workshops)
    figures = ProgrammeFigures(
        PeopleFigures(), computed=now, attendees=in_workshop, people_of=people, memberships=memberships
    )
    organisations_in = figures.organisations_in

    held: defaultdict[int, int] = defaultdict(int)
    for workshop in attendance:
        held[workshop.network_id] += workshop.held
    rows = []
    networks_of: defaultdict[int, set[int]] = defaultdict(set)
    for pk, _path, title, slug, kind in networks:
        members = in_network.get(pk, set())
        for user_id in members:
            networks_of[user_id].add(pk)
        rows.append(
            NetworkRow(
                pk=pk,
                title=title,
                slug=slug,
                kind=kind,
                people=count_people({u: people[u] for u in members}, partial(organisations_in, pk)),
                workshops_held=held[pk],
            )
        )

    def all_organisations_of(user_id: int) -> set[int]:
        return set().union(*(organisations_in(network_id, user_id) for network_id in networks_of[user_id]))

    order = {pk: position for position, (pk, *_rest) in enumerate(networks)}
    attendance.sort(key=lambda workshop: order[workshop.network_id])  # by network, then by time (stable)
    figures.people = count_people(people, all_organisations_of)
    figures.networks = rows
    figures.workshops = attendance
    return figures


def network_breakdown(network: NetworkPage, people: PeopleFigures) -> Breakdown:
    """The ESR breakdown of one network (its PeopleFigures `people`) for the programme office. A network of
    the programme is protected together with the programme and its other networks, whose counts are shown
    too: subtracting those must reveal nothing either (four more queries). Any other network alone."""
    breakdowns = programme_figures().breakdowns
    if network.pk in breakdowns:
        return breakdowns[network.pk]
    return Breakdown(people, suppress({network.pk: people})[network.pk])


def workshop_participants() -> int:
    """For the front page's key figures: the people marked attended at a live, public workshop, each once
    however many workshops they attended. One query (and PageQuerySet.public()'s)."""
    workshops = WorkshopPage.objects.live().public().values("pk")
    return Registration.objects.filter(attended=True, workshop__in=workshops).values("user").distinct().count()
