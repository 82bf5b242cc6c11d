"""The owner's ledger on the tracking page: every partner the idea went to, when, what it got of
the owner, what it answered and reported, and the owner's own withdrawal and erasure; in the
owner's language, with nothing meant for someone else."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas import services, workflow
from ideas.models import Idea
from tests.factories import PartnerFactory, municipality
from tests.ideas.ledger_story import (
    COMMITTEE_DECLINE,
    OWNER_EMAIL,
    REASON_FOR_OWNER,
    answer_link,
    must_not_show,
    tell_story,
)
from triage.models import ReferralAnswer
from triage.referrals.services import idea_refer

pytestmark = pytest.mark.django_db

WORDS = {
    "sv": {
        "heading": "Vilka som har fått din idé",
        "waiting": "Har fått din idé och svarar",
        "accepted": "De tackade ja till att stödja din idé.",
        "declined": "De svarade att de inte kan hjälpa till den här gången.",
        "reason": "Det här vill de säga dig:",
        "question": "De ställde en fråga om din idé till arbetsutskottet.",
        "support": "De rapporterade stöd, pågående:",
        "cancelled": "Arbetsutskottet drog tillbaka förfrågan till dem.",
        "got_contact": "De fick ditt namn och dina kontaktuppgifter.",
        "withdrawn": "Du drog tillbaka din idé.",
        "erased": "Ditt namn och dina kontaktuppgifter raderades.",
        "told": "De ombads radera ditt namn och dina kontaktuppgifter.",
    },
    "en": {
        "heading": "Who has received your idea",
        "waiting": "Has your idea and will answer",
        "accepted": "They said yes to supporting your idea.",
        "declined": "They said they cannot help this time.",
        "reason": "What they tell you:",
        "question": "They asked the committee a question about your idea.",
        "support": "They reported support, under way:",
        "cancelled": "The committee withdrew the request to them.",
        "got_contact": "They got your name and contact details.",
        "withdrawn": "You withdrew your idea.",
        "erased": "Your name and contact details were erased.",
        "told": "They were told to delete your name and contact details.",
    },
    "ar": {
        "heading": "من تلقّى فكرتك",
        "waiting": "لديهم فكرتك وسيجيبون",
        "accepted": "وافقوا على دعم فكرتك.",
        "declined": "قالوا إنهم لا يستطيعون المساعدة هذه المرة.",
        "reason": "ما يقولونه لك:",
        "question": "طرحوا على اللجنة سؤالًا عن فكرتك.",
        "support": "أبلغوا عن دعم، جارٍ:",
        "cancelled": "سحبت اللجنة الطلب الموجّه إليهم.",
        "got_contact": "حصلوا على اسمك وبيانات الاتصال بك.",
        "withdrawn": "سحبت فكرتك.",
        "erased": "حُذف اسمك وبيانات الاتصال بك.",
        "told": "طُلب منهم حذف اسمك وبيانات الاتصال بك.",
    },
}


def ledger_of(page: str) -> str:
    start = page.index('id="ledger"')
    return page[start : page.index("</section>", start)]


def partner_item(ledger: str, name: str) -> str:
    """The ledger's item of one partner."""
    match = re.search(
        r'<li class="mb-3 ledger-partner"[^>]*>\s*<h3[^>]*>' + re.escape(name) + r".*?</ul>",
        ledger,
        re.S,
    )
    assert match, name
    return match.group(0)


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_the_owner_reads_each_partner_its_answer_and_its_support_in_their_language(
    coordinator, language
):
    story = tell_story(coordinator, language)
    # A new device whose browser asks for another language: the idea's language wins.
    page = Client(HTTP_ACCEPT_LANGUAGE="sv" if language != "sv" else "en").get(story.url("track"))
    text = page.content.decode()
    words = WORDS[language]

    assert f'<html lang="{language}"' in text
    ledger = ledger_of(text)
    assert words["heading"] in ledger
    assert ledger.count('class="mb-3 ledger-partner"') == 6
    waiting = partner_item(ledger, "Väntar AB")
    assert words["waiting"] in waiting and words["got_contact"] in waiting
    assert words["accepted"] in partner_item(ledger, "Ja-föreningen")
    declined = partner_item(ledger, "Nej-föreningen")
    assert words["declined"] in declined and words["reason"] in declined
    assert REASON_FOR_OWNER in declined
    assert words["question"] in partner_item(ledger, "Fråge-förbundet")
    helper = partner_item(ledger, "Stöd-byalaget")
    assert words["accepted"] in helper and words["support"] in helper
    assert words["cancelled"] in partner_item(ledger, "Återkallade studieförbundet")
    # Every partner's line carries the day it got the idea.
    assert ledger.count("<time datetime=") >= 6 + 5
    must_not_show(text, story)
    if language != "sv":  # no Swedish owner words left on a page in another language
        assert "Har fått din idé" not in text and "tackade ja" not in text


def test_the_committee_text_of_a_decline_never_reaches_the_owner_but_their_reason_does(
    coordinator,
):
    story = tell_story(coordinator)
    answer = ReferralAnswer.objects.get(referral=story.referrals["Nej-föreningen"])
    assert (answer.text, answer.reason_for_owner) == (COMMITTEE_DECLINE, REASON_FOR_OWNER)

    page = Client().get(story.url("track")).content.decode()

    assert REASON_FOR_OWNER in ledger_of(page)
    assert COMMITTEE_DECLINE not in page


