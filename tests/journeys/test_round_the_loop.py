"""One idea round the whole loop, for residents of every kind, each in their own language.

Submission → receipt → screening → a question (with a message to the owner AND an internal
note) → the owner's answer → a referral (a note to the partners and a message to the owner) →
the partner accepts from the link in its mail → support finished → the idea closed.

Each stage is its own test that walks there from the start, so that a broken promise names the
stage it breaks at. At every stage the tests read what each person sees, page and mail, and
check that text meant for somebody else is absent.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation

from ideas import workflow
from tests.journeys.conftest import (
    expected_public_label,
    swedish_words_for_owners,
    visible_text,
)

S = workflow.Status


@dataclass(frozen=True)
class Resident:
    language: str
    kind: str  # "private" or "association"
    shares_contact: bool
    by_outreach: bool = False

    def __str__(self) -> str:
        how = "outreach" if self.by_outreach else "web"
        consent = "shares" if self.shares_contact else "private"
        return f"{self.language}-{self.kind}-{consent}-{how}"


RESIDENTS = [
    Resident("sv", "private", shares_contact=False),
    Resident("en", "private", shares_contact=True),
    Resident("ar", "private", shares_contact=False),
    Resident("en", "association", shares_contact=False),
    Resident("sv", "association", shares_contact=True),
    Resident("ar", "association", shares_contact=True, by_outreach=True),
]
each_resident = pytest.mark.parametrize("resident", RESIDENTS, ids=str)

# What the coordinator writes, each text for one reader only.
QUESTION = {
    "sv": "Var i byn skulle mötesplatsen ligga, och vem äger lokalen i dag?",
    "en": "Where in the village would it stop, and who could drive the bus?",
    "ar": "أين ستكون نقطة اللقاء في القرية، ومن يملك المكان اليوم؟",
}
INTERNAL_NOTE = "Intern anteckning: svag budget, hör med kommunens näringslivskontor först"
ANSWER = {
    "sv": "Lokalen är bygdegårdens och föreningen får låna den gratis.",
    "en": "Outside the grocery store; two retired drivers have offered to help.",
    "ar": "في مكتبة القرية، والبلدية وافقت على إعارتها مجانا.",
}
NOTE_TO_PARTNERS = "Till partnerna: kan ni hjälpa till med en ansökan om bygdemedel?"
MESSAGE_ON_REFERRAL = {
    "sv": "Vi har skickat din idé till en förening som kan hjälpa dig med pengar.",
    "en": "We have sent your idea to an association that can help you apply for funds.",
    "ar": "أرسلنا فكرتك إلى جمعية يمكنها مساعدتك في طلب التمويل.",
}
COMMITTEE_NOTE = "Diskussion i utskottet: byalaget har kapacitet i vår, ta dem först"
PARTNER_TO_COMMITTEE = "Till kommittén: vi tar upp det på styrelsemötet i januari."
SUPPORT_TEXT = "Vi har hjälpt byn med ansökan om bygdemedel; den är inskickad."
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")


# --- walking there ------------------------------------------------------------------------------


def submitted(journey, resident: Resident):
    if resident.by_outreach:
        return journey.outreach_registers(
            language=resident.language, kind=resident.kind, shares_contact=resident.shares_contact
        )
    return journey.resident_submits(
        language=resident.language, kind=resident.kind, shares_contact=resident.shares_contact
    )


def asked(journey, resident: Resident):
    idea = submitted(journey, resident)
    journey.coordinator_screens(idea)
    journey.coordinator_asks(
        idea, message_to_owner=QUESTION[idea.language], internal_note=INTERNAL_NOTE
    )
    return idea


def answered(journey, resident: Resident):
    idea = asked(journey, resident)
    journey.resident_answers(idea, ANSWER[idea.language])
    return idea


def referred(journey, resident: Resident, *, after_a_question: bool = True):
    if after_a_question:
        idea = answered(journey, resident)
    else:
        idea = submitted(journey, resident)
        journey.coordinator_screens(idea)
    journey.member_writes_note(idea, COMMITTEE_NOTE)
    partner = journey.partner("Byalaget Ramsberg")
    journey.coordinator_refers(
        idea,
        [partner],
        note_to_partners=NOTE_TO_PARTNERS,
        message_to_owner=MESSAGE_ON_REFERRAL[idea.language],
    )
    return idea, partner


def accepted(journey, resident: Resident):
    idea, partner = referred(journey, resident)
    journey.partner_answers_from_mail(partner, idea, answer="accept", text=PARTNER_TO_COMMITTEE)
    return idea, partner


# --- what the owner reads -------------------------------------------------------------------------


def assert_for_the_owner(journey, idea, mail, *, status: str | None = None) -> None:
    """A mail to the owner: their language, what happened, a link back to their idea."""
    assert mail.recipient == idea.owner.email
    assert mail.language == idea.language, f"mail in {mail.language}, owner reads {idea.language}"
    if status is not None:
        label = expected_public_label(status, idea.language)
        assert label in mail, f"the owner's mail lacks “{label}”:\n{mail.text}"
    assert_in_the_owners_language(idea, mail.text, what=f"the mail “{mail.subject}”")
    page = journey.follow_link(mail)
    assert page is not None, f"no link in the mail leads to the idea's page:\n{mail.text}"
    assert idea.reference in page, "the link in the mail opens another idea's page"
    assert_page_in_the_owners_language(idea, page)
    assert INTERNAL_NOTE not in mail and COMMITTEE_NOTE not in mail
    assert NOTE_TO_PARTNERS not in mail and PARTNER_TO_COMMITTEE not in mail


def assert_in_the_owners_language(idea, text: str, *, what: str) -> None:
    if idea.language == "sv":
        return
    swedish = [words for words in swedish_words_for_owners() if words in text]
    assert not swedish, f"{what} reaches a {idea.language} owner in Swedish: {swedish}"
    if idea.language == "ar":
        assert ARABIC_SCRIPT.search(text), f"{what} has no Arabic at all"


def assert_page_in_the_owners_language(idea, page) -> None:
    assert page.lang == idea.language, f"page {page.url} is lang={page.lang!r}"
    assert page.dir == ("rtl" if idea.language == "ar" else "ltr")
    assert_in_the_owners_language(idea, page.text, what=f"the page {page.url}")


def assert_receipt_in_the_owners_language(idea, page) -> None:
    """The printed intake receipt is the staff member's page (their menus, their language),
    with the receipt itself, the part the resident takes home, marked up and written in the
    resident's language."""
    section = re.search(
        r'<div class="receipt" lang="([^"]*)" dir="([^"]*)">(.*?)'
        r'<div class="no-print',
        page.html,
        re.S,
    )
    assert section, f"the page {page.url} has no receipt section"
    lang, direction, markup = section.groups()
    assert lang == idea.language, f"the receipt section is lang={lang!r}"
    assert direction == ("rtl" if idea.language == "ar" else "ltr")
    text = visible_text(markup)
    assert idea.reference in text
    if idea.registered_by_outreach:  # the link is in the QR code and as a short link to type
        assert "<svg" in markup and re.search(r"/t/IL-\d{4}-\d{4}/[0-9A-Z-]{9}/", markup)
    else:
        assert idea.tracking_url in markup
    assert_in_the_owners_language(idea, text, what="the printed receipt")
    for language in {idea.language, "sv"}:
        with translation.override(language):
            heading = translation.gettext("Receipt for your idea")
        assert (heading in text) is (language == idea.language), (
            f"the receipt {'lacks' if language == idea.language else 'shows'} “{heading}”"
        )


