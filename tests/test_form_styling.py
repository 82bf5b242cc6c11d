"""One way to style a form: crispy-forms' Bootstrap 5 pack renders every field (labels, help
and errors tied to the field by aria-describedby), never an input written out by hand."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Bootstrap's text and select classes are crispy's to give; a template that writes one out is
# rendering a field by hand. (Checkboxes that tick rows of a table are not form fields.)
BY_HAND = re.compile(r'class="[^"]*\bform-(?:control|select)\b')


def test_no_template_writes_a_text_box_or_a_select_by_hand():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if BY_HAND.search(line)
    ]
    assert found == []


def test_no_template_renders_a_bare_widget():
    found = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if ".as_widget" in path.read_text()
    ]
    assert found == []
