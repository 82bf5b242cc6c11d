import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas import workflow
from tests.factories import (
    ConflictDeclarationFactory,
    CriterionFactory,
    IdeaFactory,
    NoteFactory,
    PartnerFactory,
    ReferralFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    ScoreFactory,
    ThemeFactory,
)
from triage.models import IdeaLink, Note, Referral, ReferralState
from triage.review import idea_page

pytestmark = pytest.mark.django_db


def _url(idea) -> str:
    return reverse("triage:idea_detail", args=[idea.reference])


def test_the_page_shows_everything_the_resident_gave(committee_client):
    idea = IdeaFactory(
        title="Bybuss",
        need="Ingen buss går.",
        beneficiaries="Äldre i byn",
        place="Ramsberg",
        organisation_name="Byalaget",
        submitter_phone="070-1",
    )
    page = committee_client.get(_url(idea)).content.decode()
    for text in (
        "Bybuss",
        "Ingen buss går.",
        "Äldre i byn",
        "Ramsberg",
        "Byalaget",
        "070-1",
        idea.submitter_email,
    ):
        assert text in page


def test_notes_and_replies(committee_client, committee_member):
    idea = IdeaFactory(in_review=True)
    committee_client.post(
        reverse("triage:idea_note", args=[idea.reference]), {"body": "Vem känner byalaget?"}
    )
    note = Note.objects.get()
    committee_client.post(
        reverse("triage:idea_note", args=[idea.reference]),
        {"body": "Jag gör det.", "parent": note.pk},
    )
    reply = Note.objects.exclude(pk=note.pk).get()
    assert reply.parent == note
    assert reply.author == committee_member
    page = committee_client.get(_url(idea)).content.decode()
    assert "Vem känner byalaget?" in page and "Jag gör det." in page


def test_a_reply_cannot_hang_on_a_note_of_another_idea(committee_client):
    idea = IdeaFactory()
    foreign = NoteFactory()
    committee_client.post(
        reverse("triage:idea_note", args=[idea.reference]), {"body": "Svar", "parent": foreign.pk}
    )
    assert Note.objects.get(body="Svar").parent is None


def test_an_empty_note_is_refused_with_a_message_next_to_the_field(committee_client):
    idea = IdeaFactory()
    response = committee_client.post(
        reverse("triage:idea_note", args=[idea.reference]), {"body": "   "}
    )
    assert response.status_code == 400
    assert response.context["note_form"].errors["body"]
    assert not Note.objects.exists()


def test_similar_ideas_are_found_and_can_be_linked(committee_client):
    idea = IdeaFactory(
        title="Fiber till byn Ramsberg",
        description="Vi vill bygga fiber och bredband till alla gårdar i byn.",
    )
    twin = IdeaFactory(
        title="Fiber till Ramsberg", description="Bredband och fiber behövs till gårdar i byn."
    )
    IdeaFactory(title="Konstutställning", description="Måleri i församlingshemmet.")

    similar = idea_page.similar_ideas(idea)
    assert [other.pk for other in similar] == [twin.pk]

    response = committee_client.post(
        reverse("triage:idea_link", args=[idea.reference]), {"other": twin.reference}
    )
    assert response.status_code == 302
    assert IdeaLink.objects.count() == 1
    # The link shows from both sides and is stored once.
    committee_client.post(
        reverse("triage:idea_link", args=[twin.reference]), {"other": idea.reference}
    )
    assert IdeaLink.objects.count() == 1
    assert [other.pk for other in idea_page.linked_ideas(twin)] == [idea.pk]


def test_linking_to_an_unknown_reference_says_so(committee_client):
    idea = IdeaFactory()
    response = committee_client.post(
        reverse("triage:idea_link", args=[idea.reference]), {"other": "IL-1999-0001"}
    )
    assert response.status_code == 400
    assert response.context["link_form"].errors["other"]


def test_the_referrals_show_their_states(committee_client):
    idea = IdeaFactory(referred=True)
    ReferralFactory(
        idea=idea, partner=PartnerFactory(name="Leader Bergslagen"), state=ReferralState.ACCEPTED
    )
    page = committee_client.get(_url(idea)).content.decode()
    assert "Leader Bergslagen" in page
    assert "Leader Bergslagen: Accepterad" in page


def test_an_unknown_reference_is_not_found(committee_client):
    assert (
        committee_client.get(reverse("triage:idea_detail", args=["IL-0000-0000"])).status_code
        == 404
    )


