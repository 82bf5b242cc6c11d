"""A page never says one language and shows another.

Every page state and every mail a resident can reach is rendered in Arabic, English and Swedish
the way a resident drives the portal (the test client, the mails as the outbox stores them),
while the translation lookups are watched: a string looked up with no translation in the active
language would fall back to Swedish under `lang="ar"` (to English under `lang="sv"`), and the
test lists each one. A catalogue check finds the strings of the resident's templates, and of
every template the Arabic walk renders, that have no Arabic even in branches the walk does not
take. The staff's and partners' page states are watched the same way in Swedish. Staff and
partner pages, written in Swedish and English only, are served in English to a visitor who
chose Arabic, with a note in Arabic that says so, and their language switch offers no Arabic.
What an owner wrote keeps the owner's language on those pages.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from tempfile import TemporaryDirectory

import django
import polib
import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.template import Engine
from django.template.base import Node
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import Client, RequestFactory, override_settings
from django.test.signals import template_rendered
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.translation import trans_real
from django.views.defaults import page_not_found, permission_denied

from ideas import workflow
from ideas.models import Idea
from portal.errors import static_error_page
from tests.ideas.conftest import valid_form
from tests.ideas.test_attachments import PNG, upload
from tests.journeys.conftest import Journey, Page
from triage.referrals.follow_up import follow_up_send

ROOT = Path(__file__).resolve().parent.parent
# Swedish is the portal's first language: a string missing from its catalogue shows English
# under lang="sv". Easy-to-read Swedish falls back to Swedish by design (its pages say lang="sv").
RESIDENT_LANGUAGES = ["ar", "en", "sv"]

# Every template a resident's page or mail is rendered from (what they include or extend is
# followed). The outreach staff's intake pages are staff pages; the printed receipt is the
# resident's paper, printed in the idea's language.
RESIDENT_TEMPLATES = [
    "ideas/home.html",
    "ideas/idea_submit.html",
    "ideas/idea_submitted.html",
    "ideas/idea_draft_saved.html",
    "ideas/idea_draft_sent.html",
    "ideas/idea_lost_link.html",
    "ideas/idea_track.html",
    "ideas/idea_original.html",
    "ideas/idea_withdraw.html",
    "ideas/idea_erase.html",
    "ideas/idea_intake_receipt.html",
    "ideas/idea_my_data.html",
    "triage/follow_up_survey.html",
    "triage/follow_up_survey_closed.html",
    "portal/privacy_notice.html",
    "portal/accessibility_statement.html",
    "portal/how_it_works.html",
    "portal/contact.html",
    "portal/about.html",
    "triage/needs.html",
    "triage/open_data.html",
    "ideas/idea_short_code.html",
    "ideas/idea_paper_form.html",
    "403.html",
    "404.html",
    "400.html",
    "403_csrf.html",
    "500.html",
    "503.html",
    "bootstrap5/errors.html",
    *(
        f"emails/{name}{suffix}"
        for name in (
            "receipt",
            "status_change",
            "question",
            "draft",
            "tracking_link",
            "idea_referred",
            "referral_accepted",
            "relayed_to_owner",
            "follow_up_survey",
            # An idea handled together with a similar one (triage.review.merges).
            "together",
            "together_status",
            "together_undone",
        )
        for suffix in (".txt", ".html", "_subject.txt")
    ),
]


# --- Watching the translation lookups ---------------------------------------------------------


class Lookups:
    """Every msgid looked up while the watch is on, and those without a translation."""

    def __init__(self, languages: set[str]) -> None:
        self.languages = languages
        self.missing: dict[str, set[str]] = {language: set() for language in languages}
        self.seen: dict[str, set[str]] = {language: set() for language in languages}

    def note(self, translation_object, msgid: str, found: bool) -> None:
        language = translation_object.language()
        if language not in self.languages or not msgid:
            return
        self.seen[language].add(msgid)
        # English is the source language: its msgids are its text.
        if not found and not language.startswith("en"):
            self.missing[language].add(msgid.replace(trans_real.CONTEXT_SEPARATOR, " | "))


@pytest.fixture
def lookups(monkeypatch) -> Iterator[Lookups]:
    """Wrap DjangoTranslation's gettext and ngettext (pgettext goes through gettext)."""
    watch = Lookups(set(RESIDENT_LANGUAGES))
    cls = trans_real.DjangoTranslation
    original_gettext, original_ngettext = cls.gettext, cls.ngettext

    def gettext(self, message):
        catalog = self._catalog
        found = catalog is not None and (message in catalog or (message, self.plural(1)) in catalog)
        watch.note(self, message, found)
        return original_gettext(self, message)

    def ngettext(self, msgid1, msgid2, n):
        try:
            self._catalog.plural(msgid1, n)
            found = True
        except (KeyError, AttributeError):
            found = False
        watch.note(self, msgid1, found)
        return original_ngettext(self, msgid1, msgid2, n)

    monkeypatch.setattr(cls, "gettext", gettext)
    monkeypatch.setattr(cls, "ngettext", ngettext)
    yield watch


