"""The tile map of the county on the statistics page: one square per municipality, shaded by
its ideas. Only geometry and colour here; the figures come from `triage.insights.statistics`."""

from dataclasses import dataclass

from triage.insights.statistics import Period, ideas_by_municipality

# Positions of the municipalities on the tile map: (column, row), north at the top.
TILE_POSITIONS = {
    "1864": (2, 0),  # Ljusnarsberg
    "1863": (1, 1),  # Hällefors
    "1884": (2, 1),  # Nora
    "1885": (3, 1),  # Lindesberg
    "1883": (0, 2),  # Karlskoga
    "1814": (1, 2),  # Lekeberg
    "1880": (2, 2),  # Örebro
    "1862": (0, 3),  # Degerfors
    "1861": (1, 3),  # Hallsberg
    "1881": (2, 3),  # Kumla
    "1860": (0, 4),  # Laxå
    "1882": (1, 4),  # Askersund
}
TILE_SIZE = 92
TILE_GAP = 6
# Light to dark; the last two steps carry white text (contrast at least 4.5:1 both ways).
SHADES = ["#eef4fc", "#c5dbf5", "#8fb8ea", "#2f6fd0", "#0b3d91"]


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    count: int
    per_10k: float | None
    x: int
    y: int
    fill: str
    text_fill: str


def municipality_tiles(period: Period, *, per_inhabitants: bool) -> list[Tile]:
    """One tile per municipality, shaded by ideas in the period (or per 10,000 inhabitants)."""
    values = {
        municipality.code: (municipality, count, per_10k)
        for municipality, count, per_10k in ideas_by_municipality(period)
        if municipality.code in TILE_POSITIONS
    }
    measure = {
        code: (per or 0.0) if per_inhabitants else float(count)
        for code, (_m, count, per) in values.items()
    }
    top = max(measure.values(), default=0) or 1
    tiles = []
    for code, (municipality, count, per_10k) in sorted(values.items()):
        step = (
            0
            if measure[code] == 0
            else min(len(SHADES) - 1, 1 + int(measure[code] / top * (len(SHADES) - 2)))
        )
        column, row = TILE_POSITIONS[code]
        tiles.append(
            Tile(
                code=code,
                name=municipality.name,
                count=count,
                per_10k=round(per_10k, 1) if per_10k is not None else None,
                x=column * (TILE_SIZE + TILE_GAP),
                y=row * (TILE_SIZE + TILE_GAP),
                fill=SHADES[step],
                text_fill="#ffffff" if step >= 3 else "#0b1a33",
            )
        )
    return tiles


def map_size() -> tuple[int, int]:
    """The width and height of the drawn map."""
    step = TILE_SIZE + TILE_GAP
    columns = max(column for column, _row in TILE_POSITIONS.values()) + 1
    rows = max(row for _column, row in TILE_POSITIONS.values()) + 1
    return columns * step, rows * step


def quietest_municipalities(tiles: list[Tile], how_many: int = 3) -> list[Tile]:
    """The municipalities with the fewest ideas in the period: where to go next."""
    return sorted(tiles, key=lambda tile: (tile.count, tile.per_10k or 0, tile.name))[:how_many]