def test_the_refer_form_lists_the_suggestions_first(coordinator_client):
    theme = ThemeFactory(slug="integration")
    suggested = PartnerFactory(name="Ö Integrationsföreningen")
    suggested.themes.set([theme])
    PartnerFactory(name="A Annan partner")
    idea = IdeaFactory(in_review=True, themes=[theme])
    response = coordinator_client.get(_url(idea))
    if response.context["suggestions"] is None:
        pytest.skip("partners.selectors.suggestions_for_idea is not there yet")
    choices = list(response.context["refer_form"].fields["partners"].choices)
    assert choices[0][0] == suggested.pk
    assert "Ö Integrationsföreningen" in str(choices[0][1])


def test_a_referral_needs_the_coordinators_note(coordinator_client):
    idea = IdeaFactory(in_review=True)
    partner = PartnerFactory()
    response = coordinator_client.post(
        reverse("triage:idea_refer", args=[idea.reference]),
        {"partners": [partner.pk], "note_to_partners": " "},
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW


def test_without_consent_the_referral_carries_no_contact_details(coordinator_client):
    idea = IdeaFactory(in_review=True, share_contact_with_partners=False)
    partner = PartnerFactory()
    coordinator_client.post(
        reverse("triage:idea_refer", args=[idea.reference]),
        {"partners": [partner.pk], "note_to_partners": "Kan ni hjälpa?"},
    )
    referral = Referral.objects.get()
    assert referral.includes_contact_details is False
    assert referral.note == "Kan ni hjälpa?"


def _fill(idea, count: int) -> None:
    criterion = CriterionFactory(name="Mätt")
    for _n in range(count):
        review = ReviewFactory(idea=idea, submitted=True)
        ScoreFactory(review=review, criterion=criterion, value=4)
        ReviewAssignmentFactory(idea=idea, member=review.member)
        note = NoteFactory(idea=idea)
        NoteFactory(idea=idea, parent=note)
        ReferralFactory(idea=idea)
    ConflictDeclarationFactory(idea=idea)


def test_the_page_runs_as_many_queries_with_50_reviews_notes_and_referrals_as_with_5(
    coordinator_client, django_assert_num_queries
):
    small = IdeaFactory(in_review=True)
    large = IdeaFactory(in_review=True)
    _fill(small, 5)
    _fill(large, 50)
    coordinator_client.get(_url(small))  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as five:
        assert coordinator_client.get(_url(small)).status_code == 200
    with django_assert_num_queries(len(five.captured_queries)):
        response = coordinator_client.get(_url(large))
    assert len(response.context["referrals"]) == 50
    assert response.context["aggregate"].count == 50


def test_the_attachments_link_to_the_committees_download(committee_client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from ideas.models import IdeaAttachment

    settings.MEDIA_ROOT = tmp_path
    idea = IdeaFactory()
    attachment = IdeaAttachment(
        idea=idea, original_name="skiss.pdf", content_type="application/pdf", size=4
    )
    attachment.file.save("x.pdf", ContentFile(b"%PDF"), save=True)
    page = committee_client.get(_url(idea)).content.decode()
    assert reverse("ideas:attachment", args=[attachment.pk]) in page
    assert "skiss.pdf" in page


def test_the_history_names_actors_without_an_account_in_the_readers_language(
    coordinator_client, coordinator
):
    """The audit keeps codes ("resident", "system", "outreach"); the page says who in Swedish."""
    from ideas import services as idea_services
    from ideas.models import IdeaEvent

    idea = IdeaFactory(in_review=True)
    idea_services.idea_transition(
        idea=idea,
        to=workflow.Status.NEEDS_INFORMATION,
        actor=coordinator,
        message_to_owner="Hur många kommer?",
    )
    idea_services.idea_answer_question(idea=idea, answer="Ungefär tjugo.")
    IdeaEvent.objects.create(idea=idea, to_status=idea.status, actor_label="outreach")
    IdeaEvent.objects.create(idea=idea, to_status=idea.status, actor_label="system")
    page = coordinator_client.get(_url(idea)).content.decode()
    assert "(idéns ägare)" in page
    assert "(uppsökande personal)" in page
    assert "(Idélotsen, automatiskt)" in page
    for code in ("(resident)", "(outreach)", "(system)"):
        assert code not in page
