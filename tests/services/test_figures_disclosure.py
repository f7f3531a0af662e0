"""workshops.disclosure.suppress with several links (services.figures links its rows to the programme's and to each
other): a year × service grid, whose rows add up to each year's total and whose columns add up to each service's,
checked against a reader who tries every split of the people that fits what is shown (small grids of headcounts, so
that every sum is exact); the old `programme=` call; and the tables settled elsewhere are kept as they are."""

import itertools
import random

import pytest

from tests.workshops.test_disclosure import as_if_all_hidden, compositions, fits, gender_cells, of_gender, people
from workshops.disclosure import Suppressed, suppress

SMALL, SECONDARY = Suppressed.SMALL, Suppressed.SECONDARY
SERVICES = ("a", "b")
YEARS = (1, 2)
TOTAL = "all"


def grid_links():
    """Each service's years add up to its total, each year's services to the year's, and both ways to the whole."""
    links = [((service, TOTAL), [(service, year) for year in YEARS]) for service in SERVICES]
    links += [((TOTAL, year), [(service, year) for service in SERVICES]) for year in YEARS]
    links += [
        ((TOTAL, TOTAL), [(service, TOTAL) for service in SERVICES]),
        ((TOTAL, TOTAL), [(TOTAL, year) for year in YEARS]),
    ]
    return links


def grid(parts):
    """{key: gender counts} of every table of the grid from its parts' ({(service, year): counts})."""
    counts = dict(parts)
    add = lambda keys: tuple(map(sum, zip(*(counts[key] for key in keys), strict=True)))  # noqa: E731
    for service in SERVICES:
        counts[service, TOTAL] = add([(service, year) for year in YEARS])
    for year in (*YEARS, TOTAL):
        counts[TOTAL, year] = add([(service, year) for service in SERVICES])
    return counts


def readable(parts, shown):
    """The cells a reader can pin down to one value from `shown` ({key: {cell: number or Suppressed}}) and the
    participants of every table, trying every split of each part that fits what is shown of it."""
    candidates = {
        key: [split for split in compositions(sum(counts)) if fits(shown[key], gender_cells(split))]
        for key, counts in parts.items()
    }

    def year_pairs(year):
        for a, b in itertools.product(candidates["a", year], candidates["b", year]):
            total = tuple(map(sum, zip(a, b, strict=True)))
            if fits(shown[TOTAL, year], gender_cells(total)):
                yield a, b

    possible = {key: {cell: set() for cell in shown[key]} for key in shown}
    first, second = list(year_pairs(1)), list(year_pairs(2))
    for (a1, b1), (a2, b2) in itertools.product(first, second):
        counts = grid({("a", 1): a1, ("b", 1): b1, ("a", 2): a2, ("b", 2): b2})
        cells = {key: gender_cells(split) for key, split in counts.items()}
        if all(fits(shown[key], cells[key]) for key in (("a", TOTAL), ("b", TOTAL), (TOTAL, TOTAL))):
            for key, values in cells.items():
                for cell, value in values.items():
                    possible[key][cell].add(value)
    return {(key, cell) for key, values in possible.items() for cell, seen in values.items() if len(seen) == 1}


@pytest.mark.parametrize("seed", range(3))
def test_no_hidden_count_of_the_grid_can_be_worked_out(seed):
    generator = random.Random(seed)
    for _case in range(8):
        parts = {
            (service, year): generator.choice(list(compositions(generator.randint(0, 7))))
            for service in SERVICES
            for year in YEARS
        }
        counts = grid(parts)
        tables = {key: people(split) for key, split in counts.items()}

        hidden = suppress(tables, links=grid_links())

        truth = {key: gender_cells(split) for key, split in counts.items()}
        shown = {key: {cell: hidden[key].get(cell, value) for cell, value in truth[key].items()} for key in truth}
        pinned = readable(parts, shown)
        hopeless = readable(parts, {key: as_if_all_hidden(truth[key]) for key in truth})
        hidden_cells = {(key, cell) for key in truth for cell in hidden[key] if cell in truth[key]}
        assert not (pinned & hidden_cells) - hopeless, (parts, shown)
        for key, values in truth.items():
            assert all(hidden[key].get(cell) is SMALL for cell, value in values.items() if value < 5), (key, hidden)


def test_a_year_minus_a_service_gives_nothing_away():
    """Service b's 2 men in year 1 would be the year's men minus a's, or b's total minus its year 2: the four parts'
    men are hidden (a rectangle: each row and column keeps two unknowns), the totals all shown."""
    parts = {("a", 1): (20, 12, 8, 9), ("b", 1): (15, 2, 7, 8), ("a", 2): (18, 10, 9, 7), ("b", 2): (16, 11, 6, 10)}
    tables = {key: people(split) for key, split in grid(parts).items()}
    alone = {key: of_gender(cells) for key, cells in suppress(tables).items()}
    assert alone["b", 1] == {"men": SMALL, "other_gender": SECONDARY}
    assert not alone["a", 1] and not alone["a", 2] and not alone["b", 2]

    hidden = {key: of_gender(cells) for key, cells in suppress(tables, links=grid_links()).items()}

    assert hidden["b", 1] == alone["b", 1]
    for key in (("a", 1), ("a", 2), ("b", 2)):
        assert hidden[key] == {"men": SECONDARY, "other_gender": SECONDARY}
    assert all(hidden[key] == {} for key in tables if TOTAL in key)


def test_the_old_programme_call_is_one_link():
    tables = {"programme": people((30, 12, 11, 12)), "a": people((20, 9, 5, 6)), "b": people((10, 3, 6, 6))}
    assert suppress(tables, programme="programme") == suppress(tables, links=[("programme", ["a", "b"])])


def test_settled_tables_are_kept_and_the_others_hidden_around_them():
    """The programme's table is shown elsewhere as it is: its counts may not be hidden more."""
    tables = {"programme": people((20, 6, 5, 5)), "x": people((10, 1, 0, 5)), "y": people((10, 5, 5, 0))}
    alone = suppress({"programme": tables["programme"]})

    hidden = suppress(tables, links=[("programme", ["x", "y"])], settled=alone)

    assert hidden["programme"] == alone["programme"]
    assert "men" not in hidden["programme"]
    assert hidden["x"]["men"] is SMALL
    assert hidden["y"]["men"] is SECONDARY  # else the programme's 6 men minus y's 5 would give x's one
