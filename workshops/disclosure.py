"""Which cells of the ESR figures may be shown, so that no figure points at a person.

The programme office sees, for the whole programme and for each of its networks, how many participants are
women, men, of another gender or did not say, and how many are employees, supervisors or managers. A count
below SMALL_COUNT (0–4) is hidden and shown as "< 5" (primary suppression). That alone is not enough: a
hidden count can often be worked out from shown ones — the participants minus the shown genders, the
programme's women minus the other networks' women. So more counts are hidden (secondary suppression) until
no hidden count can be worked out:

- The counts are linked by sums a reader knows. Within one table: women + men + other = those who told their
  gender, told + did not tell = participants, and likewise for the role (employees + supervisors, + managers
  = those who told their role). Across tables, each link (a total and its parts: the programme and its
  networks, a year and its services, a service and its years) says that the parts' counts of a category add
  up to the total's plus the people counted in several parts; how many those are in all is known from the
  participant totals, so each link and category gets an unknown of its own for them (the link's overlap
  table, never shown). Where nobody can be in two parts (headcounts that are summed), the participant
  totals show an overlap of 0 and the sum is exact.
- A reader knows that a "< 5" count is 0–4 and that any other hidden count is at least 5.
- From what is shown, each hidden count's possible range is narrowed sum by sum (interval propagation) until
  nothing changes. If a hidden count's range is one value, the smallest shown count in one of its sums is
  hidden as well (a part's rather than a total's: a network's rather than the programme's), and the check
  runs again.
- Tables whose hidden counts are already settled (shown as they are on other pages, e.g. the networks'
  own figures) are never hidden more: the tables around them are protected instead.
- Counts that no hiding could protect (a network with no participants has only zeros) are left as they are.

The number of participants is always shown: facilitators see it, and they mark who attended anyway.
"""

from enum import Enum

from django.utils.translation import gettext

SMALL_COUNT = 5

# The counts of one table that may be hidden, in the order the pages show them.
CELLS = (
    "women",
    "men",
    "other_gender",
    "gender_unknown",
    "gender_answered",
    "employees",
    "supervisors",
    "employees_and_supervisors",
    "managers",
    "role_unknown",
    "role_answered",
)
TOTAL = "participants"
# (parts, their sum) within one table.
SUMS = (
    (("women", "men", "other_gender"), "gender_answered"),
    (("gender_answered", "gender_unknown"), TOTAL),
    (("employees", "supervisors"), "employees_and_supervisors"),
    (("employees_and_supervisors", "managers"), "role_answered"),
    (("role_answered", "role_unknown"), TOTAL),
)
OVERLAP = "overlap"
# Enough for the ranges to settle on these small systems; each step only ever narrows them.
MAX_STEPS = 100_000


class Suppressed(Enum):
    """Why a count is not shown; str() is what the page, the chart and the downloads show instead."""

    SMALL = "small"  # fewer than SMALL_COUNT people
    SECONDARY = "secondary"  # hidden so that a small count cannot be worked out from it

    def __str__(self):
        if self is Suppressed.SMALL:
            return f"< {SMALL_COUNT}"
        return gettext("salattu")


def suppress(tables, programme=None, links=(), settled=None):
    """The counts to hide: {table key: {cell: Suppressed}} for `tables` ({key: PeopleFigures}).

    `links` are the sums across tables that a reader knows: [(total key, [part keys])], the parts' people adding
    up to the total's plus those counted in several parts. `programme` is the key of a table that all the
    others add up to (the same as links=[(programme, [every other key])]); neither: the tables are not linked
    (one network alone). `settled` ({table key: {cell: Suppressed}}) are tables whose hidden counts were
    decided elsewhere: kept as they are, never hidden more. Each table is first protected on its own, then all
    of them together: most of the work is within a table, and its small sums are quick to check.
    """
    settled = settled or {}
    links = list(links)
    if programme is not None:
        links.append((programme, [table for table in tables if table != programme]))
    hidden = {(table, cell): reason for table, cells in settled.items() for cell, reason in cells.items()}
    for table, people in tables.items():
        if table not in settled:
            hidden.update(_protect(_System({table: people}), {}))
    if any(parts for _total, parts in links):
        hidden = _protect(_System(tables, links, frozen=set(settled)), hidden)
    result = {table: {} for table in tables}
    for (table, cell), reason in hidden.items():
        result[table][cell] = reason
    return result


def _protect(system, hidden):
    """`hidden` ({variable: Suppressed}) with the system's small counts, and more counts hidden until none
    of them can be worked out exactly, unless nothing could protect it."""
    free = [key for key in system.cells if key[0] not in system.frozen]
    hidden = {**hidden, **{key: Suppressed.SMALL for key in free if system.values[key] < SMALL_COUNT}}
    hopeless = set(system.exposed({**hidden, **{key: system.reason(key) for key in free}}))
    while True:
        exposed = [key for key in system.exposed(hidden) if key not in hopeless]
        shown = [key for key in free if key not in hidden]
        if not exposed or not shown:
            return hidden
        nearby = [key for key in shown if any(system.linked(key, cell) for cell in exposed)]
        hidden[min(nearby or shown, key=system.cost)] = Suppressed.SECONDARY


