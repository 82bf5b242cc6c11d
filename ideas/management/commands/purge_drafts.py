from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ideas.services import drafts_purge


class Command(BaseCommand):
    help = "Delete saved drafts whose link has expired (30 days after the last save)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = drafts_purge()
        self.stdout.write(f"{deleted} expired draft(s) deleted.")
