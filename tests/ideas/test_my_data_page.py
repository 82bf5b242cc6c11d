""" "My data": a readable page (and its print view) beside the JSON download, both with the
idea and its versions, drafts, questions, the ledger, the mails and the partners' answers and
reports meant for the owner; the download's keys documented and pinned."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from portal.outbox.models import Message
from tests.ideas.ledger_story import (
    COMMITTEE_DECLINE,
    OWN_DRAFT_TITLE,
    OWNER_EMAIL,
    OWNER_PHONE,
    REASON_FOR_OWNER,
    must_not_show,
    tell_story,
)

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "my-data.md"

# Every key of the download, as paths ("[]" for each item of a list). `content` holds the
# form's or the version's own fields and is described as one key.
KEYS = {
    "reference",
    "submitted_at",
    "status",
    "idea",
    "idea.title",
    "idea.need",
    "idea.description",
    "idea.beneficiaries",
    "idea.municipality",
    "idea.place",
    "idea.is_rural",
    "idea.themes",
    "idea.stage",
    "idea.support_wanted",
    "submitter",
    "submitter.name",
    "submitter.email",
    "submitter.phone",
    "submitter.organisation_name",
    "submitter.organisation_kind",
    "submitter.preferred_language",
    "consent",
    "consent.privacy_text_version",
    "consent.given_at",
    "consent.share_contact_with_partners",
    "consent.recorded_by_staff_at_event",
    "personal_data_erased_at",
    "withdrawn_at",
    "channel",
    "history",
    "history[].at",
    "history[].status",
    "history[].message",
    "questions",
    "questions[].question",
    "questions[].asked_at",
    "questions[].answer",
    "questions[].answered_at",
    "form_answers",
    "attachments",
    "versions",
    "versions[].version",
    "versions[].recorded_at",
    "versions[].fingerprint",
    "versions[].content",
    "drafts",
    "drafts[].saved_at",
    "drafts[].last_changed_at",
    "drafts[].link_works_until",
    "drafts[].sent_as_this_idea",
    "drafts[].content",
    "ledger",
    "ledger[].partner",
    "ledger[].sent_at",
    "ledger[].received",
    "ledger[].state",
    "ledger[].answers",
    "ledger[].answers[].answered_at",
    "ledger[].answers[].answer",
    "ledger[].answers[].reason_for_owner",
    "ledger[].support_reports",
    "ledger[].support_reports[].reported_at",
    "ledger[].support_reports[].kind",
    "ledger[].support_reports[].progress",
    "ledger[].events",
    "ledger[].events[].at",
    "ledger[].events[].what",
    "emails",
    "emails[].created_at",
    "emails[].recipient",
    "emails[].subject",
    "emails[].state",
    "emails[].language",
}
# Attachments are documented too; the story sends none, so their keys are listed apart.
ATTACHMENT_KEYS = {
    "attachments[].name",
    "attachments[].content_type",
    "attachments[].size",
    "attachments[].uploaded_at",
    "attachments[].sha256",
}
# The answers to the coordinator's questions: the story's form asks none.
FORM_ANSWER_KEYS = {
    "form_answers[].question",
    "form_answers[].answer",
    "form_answers[].question_version",
}
OPAQUE = {"content"}

PAGE_WORDS = {
    "sv": ("Mina uppgifter", "Utkast sparade från din adress", "Mejl om din idé", "Skriv ut sidan"),
    "en": ("My data", "Drafts saved from your address", "Mails about your idea", "Print this page"),
    "ar": ("بياناتي", "المسودات المحفوظة من عنوانك", "الرسائل حول فكرتك", "اطبع هذه الصفحة"),
}
RECIPIENTS = {"sv": ("Du", "En partner"), "en": ("You", "A partner"), "ar": ("أنت", "شريك")}


def key_paths(value: object, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            if key not in OPAQUE:
                paths |= key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            paths |= key_paths(item, f"{prefix}[]")
    return paths


def download(client: Client, story) -> dict:
    response = client.post(story.url("my_data"))
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def test_the_downloads_keys_are_exactly_the_documented_stable_set(coordinator):
    story = tell_story(coordinator)
    data = download(Client(), story)
    assert key_paths(data) == KEYS
    documented = set(re.findall(r"^\| `([^`]+)` \|", DOCS.read_text(encoding="utf-8"), re.M))
    assert documented == KEYS | ATTACHMENT_KEYS | FORM_ANSWER_KEYS


def test_the_download_holds_the_ledger_answers_for_the_owner_drafts_and_mails_without_addresses(
    coordinator,
):
    story = tell_story(coordinator)
    raw = Client().post(story.url("my_data")).content.decode()
    data = json.loads(raw)

    assert data["submitter"]["email"] == OWNER_EMAIL and data["submitter"]["phone"] == OWNER_PHONE
    ledger = {line["partner"]: line for line in data["ledger"]}
    assert len(ledger) == 6
    assert {line["received"] for line in ledger.values()} == {"contact"}
    assert ledger["Nej-föreningen"]["state"] == "declined"
    [declined] = ledger["Nej-föreningen"]["answers"]
    assert (declined["answer"], declined["reason_for_owner"]) == ("decline", REASON_FOR_OWNER)
    assert ledger["Fråge-förbundet"]["answers"][0]["answer"] == "question"
    [report] = ledger["Stöd-byalaget"]["support_reports"]
    assert report["progress"] == "under_way" and report["kind"]
    # The form's consent, recorded for the partner when the committee referred, then the cancel.
    assert [e["what"] for e in ledger["Återkallade studieförbundet"]["events"]] == [
        "consent_given",
        "cancelled",
    ]
    assert [d["content"]["title"] for d in data["drafts"]] == [[OWN_DRAFT_TITLE]]
    assert data["questions"][0]["answer"] == "Ungefär 300."
    assert data["versions"][0]["version"] == 1
    recipients = {mail["recipient"] for mail in data["emails"]}
    assert recipients == {"you", "partner", "committee"}
    referral_subjects = {
        m.subject
        for m in Message.objects.filter(
            idempotency_key__startswith="referral:",
            object_id__in=[referral.pk for referral in story.referrals.values()],
        )
    }
    assert referral_subjects
    assert referral_subjects <= {mail["subject"] for mail in data["emails"]}
    assert all(
        set(mail) == {"created_at", "recipient", "subject", "state", "language"}
        for mail in data["emails"]
    )
    must_not_show(raw, story)
    assert COMMITTEE_DECLINE not in raw


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_the_readable_page_shows_the_same_data_in_the_owners_language(coordinator, language):
    story = tell_story(coordinator, language)
    page = Client(HTTP_ACCEPT_LANGUAGE="sv" if language != "sv" else "en").get(
        story.url("my_data_page")
    )
    text = page.content.decode()

    assert page.status_code == 200
    assert f'<html lang="{language}"' in text
    title, drafts, mails, print_button = PAGE_WORDS[language]
    assert title in text and drafts in text and mails in text and print_button in text
    for shown in (story.idea.title, OWNER_EMAIL, OWN_DRAFT_TITLE, "Hur många bor i byn?"):
        assert shown in text
    assert "Ungefär 300." in text and REASON_FOR_OWNER in text
    assert text.count('class="mb-3 ledger-partner"') == 6
    mails_table = text[text.index('id="my-mails"') : text.index("</table>")]
    you, partner = RECIPIENTS[language]
    assert f"<td>{you}</td>" in mails_table and f"<td>{partner}</td>" in mails_table
    for version in story.idea.versions.all():
        assert version.fingerprint in text
    must_not_show(text, story)


def test_the_print_button_is_a_plain_link_to_the_print_view_and_printing_hides_the_menus(
    coordinator,
):
    story = tell_story(coordinator, partners=1)
    page = Client().get(story.url("my_data_page")).content.decode()
    link = re.search(r'<a class="btn btn-primary" href="([^"]+)" data-print>', page)
    assert link and link.group(1) == story.url("my_data_page") + "?print=1"
    assert 'media="print"' in page and "js/print-button.js" in page

    printed = Client().get(link.group(1)).content.decode()

    assert 'my-data-print.css" media="all"' in printed
    assert "Lämna utskriftsvyn" in printed
    assert REASON_FOR_OWNER not in printed  # this story's partner has not answered
    css = Path(__file__).resolve().parents[2] / "static" / "css" / "my-data-print.css"
    assert ".site-header" in css.read_text() and ".no-print" in css.read_text()


def test_the_readable_page_links_the_download_and_the_keys_it_documents(coordinator):
    story = tell_story(coordinator, partners=1)
    page = Client().get(story.url("my_data_page")).content.decode()
    assert f'action="{story.url("my_data")}"' in page
    keys_url = reverse("ideas:my_data_keys")
    assert f'href="{keys_url}"' in page
    keys = Client().get(keys_url)
    assert keys["Content-Type"].startswith("text/plain")
    assert "`ledger[].answers[].reason_for_owner`" in keys.content.decode()
    tracking = Client().get(story.url("track")).content.decode()
    assert f'href="{story.url("my_data_page")}"' in tracking


def test_after_erasure_the_page_and_download_keep_no_name_and_say_when(coordinator):
    story = tell_story(coordinator, "en")
    owner = Client()
    owner.post(story.url("erase"))
    data = download(owner, story)
    page = owner.get(story.url("my_data_page")).content.decode()

    assert data["personal_data_erased_at"] and data["submitter"]["email"] == ""
    told = [e for line in data["ledger"] for e in line["events"] if e["what"] == "told_to_delete"]
    assert len(told) == 6
    assert {line["received"] for line in data["ledger"]} == {"nothing"}
    # The draft saved from the erased address no longer counts as the owner's.
    assert data["drafts"] == []
    for text in (json.dumps(data, ensure_ascii=False), page):
        assert "Bo Berg" not in text and OWNER_EMAIL not in text and OWNER_PHONE not in text
        must_not_show(text, story)


def test_a_made_up_token_finds_no_data_page(client):
    assert client.get(reverse("ideas:my_data_page", kwargs={"token": "nope"})).status_code == 404


def test_the_data_page_takes_the_same_queries_for_one_partner_as_for_six(
    coordinator, django_assert_num_queries
):
    one = tell_story(coordinator, partners=1)
    six = tell_story(coordinator, partners=6, prefix="Fler: ")
    # the idea; its referrals (with partners), their answers, consent records, events, support
    # reports (with kinds) and mails; the drafts; the idea's themes, kinds of support, history,
    # questions, answers to the form's questions, files, versions and its own mails
    for story in (one, six):
        with django_assert_num_queries(16):
            assert Client().get(story.url("my_data_page")).status_code == 200
