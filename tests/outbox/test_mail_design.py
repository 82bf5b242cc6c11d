"""Every mail people act on: one layout with the partnership's name at the top, CSS inlined into
style attributes, the reader's language and direction, one button for the main action, links that
are absolute and answer, and a plain-text part with the same links.

Each kind of mail is made the way the portal makes it (tests/outbox/every_mail.py says how)."""

import re

import pytest
from django.conf import settings

from portal.branding import branding, contrast_ratio
from portal.outbox.models import Message, MessageKind
from portal.outbox.selectors import messages_holding
from portal.outbox.services import message_enqueue
from tests.journeys.conftest import URL, visible_text
from tests.outbox.every_mail import (
    NO_ACTION,
    TEMPLATES,
    MailCatalogue,
    anatomy,
    buttons,
    every_mail,
    journey_for_mails,
    web_links,
)

ANSWERING = {200, 302}
# Gmail shows only the start of a mail whose HTML is larger, behind a link.
GMAIL_CLIPS_AT = 102 * 1024
# How many words of one part the other may lack: a button's label stands for a sentence.
OTHER_WORDS = 10


@pytest.fixture
def catalogue(
    db,
    settings,
    coordinator,
    outreach_staff,
    committee_member,
    django_capture_on_commit_callbacks,
    monkeypatch,
    request,
) -> MailCatalogue:
    journey = journey_for_mails(
        settings,
        django_capture_on_commit_callbacks,
        coordinator=coordinator,
        outreach_staff=outreach_staff,
        committee_member=committee_member,
    )
    return every_mail(journey, monkeypatch, language=getattr(request, "param", "sv"))


def test_the_walk_makes_every_kind_of_mail(catalogue):
    assert sorted(catalogue.mails) == TEMPLATES
    assert len(TEMPLATES) >= 30


@pytest.mark.parametrize("catalogue", ["sv", "ar"], indirect=True)
def test_every_mail_has_the_layout_inlined_in_its_language_with_one_button(catalogue):
    brand = branding()
    for template, mail in catalogue.mails.items():
        parts = anatomy(mail.html)
        where = f"{template} ({mail.language})"
        # The layout's CSS is in style attributes: nothing depends on a <style> a client drops.
        assert parts.style_elements == 0 and "<style" not in mail.html, where
        assert parts.body_styled and parts.styled_elements > 20, where
        assert "max-width:600px" in mail.html, where
        assert len(mail.html.encode()) < GMAIL_CLIPS_AT, where
        direction = "rtl" if mail.language == "ar" else "ltr"
        assert re.search(rf'<html lang="{mail.language[:2]}" dir="{direction}">', mail.html), where
        assert re.search(r"<title>[^<]+</title>", mail.html), where
        # A quote's rule and a list's indent stand on the side the reader starts from.
        start, end = ("right", "left") if direction == "rtl" else ("left", "right")
        assert f"border-{end}:4px" not in mail.html, where
        assert f"padding-{end}:24px" not in mail.html, where
        if "<blockquote" in mail.html:
            assert f"border-{start}:4px" in mail.html, where
        # The partnership at the top of both parts, its logo as an absolute address.
        assert brand.name in mail.html.split('class="mail-body"')[0], where
        assert brand.name in mail.text.splitlines()[0], where
        assert parts.images == [f"{settings.SITE_URL}{brand.logo_url}"], where
        # One clear button for the main action, a link into the portal, also in the text.
        found = buttons(mail)
        expected = 0 if template in NO_ACTION else 1
        assert len(found) == expected, f"{where}: {len(found)} buttons, expected {expected}"
        for button in found:
            assert button.href.startswith(f"{settings.SITE_URL}/"), where
            assert button.href in mail.text, where


@pytest.mark.parametrize("catalogue", ["sv", "ar"], indirect=True)
def test_every_link_is_absolute_answers_and_is_in_the_plain_text_too(catalogue):
    for template, mail in catalogue.mails.items():
        where = f"{template} ({mail.language})"
        links = [link.href for link in anatomy(mail.html).links]
        for href in links:
            assert href.startswith((f"{settings.SITE_URL}/", "mailto:", "tel:")), (where, href)
        html_links = web_links(mail.html, html=True)
        text_links = web_links(mail.text, html=False)
        assert html_links == text_links, f"{where}: {html_links ^ text_links}"
        for href in links:
            if href.startswith("mailto:"):
                assert href.removeprefix("mailto:") in mail.text, (where, href)
        for url in html_links:
            assert catalogue.answers[url] in ANSWERING, f"{where}: {url} {catalogue.answers[url]}"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", URL.sub(" ", text).lower())


@pytest.mark.parametrize("catalogue", ["sv", "ar"], indirect=True)
def test_the_plain_text_says_what_the_html_says(catalogue):
    """Word for word nearly: the parts differ only where a button's label stands for a sentence
    ("Continue your idea" for "Open this link to go on where you stopped")."""
    for template, mail in catalogue.mails.items():
        body = mail.html.split("</title>", 1)[1]  # what the reader sees, not the subject
        text, html = words(mail.text), words(visible_text(body))
        for these, those, which in ((text, html, "text"), (html, text, "HTML")):
            missing = [word for word in these if word not in set(those)]
            assert len(missing) <= OTHER_WORDS, f"{template} ({mail.language}): {which}: {missing}"


def test_the_mail_colours_meet_wcag_aa():
    brand = branding()
    assert contrast_ratio(brand.primary, "#ffffff") >= 4.5  # the button, links, the name
    assert contrast_ratio("#4d5359", "#ffffff") >= 4.5  # the foot and the small print
    assert contrast_ratio("#1f2328", "#f3f5f7") >= 4.5  # a quoted message


def test_a_name_in_the_inlined_html_is_found_for_erasure(db):
    """The inliner writes `'` as it is and `&` as `&amp;`: a form neither typed nor escaped by
    the templates. Erasure's search still finds the mail by its HTML alone."""
    name = "Bröd & Rosor i O'Hara-byn"
    message = message_enqueue(
        kind=MessageKind.NOTICE,
        recipient="tillganglighet@example.org",
        template="accessibility_report",
        context={"page": "Formuläret", "email": "", "description": name},
        language="sv",
        idempotency_key="inlined-name",
    )
    assert "Bröd &amp; Rosor i O'Hara-byn" in message.body_html
    Message.objects.filter(pk=message.pk).update(body_text="", subject="")
    assert list(messages_holding([name])) == [message]
