from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from triage.demo.data import demo_data_load


class Command(BaseCommand):
    help = "Load fictional demo data and demo accounts (safe to run twice; only with debug on)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DJANGO_DEBUG off: demo accounts have a known "
                "password. Run it only on a demo or development machine."
            )
        result = demo_data_load(settings.DEMO_PASSWORD)
        self.stdout.write(
            f"Demo data ready: {result['partners']} partner organisations, "
            f"{result['new_ideas']} new demo ideas."
        )
        self.stdout.write(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
        for username, role in result["accounts"]:
            self.stdout.write(f"  {username:<12} {role}")
