"""The rule that keeps small counts out of the public figures (triage/insights/suppression.py):
every count under 3 hidden, and no hidden small count recoverable from what is published."""

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.insights.suppression import SMALL_COUNT, Figure, protect, small_counts


def shown(protected, row: str) -> dict[str, int | None]:
    return {key: figure.published for key, figure in protected.rows[row].items()}


def test_counts_under_three_are_hidden_zero_included_and_the_rest_shown():
    protected = protect({"places": {"a": 0, "b": 1, "c": 2, "d": 5, "e": 7}}, total=15)

    assert shown(protected, "places") == {"a": None, "b": None, "c": None, "d": 5, "e": 7}
    assert all(protected.rows["places"][key].small for key in "abc")
    assert protected.total == Figure(15)


def test_one_small_count_alone_hides_the_smallest_other_count_too():
    protected = protect({"places": {"a": 2, "b": 9, "c": 4, "d": 4}}, total=19)

    # 19 - 9 - 4 - 4 would give the 2 back: the first of the two 4s goes too, "not shown".
    assert shown(protected, "places") == {"a": None, "b": 9, "c": None, "d": 4}
    assert not protected.rows["places"]["c"].small
    assert protected.total.shown


def test_two_small_counts_that_can_only_both_be_two_hide_another():
    # Hidden 2 and 2 with the total 10: only 2 + 2 fits the 4 left, so one more is hidden.
    protected = protect({"rural": {"yes": 2, "no": 2, "unknown": 6}}, total=10)

    assert shown(protected, "rural") == {"yes": None, "no": None, "unknown": None}


def test_a_row_of_only_small_counts_that_the_total_gives_away_hides_the_total():
    protected = protect({"rural": {"yes": 2, "no": 2}, "places": {"a": 4}}, total=4)

    assert not protected.total.shown
    # The other row would still give the total (4) back: its count goes too.
    assert shown(protected, "places") == {"a": None}
    assert shown(protected, "rural") == {"yes": None, "no": None}


def test_a_total_under_three_is_itself_fewer_than_three():
    protected = protect({"places": {"a": 2, "b": 0}}, total=2)

    assert protected.total.small
    assert shown(protected, "places") == {"a": None, "b": None}


def test_a_small_count_made_only_of_ideas_listed_by_their_owners_choice_needs_no_cover():
    everything_listed = protect({"places": {"a": 2, "b": 9}}, total=11, listed={"places": {"a": 2}})
    one_not_listed = protect({"places": {"a": 2, "b": 9}}, total=11, listed={"places": {"a": 1}})

    assert shown(everything_listed, "places") == {"a": None, "b": 9}
    assert shown(one_not_listed, "places") == {"a": None, "b": None}


def test_listed_ideas_that_pin_one_small_count_make_the_rule_hide_more():
    # Two ideas from "a" are listed, so "a" is 2; 15 - 2 - 10 would then give "b" back.
    protected = protect(
        {"places": {"a": 2, "b": 1, "c": 10, "d": 3}}, total=16, listed={"places": {"a": 2}}
    )

    assert shown(protected, "places")["d"] is None


def test_counts_that_add_up_to_no_total_hide_only_the_small_ones():
    assert small_counts({"fibre": 2, "bus": 3, "café": 0}) == {
        "fibre": Figure(2, shown=False),
        "bus": Figure(3),
        "café": Figure(0, shown=False),
    }


def test_a_row_that_does_not_add_up_to_the_total_is_refused():
    with pytest.raises(ValueError, match="do not add up"):
        protect({"places": {"a": 2, "b": 3}}, total=6)


# --- The property: nothing small can be worked out -------------------------------------------

CAP = 40  # above any total the strategy makes, so "3 or more" is never cut short


def possible_values(protected, rows, listed) -> dict[tuple[str, str], set[int]]:
    """Every value each hidden cell can take, given all a reader sees, found by trying every
    combination (independently of the rule's own reasoning)."""
    label = protected.total
    totals = (
        {label.value}
        if label.shown
        else set(range(SMALL_COUNT))
        if label.small
        else set(range(SMALL_COUNT, CAP + 1))
    )
    options: dict[str, list[tuple[int, dict[str, int]]]] = {}
    for name, cells in protected.rows.items():
        ranges = []
        for key, figure in cells.items():
            at_least = listed.get(name, {}).get(key, 0)
            if figure.shown:
                ranges.append([figure.value])
            elif figure.small:
                ranges.append(range(at_least, SMALL_COUNT))
            else:
                ranges.append(range(max(SMALL_COUNT, at_least), CAP + 1))
        keys = list(cells)
        combos = [
            (sum(values), dict(zip(keys, values, strict=True)))
            for values in product(*ranges)
            if sum(values) <= CAP
        ]
        options[name] = combos
        totals &= {total for total, _values in combos}
    found: dict[tuple[str, str], set[int]] = {}
    for name, combos in options.items():
        for total, values in combos:
            if total in totals:
                for key, value in values.items():
                    found.setdefault((name, key), set()).add(value)
    return found


@st.composite
def tables(draw):
    total = draw(st.integers(min_value=0, max_value=14))
    rows, listed = {}, {}
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        cells = draw(st.integers(min_value=1, max_value=4))
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=cells - 1, max_size=cells - 1)))
        values = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        name = f"row{index}"
        rows[name] = {f"c{i}": value for i, value in enumerate(values)}
        if index == 0:  # ideas listed by title show their municipality, the first row
            listed[name] = {f"c{i}": draw(st.integers(0, value)) for i, value in enumerate(values)}
    return rows, total, listed


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_small_count_can_be_worked_out_from_what_is_published(table):
    rows, total, listed = table
    protected = protect(rows, total=total, listed=listed)

    possible = possible_values(protected, rows, listed)
    for name, cells in protected.rows.items():
        for key, figure in cells.items():
            value = rows[name][key]
            assert value in possible[(name, key)], "the truth must fit what is published"
            if figure.shown:
                assert value >= SMALL_COUNT, f"{name}.{key} = {value} is shown"
            elif 0 < value < SMALL_COUNT and value > listed.get(name, {}).get(key, 0):
                assert len(possible[(name, key)]) >= 2, (
                    f"{name}.{key} = {value} can be worked out: {protected}"
                )
        assert all(figure.value == rows[name][key] for key, figure in cells.items())
    assert protected.total.value == total and (protected.total.shown or total >= 0)
    if protected.total.shown:
        assert total >= SMALL_COUNT
    assert set(protected.rows) | protected.withheld == set(rows)