def untranslated(watch: Lookups, language: str) -> list[str]:
    return sorted(watch.missing[language])


# --- The resident's walk ------------------------------------------------------------------------


@pytest.fixture
def walk(
    db, settings, coordinator, outreach_staff, committee_member, django_capture_on_commit_callbacks
) -> Journey:
    settings.IDEAS_SUBMIT_RATE = "1000/h"
    settings.IDEAS_MIN_FILL_SECONDS = 0
    settings.COORDINATOR_EMAIL = coordinator.email
    return Journey(
        capture=django_capture_on_commit_callbacks,
        coordinator=coordinator,
        outreach_staff=outreach_staff,
        committee_member=committee_member,
    )


def assert_in_language(response, language: str) -> Page:
    page = Page.of(response)
    assert page.lang == language, f"{page.url} is served as {page.lang!r}, not {language!r}"
    assert page.dir == ("rtl" if language == "ar" else "ltr"), page.url
    return page


def error_page(view, exception, language: str):
    """A 403 or 404 page as Django's handler renders it for an anonymous visitor."""
    request = RequestFactory().get("/track/nothing-here/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    with translation.override(language):
        response = view(request, exception)
    response.request = {"PATH_INFO": request.path}
    return response


def _call_with_questions() -> dict[str, str]:
    """An open call with an optional choice and yes/no question in every language; the answers
    the walk's idea gives (by field name)."""
    from django.utils import timezone

    from ideas import questions
    from ideas.models import CallForIdeas

    call = CallForIdeas.objects.create(
        title={
            "sv": "Service på landsbygden 2027",
            "en": "Rural services 2027",
            "ar": "الخدمات في الريف 2027",
        },
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    choice = questions.question_add(
        kind="choice",
        required=False,
        call=call,
        texts={
            "sv": {
                "wording": "Hur långt?",
                "help_text": "Enkel väg.",
                "choices": ["Nära", "Långt"],
            },
            "en": {"wording": "How far?", "help_text": "One way.", "choices": ["Near", "Far"]},
            "ar": {
                "wording": "كم المسافة؟",
                "help_text": "اتجاه واحد.",
                "choices": ["قريب", "بعيد"],
            },
        },
    )
    yes_no = questions.question_add(
        kind="yes_no",
        required=False,
        texts={
            "sv": {"wording": "Finns en förening?"},
            "en": {"wording": "An association?"},
            "ar": {"wording": "هل توجد جمعية؟"},
        },
    )
    return {f"question_{choice.pk}": "2", f"question_{yes_no.pk}": "yes"}


def walk_every_resident_page(
    walk: Journey, language: str, *, declared: str | None = None
) -> list[str]:
    """Drive every page state and mail a resident can reach; give back each mail's HTML. The
    pages and mails say `declared` (easy-to-read Swedish says "sv"), by default `language`."""
    declared = declared or language
    resident = Client(HTTP_ACCEPT_LANGUAGE=language)
    pages = []

    def get(path, **kwargs):
        response = resident.get(path, **kwargs)
        pages.append(assert_in_language(response, declared))
        return response

    def post(path, data=None, **kwargs):
        with walk._capture(execute=True):
            response = resident.post(path, data or {}, **kwargs)
        if response.status_code != 302:
            pages.append(assert_in_language(response, declared))
        return response

    # Issue 21: an open call for ideas on the front page, with its questions on the form.
    asked = _call_with_questions()
    get(reverse("home"))
    get(reverse("privacy_notice"))
    get(reverse("accessibility_statement"))
    get(reverse("how_it_works"))
    get(reverse("contact"))
    get(reverse("about"))
    # The county's needs: no idea yet, then dates that cannot be read (the field's error).
    get(reverse("needs"))
    get(reverse("needs") + "?start=31%2F12&end=2026-01-01")
    get(reverse("open_data"))
    get(reverse("ideas:submit"))
    # The form with errors, then a draft saved and reopened from its mail, then a draft sent.
    post(reverse("ideas:submit"), valid_form(title="", consent="", submitter_email="anna@"))
    # The form with an error and a photo: the photo is kept, ticked, under "files you have
    # already chosen" (ideas/held_files.py).
    with TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        kept = post(
            reverse("ideas:submit"),
            {**valid_form(title=""), "attachments": [upload("karta.png", PNG)]},
        )
        assert 'name="kept_files"' in kept.content.decode(), "the photo was not kept"
    post(reverse("ideas:submit"), valid_form(description="", save_draft="1", language=language))
    draft_link = re.search(r"/idea/draft/[\w-]+/", walk.last_mail_to("anna@example.org").text)
    assert draft_link, "the draft mail has no link"
    get(draft_link.group(0), follow=True)
    post(reverse("ideas:submit"), valid_form(language=language, **asked))
    get(reverse("ideas:submitted"))
    get(draft_link.group(0))  # a used draft link says which idea it became (410)
    get(reverse("ideas:submitted"), follow=True)  # the receipt is shown once
    # A lost link: the form, its error, the answer, and a new link by mail.
    get(reverse("ideas:lost_link"))
    post(reverse("ideas:lost_link"), {"email": "not an address"})
    post(reverse("ideas:lost_link"), {"email": "anna@example.org"})
    get(reverse("ideas:track", args=["no-such-token"]))  # 404
    # The short code from a paper receipt: the form, its errors, a wrong short link (404).
    get(reverse("ideas:short_code"))
    get(reverse("ideas:paper_form"))
    post(reverse("ideas:short_code"), {"reference": "", "code": ""})
    post(reverse("ideas:short_code"), {"reference": "IL-2026-9999", "code": "AAAA-AAAA"})
    get(reverse("ideas:short_link", args=["IL-2026-9999", "AAAA-AAAA"]))
    # The accessibility statement's report form: its errors, then the report sent.
    post(reverse("accessibility_statement"), {"page": "", "description": ""})
    post(reverse("accessibility_statement"), {"page": "The form", "description": "Too small."})
    get(reverse("accessibility_statement"))
    # Too much from one connection: the form, the link and the report answer 429.
    with override_settings(
        IDEAS_SUBMIT_RATE="0/h",
        IDEAS_LINK_RATE="0/h",
        ACCESSIBILITY_REPORT_RATE="0/h",
        IDEAS_SHORT_CODE_RATE="0/h",
    ):
        refused = [
            post(reverse("ideas:submit"), valid_form(language=language)),
            post(reverse("ideas:lost_link"), {"email": "anna@example.org"}),
            post(reverse("accessibility_statement"), {"page": "The form", "description": "S."}),
            post(reverse("ideas:short_code"), {"reference": "IL-2026-9999", "code": "AAAA"}),
        ]
    assert [response.status_code for response in refused] == [429, 429, 429, 429]

    # An idea followed round the loop; every mail to its owner is read.
    idea = walk.resident_submits(language=language)
    token = idea.tracking_path.split("/")[2]
    get(idea.tracking_path)
    get(reverse("ideas:original", args=[token]))
    walk.coordinator_screens(idea)
    walk.coordinator_asks(idea, message_to_owner="Where would the bus stop?")
    get(idea.tracking_path)
    post(reverse("ideas:answer", args=[token]), {"answer": ""})  # the answer's error
    walk.resident_answers(idea, "Outside the grocery store")
    get(idea.tracking_path)
    side = walk.partner()
    declining = walk.partner("Studieförbundet", username="declining")
    walk.coordinator_refers(
        idea, [side, declining], note_to_partners="Read it.", message_to_owner="Good news."
    )
    get(idea.tracking_path)  # sent to two partners, no answer yet
    walk.partner_answers_from_mail(declining, idea, answer="decline", text="Full this year.")
    walk.partner_answers_from_mail(side, idea, answer="accept")
    get(idea.tracking_path)
    walk.partner_reports(side, idea, text="A room.", finished=False)
    get(idea.tracking_path)
    # While the support goes on: the owner's choice for the partner, its error, a message
    # relayed both ways.
    referral = idea.idea.referrals.get(partner=side.partner)
    to_partner = {"token": token, "referral": referral.public_id}
    decide = reverse("partner_consent:decide", kwargs=to_partner)
    post(decide, {"decision": "maybe"})
    get(idea.tracking_path)  # the error, in a message
    post(decide, {"decision": "given"})
    get(idea.tracking_path)
    with walk._capture(execute=True):
        written = side.client.post(
            reverse("partner_portal:referral_message", args=[referral.pk]),
            {"owner-message-text": "Can we meet on Thursday?"},
        )
    assert written.status_code == 302, "the partner's message was not passed on"
    reply = reverse("partner_consent:reply", kwargs=to_partner)
    reply_field = f"reply-{str(referral.public_id)[:8]}-text"
    assert post(reply, {reply_field: " "}).status_code == 400  # the error beside its field
    assert post(reply, {reply_field: "Yes, at ten."}).status_code == 302
    get(idea.tracking_path)
    post(decide, {"decision": "withdrawn"})
    get(idea.tracking_path)
    # Whether the idea may be shown publicly: no choice, yes, no.
    public = reverse("ideas:public_listing", args=[token])
    for choice in ("", "yes", "no"):
        post(public, {"public_listing": choice})
        get(idea.tracking_path)
    get(reverse("ideas:my_data_page", args=[token]))
    get(reverse("ideas:my_data_page", args=[token]) + "?print=1")
    walk.partner_reports(side, idea, text="A room and a grant.", finished=True)
    get(idea.tracking_path)
    # Months later the owner is asked how the support went: the survey, its error, the answer.
    with walk._capture(execute=True):
        follow_up_send(referral=referral)
    survey = re.search(r"/follow-up/[\w-]+/", walk.last_mail_to(idea.owner).text)
    assert survey, "the follow-up mail has no link"
    get(survey.group(0))
    assert post(survey.group(0), {"what_happened": "A room."}).status_code == 400
    assert post(survey.group(0), {"rating": "4", "what_happened": "A room."}).status_code == 302
    get(survey.group(0))  # answered: thanked
    assert post(survey.group(0), {"rating": "5"}).status_code == 409  # answered twice
    get("/follow-up/no-such-token/")
    with walk._capture(execute=True):
        my_data = resident.post(reverse("ideas:my_data", args=[token]))
    assert my_data.status_code == 200 and json.loads(my_data.content)

    # A second idea is withdrawn, then erased.
    second = walk.resident_submits(language=language, email="second@example.org")
    second_token = second.tracking_path.split("/")[2]
    get(reverse("ideas:withdraw", args=[second_token]))
    walk.coordinator_moves(second, workflow.Status.SCREENING, message_to_owner="We read it.")
    post(reverse("ideas:withdraw", args=[second_token]), {"reason": "Moved away."})
    get(second.tracking_path)
    get(reverse("ideas:erase", args=[second_token]))
    post(reverse("ideas:erase", args=[second_token]))
    get(second.tracking_path, follow=True)

    # An idea written down at a caravan stop: the receipt printed for the resident.
    outreach = walk.outreach_registers(language=language, email="caravan@example.org")
    assert walk.last_printed_receipt.lang == "sv"  # the staff's page around the paper
    assert re.search(rf'lang="{declared}"', walk.last_printed_receipt.html)
    get(outreach.tracking_path)

    # The county's needs with the walk's ideas counted.
    get(reverse("needs") + "?period=all")

    # A declined idea, and the error pages a resident meets.
    third = walk.resident_submits(language=language, email="third@example.org")
    walk.coordinator_moves(third, workflow.Status.SCREENING)
    walk.coordinator_moves(third, workflow.Status.DECLINED, message_to_owner="Sorry.")
    get(third.tracking_path)
    for view, exception in ((page_not_found, Http404()), (permission_denied, PermissionDenied())):
        pages.append(assert_in_language(error_page(view, exception, language), declared))
    # A request the portal cannot read (too many fields: 400) and a form without its token.
    unreadable = resident.post(reverse("ideas:lost_link"), {f"f{n}": "x" for n in range(1001)})
    checked = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    no_token = checked.post(reverse("ideas:submit"), valid_form())
    assert (unreadable.status_code, no_token.status_code) == (400, 403)
    pages += [assert_in_language(each, declared) for each in (unreadable, no_token)]
    for status in (500, 503):
        request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=language)
        response = static_error_page(request, status=status)
        response.request = {"PATH_INFO": f"/{status}/"}
        pages.append(assert_in_language(response, declared))

    owners = ("anna@example.org", *(each.owner.email for each in (idea, second, third, outreach)))
    mails = [mail for owner in owners for mail in walk.mails_to(owner)]
    kinds = {mail.message.subject for mail in mails}
    assert len(kinds) >= 8, f"too few kinds of mail reached the owners: {kinds}"
    for mail in mails:
        assert mail.language == language, mail.subject
        match = re.search(r'<html lang="([\w-]+)" dir="(\w+)"', mail.html)
        assert match and match.groups() == (declared, "rtl" if language == "ar" else "ltr"), (
            f"the mail {mail.subject!r} does not declare {declared}"
        )
    return [mail.html for mail in mails]


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_every_resident_page_and_mail_is_written_in_the_language_it_declares(
    walk, lookups, language
):
    walk_every_resident_page(walk, language)

    assert lookups.seen[language], "the watch saw no lookup in the resident's language"
    missing = untranslated(lookups, language)
    assert not missing, (
        f"{len(missing)} strings a resident reads have no {language} translation and fall back "
        f"to {'English' if language == 'sv' else 'Swedish'}: {missing}"
    )


def test_every_staff_and_partner_page_state_in_swedish_has_each_string_in_swedish(walk, lookups):
    """The committee's, the outreach staff's and a partner's pages and error states, with the
    login and the password reset (tests/test_valid_html.py's walk), in Swedish."""
    from tests.test_valid_html import staff_and_partner_pages

    staff_and_partner_pages(walk)

    assert len(lookups.seen["sv"]) > 300, "the watch saw too few lookups in Swedish"
    missing = untranslated(lookups, "sv")
    assert not missing, f"{len(missing)} strings on staff pages show English under sv: {missing}"


def test_the_key_list_of_my_data_says_it_is_english_and_the_link_to_it_says_so_too(walk):
    idea = walk.resident_submits(language="ar")
    token = idea.tracking_path.split("/")[2]
    resident = Client(HTTP_ACCEPT_LANGUAGE="ar")

    page = assert_in_language(resident.get(reverse("ideas:my_data_page", args=[token])), "ar")
    keys = resident.get(reverse("ideas:my_data_keys"))

    assert "ما معنى كل حقل في التنزيل (باللغة الإنجليزية)" in page.text
    assert keys["Content-Language"] == "en" and "the download's keys" in keys.content.decode()


def test_the_arabic_walk_reaches_the_mails_of_every_step(walk, lookups):
    """The walk is a real one: the owner's mails are there, in Arabic, with nothing Swedish."""
    mails = walk_every_resident_page(walk, "ar")

    assert any("شكرًا على فكرتك" in html for html in mails)  # the receipt
    assert not any("Tack för din idé" in html for html in mails)
    assert Idea.objects.filter(language="ar").count() == 5


# --- The resident's templates in the catalogue ------------------------------------------------


def _child_nodelists(node: Node) -> Iterator[Node]:
    for attribute in node.child_nodelists:
        yield from getattr(node, attribute, None) or []
    if hasattr(node, "conditions_nodelists"):  # {% if %}
        for _condition, nodelist in node.conditions_nodelists:
            yield from nodelist


def template_msgids(name: str, engine: Engine, done: set[str] | None = None) -> set[str]:
    """The msgids of a template's {% translate %} and {% blocktranslate %} tags, with those of
    every template it extends or includes by name."""
    done = set() if done is None else done
    if name in done:
        return set()
    done.add(name)
    found: set[str] = set()
    stack = list(engine.get_template(name).nodelist)
    while stack:
        node = stack.pop()
        if isinstance(node, TranslateNode):
            value = node.filter_expression.var
            msgid = getattr(value, "literal", None)
            if isinstance(msgid, str) and msgid:
                prefix = f"{node.message_context.var}\x04" if node.message_context else ""
                found.add(prefix + msgid)
        elif isinstance(node, BlockTranslateNode):
            msgid, _vars = node.render_token_list(node.singular)
            prefix = f"{node.message_context.var}\x04" if node.message_context else ""
            found.add(prefix + msgid)  # already trimmed when the tag says so
        elif isinstance(node, ExtendsNode):
            parent = node.parent_name.var
            if isinstance(parent, str):
                found |= template_msgids(parent.strip("\"'"), engine, done)
        elif isinstance(node, IncludeNode):
            included = getattr(node.template, "var", None)
            if isinstance(included, str):
                found |= template_msgids(included.strip("\"'"), engine, done)
        stack.extend(_child_nodelists(node))
    return found


def arabic_catalogue() -> dict[str, polib.POEntry]:
    """Every entry of the Arabic catalogues whose every form is filled in: the portal's own,
    and Django's (its form errors, for example)."""
    entries = {}
    django_root = Path(django.__file__).resolve().parent
    paths = [
        *sorted(ROOT.glob("*/locale/ar/LC_MESSAGES/django.po")),
        django_root / "conf/locale/ar/LC_MESSAGES/django.po",
        *sorted(django_root.glob("contrib/*/locale/ar/LC_MESSAGES/django.po")),
    ]
    for path in paths:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if forms and all(forms):
                key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
                entries[key] = entry
    return entries


def test_every_string_of_the_resident_templates_has_an_arabic_translation():
    engine = Engine.get_default()
    wanted: set[str] = set()
    for name in RESIDENT_TEMPLATES:
        wanted |= template_msgids(name, engine)
    assert len(wanted) > 150, "the templates' strings were not found"

    missing = sorted(wanted - set(arabic_catalogue()))
    assert not missing, f"{len(missing)} strings of resident templates lack Arabic: {missing}"


@pytest.fixture
def arabic_templates() -> Iterator[set[str]]:
    """The name of every template (included ones too) rendered while Arabic is active."""
    names: set[str] = set()

    def note(sender, template, context, **kwargs):
        # Django's own form widgets (its own Arabic catalogue) come from the form renderer.
        if (
            template.name
            and not template.name.startswith("django/forms/")
            and (translation.get_language() == "ar")
        ):
            names.add(template.name)

    template_rendered.connect(note, dispatch_uid="arabic-templates")
    yield names
    template_rendered.disconnect(dispatch_uid="arabic-templates")


def test_every_template_the_arabic_walk_renders_has_arabic_for_each_of_its_strings(
    walk, arabic_templates
):
    """Each branch of every page and mail template the walk reached, not only the rendered ones:
    a template reached by the walk but left out of RESIDENT_TEMPLATES is still checked."""
    walk_every_resident_page(walk, "ar")
    assert {"ideas/idea_track.html", "emails/receipt.html", "400.html"} <= arabic_templates
    assert {"403_csrf.html", "triage/follow_up_survey.html"} <= arabic_templates

    engine = Engine.get_default()
    catalogue = set(arabic_catalogue())
    missing = {
        name: sorted(template_msgids(name, engine) - catalogue) for name in sorted(arabic_templates)
    }
    missing = {name: msgids for name, msgids in missing.items() if msgids}
    assert not missing, f"templates rendered in Arabic with strings that lack Arabic: {missing}"


def lazy_msgids(value, depth: int = 0) -> Iterator[str]:
    """The msgids of the lazy translations held in a value (dicts, lists, choices, fields)."""
    if depth > 6:
        return
    args = getattr(value, "_args", None)
    if isinstance(args, tuple) and args and all(isinstance(arg, str) for arg in args):
        yield "\x04".join(args)  # gettext_lazy (msgid) or pgettext_lazy (context, msgid)
    elif isinstance(value, dict):
        for item in value.values():
            yield from lazy_msgids(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from lazy_msgids(item, depth + 1)
    elif isinstance(value, type) and issubclass(value, models.Choices):
        yield from lazy_msgids(value.labels, depth + 1)
    elif isinstance(value, forms.Field):
        for attribute in ("label", "help_text", "error_messages", "choices", "empty_label"):
            yield from lazy_msgids(getattr(value, attribute, None), depth + 1)


def resident_code_labels() -> set[str]:
    """What the resident reads from code: statuses, next steps, the owner's partner lines and
    every label, help text, choice and error of the resident's forms."""
    from ideas import forms as idea_forms
    from ideas import questions
    from portal.forms import AccessibilityReportForm
    from triage.referrals import workflow as referral_workflow

    found = set(lazy_msgids([value for value in vars(workflow).values()]))
    found |= set(lazy_msgids(referral_workflow.OWNER_LABELS))
    for form_class in (
        idea_forms.IdeaSubmitForm,
        idea_forms.QuestionAnswerForm,
        idea_forms.LostLinkForm,
        idea_forms.WithdrawForm,
        AccessibilityReportForm,
    ):
        # The idea form without the coordinator's questions (they are the coordinator's words,
        # read from the database); what the form says about them is added below.
        form = form_class(asked=[]) if form_class is idea_forms.IdeaSubmitForm else form_class()
        found |= set(lazy_msgids(list(form.fields.values())))
    found |= set(lazy_msgids([questions.REQUIRED_MESSAGE, questions.CHOICE_REQUIRED_MESSAGE]))
    return found


@pytest.mark.django_db
def test_every_label_a_resident_reads_from_the_code_has_an_arabic_translation():
    wanted = resident_code_labels()
    assert len(wanted) > 50, "the code's labels were not found"

    missing = sorted(wanted - set(arabic_catalogue()))
    assert not missing, f"{len(missing)} labels a resident reads lack Arabic: {missing}"


# --- Staff and partner pages ----------------------------------------------------------------


STAFF_NOTE = "هذه الصفحة متاحة باللغتين السويدية والإنجليزية فقط"


@pytest.mark.django_db
def test_a_staff_page_asked_for_in_arabic_is_served_in_english_and_says_so_in_arabic(
    client, coordinator
):
    client.force_login(coordinator)
    client.cookies["django_language"] = "ar"

    for name in ("triage:dashboard", "triage:meeting", "outbox:list", "partners:list"):
        response = client.get(reverse(name))
        page = assert_in_language(response, "en")
        assert response["Content-Language"] == "en", name
        assert STAFF_NOTE in page.text, f"{name} does not say why it is in English"
        assert re.search(rf'<[^>]+lang="ar"[^>]*dir="rtl"[^>]*>[^<]*{STAFF_NOTE}', page.html)
        assert "Idéhantering" not in page.text  # not Swedish under lang="en" either


@pytest.mark.django_db
def test_the_login_page_and_a_partner_page_in_arabic_are_served_in_english(client):
    client.cookies["django_language"] = "ar"

    login = assert_in_language(client.get(reverse("login")), "en")
    referral = assert_in_language(client.get("/referral/answer/no-such-token/"), "en")

    assert STAFF_NOTE in login.text and STAFF_NOTE in referral.text


@pytest.mark.django_db
def test_a_resident_page_in_arabic_stays_in_arabic_without_the_staff_note(client):
    client.cookies["django_language"] = "ar"

    page = assert_in_language(client.get(reverse("ideas:submit")), "ar")

    assert STAFF_NOTE not in page.text


def switch_offers(page: Page) -> list[str]:
    return re.findall(r'<button type="submit" name="language" value="([\w-]+)"', page.html)


@pytest.mark.django_db
def test_the_language_switch_offers_a_staff_or_partner_page_only_in_its_languages(
    client, coordinator
):
    client.cookies["django_language"] = "ar"
    partner_link = Page.of(client.get("/referral/answer/no-such-token/"))
    login = Page.of(client.get(reverse("login")))
    client.force_login(coordinator)
    dashboard = Page.of(client.get(reverse("triage:dashboard")))
    for page in (partner_link, login, dashboard):
        assert switch_offers(page) == ["sv", "sv-easy", "en"], page.url
        assert (
            'value="en" lang="en" class="language-switch-option" aria-current="true"' in page.html
        )

    # The resident's pages, and a page at no address, offer every language.
    for path in (reverse("ideas:submit"), "/no/such/page/"):
        page = assert_in_language(client.get(path), "ar")
        assert switch_offers(page) == ["sv", "sv-easy", "en", "ar"], path


@pytest.mark.django_db
def test_a_staff_page_in_swedish_or_english_is_served_as_asked(client, coordinator):
    client.force_login(coordinator)
    for language in ("sv", "en"):
        client.cookies["django_language"] = language
        page = assert_in_language(client.get(reverse("triage:dashboard")), language)
        assert STAFF_NOTE not in page.text


# --- What people wrote carries its own language on staff pages ------------------------------

ARABIC_TITLE = "مكان لقاء للعائلات الجديدة"


def marked_arabic(page: Page, text: str) -> bool:
    """Whether `text` sits in an element that says it is Arabic, right to left."""
    return bool(re.search(rf'<[^>]+lang="ar" dir="rtl"[^>]*>\s*{re.escape(text)}\s*<', page.html))


@pytest.mark.django_db
def test_an_arabic_idea_is_marked_arabic_on_the_swedish_staff_pages(
    client, coordinator, committee_member, django_capture_on_commit_callbacks
):
    from ideas import services
    from tests.factories import ReviewAssignmentFactory, ReviewFactory, ThemeFactory, municipality

    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.idea_submit(
            title=ARABIC_TITLE,
            description="نريد مقهى لغويا أسبوعيا في المكتبة.",
            municipality=municipality("1881"),
            themes=[ThemeFactory()],
            submitter_email="layla@example.org",
            language="ar",
        )
    idea = submitted.idea
    Idea.objects.filter(pk=idea.pk).update(status=workflow.Status.IN_REVIEW)
    ReviewAssignmentFactory(idea=idea, member=committee_member)  # ready for the agenda
    ReviewFactory(idea=idea, member=committee_member, submitted=True)
    client.force_login(coordinator)
    client.cookies["django_language"] = "sv"

    detail = assert_in_language(
        client.get(reverse("triage:idea_detail", args=[idea.reference])), "sv"
    )
    dashboard = assert_in_language(client.get(reverse("triage:dashboard")), "sv")
    agenda = assert_in_language(client.get(reverse("triage:meeting")), "sv")
    outbox = assert_in_language(client.get(reverse("outbox:list")), "sv")

    assert marked_arabic(detail, ARABIC_TITLE)
    assert marked_arabic(detail, "نريد مقهى لغويا أسبوعيا في المكتبة.")
    assert marked_arabic(dashboard, ARABIC_TITLE)
    assert marked_arabic(agenda, ARABIC_TITLE)
    assert marked_arabic(outbox, f"وصلتنا فكرتك ({idea.reference})")  # the receipt's subject


def test_what_an_arabic_owner_wrote_is_marked_arabic_on_the_partners_and_committees_pages(walk):
    """The idea, the owner's answer to a partner, the follow-up and the withdrawal reason keep
    the owner's language on pages served in Swedish; what the partner wrote keeps the page's."""
    from tests.journeys.conftest import WRITES

    arabic = WRITES["ar"]
    idea = walk.resident_submits(language="ar")
    token = idea.tracking_path.split("/")[2]
    owner = Client(HTTP_ACCEPT_LANGUAGE="ar")
    walk.coordinator_screens(idea)
    side = walk.partner()
    walk.coordinator_refers(idea, [side], note_to_partners="Läs den.")
    answer_page = walk.partner_answer_page_from_mail(side, idea)
    walk.partner_answers_from_mail(side, idea, answer="accept")
    referral = idea.idea.referrals.get(partner=side.partner)
    with walk._capture(execute=True):
        side.client.post(
            reverse("partner_portal:referral_message", args=[referral.pk]),
            {"owner-message-text": "Kan vi ses på torsdag?"},
        )
        owner.post(
            reverse(
                "partner_consent:reply", kwargs={"token": token, "referral": referral.public_id}
            ),
            {f"reply-{str(referral.public_id)[:8]}-text": "نعم، في الساعة العاشرة."},
        )
    walk.partner_reports(side, idea, text="Ett rum.", finished=False)
    with walk._capture(execute=True):
        follow_up_send(referral=referral)
    survey = re.search(r"/follow-up/[\w-]+/", walk.last_mail_to(idea.owner).text).group(0)
    owner.post(survey, {"rating": "4", "what_happened": "حصلنا على قاعة."})
    withdrawn = walk.resident_submits(language="ar", email="second@example.org")
    walk.resident_withdraws(withdrawn, reason="انتقلنا إلى مدينة أخرى.")

    partner_page = walk.partner_page(side, idea)
    partner_list = walk.partner_list_page(side)
    committee = walk.coordinator_page(idea)
    registry = Page.of(walk.staff.get(reverse("partners:detail", args=[side.partner.slug])))
    withdrawal = walk.coordinator_page(withdrawn)

    for page in (answer_page, partner_page, partner_list, committee, registry):
        assert page.lang == "sv", page.url
        assert marked_arabic(page, arabic["title"]), page.url
    for page in (answer_page, partner_page):
        assert marked_arabic(page, arabic["description"]) and marked_arabic(page, arabic["need"])
    assert marked_arabic(partner_page, "نعم، في الساعة العاشرة.")
    assert marked_arabic(committee, "نعم، في الساعة العاشرة.")
    assert marked_arabic(committee, "حصلنا على قاعة.")
    assert marked_arabic(withdrawal, "انتقلنا إلى مدينة أخرى.")
    # The partner's own words are in the page's language, not marked Arabic.
    assert "Kan vi ses på torsdag?" in partner_page.text
    assert not marked_arabic(partner_page, "Kan vi ses på torsdag?")
    assert not marked_arabic(committee, "Kan vi ses på torsdag?")


@pytest.mark.django_db
def test_staff_and_partner_mails_declare_their_language(journey_mails):
    for mail in journey_mails:
        assert re.search(r'<html lang="(sv|en)" dir="ltr">', mail.html), mail.subject


@pytest.fixture
def journey_mails(walk) -> list:
    """The mails the staff and the partners get while an Arabic idea goes round the loop."""
    idea = walk.resident_submits(language="ar")
    walk.coordinator_screens(idea)
    side = walk.partner()
    walk.coordinator_refers(idea, [side], note_to_partners="Read it.")
    walk.partner_answers_from_mail(side, idea, answer="accept")
    walk.partner_reports(side, idea, text="A room.", finished=True)
    mails = walk.mails_to(side) + walk.mails_to(walk.coordinator.email)
    assert len(mails) >= 3, [mail.subject for mail in mails]
    return mails


def view_names(patterns, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from view_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_every_public_page_of_the_ideas_app_is_named_a_resident_page():
    """A resident page left out of RESIDENT_PAGES would be served in English to Arabic readers."""
    from portal.languages import RESIDENT_PAGES

    names = set(view_names(get_resolver().url_patterns))
    staff_only = {
        "ideas:attachment",
        "ideas:intake",
        "ideas:intake_new",
        "ideas:intake_receipt",
        "ideas:intake_registered",
        "ideas:intake_sync",  # the tablet's sync: JSON with reasons in the staff's language
        "ideas:intake_worker",  # the intake pages' service worker: a script with no text
    }
    public = {name for name in names if name.startswith("ideas:")} - staff_only
    assert len(public) >= 10
    assert public <= RESIDENT_PAGES, sorted(public - RESIDENT_PAGES)
    assert names >= RESIDENT_PAGES, sorted(RESIDENT_PAGES - names)  # no name misspelt
    assert not (staff_only & RESIDENT_PAGES)


def test_a_staff_member_who_prefers_arabic_gets_notices_in_english():
    from types import SimpleNamespace

    from portal.staff import staff_language

    assert staff_language(SimpleNamespace(language="ar")) == "en"  # type: ignore[arg-type]
    assert staff_language(SimpleNamespace(language="en")) == "en"  # type: ignore[arg-type]
    assert staff_language(None) == "sv"
