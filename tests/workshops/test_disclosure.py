"""Which counts of the ESR breakdown are hidden: every count below 5, and more counts wherever a hidden one
could be worked out from the shown ones. Checked against a reader who tries every breakdown that fits what
is shown (the whole search is small enough for a few people), within a network and across the programme."""

import itertools
import random
from decimal import Decimal

import pytest

from workshops.disclosure import SMALL_COUNT, Suppressed, suppress
from workshops.figures import Breakdown, PeopleFigures

SMALL, SECONDARY = Suppressed.SMALL, Suppressed.SECONDARY
GENDERS = ("women", "men", "other_gender", "gender_unknown")
ROLES = ("employees", "supervisors", "managers", "role_unknown")


def people(gender=(0, 0, 0, 0), role=None):
    """PeopleFigures with the gender counts `gender` and the role counts `role` (everyone an employee when
    None); the participants are their sum."""
    total = sum(gender)
    role = role if role is not None else (total, 0, 0, 0)
    assert sum(role) == total
    return PeopleFigures(
        participants=total, **dict(zip(GENDERS, gender, strict=True)), **dict(zip(ROLES, role, strict=True))
    )


def compositions(total, parts=4):
    """Every way of splitting `total` people into `parts` counts."""
    for cuts in itertools.combinations(range(total + parts - 1), parts - 1):
        bounds = (-1, *cuts, total + parts - 1)
        yield tuple(bounds[i + 1] - bounds[i] - 1 for i in range(parts))


def gender_cells(counts):
    women, men, other, unknown = counts
    return {
        "women": women,
        "men": men,
        "other_gender": other,
        "gender_unknown": unknown,
        "gender_answered": women + men + other,
    }


def role_cells(counts):
    employees, supervisors, managers, unknown = counts
    return {
        "employees": employees,
        "supervisors": supervisors,
        "managers": managers,
        "role_unknown": unknown,
        "employees_and_supervisors": employees + supervisors,
        "role_answered": employees + supervisors + managers,
    }


def fits(shown, cells):
    """Could `cells` be the truth behind `shown` ({cell: number or Suppressed}), as a reader knows it: a
    "< 5" count is 0–4, a "salattu" one at least 5."""
    for cell, value in cells.items():
        seen = shown[cell]
        if seen is SMALL:
            if value >= SMALL_COUNT:
                return False
        elif seen is SECONDARY:
            if value < SMALL_COUNT:
                return False
        elif seen != value:
            return False
    return True


def of_gender(hidden):
    return {cell: reason for cell, reason in hidden.items() if cell in gender_cells((0, 0, 0, 0))}


def what_is_shown(truth, hidden):
    return {cell: hidden.get(cell, value) for cell, value in truth.items()}


def as_if_all_hidden(truth):
    return {cell: SMALL if value < SMALL_COUNT else SECONDARY for cell, value in truth.items()}


def readable(tables, shown, cells_of):
    """The hidden cells a reader can pin down to one value, from the shown counts of `tables`
    ({key: (participants, counts)}); a first key "programme" is the sum of the others (no one in two)."""
    keys = list(tables)
    networks = [key for key in keys if key != "programme"]
    possible = {key: {cell: set() for cell in shown[key]} for key in keys}
    for choice in itertools.product(*(compositions(tables[key][0]) for key in networks)):
        cells = {key: cells_of(counts) for key, counts in zip(networks, choice, strict=True)}
        if "programme" in tables:
            summed = tuple(map(sum, zip(*choice, strict=True)))
            cells["programme"] = cells_of(summed)
        if all(fits(shown[key], cells[key]) for key in keys):
            for key in keys:
                for cell, value in cells[key].items():
                    possible[key][cell].add(value)
    return {(key, cell) for key in keys for cell, values in possible[key].items() if len(values) == 1}


def assert_nothing_readable(tables, hidden, cells_of):
    """No hidden cell can be pinned down, unless it could not be protected whatever was hidden (the
    participant totals alone give it away)."""
    truth = {key: cells_of(counts) for key, (_total, counts) in tables.items()}
    shown = {key: what_is_shown(truth[key], hidden.get(key, {})) for key in tables}
    hopeless = readable(tables, {key: as_if_all_hidden(truth[key]) for key in tables}, cells_of)
    pinned = readable(tables, shown, cells_of)
    hidden_cells = {(key, cell) for key in tables for cell in hidden.get(key, {})}
    assert not (pinned & hidden_cells) - hopeless, (tables, shown)


