"""docs/easy-read.md shows the product owner each resident page's and mail's easy-to-read Swedish:
it is what `manage.py easy_read_doc` writes from today's catalogues, and it covers every resident
template."""

import re
from datetime import date
from pathlib import Path

from portal.management.commands import easy_read_doc
from tests.test_language_complete import RESIDENT_TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs/easy-read.md"
MADE_ON = re.compile(r"^Made on \d{4}-\d{2}-\d{2} ", re.M)


def test_the_document_is_what_the_command_writes_from_the_catalogues_of_today():
    written = DOC.read_text(encoding="utf-8")
    assert MADE_ON.search(written), "the document does not say when it was made"
    made = easy_read_doc.document(date.today())
    assert MADE_ON.sub("Made on ", written) == MADE_ON.sub("Made on ", made), (
        "docs/easy-read.md is out of date: run manage.py easy_read_doc"
    )


def test_the_document_covers_every_resident_page_and_mail():
    covered = {name for _title, name in easy_read_doc.PAGES} | {
        f"emails/{stem}{suffix}"
        for _title, stem in easy_read_doc.MAILS
        for suffix in (".txt", ".html", "_subject.txt")
    }
    assert not set(RESIDENT_TEMPLATES) - covered


def test_the_document_shows_the_easy_text_not_the_plain_swedish():
    written = DOC.read_text(encoding="utf-8")
    assert "| Subject | Vi har fått din idé (%(reference)s) |" in written
    assert "Sätt ett kryss i rutan. Annars kan vi inte spara din idé." in written
    assert "Formuläret kom inte fram" in written
    assert "Vi har tagit emot din idé (%(reference)s)" not in written
