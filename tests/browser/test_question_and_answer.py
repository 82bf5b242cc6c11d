"""The conversation in a real browser: an English and an Arabic resident submit an idea, the
coordinator (working in Swedish) asks a question, the resident reads the mail and opens its
link, answers, and the coordinator reads the answer beside the question."""

import re

import pytest
from django.urls import reverse

from ideas import services, workflow
from ideas.models import Idea
from portal.outbox.models import Message, MessageKind
from tests.browser.conftest import Portal
from tests.browser.pages import SEND_IDEA, fill_idea_form, reference_on_page

QUESTION = "Var ska bussen stanna?"
# What each resident reads, in their own language; the Swedish words must not reach them.
RESIDENT = {
    "en": {
        "locale": "en-GB",
        "answer": "Outside the grocery store.",
        "question_heading": "A question from the committee",
        "how_to_answer": "How to answer",
        "greeting": "Hello Sam,",
        "thanks": "Thank you for your answer.",
    },
    "ar": {
        "locale": "ar",
        "answer": "أمام متجر البقالة.",
        "question_heading": "سؤال من اللجنة",
        "how_to_answer": "طريقة الإجابة",
        "greeting": "مرحبًا Sam،",
        "thanks": "شكرًا على جوابك.",
    },
}
SWEDISH = ["Vi har en fråga till dig", "Så svarar du", "Hej Sam"]
LINK = re.compile(r"(https?://\S+/track/[^/\s]+/)")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_resident_answers_the_committees_question_from_the_mail_and_the_committee_reads_it(
    browser, live_server, portal, settings, coordinator, language
):
    settings.SITE_URL = live_server.url  # the links in the mails lead to this test's server
    words = RESIDENT[language]
    resident_page = portal.page

    # The resident submits, in their own language.
    resident_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    portal.visit(reverse("ideas:submit"))
    fill_idea_form(resident_page, submitter_email="sam@example.org", submitter_name="Sam")
    resident_page.locator(f"main form input[name=language][value={language}]").check()
    portal.submit(SEND_IDEA)
    idea = Idea.objects.get(reference=reference_on_page(resident_page))
    assert idea.language == language
    services.idea_transition(idea=idea, to=workflow.Status.SCREENING, actor=coordinator)

    # The coordinator, whose pages are Swedish, asks the question on the idea's page.
    staff_context = browser.new_context(locale="sv-SE", base_url=live_server.url)
    staff_context.set_default_timeout(10_000)
    try:
        staff = Portal(staff_context.new_page(), live_server.url)
        staff.login(coordinator)
        idea_page = staff.visit(reverse("triage:idea_detail", args=[idea.reference]))
        move = f"main form[action$='{reverse('triage:idea_move', args=[idea.reference])}']"
        idea_page.locator(f"{move} [name=to]").select_option(workflow.Status.NEEDS_INFORMATION)
        idea_page.locator(f"{move} textarea[name=message_to_owner]").fill(QUESTION)
        staff.submit(f"{move} button[type=submit]")
        assert Idea.objects.get(pk=idea.pk).status == workflow.Status.NEEDS_INFORMATION

        # The resident reads the mail: their language, their name, how to answer, the link.
        mail = Message.objects.filter(recipient="sam@example.org", kind=MessageKind.QUESTION).get()
        assert mail.language == language
        for text in (words["greeting"], words["how_to_answer"], QUESTION):
            assert text in mail.body_text
        for text in SWEDISH:
            assert text not in mail.body_text and text not in mail.subject
        link = LINK.search(mail.body_text).group(1)

        # ... opens the link from the mail's text, and answers.
        resident_page.context.clear_cookies()  # as on another device: the link alone
        track = portal.visit(link.removeprefix(live_server.url))
        assert track.locator("html").get_attribute("lang") == language
        assert words["question_heading"] in track.locator("main").inner_text()
        assert QUESTION in track.locator("#question").inner_text()
        track.locator("main form[action$='/answer/'] textarea[name=answer]").fill(words["answer"])
        portal.submit("main form[action$='/answer/'] button[type=submit]")
        assert words["thanks"] in track.locator("body").inner_text()
        assert Idea.objects.get(pk=idea.pk).status == workflow.Status.IN_REVIEW

        # The coordinator sees the answer beside the question, and was told by mail.
        idea_page = staff.visit(reverse("triage:idea_detail", args=[idea.reference]))
        question = idea_page.locator("section[aria-labelledby=questions-heading] .question")
        assert QUESTION in question.inner_text() and words["answer"] in question.inner_text()
        assert (
            words["answer"]
            in idea_page.locator("section[aria-labelledby=history-heading]").inner_text()
        )
        notice = Message.objects.get(
            recipient=settings.COORDINATOR_EMAIL, idempotency_key__startswith="question-answered:"
        )
        assert words["answer"] in notice.body_text and notice.language == "sv"
        dashboard = staff.visit(reverse("triage:dashboard"))
        assert (
            "Besvarad, väntar på er"
            in dashboard.locator(f"tr:has(input[value='{idea.reference}'])").inner_text()
        )
    finally:
        staff_context.close()
