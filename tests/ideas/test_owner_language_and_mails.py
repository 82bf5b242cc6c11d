"""The owner's language, always, and every mail to the owner says what happened, what to do and
links back: whoever acts, in whichever language their own pages are."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from ideas import services, workflow
from ideas.models import Idea, Theme, hash_token
from portal.outbox.models import Message, MessageKind
from tests.factories import PartnerFactory, municipality
from tests.ideas.test_intake import fast_form
from triage.models import AnswerKind
from triage.referrals.answers import referral_answer
from triage.referrals.services import idea_refer

pytestmark = pytest.mark.django_db

TRACKING_LINK = re.compile(r"https?://[^/\s]+(/track/[^/\s]+/)")
# What a Swedish-speaking staff member's own language would put in the mail.
SWEDISH_READING = "Vi läser din idé"
SWEDISH_QUESTION = "Vi har en fråga till dig"
SWEDISH_NEXT_STEP = "Du behöver inte göra något nu"
# The owner's words for the same statuses, from the catalogues.
READING = {"en": "Your idea is being read", "ar": "نحن نقرأ فكرتك", "sv": SWEDISH_READING}
GREETING = {"en": "Hello Bo Berg,", "ar": "مرحبًا Bo Berg،", "sv": "Hej Bo Berg!"}
NEXT_STEP = {
    "en": "You need not do anything now",
    "ar": "لا تحتاج إلى فعل أي شيء الآن",
    "sv": SWEDISH_NEXT_STEP,
}


def submit(language: str, **fields) -> services.SubmittedIdea:
    return services.idea_submit(
        title="Laddstolpe vid bygdegården",
        description="En laddstolpe för elbilar.",
        municipality=municipality("1864"),
        themes=[Theme.objects.first()],
        submitter_email="bo@example.org",
        submitter_name="Bo Berg",
        language=language,
        **fields,
    )


def swedish_staff(client: Client, user) -> Client:
    """A staff member whose own pages are in Swedish (the request's language is sv)."""
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    return client


def last_mail_to(address: str, kind: MessageKind | None = None) -> Message:
    mails = Message.objects.filter(recipient=address)
    if kind is not None:
        mails = mails.filter(kind=kind)
    return mails.order_by("-pk").first()


def tracking_path(message: Message) -> str:
    match = TRACKING_LINK.search(message.body_text)
    assert match, f"no tracking link in the mail:\n{message.body_text}"
    assert match.group(1) in message.body_html
    return match.group(1)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_swedish_staff_members_move_mails_the_status_in_the_owners_language(
    client, coordinator, language
):
    idea = submit(language).idea
    staff = swedish_staff(client, coordinator)
    assert "Idéhantering" in staff.get(reverse("triage:dashboard")).content.decode()

    staff.post(
        reverse("triage:idea_move", args=[idea.reference]), {"to": workflow.Status.SCREENING}
    )

    mail = last_mail_to("bo@example.org", MessageKind.STATUS_CHANGE)
    assert mail.language == language
    assert READING[language] in mail.body_text and READING[language] in mail.body_html
    assert NEXT_STEP[language] in mail.body_text
    assert SWEDISH_READING not in mail.body_text + mail.body_html + mail.subject
    assert SWEDISH_NEXT_STEP not in mail.body_text


@pytest.mark.parametrize("language", ["sv", "en", "ar"])
def test_every_mail_to_the_owner_greets_them_says_what_to_do_and_links_to_the_idea(
    coordinator, language
):
    submitted = submit(language)
    idea = submitted.idea
    services.idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=coordinator)
    services.idea_ask_question(idea=idea, question="Var ska stolpen stå?", actor=coordinator)
    services.idea_answer_question(idea=idea, answer="Vid bygdegården.")
    [referral] = idea_refer(
        idea=Idea.objects.get(pk=idea.pk),
        partners=[PartnerFactory(name="Byalaget")],
        note_to_partners="Intern: de har el",
        actor=coordinator,
    )
    referral_answer(
        referral=referral, kind=AnswerKind.ACCEPT, contact=referral.partner.contacts.get()
    )
    services.idea_withdraw(idea=Idea.objects.get(pk=idea.pk), reason="")

    mails = list(Message.objects.filter(recipient="bo@example.org").order_by("pk"))
    kinds = [mail.kind for mail in mails]
    assert kinds[0] == MessageKind.RECEIPT and MessageKind.QUESTION in kinds
    assert len(mails) >= 6  # receipt, screening, question, referred, accepted, withdrawn
    assert MessageKind.STATUS_CHANGE in kinds
    token_path = reverse("ideas:track", kwargs={"token": submitted.tracking_token})
    for mail in mails:
        assert mail.language == language
        assert GREETING[language] in mail.body_text, mail.body_text
        # The same private link as the receipt's, in every mail, text and HTML.
        assert tracking_path(mail) == token_path, mail.subject
    question_mail = next(mail for mail in mails if mail.kind == MessageKind.QUESTION)
    how_to_answer = {"sv": "Så svarar du", "en": "How to answer", "ar": "طريقة الإجابة"}
    assert how_to_answer[language] in question_mail.body_text
    assert "Var ska stolpen stå?" in question_mail.body_text


