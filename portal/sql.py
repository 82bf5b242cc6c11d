"""Plain SQL for the few reads that run on every idea page and where the ORM's building of a
query costs several times more than running it (matching: `partners.selectors.partner_profiles`
and `triage.referrals.registry_activity`), and what the ORM cannot say: the days between two
datetimes (`DaysBetween`) and medians the database computes (`median`, `medians`).

Portable between SQLite and PostgreSQL. Only quoted names from the models' metadata go into the
text; every value is a query parameter.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, FloatField, Func, Model, QuerySet


def table(model: type[Model]) -> str:
    """The model's table, quoted for the database."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field_name: str) -> str:
    """The column of one of the model's fields, quoted for the database."""
    field = model._meta.get_field(field_name)
    name = field.column if isinstance(field, Field) else None
    assert name, f"{model.__name__}.{field_name} has no column"
    return connection.ops.quote_name(name)


def placeholders(values: Sequence[object]) -> str:
    """One parameter placeholder for each value, for `IN (...)`."""
    return ", ".join(["%s"] * len(values))


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Every row the query gives."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class DaysBetween(Func):
    """The days from `start` to `end` (two datetimes) as a float, computed by the database."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> Any:
        # SQLite (and the others): Julian day numbers, whose difference is in days.
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
            **extra_context,
        )


def medians(queryset: QuerySet[Any], *values: str) -> dict[str, float | None]:
    """The median of each of the annotations `values` over the queryset's rows, as `median`
    gives each (None for an annotation with no value).

    PostgreSQL: one query, one pass over the rows, a `percentile_cont(0.5)` for each (the
    ordered-set aggregate leaves out the rows where that value is NULL; each value is cast to a
    float, so a column that is NULL throughout has a type). Elsewhere: `median` for each value,
    one query each.
    """
    if connection.vendor != "postgresql":
        return {value: median(queryset, value) for value in values}
    inner, params = queryset.order_by().values(*values).query.sql_with_params()
    picked = ", ".join(
        f"percentile_cont(0.5) WITHIN GROUP "
        f"(ORDER BY CAST({connection.ops.quote_name(value)} AS double precision))"
        for value in values
    )
    found = fetch(f"SELECT {picked} FROM ({inner}) AS median_rows", tuple(params))[0]  # noqa: S608
    return {value: None if m is None else float(m) for value, m in zip(values, found, strict=True)}


def median(queryset: QuerySet[Any], value: str) -> float | None:
    """The median of the annotation `value` over the queryset's rows (None when there is none),
    computed by the database: no row comes into Python.

    PostgreSQL: `percentile_cont(0.5)`. Elsewhere (SQLite): the one or two middle values picked
    by ORDER BY ... LIMIT ... OFFSET, with the count as a subquery, and averaged. One query
    either way; the median of an even count is the mean of its two middle values, as
    `statistics.median` gives.
    """
    values = queryset.filter(**{f"{value}__isnull": False}).order_by().values(value)
    inner, params = values.query.sql_with_params()
    v = connection.ops.quote_name(value)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {v}) "  # noqa: S608
            f"FROM ({inner}) AS median_rows"
        )
        params = tuple(params)
    else:
        count = f"(SELECT COUNT(*) FROM ({inner}) AS counted)"  # noqa: S608
        sql = (
            f"SELECT AVG({v}) FROM (SELECT {v} FROM ({inner}) AS median_rows "  # noqa: S608
            f"ORDER BY {v} LIMIT 2 - {count} %% 2 OFFSET ({count} - 1) / 2) AS middle"
        )
        params = (*params, *params, *params)
    found = fetch(sql, params)[0][0]
    return None if found is None else float(found)
