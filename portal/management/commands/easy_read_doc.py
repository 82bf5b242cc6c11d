"""Write docs/easy-read.md: the easy-to-read Swedish of each resident page and mail.

The texts come from the sv_Easy catalogues, in the order the templates say them; a string
without an easy text shows its plain Swedish, marked so. `tests/test_easy_read_doc.py` checks that
the committed document is what this command writes.
"""

import re
from argparse import ArgumentParser
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand
from django.template import Engine
from django.template.base import Node, TextNode
from django.template.loader_tags import BlockNode, ExtendsNode, IncludeNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

# The resident's pages, in the order of their journey (tests/test_language_complete.py's
# RESIDENT_TEMPLATES holds the same templates).
PAGES = [
    ("The front page", "ideas/home.html"),
    ("The idea form", "ideas/idea_submit.html"),
    ("The form's error summary", "includes/_error_summary.html"),
    ("The receipt page", "ideas/idea_submitted.html"),
    ("A draft is saved", "ideas/idea_draft_saved.html"),
    ("A draft already sent", "ideas/idea_draft_sent.html"),
    ("The idea's page (tracking page)", "ideas/idea_track.html"),
    ("The idea as it was sent", "ideas/idea_original.html"),
    ("Withdraw the idea", "ideas/idea_withdraw.html"),
    ("Erase my personal data", "ideas/idea_erase.html"),
    ("My data", "ideas/idea_my_data.html"),
    ("A lost link", "ideas/idea_lost_link.html"),
    ("Open the idea with the paper receipt's code", "ideas/idea_short_code.html"),
    ("The printed receipt", "ideas/idea_intake_receipt.html"),
    ("The paper form", "ideas/idea_paper_form.html"),
    ("The follow-up survey", "triage/follow_up_survey.html"),
    ("The follow-up survey, closed", "triage/follow_up_survey_closed.html"),
    ("How it works", "portal/how_it_works.html"),
    ("Contact", "portal/contact.html"),
    ("About the partnership", "portal/about.html"),
    ("The county's needs", "triage/needs.html"),
    ("Open data", "triage/open_data.html"),
    ("Personal data (privacy notice)", "portal/privacy_notice.html"),
    ("Accessibility statement", "portal/accessibility_statement.html"),
    ("Page not found (404)", "404.html"),
    ("No access (403)", "403.html"),
    ("The form could not be sent (CSRF)", "403_csrf.html"),
    ("The portal could not read what was sent (400)", "400.html"),
    ("Something went wrong (500)", "500.html"),
    ("The portal is busy (503)", "503.html"),
    ("A field's errors", "bootstrap5/errors.html"),
]
# The resident's mails (tests/outbox/every_mail.py), each as subject, text and HTML.
MAILS = [
    ("The receipt", "receipt"),
    ("News about the idea (a status change)", "status_change"),
    ("A question from the committee", "question"),
    ("The idea is sent on to partners", "idea_referred"),
    ("A partner will support the idea", "referral_accepted"),
    ("A message from a partner", "relayed_to_owner"),
    ("The follow-up survey", "follow_up_survey"),
    ("A saved draft", "draft"),
    ("A new link to the idea", "tracking_link"),
    ("Handled together with a similar idea", "together"),
    ("News about ideas handled together", "together_status"),
    ("Handled on its own again", "together_undone"),
]
FRAME = "base.html"
KINDS = {
    "title": "Page title",
    "h1": "Heading",
    "h2": "Heading",
    "h3": "Heading",
    "h4": "Heading",
    "h5": "Heading",
    "button": "Button",
    "a": "Link",
    "label": "Label",
    "legend": "Label",
    "summary": "Label",
}
OPENING_TAG = re.compile(r"<(title|h[1-6]|button|a|label|legend|summary)\b[^>]*>[^<]*$", re.S)