def assert_owner_never_reads_notes(page) -> None:
    for note in (INTERNAL_NOTE, COMMITTEE_NOTE, NOTE_TO_PARTNERS, PARTNER_TO_COMMITTEE):
        assert note not in page, f"the owner's page {page.url} shows “{note}”"


# --- the stages ----------------------------------------------------------------------------------


@each_resident
def test_the_owner_gets_a_receipt_in_their_language_with_the_link_to_the_idea(journey, resident):
    idea = submitted(journey, resident)

    mail = journey.last_mail_to(idea.owner)
    assert mail.kind == "receipt"
    assert idea.reference in mail.subject
    assert idea.tracking_url in mail.text
    assert_for_the_owner(journey, idea, mail, status=S.RECEIVED)
    page = journey.tracking_page(idea)
    assert expected_public_label(S.RECEIVED, idea.language) in page
    assert_page_in_the_owners_language(idea, page)
    if resident.by_outreach:
        receipt = journey.last_printed_receipt
        assert idea.reference in receipt
        assert_receipt_in_the_owners_language(idea, receipt)


@pytest.mark.parametrize("resident", [r for r in RESIDENTS if r.language != "sv"], ids=str)
def test_the_link_in_a_mail_opens_the_idea_in_the_owners_language_on_any_computer(
    journey, resident
):
    idea = submitted(journey, resident)

    page = journey.follow_link(journey.last_mail_to(idea.owner), language="sv")

    assert page is not None and idea.reference in page
    assert_page_in_the_owners_language(idea, page)


