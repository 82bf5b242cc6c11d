"""`migrate` with the longer database timeouts of background work (portal/database.py)."""

from typing import Any

from django.core.management.commands import migrate

from portal.database import BACKGROUND, timeouts


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> str | None:
        with timeouts(BACKGROUND):
            return super().handle(*args, **options)
