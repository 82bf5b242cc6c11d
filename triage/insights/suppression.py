"""Small counts kept out of published figures, so that no one resident can be picked out.

A count under `SMALL_COUNT` is published only as "fewer than 3". That alone is not enough when a
table also gives its total: with one count hidden, the total minus the others gives it back. So
`protect` hides more (complementary suppression) until no hidden small count can be worked out
from what is published, however a reader combines it:

- each hidden small count is known to lie in 0..2, each other hidden count to be 3 or more;
- the counts of every row add up to the same total (the ideas of the period), shown or not;
- an idea listed by title (its owner said yes) is known to be counted in its row's cell.

A hidden small count is safe while at least two values fit all of that; a cell whose every idea
is listed by its owner's choice need not be. When one is not safe, the smallest count still
shown in its row is hidden too ("not shown"); with none left, the total is hidden; then a count
of another row (which bounds the total); as a last resort the row is withheld altogether.
Each step hides more, so the rule ends; `tests/triage/test_suppression.py` proves it safe.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from math import inf

SMALL_COUNT = 3


@dataclass(frozen=True)
class Figure:
    """A published count: its value when `shown`, else "fewer than 3" (`small`) or "not shown"."""

    value: int
    shown: bool = True

    @property
    def small(self) -> bool:
        return not self.shown and self.value < SMALL_COUNT

    @property
    def published(self) -> int | None:
        """The value a reader may see; None when it is hidden."""
        return self.value if self.shown else None


@dataclass(frozen=True)
class Protected:
    total: Figure
    rows: dict[str, dict[str, Figure]]
    # Rows that could not be published without giving a small count away.
    withheld: frozenset[str] = field(default_factory=frozenset)


def small_counts(counts: Mapping[str, int], *, limit: int = SMALL_COUNT) -> dict[str, Figure]:
    """Counts that do not add up to any published total: each small one hidden, nothing else."""
    return {key: Figure(value, shown=value >= limit) for key, value in counts.items()}


def protect(
    rows: Mapping[str, Mapping[str, int]],
    *,
    total: int,
    listed: Mapping[str, Mapping[str, int]] | None = None,
    limit: int = SMALL_COUNT,
) -> Protected:
    """Publish rows that each split `total` (every row's counts add up to it), hiding every
    count under `limit` and as many others as it takes that none of them can be worked out.

    `listed` gives, per row and cell, how many of the cell's ideas the page lists by title.
    """
    listed = listed or {}
    for name, cells in rows.items():
        if sum(cells.values()) != total:
            raise ValueError(f"the counts of {name!r} do not add up to the total {total}")
    hidden = {
        name: {key for key, value in cells.items() if value < limit} for name, cells in rows.items()
    }
    state = _State(rows, listed, limit, total, hidden)
    while (row := state.first_unsafe_row()) is not None:
        shown = state.shown_cells(row)
        if shown:
            hidden[row].add(shown[0][1])
        elif state.total_shown:
            state.total_shown = False
        elif others := [
            cell for name in rows if name not in state.withheld for cell in state.shown_cells(name)
        ]:
            _value, key, name = min(others)
            hidden[name].add(key)
        else:
            state.withheld.add(row)
    return Protected(
        total=Figure(total, shown=state.total_shown),
        rows={
            name: {
                key: Figure(value, shown=key not in hidden[name]) for key, value in cells.items()
            }
            for name, cells in rows.items()
            if name not in state.withheld
        },
        withheld=frozenset(state.withheld),
    )


class _State:
    """What a reader knows from the page as it would be published: bounds for every cell and
    for the total, and what follows from them."""

    def __init__(
        self,
        rows: Mapping[str, Mapping[str, int]],
        listed: Mapping[str, Mapping[str, int]],
        limit: int,
        total: int,
        hidden: dict[str, set[str]],
    ):
        self.rows, self.listed, self.limit = rows, listed, limit
        self.total, self.hidden = total, hidden
        self.total_shown = total >= limit
        self.withheld: set[str] = set()

    def shown_cells(self, row: str) -> list[tuple[int, str, str]]:
        """The cells of `row` still shown, smallest first (then by key, so the rule is stable)."""
        return sorted(
            (value, key, row)
            for key, value in self.rows[row].items()
            if key not in self.hidden[row]
        )

    def bounds(self, row: str, key: str) -> tuple[float, float]:
        value = self.rows[row][key]
        if key not in self.hidden[row]:
            return value, value
        at_least = self.listed.get(row, {}).get(key, 0)
        if value < self.limit:
            return max(0, at_least), self.limit - 1
        return max(self.limit, at_least), inf

    def total_bounds(self) -> tuple[float, float]:
        if self.total_shown:
            return self.total, self.total
        low: float
        high: float
        low, high = (0, self.limit - 1) if self.total < self.limit else (self.limit, inf)
        for row in self.rows:
            if row in self.withheld:
                continue
            cells = [self.bounds(row, key) for key in self.rows[row]]
            low = max(low, sum(lo for lo, _hi in cells))
            high = min(high, sum(hi for _lo, hi in cells))
        return low, high

    def first_unsafe_row(self) -> str | None:
        """The first row with a hidden small count that only one value fits."""
        total_low, total_high = self.total_bounds()
        for row, cells in self.rows.items():
            if row in self.withheld:
                continue
            bounds = {key: self.bounds(row, key) for key in cells}
            low_sum = sum(lo for lo, _hi in bounds.values())
            high_sum = sum(hi for _lo, hi in bounds.values())
            for key in self.hidden[row]:
                value, (lo, hi) = cells[key], bounds[key]
                if not 0 < value < self.limit or value <= self.listed.get(row, {}).get(key, 0):
                    continue  # nothing to protect: none, or only ideas listed by choice
                lowest = max(lo, total_low - (high_sum - hi))
                highest = min(hi, total_high - (low_sum - lo))
                if lowest >= highest:
                    return row
        return None
