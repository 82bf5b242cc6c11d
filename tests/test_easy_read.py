"""Easy-to-read Swedish (lättläst) along the resident's journey.

A resident who chose "Lättläst" fills in the form (and gets its errors), reads the receipt page
and the receipt mail, and follows the idea on its tracking page through a question, a referral
and a partner's answer, while every translation lookup is watched: each string looked up there
that is long enough to be worth rewriting and has no sv_Easy entry is listed. A second walk goes
on through the partner's consent, messages, the follow-up survey, my data, a lost link, the
paper receipt's code, a withdrawal, an erasure and a refusal in the same way. The resident's
templates and the form's and the workflow's labels are checked in the catalogue too, so
that branches the walk does not take count as well. A few rules of MTM's guidance are checked on
the sv_Easy catalogues themselves: short sentences, one verb for sending an idea, the retention
rule and the consent said without changing their meaning.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.template import Engine
from django.test import Client
from django.urls import reverse
from django.utils.translation import trans_real

from ideas import workflow
from tests.ideas.conftest import valid_form
from tests.journeys import conftest as journeys
from tests.journeys.conftest import Journey, Page
from tests.test_language_complete import (
    RESIDENT_TEMPLATES,
    Lookups,
    resident_code_labels,
    template_msgids,
)
from tests.test_resident_languages import RESIDENT_FILES, extract_on_a_copy, matches
from triage.referrals.follow_up import follow_up_send

ROOT = Path(__file__).resolve().parent.parent
EASY = "sv-easy"
# A string of more than this many words is worth a rewrite; shorter ones ("Ditt namn") may keep
# the plain Swedish.
REWRITE_WORTHY_WORDS = 6
# MTM: short sentences. Twenty words is already long for a reader of easy Swedish.
LONGEST_SENTENCE = 20

# The first pages a resident meets: the form, the receipt page and mail, the tracking page.
FIRST_TEMPLATES = [
    "ideas/idea_submit.html",
    "ideas/idea_submitted.html",
    "ideas/idea_track.html",
    "emails/receipt.txt",
    "emails/receipt.html",
    "emails/receipt_subject.txt",
]
# The rest of the resident's journey: question and answer, withdraw, erase, my data, the lost
# link, the paper receipt and its code, the drafts, every mail to the owner, the error pages,
# how it works, contact, about, the county's needs, its open data and the follow-up survey. The
# accessibility statement is written to the law's required contents: not rewritten yet.
LATER_TEMPLATES = [
    name
    for name in RESIDENT_TEMPLATES
    if name not in FIRST_TEMPLATES and name != "portal/accessibility_statement.html"
]
# Strings of the shared page frame that only logged-in staff meet (the session warning and the
# note that a staff page is shown in another language).
STAFF_FRAME = {
    "This page is available in Swedish and English only, so it is shown here in %(language)s.",
    "The text you wrote before you were logged out is filled in again. It is not saved yet: "
    "send the form to save it.",
    "You have been inactive for a while. Choose to stay logged in, or you will be logged out. "
    "What you have typed stays on this page.",
    "Your session has ended. Log in again: what you typed is kept in this tab and filled in again.",
}
# The staff's accessibility-report form is not on the journey's first pages.
LATER_FORMS = {
    "For example the address of the page, or “the idea form”.",
    "Tell us what you tried to do and what happened.",
    "If you want an answer. We use it only to answer you.",
}


def easy_catalogue() -> dict[str, polib.POEntry]:
    """Every filled-in entry of the sv_Easy catalogues, keyed as gettext looks it up."""
    entries = {}
    for path in sorted(ROOT.glob("*/locale/sv_Easy/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if entry.obsolete or "fuzzy" in entry.flags or not all(forms):
                continue
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            entries[key] = entry
    return entries


def easy_texts() -> Iterator[tuple[str, str]]:
    """(msgid, text) for every easy-to-read form of every entry."""
    for msgid, entry in easy_catalogue().items():
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            yield msgid, form


def rewrite_worthy(msgid: str) -> bool:
    return len(msgid.split("\x04")[-1].split()) > REWRITE_WORTHY_WORDS


def sentences(text: str) -> list[str]:
    text = re.sub(r"%\(\w+\)[sd]", "X", text)
    return [part for part in re.split(r"(?<=[.!?:;])\s+", text) if part.strip()]


# --- The walk -----------------------------------------------------------------------------------


@pytest.fixture
def easy_lookups(monkeypatch) -> Iterator[Lookups]:
    """Every msgid looked up while easy-to-read Swedish is active."""
    watch = Lookups({EASY})
    cls = trans_real.DjangoTranslation
    original_gettext, original_ngettext = cls.gettext, cls.ngettext

    def gettext(self, message):
        watch.note(self, message, True)
        return original_gettext(self, message)

    def ngettext(self, msgid1, msgid2, n):
        watch.note(self, msgid1, True)
        return original_ngettext(self, msgid1, msgid2, n)

    monkeypatch.setattr(cls, "gettext", gettext)
    monkeypatch.setattr(cls, "ngettext", ngettext)
    yield watch


@pytest.fixture
def journey(
    db,
    settings,
    monkeypatch,
    coordinator,
    outreach_staff,
    committee_member,
    django_capture_on_commit_callbacks,
) -> Journey:
    settings.IDEAS_SUBMIT_RATE = "1000/h"
    settings.IDEAS_MIN_FILL_SECONDS = 0
    settings.COORDINATOR_EMAIL = coordinator.email
    # The resident writes the same idea as in plain Swedish.
    monkeypatch.setitem(journeys.WRITES, EASY, journeys.WRITES["sv"])
    return Journey(
        capture=django_capture_on_commit_callbacks,
        coordinator=coordinator,
        outreach_staff=outreach_staff,
        committee_member=committee_member,
    )


def easy_page(response) -> Page:
    page = Page.of(response)
    assert page.lang == "sv", f"{page.url} is served as {page.lang!r}"
    return page


def walk_the_first_pages(journey: Journey) -> dict[str, list]:
    """The form, its errors, the receipt page and mail, and the tracking page at each step."""
    resident = Client(HTTP_ACCEPT_LANGUAGE=EASY)
    seen: dict[str, list] = {"pages": [], "mails": []}
    seen["pages"].append(easy_page(resident.get(reverse("ideas:submit"))))
    errors = resident.post(
        reverse("ideas:submit"), valid_form(title="", consent="", submitter_email="anna@")
    )
    seen["pages"].append(easy_page(errors))

    idea = journey.resident_submits(language=EASY)
    receipt = journey.last_mail_to(idea.owner)
    seen["receipt"] = receipt
    seen["mails"].append(receipt)
    seen["pages"].append(journey.tracking_page(idea))
    journey.coordinator_screens(idea)
    journey.coordinator_asks(idea, message_to_owner="Var ska bussen stanna?")
    seen["pages"].append(journey.tracking_page(idea))
    journey.resident_answers(idea, "Vid affären")
    side = journey.partner()
    declining = journey.partner("Studieförbundet", username="declining")
    journey.coordinator_refers(
        idea, [side, declining], note_to_partners="Läs.", message_to_owner="Bra nyheter."
    )
    seen["pages"].append(journey.tracking_page(idea))
    journey.partner_answers_from_mail(declining, idea, answer="decline", text="Fullt i år.")
    journey.partner_answers_from_mail(side, idea, answer="accept")
    seen["pages"].append(journey.tracking_page(idea))
    seen["mails"] += journey.mails_to(idea.owner)
    seen["idea"] = idea
    return seen


def test_the_first_pages_and_the_receipt_in_easy_swedish_have_an_easy_text_for_each_long_string(
    journey, easy_lookups
):
    seen = walk_the_first_pages(journey)

    looked_up = easy_lookups.seen[EASY]
    assert len(looked_up) > 100, "the watch saw too few lookups in easy-to-read Swedish"
    catalogue = easy_catalogue()
    missing = sorted(
        msgid
        for msgid in looked_up
        if rewrite_worthy(msgid) and msgid not in catalogue and msgid not in STAFF_FRAME
    )
    assert not missing, f"{len(missing)} long strings on the first pages lack lättläst: {missing}"
    # What the resident reads is the easy text, in the mail as on the pages.
    receipt = seen["receipt"]
    assert receipt.language == EASY
    assert receipt.subject.startswith("Vi har fått din idé (")
    assert "Ge inte länken till någon annan" in receipt.text
    assert 'lang="sv"' in receipt.html
    assert "Vi har fått din idé" in seen["pages"][2].text
    assert "Sätt ett kryss i rutan. Annars kan vi inte spara din idé." in seen["pages"][1].text
    assert "De sa ja till att hjälpa dig." in seen["pages"][-1].text
    assert "De tackade ja" not in seen["pages"][-1].text  # the plain Swedish is not shown


def walk_the_rest_of_the_journey(journey: Journey) -> None:
    """The partner's consent, messages both ways, the follow-up survey, my data, a lost link,
    the paper receipt's code, a withdrawal, an erasure and a declined idea."""
    idea = journey.resident_submits(language=EASY)
    resident = journey.resident(idea)
    token = idea.tracking_path.split("/")[2]

    def get(path, **kwargs):
        response = resident.get(path, **kwargs)
        easy_page(response)
        return response

    def post(path, data=None):
        with journey._capture(execute=True):
            return resident.post(path, data or {})

    journey.coordinator_screens(idea)
    side = journey.partner()
    journey.coordinator_refers(idea, [side], note_to_partners="Läs.", message_to_owner="Bra.")
    journey.partner_answers_from_mail(side, idea, answer="accept")
    referral = idea.idea.referrals.get(partner=side.partner)
    to_partner = {"token": token, "referral": referral.public_id}
    decide = reverse("partner_consent:decide", kwargs=to_partner)
    post(decide, {"decision": "maybe"})
    get(idea.tracking_path)
    post(decide, {"decision": "given"})
    get(idea.tracking_path)
    with journey._capture(execute=True):
        side.client.post(
            reverse("partner_portal:referral_message", args=[referral.pk]),
            {"owner-message-text": "Kan vi ses på torsdag?"},
        )
    reply = reverse("partner_consent:reply", kwargs=to_partner)
    reply_field = f"reply-{str(referral.public_id)[:8]}-text"
    post(reply, {reply_field: " "})
    post(reply, {reply_field: "Ja, klockan tio."})
    get(idea.tracking_path)
    post(decide, {"decision": "withdrawn"})
    get(idea.tracking_path)
    get(reverse("ideas:my_data_page", args=[token]))
    journey.partner_reports(side, idea, text="En lokal.", finished=True)
    get(idea.tracking_path)
    with journey._capture(execute=True):
        follow_up_send(referral=referral)
    survey = re.search(r"/follow-up/[\w-]+/", journey.last_mail_to(idea.owner).text).group(0)
    get(survey)
    post(survey, {"what_happened": "En lokal."})
    post(survey, {"rating": "4", "what_happened": "En lokal."})
    get(survey)

    get(reverse("ideas:lost_link"))
    post(reverse("ideas:lost_link"), {"email": "not an address"})
    post(reverse("ideas:lost_link"), {"email": idea.owner.email})
    get(reverse("ideas:short_code"))
    post(reverse("ideas:short_code"), {"reference": "", "code": ""})
    post(reverse("ideas:short_code"), {"reference": "IL-2026-9999", "code": "AAAA-AAAA"})

    second = journey.resident_submits(language=EASY, email="second@example.org")
    second_token = second.tracking_path.split("/")[2]
    resident = journey.resident(second)
    get(reverse("ideas:withdraw", args=[second_token]))
    post(reverse("ideas:withdraw", args=[second_token]), {"reason": "Jag har flyttat."})
    get(second.tracking_path)
    get(reverse("ideas:erase", args=[second_token]))
    post(reverse("ideas:erase", args=[second_token]))
    get(second.tracking_path, follow=True)

    third = journey.resident_submits(language=EASY, email="third@example.org")
    resident = journey.resident(third)
    journey.coordinator_moves(third, workflow.Status.SCREENING)
    journey.coordinator_moves(third, workflow.Status.DECLINED, message_to_owner="Tyvärr.")
    get(third.tracking_path)


