"""The promises of DESIGN.md where two roles meet, each walked the way people walk it.

The loop itself is in test_round_the_loop.py; these are the turns off it: a plain move that
claims a referral, a partner's question, a decline, a member with a conflict of interest, the
labels that say who reads a text, the fingerprint in the receipt.
"""

import re

from django.urls import reverse
from django.utils import translation

from ideas import workflow
from tests.factories import UserFactory
from tests.journeys.conftest import expected_public_label
from tests.journeys.test_round_the_loop import (
    NOTE_TO_PARTNERS,
    Resident,
    answered,
    assert_owner_never_reads_notes,
    referred,
    submitted,
)

S = workflow.Status
ENGLISH_PRIVATE = Resident("en", "private", shares_contact=False)
PARTNER_QUESTION = "Får vi kontakta kommunen direkt om lokalen, eller går det via er?"
DECLINE_REASON = "Vi har inte kapacitet i vår; styrelsen är ny och vi saknar folk."


def row_of(page, reference: str) -> str:
    """The dashboard row of one idea, as HTML."""
    rows = [row for row in re.findall(r"<tr\b.*?</tr>", page.html, re.DOTALL) if reference in row]
    assert rows, f"{reference} is not in the list"
    return rows[0]


def test_an_idea_is_referred_only_when_a_partner_really_got_it(journey):
    idea = answered(journey, ENGLISH_PRIVATE)
    since = journey.mark()

    journey.coordinator_tries_to_move(
        idea, S.REFERRED, message_to_owner="It went to partners who can help."
    )

    assert idea.status == S.IN_REVIEW, "a plain move marked the idea referred"
    told = [
        m
        for m in journey.new_mails_to(idea.owner, since)
        if expected_public_label(S.REFERRED, idea.language) in m
    ]
    assert not told, "the owner was told the idea went to partners when none got it"
    page = journey.coordinator_page(idea)
    move_forms = re.findall(
        r'<form[^>]+action="{}".*?</form>'.format(
            re.escape(reverse("triage:idea_move", args=[idea.reference]))
        ),
        page.html,
        re.DOTALL,
    )
    assert not any(f'value="{S.REFERRED}"' in form for form in move_forms), (
        "the move control offers “referred” without a referral"
    )

    partner = journey.partner()
    journey.coordinator_refers(idea, [partner], note_to_partners=NOTE_TO_PARTNERS)
    assert idea.status == S.REFERRED
    assert [m for m in journey.mails_to(partner) if idea.reference in m]


def test_the_move_control_is_one_form_whose_text_fields_say_who_reads_them(journey):
    idea = answered(journey, ENGLISH_PRIVATE)

    page = journey.coordinator_page(idea)

    action = re.escape(reverse("triage:idea_move", args=[idea.reference]))
    move_forms = re.findall(rf'<form[^>]+action="{action}".*?</form>', page.html, re.DOTALL)
    assert len(move_forms) == 1, f"{len(move_forms)} move forms, not one control"
    described = {}
    for name in ("message_to_owner", "internal_note"):
        field = re.search(rf'<textarea[^>]*name="{name}"[^>]*>', move_forms[0])
        assert field, f"the move form has no “{name}” text field"
        field_id = re.search(r'id="([^"]+)"', field.group(0)).group(1)
        label = re.search(
            rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', move_forms[0], re.DOTALL
        )
        assert label, f"“{name}” has no label"
        help_ids = re.search(r'aria-describedby="([^"]+)"', field.group(0))
        helps = [
            re.search(rf'id="{h}"[^>]*>(.*?)</', move_forms[0], re.DOTALL)
            for h in (help_ids.group(1).split() if help_ids else [])
        ]
        described[name] = " ".join([label.group(1), *(h.group(1) for h in helps if h)])
    assert described["message_to_owner"] != described["internal_note"]
    refer = re.search(
        r'<form[^>]+action="{}".*?</form>'.format(
            re.escape(reverse("triage:idea_refer", args=[idea.reference]))
        ),
        page.html,
        re.DOTALL,
    )
    assert refer, "no referral form on the idea's page"
    for name in ("note_to_partners", "message_to_owner"):
        assert f'name="{name}"' in refer.group(0), f"the referral form has no “{name}”"


