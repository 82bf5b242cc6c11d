"""The owner's own choices with JavaScript off, checked with axe-core on every page: the
follow-up survey in Arabic (bad input, then an answer) and showing the idea publicly."""

import re
from urllib.parse import urlparse

from django.core import mail

from ideas.models import Idea
from tests.factories import IdeaFactory
from tests.triage.test_follow_up import SURVEY_LINK, supported
from triage.models import FollowUpSurvey
from triage.referrals.follow_up import follow_up_send


def test_an_arabic_owner_answers_the_follow_up_survey_without_javascript(portal_without_js):
    portal = portal_without_js
    referral = supported(language="ar")
    follow_up_send(referral=referral)
    link = SURVEY_LINK.search(mail.outbox[-1].body).group(0)

    page = portal.visit(urlparse(link).path)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("textarea[name=what_happened]").fill("ساعدونا في طلب التمويل.")
    portal.submit("main form button[type=submit]")

    assert page.locator("#error-summary").count() == 1
    assert "اختر رقمًا من 1 إلى 5." in page.locator("#error-summary").inner_text()
    assert page.locator("textarea[name=what_happened]").input_value() == "ساعدونا في طلب التمويل."
    page.locator("input[name=rating][value='4']").check()
    portal.submit("main form button[type=submit]")

    assert "وصلتنا إجاباتك. شكرًا لك!" in page.locator("#survey-message").inner_text()
    survey = FollowUpSurvey.objects.get()
    assert (survey.rating, survey.what_happened) == (4, "ساعدونا في طلب التمويل.")


def test_the_owner_lets_the_idea_be_shown_publicly_and_takes_it_back(portal_without_js):
    portal = portal_without_js
    idea = IdeaFactory()
    page = portal.visit(f"/track/{idea.tracking_token}/")
    choice = page.locator("#public-listing-choice")
    assert "Du har sagt nej" in choice.inner_text()

    portal.submit("#public-listing button[type=submit]")
    assert "Du har sagt ja" in page.locator("#public-listing-choice").inner_text()
    assert Idea.objects.get(pk=idea.pk).public_listing is True

    portal.submit("#public-listing button[type=submit]")
    assert re.search("Du har sagt nej", page.locator("#public-listing-choice").inner_text())
    assert Idea.objects.get(pk=idea.pk).public_listing is False


def test_the_public_documents_notice_stands_before_the_send_button(portal):
    page = portal.visit("/idea/new/")
    notice = page.locator("#public-documents")
    assert notice.is_visible()
    assert "offentlighets- och sekretesslagen" in notice.inner_text()
    consent = page.locator("input[name=consent]").bounding_box()
    send = page.locator("main form button[type=submit]").first.bounding_box()
    box = notice.bounding_box()
    assert consent["y"] < box["y"] < send["y"]
    portal.visit("/privacy/")