@each_resident
def test_screening_is_told_to_the_owner_in_their_language_whoever_moves_it(journey, resident):
    idea = submitted(journey, resident)
    since = journey.mark()

    journey.coordinator_screens(idea)

    mails = journey.new_mails_to(idea.owner, since)
    assert mails, "the owner was not told that the idea is being read"
    for mail, status in zip(mails, (S.SCREENING, S.IN_REVIEW), strict=False):
        assert_for_the_owner(journey, idea, mail, status=status)


@each_resident
def test_the_owner_reads_the_question_and_never_the_internal_note(journey, resident):
    idea = asked(journey, resident)

    mail = journey.last_mail_to(idea.owner)
    assert QUESTION[idea.language] in mail
    assert_for_the_owner(journey, idea, mail)
    if idea.owner.name:
        assert idea.owner.name in mail.text, "the question mail does not greet the owner by name"
    page = journey.tracking_page(idea)
    assert QUESTION[idea.language] in page
    assert_owner_never_reads_notes(page)
    assert_page_in_the_owners_language(idea, page)
    staff = journey.coordinator_page(idea)
    assert QUESTION[idea.language] in staff and INTERNAL_NOTE in staff


@each_resident
def test_the_committee_reads_the_answer_beside_the_question_and_is_told(journey, resident):
    idea = asked(journey, resident)
    journey.coordinator_assigns(idea, journey.committee_member)
    since = journey.mark()

    page = journey.resident_answers(idea, ANSWER[idea.language])

    assert idea.status == S.IN_REVIEW
    assert_page_in_the_owners_language(idea, page)
    staff = journey.coordinator_page(idea)
    question_at = staff.html.find(QUESTION[idea.language])
    answer_at = staff.html.find(ANSWER[idea.language])
    assert answer_at != -1, "the committee's page does not show the owner's answer"
    assert 0 <= question_at < answer_at <= question_at + 2000, (
        "the answer is not shown beside its question"
    )
    for reader in (journey.coordinator, journey.committee_member):
        notices = [m for m in journey.new_mails_to(reader, since) if idea.reference in m]
        assert notices, f"{reader.get_username()} was not told of the answer"
        assert reverse("triage:idea_detail", args=[idea.reference]) in notices[-1].text
    assert ANSWER[idea.language] in journey.member_page(idea)
    # The agenda lists the ideas ready for the meeting (in review, every assigned review in):
    # once the member has reviewed it, the idea is there with the question and its answer.
    journey.member_submits_review(idea)
    agenda = journey.agenda()
    assert idea.reference in agenda, "the reviewed idea is not on the agenda"
    assert ANSWER[idea.language] in agenda, "the agenda does not show the answer"


