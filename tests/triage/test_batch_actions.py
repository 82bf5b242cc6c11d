"""The dashboard's batch actions (issue 21): decline several ideas with a template, each owner
told in their own language with their own idea in the message; move several to review; assign
reviewers to several. Each idea goes through the workflow on its own and the coordinator is told
which ideas were done and why the others were not. Only the coordinator acts in a batch beyond
moving ideas to screening."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from ideas import workflow
from portal.outbox.models import Message
from portal.roles import Role
from tests.factories import (
    ConflictDeclarationFactory,
    IdeaFactory,
    UserFactory,
    municipality,
)
from triage.models import MessageTemplate, ReviewAssignment
from triage.review.message_templates import TemplateKind

pytestmark = pytest.mark.django_db
S = workflow.Status


def decline_template(**fields) -> MessageTemplate:
    values = {
        "kind": TemplateKind.DECLINE,
        "title": "Avslag: utanför uppdraget",
        "text_sv": "Tack för ”{title}”. Vi kan tyvärr inte stödja idén i {municipality}.",
        "text_en": "Thank you for “{title}”. Sadly we cannot support the idea in {municipality}.",
        "text_ar": "شكرًا على «{title}». للأسف لا نستطيع دعم الفكرة في {municipality}.",
    } | fields
    made = MessageTemplate(**values)
    made.full_clean()
    made.save()
    return made


def owners():
    """Three ideas in review, owned by a Swedish, an English and an Arabic speaker."""
    return {
        "sv": IdeaFactory(
            in_review=True,
            language="sv",
            title="Bybuss till Grythyttan",
            municipality=municipality("1863"),
            submitter_email="sv@example.org",
            submitter_name="Britt Svensson",
        ),
        "en": IdeaFactory(
            in_review=True,
            language="en",
            title="Repair café in Nora",
            municipality=municipality("1884"),
            submitter_email="en@example.org",
            submitter_name="Grace Hopkins",
        ),
        "ar": IdeaFactory(
            in_review=True,
            language="ar",
            title="مقهى اللغة في لاكسو",
            municipality=municipality("1860"),
            submitter_email="ar@example.org",
            submitter_name="Layla Haddad",
        ),
    }


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, name
    return html.unescape(match.group(1)).strip()


def start_decline(client, ideas, template):
    """Tick the ideas, choose "Decline with a template…", then the template: the page shows the
    message per language, filled for one owner of each."""
    references = [idea.reference for idea in ideas]
    first = client.post(
        reverse("triage:batch"), {"ideas": references, "action": "decline", "query": "q=buss"}
    )
    assert first.status_code == 200
    assert ReviewAssignment.objects.count() == 0 and not Message.objects.exists()
    chosen = client.post(
        reverse("triage:batch_decline"),
        {"ideas": references, "template": template.pk, "use_template": "1", "query": "q=buss"},
    )
    assert chosen.status_code == 200
    return chosen.content.decode()


def test_a_batch_decline_tells_each_owner_in_their_language_about_their_own_idea(
    coordinator_client,
):
    ideas = owners()
    template = decline_template()
    page = start_decline(coordinator_client, ideas.values(), template)

    # One message per language, the template's text with its placeholders; the preview shows
    # what one owner reads, filled in.
    assert textarea(page, "text_sv") == template.text_sv
    assert textarea(page, "text_ar") == template.text_ar
    assert 'lang="ar" dir="rtl"' in page
    assert "Vi kan tyvärr inte stödja idén i Hällefors." in html.unescape(page)
    assert "Sadly we cannot support the idea in Nora." in html.unescape(page)
    assert not Message.objects.exists()  # nothing is sent before the coordinator confirms

    # The coordinator edits the English text only: the edit reaches the English owner alone.
    response = coordinator_client.post(
        reverse("triage:batch_decline"),
        {
            "ideas": [idea.reference for idea in ideas.values()],
            "template": template.pk,
            "text_sv": template.text_sv,
            "text_en": template.text_en + " Try the county's rural fund.",
            "text_ar": template.text_ar,
            "query": "q=buss",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:dashboard") + "?q=buss"
    for idea in ideas.values():
        idea.refresh_from_db()
        assert idea.status == S.DECLINED
        assert idea.events.last().actor.username == "samordnare"
    expected = {
        "sv": "Tack för ”Bybuss till Grythyttan”. Vi kan tyvärr inte stödja idén i Hällefors.",
        "en": "Thank you for “Repair café in Nora”. Sadly we cannot support the idea in Nora. "
        "Try the county's rural fund.",
        "ar": "شكرًا على «مقهى اللغة في لاكسو». للأسف لا نستطيع دعم الفكرة في Laxå.",
    }
    for language, idea in ideas.items():
        [mail] = Message.objects.filter(recipient=idea.submitter_email)
        assert mail.language == language
        assert expected[language] in mail.body_text
        for other, other_idea in ideas.items():
            if other != language:
                # Neither another owner's idea nor another language's message.
                assert other_idea.title not in mail.body_text
                assert other_idea.submitter_name not in mail.body_text
                assert expected[other] not in mail.body_text
    assert "rural fund" not in Message.objects.get(recipient="sv@example.org").body_text
    shown = shown_messages(response)
    assert any(all(i.reference in m for i in ideas.values()) for m in shown)


def test_a_decline_that_the_workflow_refuses_for_some_ideas_says_which_and_why(
    coordinator_client,
):
    ideas = owners()
    closed = IdeaFactory(status=S.CLOSED, language="sv", title="Redan klar")
    received = IdeaFactory(language="sv", title="Nyss inkommen")
    template = decline_template()
    chosen = [ideas["sv"], ideas["en"], closed, received]
    page = start_decline(coordinator_client, chosen, template)
    # Before anything is sent, the page names the ideas that will be left out, and why.
    blocked = html.unescape(page).split("De här idéerna kan inte avböjas och lämnas utanför")[1]
    blocked = blocked.split("</section>")[0]
    assert closed.reference in blocked and received.reference in blocked
    assert ideas["sv"].reference not in blocked

    response = coordinator_client.post(
        reverse("triage:batch_decline"),
        {
            "ideas": [idea.reference for idea in chosen],
            "template": template.pk,
            "text_sv": template.text_sv,
            "text_en": template.text_en,
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    shown = shown_messages(response)
    done = [m for m in shown if ideas["sv"].reference in m and ideas["en"].reference in m]
    assert len(done) == 1 and closed.reference not in done[0]
    closed_line = next(m for m in shown if m.startswith(closed.reference))
    assert "Avslutad" in closed_line and "Avböjd" in closed_line  # from "Closed" to "Declined"
    assert any(m.startswith(received.reference) for m in shown)
    closed.refresh_from_db()
    received.refresh_from_db()
    assert (closed.status, received.status) == (S.CLOSED, S.RECEIVED)
    assert not Message.objects.filter(recipient__in=[closed.submitter_email]).exists()


def test_an_idea_closed_between_the_preview_and_the_decline_is_reported_and_the_rest_go(
    coordinator_client, coordinator
):
    ideas = owners()
    template = decline_template()
    start_decline(coordinator_client, [ideas["sv"], ideas["en"]], template)
    # Someone declines the English idea from its own page meanwhile.
    from ideas.services import idea_transition

    idea_transition(idea=ideas["en"], to=S.DECLINED, actor=coordinator, message_to_owner="Nej.")
    response = coordinator_client.post(
        reverse("triage:batch_decline"),
        {
            "ideas": [ideas["sv"].reference, ideas["en"].reference],
            "template": template.pk,
            "text_sv": template.text_sv,
            "text_en": template.text_en,
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    ideas["sv"].refresh_from_db()
    assert ideas["sv"].status == S.DECLINED
    shown = shown_messages(response)
    assert any(m.startswith(ideas["en"].reference) for m in shown)
    assert Message.objects.filter(recipient="en@example.org").count() == 1  # the first decline


def test_a_message_emptied_or_with_an_unknown_placeholder_is_refused_and_kept(coordinator_client):
    ideas = owners()
    template = decline_template()
    start_decline(coordinator_client, [ideas["sv"], ideas["en"]], template)
    response = coordinator_client.post(
        reverse("triage:batch_decline"),
        {
            "ideas": [ideas["sv"].reference, ideas["en"].reference],
            "template": template.pk,
            "text_sv": "Tack {namn}, men nej.",
            "text_en": "  ",
            "confirm": "1",
        },
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "{namn}" in page and "Tack {namn}, men nej." in textarea(page, "text_sv")
    assert "Skriv meddelandet till ägarna (Engelska)." in page
    for idea in ideas.values():
        idea.refresh_from_db()
        assert idea.status == S.IN_REVIEW
    assert not Message.objects.exists()


def test_a_template_without_easy_swedish_fills_in_the_swedish_and_says_so(coordinator_client):
    easy = IdeaFactory(in_review=True, language="sv-easy", title="Lätt idé")
    template = decline_template()
    page = html.unescape(start_decline(coordinator_client, [easy], template))
    assert textarea(page, "text_sv_easy") == template.text_sv
    assert "har ingen text på det här språket" in page


def test_the_coordinator_moves_several_ideas_to_review(coordinator_client):
    screened = IdeaFactory.create_batch(2, screening=True)
    new = IdeaFactory(title="Ny idé")
    response = coordinator_client.post(
        reverse("triage:batch"),
        {"ideas": [i.reference for i in [*screened, new]], "action": "review"},
    )
    assert response.status_code == 302
    for idea in screened:
        idea.refresh_from_db()
        assert idea.status == S.IN_REVIEW
        # Each owner is told, through the outbox, in their language.
        assert Message.objects.filter(recipient=idea.submitter_email).count() == 1
    new.refresh_from_db()
    assert new.status == S.RECEIVED
    shown = shown_messages(response)
    assert any(m.startswith(new.reference) and "Mottagen" in m for m in shown)


def test_assigning_reviewers_leaves_out_a_member_with_a_conflict_and_a_closed_idea(
    coordinator_client,
):
    first, second = IdeaFactory.create_batch(2, in_review=True)
    closed = IdeaFactory(status=S.DECLINED)
    anna = UserFactory(roles=[Role.COMMITTEE_MEMBER], first_name="Anna", last_name="Berg")
    bo = UserFactory(roles=[Role.COMMITTEE_MEMBER], first_name="Bo", last_name="Ek")
    ConflictDeclarationFactory(idea=second, member=anna)
    response = coordinator_client.post(
        reverse("triage:batch"),
        {
            "ideas": [first.reference, second.reference, closed.reference],
            "action": "assign",
            "reviewers": [anna.pk, bo.pk],
        },
    )
    assert response.status_code == 302
    assigned = set(ReviewAssignment.objects.values_list("idea_id", "member_id"))
    assert assigned == {(first.pk, anna.pk), (first.pk, bo.pk), (second.pk, bo.pk)}
    shown = shown_messages(response)
    assert any(m.startswith(second.reference) and "Anna Berg" in m for m in shown)
    assert any(m.startswith(closed.reference) and "Avböjd" in m for m in shown)
    assert any("3" in m for m in shown)  # three new assignments


def test_the_dashboard_offers_reviewers_as_checkboxes_to_the_coordinator(coordinator_client):
    IdeaFactory(in_review=True)
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    page = coordinator_client.get(reverse("triage:dashboard")).content.decode()
    assert re.search(rf'type="checkbox"[^>]*name="reviewers" value="{member.pk}"', page), page[
        page.index('name="reviewers"') - 200 :
    ][:400]
    assert 'value="decline"' in page and 'value="review"' in page


def test_a_committee_member_sees_no_coordinator_batch_actions(committee_client):
    IdeaFactory(in_review=True)
    page = committee_client.get(reverse("triage:dashboard")).content.decode()
    assert 'value="screening"' in page  # the workflow lets a member start the screening
    for action in ("decline", "review", "assign"):
        assert f'value="{action}"' not in page
    assert 'name="reviewers"' not in page
