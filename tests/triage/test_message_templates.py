"""Templates for messages to an idea's owner: the rule that fills one in for an idea, the
placeholder check, and the idea's page where the coordinator starts a message from one."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ideas import workflow
from ideas.models import Municipality
from portal.outbox.models import Message
from tests.factories import IdeaFactory, PartnerFactory, municipality
from triage.models import MessageTemplate
from triage.review.message_templates import (
    PartnerNeeded,
    TemplateKind,
    message_template_fill,
    message_template_render,
)

pytestmark = pytest.mark.django_db


def template(**fields) -> MessageTemplate:
    values = {
        "kind": TemplateKind.DECLINE,
        "title": "Avslag: utanför",
        "text_sv": "Tack för ”{title}”. Vi kan inte stödja idén i {municipality}.",
        "text_en": "Thank you for “{title}”. We cannot support the idea in {municipality}.",
        "text_ar": "شكرًا على «{title}». لا نستطيع دعم الفكرة في {municipality}.",
    } | fields
    made = MessageTemplate(**values)
    made.full_clean()
    made.save()
    return made


def page_url(idea, **query) -> str:
    url = reverse("triage:idea_detail", args=[idea.reference])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def message_field(page: str, field_id: str = "move_message_to_owner") -> str:
    match = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, field_id
    return html.unescape(match.group(1)).strip()


# -- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "Tack för ”Bybuss”. Vi kan inte stödja idén i Nora."),
        ("en", "Thank you for “Bybuss”. We cannot support the idea in Nora."),
        ("ar", "شكرًا على «Bybuss». لا نستطيع دعم الفكرة في Nora."),
    ],
)
def test_the_template_is_filled_in_the_owners_language(language, expected):
    idea = IdeaFactory(title="Bybuss", municipality=municipality("1884"), language=language)
    filled = message_template_fill(template(), idea)
    assert filled.text == expected
    assert filled.language == language and not filled.fell_back
    assert message_template_render(template(), idea) == expected


def test_the_whole_county_is_named_in_the_owners_language():
    county, _ = Municipality.objects.get_or_create(
        name="Hela Örebro län", defaults={"code": "18", "is_whole_county": True}
    )
    idea = IdeaFactory(title="Fiber", municipality=county, language="en")
    assert message_template_render(template(), idea).endswith("in Whole Örebro County.")


def test_the_partners_name_fills_a_referral_message():
    idea = IdeaFactory(title="Bybuss", municipality=municipality("1884"), language="en")
    referral = template(
        kind=TemplateKind.REFERRAL,
        text_en="“{title}” went to {partner}.",
    )
    partner = PartnerFactory(name="Nora byalag")
    assert message_template_render(referral, idea, partner) == "“Bybuss” went to Nora byalag."
    with pytest.raises(PartnerNeeded):
        message_template_render(referral, idea)


def test_a_missing_translation_falls_back_to_the_swedish_text():
    idea = IdeaFactory(title="Bybuss", municipality=municipality("1884"), language="sv-easy")
    filled = message_template_fill(template(), idea)
    assert filled.fell_back and filled.language == "sv"
    assert filled.text == "Tack för ”Bybuss”. Vi kan inte stödja idén i Nora."
    easy = template(text_sv_easy="Vi kan inte hjälpa ”{title}”.")
    assert message_template_render(easy, idea) == "Vi kan inte hjälpa ”Bybuss”."


def test_an_unknown_placeholder_is_refused_at_its_field_by_name():
    with pytest.raises(ValidationError) as refused:
        template(text_en="Hello {owner}, about {title} and {Title}.")
    errors = refused.value.message_dict
    assert set(errors) == {"text_en"}
    assert "{owner}" in errors["text_en"][0] and "{Title}" in errors["text_en"][0]
    assert "{title}" not in errors["text_en"][0].split(".")[0]


def test_only_a_referral_message_may_name_the_partner():
    with pytest.raises(ValidationError) as refused:
        template(text_sv="Vi skickar {title} till {partner}.")
    assert "{partner}" in refused.value.message_dict["text_sv"][0]
    template(kind=TemplateKind.REFERRAL, text_sv="Vi skickar {title} till {partner}.")


# -- the idea's page ---------------------------------------------------------------------------


def test_the_coordinator_starts_a_decline_from_a_template_in_the_owners_language(
    coordinator_client,
):
    idea = IdeaFactory(
        title="Bybuss", municipality=municipality("1884"), language="en", in_review=True
    )
    decline = template()
    page = coordinator_client.get(page_url(idea)).content.decode()
    assert 'name="template"' in page and "Avslag: utanför" in page

    response = coordinator_client.get(
        page_url(idea, place="move", template=decline.pk, to="declined", internal_note="Intern")
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The page stays the coordinator's Swedish; only the message is in the owner's English.
    assert "Flytta idén" in page
    text = message_field(page)
    assert text == "Thank you for “Bybuss”. We cannot support the idea in Nora."
    assert "Intern</textarea>" in page
    assert re.search(r'<option value="declined" selected>', page)
    assert "move-template-note" not in page
    # The referral form's message is left as it was.
    assert message_field(page, "refer_message_to_owner") == ""

    edited = text + " Good luck!"
    coordinator_client.post(
        reverse("triage:idea_move", args=[idea.reference]),
        {"to": workflow.Status.DECLINED, "message_to_owner": edited, "internal_note": "Intern"},
    )
    idea.refresh_from_db()
    assert idea.status == workflow.Status.DECLINED
    [mail] = Message.objects.filter(recipient=idea.submitter_email)
    assert mail.language == "en"
    assert "Thank you for “Bybuss”. We cannot support the idea in Nora. Good luck!" in (
        mail.body_text
    )
    assert "Tack för" not in mail.body_text and "Intern" not in mail.body_text


def test_a_missing_language_fills_the_swedish_and_tells_the_coordinator(coordinator_client):
    idea = IdeaFactory(title="Bybuss", language="sv-easy", in_review=True)
    page = coordinator_client.get(
        page_url(idea, place="move", template=template().pk)
    ).content.decode()
    assert message_field(page).startswith("Tack för ”Bybuss”.")
    assert (
        'id="move-template-note"' in page
        and "saknar text på idébärarens språk (Lättläst svenska)" in page
    )


def test_a_referral_message_names_the_chosen_partner(coordinator_client):
    idea = IdeaFactory(title="Bybuss", language="sv", in_review=True)
    partner = PartnerFactory(name="Nora byalag")
    referral = template(kind=TemplateKind.REFERRAL, title="Lotsning", text_sv="Till {partner}.")
    missing = coordinator_client.get(page_url(idea, place="refer", template=referral.pk))
    assert missing.status_code == 400
    assert "namnger partnern" in missing.content.decode()
    page = coordinator_client.get(
        page_url(idea, place="refer", template=referral.pk, partner=partner.pk)
    ).content.decode()
    assert message_field(page, "refer_message_to_owner") == "Till Nora byalag."
    assert message_field(page) == ""


@pytest.mark.parametrize("choice", ["retired", "999999", "99999999999999999999999", "x"])
def test_a_retired_or_unknown_template_gets_a_clear_message(coordinator_client, choice):
    idea = IdeaFactory(in_review=True)
    retired = template(is_active=False)
    value = retired.pk if choice == "retired" else choice
    response = coordinator_client.get(page_url(idea, place="move", template=value))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mallen finns inte eller har tagits bort" in page
    assert message_field(page) == ""


def test_a_template_is_refused_to_anonymous_users_and_reviewers(committee_client):
    idea = IdeaFactory(in_review=True)
    decline = template()
    url = page_url(idea, place="move", template=decline.pk)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "Tack för" not in anonymous.content.decode()
    # A committee member reads the page but sends no message to the owner.
    assert 'name="template"' not in committee_client.get(page_url(idea)).content.decode()
    assert committee_client.get(url).status_code == 403


# -- the admin and the demo ---------------------------------------------------------------------


def test_the_admin_refuses_an_unknown_placeholder_at_its_field_and_keeps_the_text(admin_client):
    response = admin_client.post(
        reverse("admin:triage_messagetemplate_add"),
        {
            "kind": TemplateKind.QUESTION,
            "title": "Fråga om plats",
            "text_sv": "Var i {kommun} ligger ”{title}”?",
            "text_en": "Where in {municipality} is “{title}”?",
            "text_ar": "أين تقع «{title}» في {municipality}؟",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert not MessageTemplate.objects.exists()
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"text_sv"} and "{kommun}" in errors["text_sv"][0]
    assert "Var i {kommun} ligger ”{title}”?</textarea>" in response.content.decode()


def test_the_demo_templates_pass_the_check_and_load_once():
    from triage.demo.data import demo_message_templates_load

    demo_message_templates_load()
    demo_message_templates_load()
    templates = MessageTemplate.objects.all()
    assert sorted(t.kind for t in templates) == ["decline", "question", "referral"]
    for made in templates:
        assert made.text_sv and made.text_en and made.text_ar