def test_a_partners_question_reaches_the_committee_with_a_way_to_reply(journey):
    idea, partner = referred(journey, ENGLISH_PRIVATE, after_a_question=False)
    since = journey.mark()

    journey.partner_answers_from_mail(partner, idea, answer="question", text=PARTNER_QUESTION)

    assert PARTNER_QUESTION in journey.coordinator_page(idea)
    notices = [m for m in journey.new_mails_to(journey.coordinator, since) if idea.reference in m]
    assert notices and PARTNER_QUESTION in notices[-1]
    reply_to = getattr(notices[-1].message, "reply_to", "")
    assert partner.email in notices[-1] or partner.email in str(reply_to), (
        "the coordinator's notice gives no way to reply to the partner"
    )
    fresh = [m for m in journey.new_mails_to(partner, since) if idea.reference in m]
    assert fresh, "the partner got no new link to answer the referral with later"
    assert journey.partner_answer_page_from_mail(partner, idea, fresh[-1]).status == 200
    assert not journey.new_mails_to(idea.owner, since), "the owner got the partner's question"
    page = journey.tracking_page(idea)
    assert PARTNER_QUESTION not in page
    assert_owner_never_reads_notes(page)


def test_the_last_decline_brings_the_idea_back_and_the_owner_never_reads_the_reason(journey):
    idea, partner = referred(journey, ENGLISH_PRIVATE, after_a_question=False)
    since = journey.mark()

    journey.partner_answers_from_mail(partner, idea, answer="decline", text=DECLINE_REASON)

    assert idea.status == S.IN_REVIEW
    notices = [m for m in journey.new_mails_to(journey.coordinator, since) if idea.reference in m]
    assert notices and DECLINE_REASON in notices[-1]
    assert DECLINE_REASON in journey.coordinator_page(idea)
    for mail in journey.new_mails_to(idea.owner, since):
        assert DECLINE_REASON not in mail
        assert mail.language == idea.language
    page = journey.tracking_page(idea)
    assert DECLINE_REASON not in page
    assert_owner_never_reads_notes(page)


def test_a_member_with_a_conflict_is_left_out_of_everything_that_counts_reviews(journey):
    idea = submitted(journey, ENGLISH_PRIVATE)
    journey.coordinator_screens(idea)
    other = UserFactory(username="ledamot2", roles=["committee_member"])
    journey.coordinator_assigns(idea, journey.committee_member, other)

    journey.member_declares_conflict(idea, "Jag sitter i byalagets styrelse.")

    assert "0/1" in row_of(journey.dashboard(), idea.reference), (
        "the member with a conflict is still counted as a missing reviewer"
    )
    not_scored = journey.dashboard(client=journey.member, query="?not_scored_by_me=on")
    assert idea.reference not in not_scored, (
        "the idea is listed as “not scored by me” to a member who may not score it"
    )
    with translation.override("sv"):
        wait_for_own_review = translation.gettext(
            "The others' scores are shown once you have submitted your own review."
        )
    page = journey.member_page(idea)
    assert wait_for_own_review not in page, (
        "the member with a conflict is told to wait for their own review"
    )


def test_the_receipt_carries_a_fingerprint_of_the_submitted_text(journey):
    idea = journey.resident_submits(language="en")
    # The idea as sent is its version 1 (ideas/authorship.py).
    fingerprint = idea.idea.versions.get(number=1).fingerprint

    assert fingerprint in journey.last_mail_to(idea.owner)
    assert fingerprint in journey.tracking_page(idea)


def test_erasure_reaches_the_partner_that_got_the_owners_details(journey):
    sharing = Resident("sv", "private", shares_contact=True)
    idea, partner = referred(journey, sharing, after_a_question=False)
    owner = idea.owner
    since = journey.mark()

    page = journey.resident_erases(idea)

    for detail in (owner.name, owner.email, owner.phone):
        assert detail not in page
        for mail in journey.mails_to(partner):
            assert detail not in mail, f"a stored mail to the partner still holds “{detail}”"
        assert detail not in journey.partner_page(partner, idea)
    told = [m for m in journey.new_mails_to(partner, since) if idea.reference in m]
    assert told, "the partner that got the owner's details was not told to delete them"