def test_the_rest_of_the_journey_in_easy_swedish_has_an_easy_text_for_each_long_string(
    journey, easy_lookups
):
    walk_the_rest_of_the_journey(journey)

    catalogue = easy_catalogue()
    missing = sorted(
        msgid
        for msgid in easy_lookups.seen[EASY]
        if rewrite_worthy(msgid) and msgid not in catalogue and msgid not in STAFF_FRAME
    )
    assert not missing, f"{len(missing)} long strings on the journey lack lättläst: {missing}"


def test_every_long_string_of_the_first_templates_and_the_resident_labels_has_an_easy_text():
    """Every branch of the templates, and every label, error and status a resident reads."""
    engine = Engine.get_default()
    wanted = set(resident_code_labels())
    for name in FIRST_TEMPLATES:
        wanted |= template_msgids(name, engine)
    django_own = {msgid for msgid in wanted if msgid not in all_portal_msgids()}
    wanted = {
        msgid for msgid in wanted - STAFF_FRAME - LATER_FORMS - django_own if rewrite_worthy(msgid)
    }
    assert len(wanted) > 60, "the templates' strings were not found"

    missing = sorted(wanted - set(easy_catalogue()))
    assert not missing, f"{len(missing)} long strings lack easy-to-read Swedish: {missing}"