def test_the_link_in_a_later_mail_opens_the_idea_on_a_new_device_in_the_owners_language(
    coordinator,
):
    idea = submit("ar").idea
    services.idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=coordinator)
    services.idea_ask_question(idea=idea, question="Var ska stolpen stå?", actor=coordinator)
    path = tracking_path(last_mail_to("bo@example.org", MessageKind.QUESTION))

    new_device = Client(HTTP_ACCEPT_LANGUAGE="sv")
    response = new_device.get(path)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl"' in page and response["Content-Language"] == "ar"
    assert "لدينا سؤال لك" in page and SWEDISH_QUESTION not in page
    assert "Var ska stolpen stå?" in page


def test_the_answer_message_after_the_post_is_in_the_owners_language(coordinator):
    submitted = submit("en")
    services.idea_transition(idea=submitted.idea, to=workflow.Status.SCREENING, actor=coordinator)
    services.idea_ask_question(idea=submitted.idea, question="Where?", actor=coordinator)
    swedish_device = Client(HTTP_ACCEPT_LANGUAGE="sv")
    answer_url = reverse("ideas:answer", kwargs={"token": submitted.tracking_token})

    page = swedish_device.post(answer_url, {"answer": "By the hall."}, follow=True)

    text = page.content.decode()
    assert "Thank you for your answer." in text
    assert "Tack för ditt svar" not in text


def test_a_wrong_tracking_link_gets_the_request_language_a_right_one_the_ideas(coordinator):
    submitted = submit("en")
    swedish_device = Client(HTTP_ACCEPT_LANGUAGE="sv")
    # Downloading the data is a POST; a GET finds the idea and is refused in English.
    withdraw_page = swedish_device.get(
        reverse("ideas:withdraw", kwargs={"token": submitted.tracking_token})
    )
    assert '<html lang="en"' in withdraw_page.content.decode()
    # A token that finds no idea: the request's own language, there is no idea to ask.
    missing = swedish_device.get(reverse("ideas:track", kwargs={"token": "nothing-here"}))
    assert missing.status_code == 404
    assert "Det finns ingen sida på den här adressen" in missing.content.decode()
    assert "There is no page at this address" not in missing.content.decode()


def test_an_old_tracking_link_made_before_tokens_were_derived_keeps_working(client):
    idea = submit("sv").idea
    # As migration 0007 leaves an idea whose random token was never kept.
    Idea.objects.filter(pk=idea.pk).update(legacy_tracking_token_hash=hash_token("old-link"))

    assert client.get(reverse("ideas:track", kwargs={"token": "old-link"})).status_code == 200
    assert client.get(reverse("ideas:track", kwargs={"token": "old-linkx"})).status_code == 404
    # Later mails carry the derived link, which works too.
    assert client.get(services.idea_tracking_url(idea)).status_code == 200