class _System:
    """The counts of the tables as variables, and the sums that link them."""

    def __init__(self, tables, links=(), frozen=frozenset()):
        self.frozen = frozen  # tables whose counts may not be hidden more
        self.totals = {total for total, parts in links if parts}
        self.values = {}
        self.cells = []  # the counts that may be hidden, in a stable order
        self.fixed = set()  # always shown
        self.unknown = set()  # never shown
        self.sums = []  # each a list of (sign, variable) adding up to zero
        for table, people in tables.items():
            self._add_table(table, {cell: getattr(people, cell) for cell in (*CELLS, TOTAL)})
        for number, (total, parts) in enumerate(links):
            if not parts:
                continue
            overlap = (OVERLAP, number)
            values = {
                cell: sum(self.values[(part, cell)] for part in parts) - self.values[(total, cell)]
                for cell in (*CELLS, TOTAL)
            }
            self._add_table(overlap, values, unknown=True)
            for cell in CELLS:
                terms = [(1, (part, cell)) for part in parts]
                self.sums.append([*terms, (-1, (total, cell)), (-1, (overlap, cell))])
        self.order = {key: position for position, key in enumerate(self.cells)}
        self.sums_of = {}
        for number, terms in enumerate(self.sums):
            for _sign, key in terms:
                self.sums_of.setdefault(key, set()).add(number)

    def _add_table(self, table, values, unknown=False):
        for cell, value in values.items():
            key = (table, cell)
            self.values[key] = value
            if cell == TOTAL:
                self.fixed.add(key)
            elif unknown:
                self.unknown.add(key)
            else:
                self.cells.append(key)
        for parts, total in SUMS:
            self.sums.append([*((1, (table, part)) for part in parts), (-1, (table, total))])

    def reason(self, key):
        """How the count would be shown if it were hidden."""
        return Suppressed.SMALL if self.values[key] < SMALL_COUNT else Suppressed.SECONDARY

    def cost(self, key):
        """Which shown count to hide first: a part's before a total's (a network's before the programme's: the
        totals are the figures the programme reports), then the smallest."""
        return (key[0] in self.totals, self.values[key], self.order[key])

    def linked(self, a, b):
        """Do counts `a` and `b` appear in one sum?"""
        return bool(self.sums_of.get(a, set()) & self.sums_of.get(b, set()))

    def exposed(self, hidden):
        """The hidden counts that a reader can work out exactly from what is shown."""
        ranges = self.ranges(hidden)
        return [key for key in self.cells if key in hidden and ranges[key][0] == ranges[key][1]]

    def ranges(self, hidden):
        """{variable: (lowest, highest)} that a reader can tell from the shown counts and the sums."""
        ranges = {}
        for key, value in self.values.items():
            if key in self.unknown:
                ranges[key] = (0, self.values[(key[0], TOTAL)])
            elif key not in hidden:
                ranges[key] = (value, value)
            elif hidden[key] is Suppressed.SMALL:
                ranges[key] = (0, min(SMALL_COUNT - 1, self.values[(key[0], TOTAL)]))
            else:  # no count is above its table's participants
                ranges[key] = (SMALL_COUNT, self.values[(key[0], TOTAL)])
        # Narrow sum by sum; a narrowed variable puts its other sums back in line, until nothing changes.
        pending = list(range(len(self.sums)))
        queued = set(pending)
        steps = 0
        while pending and steps < MAX_STEPS:
            steps += 1
            number = pending.pop()
            queued.discard(number)
            terms = self.sums[number]
            # The range of each term's contribution (sign × variable), and of their sum.
            contributions = [
                (ranges[key][0], ranges[key][1]) if sign > 0 else (-ranges[key][1], -ranges[key][0])
                for sign, key in terms
            ]
            low = sum(contribution[0] for contribution in contributions)
            high = sum(contribution[1] for contribution in contributions)
            for (sign, key), (own_low, own_high) in zip(terms, contributions, strict=True):
                # This term is minus the others, whose sum lies in [low - own_low, high - own_high].
                term_low, term_high = own_high - high, own_low - low
                bound = (term_low, term_high) if sign > 0 else (-term_high, -term_low)
                narrowed = (max(ranges[key][0], bound[0]), min(ranges[key][1], bound[1]))
                if narrowed != ranges[key]:
                    ranges[key] = narrowed
                    for other in self.sums_of[key] - queued - {number}:
                        pending.append(other)
                        queued.add(other)
        return ranges