@pytest.mark.parametrize("name", LATER_TEMPLATES)
def test_every_long_string_of_the_rest_of_the_journey_has_an_easy_text(name):
    engine = Engine.get_default()
    ours = all_portal_msgids()
    wanted = {
        msgid
        for msgid in template_msgids(name, engine) - STAFF_FRAME
        if msgid in ours and rewrite_worthy(msgid)
    }

    missing = sorted(wanted - set(easy_catalogue()))
    assert not missing, f"{name}: {len(missing)} long strings lack easy-to-read Swedish: {missing}"


# The Python code whose gettext strings a resident reads: the resident's code of
# tests/test_resident_languages.py (the forms, views, services, workflow and models of the idea,
# the follow-up survey) and the owner's side of a partner's contact (the consent, the messages
# passed on through Idélotsen), whose strings end up on the tracking page. The mails a resident
# gets (tests/outbox/every_mail.py) are made from the templates above; what the code puts into
# them (the status, its next step, the partner's state) comes from ideas/workflow.py and
# triage/referrals/workflow.py. The other Python files of the portal are the staff's and the
# partners'.
RESIDENT_CODE = [pattern for pattern in RESIDENT_FILES if pattern.endswith(r"\.py")] + [
    r"triage/referrals/(consent|consent_forms|consent_views|relay|workflow)\.py",
]
# Strings of those files that only the staff or a partner read: the outreach staff's intake form
# and tablet, the coordinator's moves and refusals, the partner's message to the owner.
NOT_FOR_RESIDENTS = {
    "The resident has agreed that Idélotsen stores the idea and the contact details to handle it.",
    "Required. Ask the resident before you send the form.",
    "Tick this when you type in a paper form the resident filled in and signed: the signature on "
    "the paper is their consent. Keep the paper with the event's papers.",
    "Optional. Without it, print the receipt for the resident.",
    "The resident agrees that the partners the committee picks may have their name and contact "
    "details and contact them.",
    "Ask the resident. Without this, partners get the idea without the resident's name; when a "
    "partner wants to help, the resident is asked by mail and on the idea's page whether it may "
    "have the details. Each consent can be taken back for each partner on the idea's page.",
    "For example: outside the grocery store in Grythyttan.",
    "Leave empty to ask the question on every idea.",
    "The staff member who wrote the idea down and confirmed the consent.",
    "An idea is referred only when it is referred to at least one partner.",
    "This file was deleted when its owner erased their personal data.",
    "Choose the event you are at first.",
    "The ideas are too large to send at once.",
    "What the tablet sent could not be read.",
    "An idea cannot go from “%(source)s” to “%(target)s”.",
    "You may not move an idea to “%(target)s”.",
    "An idea is “%(target)s” only when it is referred to partners: use “Refer to partners” on the "
    "idea's page.",
    "Write a message to the idea's owner: the owner reads it in a mail and on the tracking page "
    "when the idea goes to “%(target)s”.",
    "The owner reads it in a mail and on their idea's page, without your address, and answers "
    "here. Only after the owner says yes do you get their contact details.",
    "Your message has been passed on to the idea's owner, without your address.",
    "This referral is closed, so you cannot write about it any more.",
    "A referral cannot go from “%(source)s” to “%(target)s”.",
    "You may not move a referral to “%(target)s”.",
    "Write why: a referral goes to “%(target)s” only with a reason.",
}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list[polib.POEntry]:
    return extract_on_a_copy(tmp_path_factory.mktemp("sources"))