@each_resident
def test_the_partner_learns_of_the_owner_only_what_the_owner_allowed(journey, resident):
    idea, partner = referred(journey, resident)
    owner = idea.owner

    mails = [m for m in journey.mails_to(partner) if idea.reference in m]
    assert len(mails) == 1, f"the partner got {len(mails)} mails about the referral, not one"
    assert mails[0].language == partner.contact.language
    pages = {
        "referral mail": mails[0],
        "answer page": journey.partner_answer_page_from_mail(partner, idea),
        "partner page": journey.partner_page(partner, idea),
    }
    for where, seen in pages.items():
        assert NOTE_TO_PARTNERS in seen, f"the {where} lacks the note to the partners"
        for meant_for_others in (INTERNAL_NOTE, COMMITTEE_NOTE, MESSAGE_ON_REFERRAL[idea.language]):
            assert meant_for_others not in seen, f"the {where} shows “{meant_for_others}”"
        for detail in (owner.name, owner.email, owner.phone):
            assert (detail in seen) is resident.shares_contact, (
                f"the {where} {'lacks' if resident.shares_contact else 'shows'} “{detail}”"
            )
        if owner.organisation:
            # Blind first: an association's name says who its people are; it goes with consent.
            assert (owner.organisation in seen) is resident.shares_contact, (
                f"the {where} {'lacks' if resident.shares_contact else 'shows'} "
                f"“{owner.organisation}”"
            )


@each_resident
def test_the_owner_is_told_who_got_the_idea_and_never_reads_the_notes(journey, resident):
    idea, partner = referred(journey, resident)

    mail = journey.last_mail_to(idea.owner)
    assert partner.name in mail, "the owner's mail does not name the partner"
    assert MESSAGE_ON_REFERRAL[idea.language] in mail
    assert_for_the_owner(journey, idea, mail, status=S.REFERRED)
    page = journey.tracking_page(idea)
    assert partner.name in page, "the tracking page does not say who received the idea"
    assert MESSAGE_ON_REFERRAL[idea.language] in page
    assert_owner_never_reads_notes(page)
    assert_page_in_the_owners_language(idea, page)


@each_resident
def test_the_owner_sees_in_their_language_that_the_partner_said_yes(journey, resident):
    idea, partner = referred(journey, resident)
    since = journey.mark()

    journey.partner_answers_from_mail(partner, idea, answer="accept", text=PARTNER_TO_COMMITTEE)

    mails = journey.new_mails_to(idea.owner, since)
    assert mails, "the owner was not told that the partner said yes"
    assert partner.name in mails[-1]
    assert_for_the_owner(journey, idea, mails[-1])
    page = journey.tracking_page(idea)
    assert partner.name in page
    assert owner_label_of_referral("accepted", idea.language) in page
    assert_owner_never_reads_notes(page)
    assert_page_in_the_owners_language(idea, page)
    notices = [m for m in journey.new_mails_to(journey.coordinator, since) if idea.reference in m]
    assert notices and PARTNER_TO_COMMITTEE in notices[-1]


@each_resident
def test_support_finished_closes_the_idea_and_the_owner_is_told(journey, resident):
    idea, partner = accepted(journey, resident)
    since = journey.mark()

    journey.partner_reports(partner, idea, text=SUPPORT_TEXT, finished=True)

    assert idea.status == S.CLOSED
    mails = journey.new_mails_to(idea.owner, since)
    assert mails, "the owner was not told that the idea is finished"
    assert_for_the_owner(journey, idea, mails[-1], status=S.CLOSED)
    page = journey.tracking_page(idea)
    assert expected_public_label(S.CLOSED, idea.language) in page
    assert_owner_never_reads_notes(page)
    assert_page_in_the_owners_language(idea, page)


def owner_label_of_referral(state: str, language: str) -> str:
    """The owner's words for a referral's state, from the referral table."""
    from triage.referrals import workflow as referral_workflow

    with translation.override(language):
        return str(referral_workflow.owner_label(state))
