import shutil
import subprocess
import sys
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import to_locale

APPS = ["portal", "ideas", "partners", "triage"]
SOURCE_DIRS = [*APPS, "templates"]


def owning_app(path: str) -> str:
    """Strings in ideas/ or templates/ideas/ belong to ideas' catalogue, and so on."""
    for app in APPS[1:]:
        if path.startswith((f"{app}/", f"templates/{app}/")):
            return app
    return "portal"


class Command(BaseCommand):
    help = (
        "Extract the interface strings and add the new ones to each app's catalogue "
        "(<app>/locale/<lang>/LC_MESSAGES/django.po), drop unused ones, and compile them. "
        "Needs GNU gettext for the extraction."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "-l",
            "--language",
            action="append",
            help="language code (default: every language but English)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import polib

        if shutil.which("xgettext") is None:
            raise CommandError("GNU gettext is not installed (apt-get install gettext).")
        root = Path(settings.BASE_DIR)
        # English is the source; easy-to-read Swedish holds only its rewritten texts.
        languages = [
            to_locale(code)
            for code in options["language"]
            or [code for code, _name in settings.LANGUAGES if code not in ("en", "sv-easy")]
        ]
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            for name in SOURCE_DIRS:
                shutil.copytree(
                    root / name, work / name, ignore=shutil.ignore_patterns("locale", "__pycache__")
                )
            shutil.copy(root / "manage.py", work / "manage.py")
            (work / "locale").mkdir()
            for language in languages:
                subprocess.run(
                    [sys.executable, "manage.py", "makemessages", "-l", language],
                    cwd=work,
                    check=True,
                    capture_output=True,
                )
                extracted = polib.pofile(str(work / f"locale/{language}/LC_MESSAGES/django.po"))
                self._merge(polib, root, language, extracted)

    def _merge(self, polib: Any, root: Path, language: str, extracted: Any) -> None:
        wanted: dict[str, list[Any]] = {app: [] for app in APPS}
        for entry in extracted:
            wanted[owning_app(entry.occurrences[0][0] if entry.occurrences else "")].append(entry)
        all_ids = {entry.msgid for entry in extracted}
        paths = {
            app: root / app / "locale" / language / "LC_MESSAGES" / "django.po" for app in APPS
        }
        # A string already in any app's catalogue stays there; only new ones are placed.
        known = {
            entry.msgid
            for path in paths.values()
            if path.exists()
            for entry in polib.pofile(str(path))
        }
        for app, path in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            catalogue = polib.pofile(str(path)) if path.exists() else polib.POFile()
            catalogue.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
            catalogue.metadata.setdefault("Language", language)
            catalogue.metadata.setdefault("Plural-Forms", "nplurals=2; plural=(n != 1);")
            for entry in wanted[app]:
                if entry.msgid not in known:
                    entry.occurrences = []
                    catalogue.append(entry)
            for entry in [e for e in catalogue if e.msgid not in all_ids]:
                catalogue.remove(entry)
            catalogue.save(str(path))
            catalogue.save_as_mofile(str(path.with_suffix(".mo")))
            untranslated = len(catalogue.untranslated_entries())
            self.stdout.write(
                f"{path.relative_to(root)}: {len(catalogue)} strings, {untranslated} untranslated"
            )
