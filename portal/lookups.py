"""The one guard on row ids from outside: a URL's id and a form's chosen ids are digits that fit
the primary key, or they name no row before any query is asked.

SQLite cannot even compare a 20-digit number (the query fails with a server error), and
PostgreSQL refuses a text with a NUL byte, so nothing else may reach a lookup by id. Routes take
ids with the `pk` converter (`<pk:pk>`, registered in portal/urls.py): a larger number matches
no route and answers 404. Forms choose rows with PkMultipleChoiceField.
"""

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

# The largest primary key the databases store (a BigAutoField); a bigger number names no row.
MAX_PK = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def is_pk(value: object) -> bool:
    """Whether `value` (a URL part, a posted value) can name a row: ASCII digits up to MAX_PK."""
    text = str(value)
    return _DIGITS.fullmatch(text) is not None and int(text) <= MAX_PK


class PkConverter:
    """A row id in a URL; anything else, a number too large to be one included, is no match."""

    regex = _DIGITS.pattern

    def to_python(self, value: str) -> int:
        if not is_pk(value):
            raise ValueError(value)  # the resolver tries the next route, and then answers 404
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class PkMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id; a value that cannot be one is refused before the query."""

    def _check_values(self, value: Any) -> QuerySet[Any]:
        for item in value:
            if not is_pk(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        # Django's own check, a private method that django-stubs does not declare.
        return super()._check_values(value)  # type: ignore[misc]