def resident_code_msgids(entries: list[polib.POEntry]) -> set[str]:
    """The msgids (with their context, as gettext looks them up) of the resident's code."""
    return {
        f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        for entry in entries
        if any(
            path.endswith(".py") and matches(path, RESIDENT_CODE)
            for path, _line in entry.occurrences
        )
    }


def test_every_long_string_the_residents_code_shows_has_an_easy_text(extracted):
    """What the code says on a resident's page or in their mail: the form's own errors, the
    views' messages, the services' refusals, the consent's and the messages' answers."""
    wanted = {
        msgid
        for msgid in resident_code_msgids(extracted) - NOT_FOR_RESIDENTS
        if rewrite_worthy(msgid)
    }
    assert len(wanted) > 80, "the code's strings were not found"
    assert not NOT_FOR_RESIDENTS - resident_code_msgids(extracted), (
        "a string left out as the staff's is no longer in the resident's code"
    )

    missing = sorted(wanted - set(easy_catalogue()))
    assert not missing, f"{len(missing)} strings of the code lack easy-to-read Swedish: {missing}"


def all_portal_msgids() -> set[str]:
    """The msgids of the portal's own Swedish catalogues (not Django's)."""
    found = set()
    for path in ROOT.glob("*/locale/sv/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            found.add(f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid)
    return found


# --- Rules of lättläst --------------------------------------------------------------------------


def test_no_sentence_of_easy_swedish_is_longer_than_twenty_words():
    long = [
        (msgid[:40], sentence)
        for msgid, text in easy_texts()
        for sentence in sentences(text)
        if len(sentence.split()) > LONGEST_SENTENCE
    ]
    assert not long, f"{len(long)} sentences are too long for easy-to-read Swedish: {long}"


def test_easy_swedish_sends_an_idea_with_one_verb_skicka():
    other_verbs = re.compile(r"\b(lämna(r|de|t)? in|sän(d|da|der|de|t))\b", re.IGNORECASE)
    wrong = [text for _msgid, text in easy_texts() if other_verbs.search(text)]
    assert not wrong, f"easy-to-read Swedish sends an idea with another verb than skicka: {wrong}"
    assert any("skicka" in text.lower() for _msgid, text in easy_texts())


@pytest.mark.django_db
def test_the_easy_privacy_notice_keeps_details_24_months_after_the_idea_is_done(
    client,
):
    client.cookies["django_language"] = EASY
    page = easy_page(client.get(reverse("privacy_notice")))

    retention = next(
        (sentence for sentence in sentences(page.text) if "24 månader" in sentence), None
    )
    assert retention, "the easy privacy notice does not say 24 months"
    assert "kontaktuppgifter" in retention
    for what in ("klar", "nej", "tillbaka"):  # finished, declined, withdrawn
        assert what in retention, f"the retention sentence leaves out {what!r}: {retention}"


def test_the_easy_consent_texts_are_about_contact_details_not_only_the_name():
    catalogue = easy_catalogue()
    consent = [
        msgid
        for msgid in catalogue
        if re.search(r"\b(details|consent)\b", msgid) and "erase" not in msgid.lower()
    ]
    assert len(consent) > 10, "the consent texts were not found"
    only_the_name = [
        (msgid, catalogue[msgid].msgstr)
        for msgid in consent
        if "contact details" in msgid.split("\x04")[-1]
        and "kontaktuppgifter" not in (catalogue[msgid].msgstr or catalogue[msgid].msgstr_plural[1])
    ]
    assert not only_the_name, f"consent texts that say less than contact details: {only_the_name}"
    form_consent = catalogue[
        "I agree that Idélotsen stores my idea and my contact details to handle it."
    ].msgstr
    assert "kontaktuppgifter" in form_consent
    assert "namn" in form_consent and "mejladress" in form_consent
    assert "telefonnummer" in form_consent


def test_the_easy_texts_keep_every_placeholder_of_the_source():
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for msgid, entry in easy_catalogue().items():
        wanted = set(placeholder.findall(entry.msgid))
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert set(placeholder.findall(form)) == wanted, msgid