# ---------- Rules ----------


def test_counts_below_five_are_hidden_and_five_is_shown():
    hidden = suppress({"a": people((20, 5, 4, 0))})["a"]
    assert hidden["other_gender"] is SMALL
    assert hidden["gender_unknown"] is SMALL
    assert "women" not in hidden


def test_one_small_count_takes_the_smallest_other_count_of_its_sum_with_it():
    # 30 women, 9 men, 1 other, 6 did not say: the one "other" would be 40 - 30 - 9... without hiding the men.
    hidden = suppress({"a": people((30, 9, 1, 6), (24, 10, 6, 6))})["a"]

    assert hidden == {"other_gender": SMALL, "men": SECONDARY}


def test_a_small_unknown_hides_those_who_told_and_so_every_share():
    """The participants minus those who told their role gives the "ei tietoa" count; one share and its count
    would give those who told away."""
    assert "role_answered" not in suppress({"a": people((25, 10, 5, 6), (24, 10, 6, 6))})["a"]
    figures = people((25, 10, 5, 6), (26, 10, 8, 2))
    hidden = suppress({"a": figures})["a"]

    assert hidden["role_unknown"] is SMALL
    assert hidden["role_answered"] is SECONDARY
    breakdown = Breakdown(figures, hidden)
    assert breakdown.share("employees", "role_answered") is SECONDARY
    assert breakdown.share("women", "gender_answered") == Decimal("62.5")  # 25 / 40: the gender is all shown


def test_a_share_of_a_hidden_count_is_hidden():
    figures = people((30, 9, 1, 6), (24, 10, 6, 6))
    breakdown = Breakdown(figures, suppress({"a": figures})["a"])

    assert breakdown.count("other_gender") is SMALL
    assert breakdown.share("other_gender", "gender_answered") is SECONDARY
    assert breakdown.share("men", "gender_answered") is SECONDARY
    assert breakdown.count("women") == 30
    assert str(breakdown.count("other_gender")) == "< 5"
    assert str(breakdown.count("men")) == "salattu"


def test_a_network_with_no_participants_hides_everything_and_nothing_more():
    hidden = suppress({"empty": people(), "full": people((30, 10, 6, 7), (20, 8, 7, 18))})

    assert set(hidden["empty"]) == {*GENDERS, "gender_answered", *ROLES, "employees_and_supervisors", "role_answered"}
    assert hidden["full"] == {}


def test_the_programme_minus_the_other_networks_gives_nothing_away():
    """Nobody attends two networks: the programme's men minus network A's would be B's three men."""
    a = people((20, 9, 5, 6))
    b = people((10, 3, 6, 6))
    programme = people((30, 12, 11, 12))
    assert of_gender(suppress({"a": a})["a"]) == {}, "A on its own could show its gender counts"

    hidden = suppress({"programme": programme, "a": a, "b": b}, programme="programme")

    assert hidden["b"]["men"] is SMALL
    assert hidden["a"]["men"] is SECONDARY
    assert of_gender(hidden["programme"]) == {}, "a network's count is hidden rather than the programme's"


# ---------- Against a reader who tries everything ----------


@pytest.mark.parametrize("seed", range(3))
def test_no_hidden_count_of_one_network_can_be_worked_out(seed):
    generator = random.Random(seed)
    for _case in range(60):
        total = generator.randint(0, 24)
        gender = generator.choice(list(compositions(total)))
        role = generator.choice(list(compositions(total)))
        hidden = suppress({"a": people(gender, role)})
        assert_nothing_readable({"a": (total, gender)}, hidden, gender_cells)
        assert_nothing_readable({"a": (total, role)}, hidden, role_cells)


@pytest.mark.parametrize("seed", range(2))
def test_no_hidden_count_of_the_programme_and_its_networks_can_be_worked_out(seed):
    generator = random.Random(seed)
    for _case in range(20):
        totals = [generator.randint(0, 8) for _network in range(2)]
        genders = [generator.choice(list(compositions(total))) for total in totals]
        summed = tuple(map(sum, zip(*genders, strict=True)))
        tables = {"programme": people(summed), "a": people(genders[0]), "b": people(genders[1])}

        hidden = suppress(tables, programme="programme")

        counts = {"programme": (sum(totals), summed), "a": (totals[0], genders[0]), "b": (totals[1], genders[1])}
        assert_nothing_readable(counts, hidden, gender_cells)