def catalogue(language: str) -> dict[str, str]:
    """Each filled-in msgid of a language's catalogues and its (first, singular) text."""
    found = {}
    for path in sorted(Path(settings.BASE_DIR).glob(f"*/locale/{language}/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            plural = entry.msgstr_plural
            text = (plural.get(1) or plural.get(0)) if entry.msgid_plural else entry.msgstr
            if text and not entry.obsolete and "fuzzy" not in entry.flags:
                key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
                found[key] = text
    return found


def _nodelists(node: Node) -> Iterator[Node]:
    for attribute in node.child_nodelists:
        yield from getattr(node, attribute, None) or []
    if hasattr(node, "conditions_nodelists"):  # {% if %}: every branch, in order
        for _condition, nodelist in node.conditions_nodelists:
            yield from nodelist


def strings(name: str, engine: Engine, with_parent: bool) -> list[tuple[str, str]]:
    """(kind, msgid) of a template's translations in the order it says them, with those of the
    templates it includes (and, if asked, extends), each msgid once."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    last_text = [""]

    def walk(nodes: Iterable[Node], done: set[str]) -> None:
        for node in nodes:
            if isinstance(node, TextNode):
                last_text[0] += node.s
            elif isinstance(node, BlockNode) and node.name == "title":
                last_text[0] = "<title>"
            elif isinstance(node, TranslateNode | BlockTranslateNode):
                if isinstance(node, TranslateNode):
                    msgid = getattr(node.filter_expression.var, "literal", None)
                else:
                    msgid, _vars = node.render_token_list(node.singular)
                if isinstance(msgid, str) and msgid:
                    if node.message_context:
                        msgid = f"{node.message_context.var}\x04{msgid}"
                    if msgid not in seen:
                        seen.add(msgid)
                        tag = OPENING_TAG.search(last_text[0])
                        found.append((KINDS[tag.group(1)] if tag else "Text", msgid))
                last_text[0] = ""
            elif isinstance(node, IncludeNode):
                included = getattr(node.template, "var", None)
                if isinstance(included, str) and included.strip("\"'") not in done:
                    walk(engine.get_template(included.strip("\"'")).nodelist, done | {included})
            if isinstance(node, ExtendsNode):
                walk(node.nodelist, done)
                parent = getattr(node.parent_name, "var", None)
                if with_parent and isinstance(parent, str):
                    walk(engine.get_template(parent.strip("\"'")).nodelist, done)
            elif not isinstance(node, IncludeNode):
                walk(list(_nodelists(node)), done)

    walk(engine.get_template(name).nodelist, {name})
    return found


def _cell(text: str) -> str:
    text = re.sub(r"\s+", " ", text.split("\x04")[-1]).strip()
    return text.replace("|", "\\|")


def document(today: date) -> str:
    engine = Engine.get_default()
    easy, plain = catalogue("sv_Easy"), catalogue("sv")
    lines = [
        "# Easy-to-read Swedish, page by page and mail by mail",
        "",
        f"Made on {today.isoformat()} by `manage.py easy_read_doc` from the sv_Easy catalogues "
        "(ideas/, portal/ and triage/locale/sv_Easy) and the resident's templates: each page's "
        "and each mail's strings in the order the template says them, every branch of it (so a "
        "page lists its errors and its other states too). Where a string has no easy text, the "
        "plain Swedish is shown in *italics*: that is what the reader of easy-to-read Swedish "
        "gets. Texts in `%(...)s` are filled in (a title, a number, a date). Run the command "
        "again after changing a catalogue; `tests/test_easy_read_doc.py` checks this file is "
        "up to date. The labels, help texts and errors of the resident's forms, the idea's "
        "statuses and the partners' states come from the code: they are listed last. The "
        "one-line messages the views show (for example after a withdrawal) and the services' "
        "refusals are not listed here; tests/test_easy_read.py checks that each has its easy "
        "text.",
        "",
    ]

    def table(items: list[tuple[str, str]]) -> list[str]:
        rows = ["| What | Easy-to-read Swedish | English source |", "| --- | --- | --- |"]
        for kind, msgid in items:
            if msgid in easy:
                text = _cell(easy[msgid])
            elif msgid in plain:
                text = f"*{_cell(plain[msgid])}*"
            else:
                text = f"*{_cell(msgid)}*"
            rows.append(f"| {kind} | {text} | {_cell(msgid)} |")
        return [*rows, ""]

    frame = strings(FRAME, engine, with_parent=False)
    frame_ids = {msgid for _kind, msgid in frame}
    lines += ["## On every page (the header and the footer)", "", *table(frame)]
    lines += ["## Pages", ""]
    for title, name in PAGES:
        items = [item for item in strings(name, engine, False) if item[1] not in frame_ids]
        lines += [f"### {title}", "", f"`templates/{name}`", "", *table(items)]
    lines += ["## Mails", ""]
    for title, stem in MAILS:
        items = [
            ("Subject", msgid) for _k, msgid in strings(f"emails/{stem}_subject.txt", engine, True)
        ]
        seen = {msgid for _k, msgid in items}
        for suffix in (".txt", ".html"):
            for kind, msgid in strings(f"emails/{stem}{suffix}", engine, True):
                if msgid not in seen:
                    seen.add(msgid)
                    items.append((kind if suffix == ".html" else "Text", msgid))
        lines += [f"### {title}", "", f"`templates/emails/{stem}`", "", *table(items)]
    lines += ["## The form's labels and errors, and the idea's statuses", "", *table(code_items())]
    return "\n".join(lines).rstrip() + "\n"


def code_items() -> list[tuple[str, str]]:
    """What the resident reads from the code: the statuses and their next steps, the owner's
    partner lines and every label, help text and error of the resident's forms."""
    from ideas import forms as idea_forms
    from ideas import workflow
    from triage.referrals import workflow as referral_workflow

    def msgid(value: object) -> str | None:
        args = getattr(value, "_args", None)
        if isinstance(args, tuple) and args and all(isinstance(arg, str) for arg in args):
            return "\x04".join(args)
        return None

    items: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(kind: str, value: object) -> None:
        found = msgid(value)
        if found and found not in seen:
            seen.add(found)
            items.append((kind, found))

    for label in workflow.PUBLIC_LABELS.values():
        add("Status", label)
    for step in workflow.NEXT_STEPS.values():
        add("Next step", step)
    for label in referral_workflow.OWNER_LABELS.values():
        add("A partner's state", label)
    for form_class in (
        idea_forms.IdeaSubmitForm,
        idea_forms.QuestionAnswerForm,
        idea_forms.LostLinkForm,
        idea_forms.WithdrawForm,
    ):
        form = form_class(asked=[]) if form_class is idea_forms.IdeaSubmitForm else form_class()
        for field in form.fields.values():
            add("Label", field.label)
            add("Help text", field.help_text)
            choices = [] if hasattr(field, "queryset") else getattr(field, "choices", None)
            for value, choice in choices or []:
                if value:
                    add("Choice", choice)
            for error in field.error_messages.values():
                add("Error", error)
    return items


class Command(BaseCommand):
    help = "Write docs/easy-read.md: the easy-to-read Swedish of each resident page and mail."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs/easy-read.md"))

    def handle(self, *args: Any, **options: Any) -> None:
        Path(options["output"]).write_text(document(date.today()), encoding="utf-8")
        self.stdout.write(f"Wrote {options['output']}")