def test_a_decline_without_a_reason_for_the_owner_says_only_that_they_cannot_help(coordinator):
    story = tell_story(coordinator, partners=2)
    response = Client().post(
        answer_link(story.referrals["Ja-föreningen"]),
        {"answer": "decline", "decline-text": COMMITTEE_DECLINE},
    )
    assert response.status_code == 302
    item = partner_item(ledger_of(Client().get(story.url("track")).content.decode()), "Ja-")
    assert WORDS["sv"]["declined"] in item
    assert WORDS["sv"]["reason"] not in item and COMMITTEE_DECLINE not in item


def test_the_partners_answer_page_offers_the_reason_for_the_owner_and_says_who_reads_it(
    coordinator,
):
    story = tell_story(coordinator, partners=1)
    page = Client().get(answer_link(story.referrals["Väntar AB"])).content.decode()
    assert 'name="decline-reason_for_owner"' in page
    assert "Det vi får berätta för idéns ägare (frivilligt)" in page
    assert 'for="id_decline-reason_for_owner"' in page


def test_only_a_decline_keeps_a_reason_for_the_owner(coordinator):
    story = tell_story(coordinator, partners=1)
    response = Client().post(
        answer_link(story.referrals["Väntar AB"]),
        {"answer": "accept", "accept-text": "Gärna", "decline-reason_for_owner": "Smugglat"},
    )
    assert response.status_code == 302
    assert ReferralAnswer.objects.get(referral=story.referrals["Väntar AB"]).reason_for_owner == ""


def test_withdrawal_and_erasure_show_in_the_ledger_and_partners_with_details_are_told(
    coordinator,
):
    story = tell_story(coordinator, "en")
    owner = Client()
    owner.post(story.url("withdraw"), {"reason": "Vi löste det själva."})
    owner.post(story.url("erase"))

    text = owner.get(story.url("track")).content.decode()

    ledger = ledger_of(text)
    assert 'id="ledger-withdrawn"' in ledger and WORDS["en"]["withdrawn"] in ledger
    assert 'id="ledger-erased"' in ledger and WORDS["en"]["erased"] in ledger
    # Every partner that had Bo's details was told to delete them, and the ledger says so.
    assert ledger.count(WORDS["en"]["told"]) == 6
    assert WORDS["en"]["got_contact"] not in ledger  # after erasure no partner may know him
    assert "Bo Berg" not in text and OWNER_EMAIL not in text
    must_not_show(text, story)


def test_the_tracking_page_takes_the_same_queries_for_two_partners_as_for_six(
    coordinator, django_assert_num_queries
):
    few = tell_story(coordinator, partners=2)
    with CaptureQueriesContext(connection) as two:
        Client().get(few.url("track"))
    many = tell_story(coordinator, partners=6, prefix="Fler: ")
    # the idea, history, answered questions, referrals with partners (read once for the
    # ledger and the consent section), their answers, consent records, events, support
    # reports, relayed messages, their mails, files, original version, and the ideas handled
    # together with it (triage.review.merges)
    with django_assert_num_queries(13):
        Client().get(many.url("track"))
    assert len(two) == 13


def test_an_idea_never_referred_shows_no_ledger(coordinator):
    submitted = services.idea_submit(
        title="Idé",
        description="Text.",
        municipality=municipality(),
        themes=[],
        submitter_email="x@example.org",
    )
    page = Client().get(f"/track/{submitted.tracking_token}/").content.decode()
    assert 'id="ledger"' not in page


@pytest.mark.parametrize(
    ("fields", "said", "not_said"),
    [
        (
            # Blind first: not even the association's name without the owner's yes.
            {"organisation_kind": "association", "organisation_name": "Byalaget i Gyttorp"},
            "De fick inte ditt namn eller dina kontaktuppgifter.",
            "De fick din organisations namn",
        ),
        (
            {},
            "De fick inte ditt namn eller dina kontaktuppgifter.",
            "De fick ditt namn och dina kontaktuppgifter.",
        ),
    ],
    ids=["association-without-consent", "private-person-without-consent"],
)
def test_what_a_partner_got_follows_what_it_may_know_of_the_owner(
    coordinator, fields, said, not_said
):
    submitted = services.idea_submit(
        title="Idé",
        description="Text.",
        municipality=municipality(),
        themes=[],
        submitter_name="Gun Gren",
        submitter_email="gun@example.org",
        **fields,
    )
    idea = submitted.idea
    services.idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=coordinator)
    services.idea_transition(idea=idea, to=workflow.Status.IN_REVIEW, actor=coordinator)
    idea_refer(
        idea=Idea.objects.get(pk=idea.pk),
        partners=[PartnerFactory(name="Gyttorps IF")],
        note_to_partners="Hjälp?",
        actor=coordinator,
    )
    item = partner_item(
        ledger_of(Client().get(f"/track/{submitted.tracking_token}/").content.decode()), "Gyttorps"
    )
    assert said in item and not_said not in item


def test_the_committee_reads_both_texts_of_a_decline_on_the_ideas_page(coordinator):
    story = tell_story(coordinator, partners=6)
    staff = Client()
    staff.force_login(coordinator)
    page = staff.get(reverse("triage:idea_detail", args=[story.idea.reference])).content.decode()
    assert COMMITTEE_DECLINE in page
    assert f'Till idéns ägare: <span class="idea-description">{REASON_FOR_OWNER}' in page
