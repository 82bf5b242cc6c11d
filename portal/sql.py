"""Plain SQL for the few reads that run on every idea page and where the ORM's building of a
query costs several times more than running it (matching: `partners.selectors.partner_profiles`
and `triage.referrals.registry_activity`).

Portable between SQLite and PostgreSQL. Only quoted names from the models' metadata go into the
text; every value is a query parameter.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model


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
