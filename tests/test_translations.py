"""Every interface string has a Swedish translation, and the compiled catalogues are current."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["portal", "ideas", "partners", "triage", "templates"]
LANGUAGES = ["sv"]
# The copy holds the portal's settings, in demo mode (the tests' own settings stay behind).
DEMO_ENV = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "true"}


def catalogue_paths(language: str) -> list[Path]:
    return sorted(ROOT.glob(f"*/locale/{language}/LC_MESSAGES/django.po"))


def translated_msgids(language: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in catalogue_paths(language):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            text = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
            if text:
                found[entry.msgid] = text
    return found


def extracted_msgids(tmp_path: Path) -> set[str]:
    """Run makemessages on a copy of the sources, so the real catalogues stay as they are."""
    for name in SOURCE_DIRS:
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations"),
        )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
        env=DEMO_ENV,
    )
    extracted = polib.pofile(str(tmp_path / "locale/sv/LC_MESSAGES/django.po"))
    return {entry.msgid for entry in extracted}


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext (xgettext) not installed: catalogues not compared",
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated(tmp_path, language):
    missing = sorted(extracted_msgids(tmp_path) - set(translated_msgids(language)))
    assert not missing, f"{len(missing)} strings lack a {language} translation: {missing[:40]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogues_match_their_sources(language):
    for po_path in catalogue_paths(language):
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} missing: run msgfmt"
        source = {
            (e.msgid, e.msgstr)
            for e in polib.pofile(str(po_path))
            if e.translated() and not e.msgid_plural
        }
        compiled = {(e.msgid, e.msgstr) for e in polib.mofile(str(mo_path)) if not e.msgid_plural}
        assert source <= compiled, f"{mo_path} is older than {po_path}: recompile it"