def test_the_tracking_token_is_stored_only_as_a_hash_and_derived_with_the_secret_key(settings):
    submitted = submit("sv")
    idea = Idea.objects.get(pk=submitted.idea.pk)
    assert submitted.tracking_token not in (idea.tracking_token_hash, idea.tracking_salt)
    assert idea.tracking_token == submitted.tracking_token
    # The database alone gives no link: another key derives another token.
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert idea.tracking_token == ""
    # A rotated key kept as a fallback still gives the link.
    settings.SECRET_KEY_FALLBACKS = [
        "demo-only-secret-key-never-use-in-production-0123456789-abcdefghij"
    ]
    assert idea.tracking_token == submitted.tracking_token


def test_the_printed_receipt_is_in_the_residents_language_not_the_staffs(staff_client, event):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    staff_client.post(reverse("ideas:intake"), {"choose": "1", "event": event.pk})
    response = staff_client.post(reverse("ideas:intake_new"), fast_form(language="ar"), follow=True)

    page = response.content.decode()
    receipt = page[page.index('class="receipt"') : page.index("Registrera nästa idé")]
    assert 'lang="ar"' in receipt and 'dir="rtl"' in receipt
    assert "إيصال فكرتك" in receipt and "امسح الرمز" in receipt
    assert "Kvitto på din idé" not in receipt
    # The staff member's own buttons stay Swedish.
    assert "Registrera nästa idé" in page


def test_a_draft_link_opens_the_form_in_the_drafts_language(client):
    draft, token = services.draft_save(
        data={"title": ["Bokbuss"]}, email="bo@example.org", language="en"
    )
    new_device = Client(HTTP_ACCEPT_LANGUAGE="sv")

    page = new_device.get(reverse("ideas:draft", kwargs={"token": token}), follow=True)

    text = page.content.decode()
    assert '<html lang="en"' in text
    assert "Welcome back. Your draft is filled in below." in text
    assert "Välkommen tillbaka" not in text


def test_a_refused_form_behind_a_residents_link_is_explained_in_the_ideas_language(coordinator):
    submitted = submit("en")
    services.idea_transition(idea=submitted.idea, to=workflow.Status.SCREENING, actor=coordinator)
    services.idea_ask_question(idea=submitted.idea, question="Where?", actor=coordinator)
    # A Swedish phone whose form lost its CSRF token (an old tab, say).
    swedish_device = Client(HTTP_ACCEPT_LANGUAGE="sv", enforce_csrf_checks=True)
    response = swedish_device.post(
        reverse("ideas:answer", kwargs={"token": submitted.tracking_token}), {"answer": "Here"}
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="en"' in page
    assert "The form could not be sent" in page
    assert "Formuläret kunde inte skickas" not in page and "Till startsidan" not in page


def test_after_a_new_link_is_mailed_later_mails_carry_the_new_link_and_the_old_ones_stop(
    client, coordinator
):
    submitted = submit("en")
    idea = submitted.idea
    Idea.objects.filter(pk=idea.pk).update(legacy_tracking_token_hash=hash_token("old-link"))
    services.idea_tracking_links_resend(email="bo@example.org")
    new_link = tracking_path(last_mail_to("bo@example.org", MessageKind.NOTICE))

    services.idea_transition(
        idea=Idea.objects.get(pk=idea.pk), to=workflow.Status.SCREENING, actor=coordinator
    )

    assert tracking_path(last_mail_to("bo@example.org", MessageKind.STATUS_CHANGE)) == new_link
    assert client.get(new_link).status_code == 200
    for old in (submitted.tracking_token, "old-link"):
        assert client.get(reverse("ideas:track", kwargs={"token": old})).status_code == 404
