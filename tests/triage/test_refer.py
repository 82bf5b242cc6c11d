import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from ideas import workflow
from ideas.models import IdeaEvent
from portal.outbox.models import Message, MessageKind
from portal.roles import Role
from tests.factories import IdeaFactory, PartnerFactory, UserFactory
from triage.models import Referral
from triage.referrals.services import idea_refer

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login_page(client):
    idea = IdeaFactory()
    for url in (
        reverse("triage:dashboard"),
        reverse("triage:idea_detail", args=[idea.reference]),
        reverse("outbox:list"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.PARTNER_CONTACT, Role.OUTREACH_STAFF])
def test_other_roles_cannot_read_the_committee_pages(client, role):
    idea = IdeaFactory()
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("triage:dashboard")).status_code == 403
    assert client.get(reverse("triage:idea_detail", args=[idea.reference])).status_code == 403


def test_a_committee_member_sees_new_ideas_in_the_list(committee_client):
    idea = IdeaFactory(title="Bybuss till affären")
    page = committee_client.get(reverse("triage:dashboard")).content.decode()
    assert "Bybuss till affären" in page
    assert reverse("triage:idea_detail", args=[idea.reference]) in page


def test_a_committee_member_cannot_refer(committee_client):
    idea = IdeaFactory(in_review=True)
    partner = PartnerFactory()
    response = committee_client.post(
        reverse("triage:idea_refer", args=[idea.reference]),
        {"partners": [partner.pk], "note_to_partners": "Hjälp!"},
    )
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_the_coordinator_refers_an_idea_and_the_partner_gets_an_email(
    coordinator_client, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(in_review=True, title="Fiber till byn", share_contact_with_partners=False)
    partner = PartnerFactory(name="Byalaget Ramsberg")
    contact = partner.contacts.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("triage:idea_refer", args=[idea.reference]),
            {"partners": [partner.pk], "note_to_partners": "Kan ni ge råd om fiberförening?"},
        )

    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == workflow.Status.REFERRED
    assert Referral.objects.filter(idea=idea, partner=partner).exists()
    event = IdeaEvent.objects.filter(idea=idea).last()
    assert (event.from_status, event.to_status) == (
        workflow.Status.IN_REVIEW,
        workflow.Status.REFERRED,
    )
    referral_mail = next(m for m in mail.outbox if m.to == [contact.email])
    assert "Fiber till byn" in referral_mail.subject
    assert "Kan ni ge råd om fiberförening?" in referral_mail.body
    assert "tillhör den person eller förening" in referral_mail.body
    assert idea.submitter_email not in referral_mail.body
    assert Message.objects.get(kind=MessageKind.REFERRAL).state == "sent"


def test_contact_details_go_to_the_partner_only_with_consent(
    coordinator, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(in_review=True, share_contact_with_partners=True)
    partner = PartnerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        idea_refer(
            idea=idea, partners=[partner], note_to_partners="Kan ni hjälpa?", actor=coordinator
        )
    referral_mail = next(m for m in mail.outbox if m.to == [partner.contacts.get().email])
    assert idea.submitter_email in referral_mail.body


def test_a_referral_that_rolls_back_sends_nothing(coordinator, django_capture_on_commit_callbacks):
    idea = IdeaFactory(in_review=True)
    partner = PartnerFactory()

    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        idea_refer(
            idea=idea, partners=[partner], note_to_partners="Kan ni hjälpa?", actor=coordinator
        )
        raise Abort

    assert callbacks == []
    assert not Message.objects.exists()
    assert not Referral.objects.exists()
    assert mail.outbox == []


def test_an_idea_cannot_be_referred_before_it_is_reviewed(coordinator_client):
    idea = IdeaFactory()  # received
    partner = PartnerFactory(name="Byalaget Ramsberg")
    # A complete, valid referral form: only the workflow can refuse it.
    response = coordinator_client.post(
        reverse("triage:idea_refer", args=[idea.reference]),
        {"partners": [partner.pk], "note_to_partners": "Kan ni hjälpa till?"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "En idé kan inte gå från ”Mottagen” till ”Lotsad”." in page
    assert not Referral.objects.exists()
    assert not Message.objects.exists()
    idea.refresh_from_db()
    assert idea.status == workflow.Status.RECEIVED


def test_a_referral_another_coordinator_made_meanwhile_is_named_not_a_server_error(
    coordinator_client, monkeypatch
):
    """The check for earlier referrals passed, then someone else referred it (the unique row
    refuses the second): the coordinator reads whom it went to, and nothing of theirs is kept."""
    from triage.referrals import services

    idea = IdeaFactory(in_review=True)
    partner = PartnerFactory(name="Byalaget Ramsberg")
    check = services._refuse_already_referred
    calls = []

    def another_coordinator_right_after_the_check(idea_, partners):
        check(idea_, partners)
        if not calls:
            Referral.objects.create(idea=idea, partner=partner, note="Den andra samordnaren.")
        calls.append(partners)

    monkeypatch.setattr(
        services, "_refuse_already_referred", another_coordinator_right_after_the_check
    )
    response = coordinator_client.post(
        reverse("triage:idea_refer", args=[idea.reference]),
        {"partners": [partner.pk], "note_to_partners": "Kan ni hjälpa till?"},
    )
    assert response.status_code == 400
    assert "Redan lotsad till: Byalaget Ramsberg" in response.content.decode()
    assert not Message.objects.exists()
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW


def test_the_coordinator_moves_an_idea_through_screening_to_review(coordinator_client):
    idea = IdeaFactory()
    for target in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
        coordinator_client.post(reverse("triage:idea_move", args=[idea.reference]), {"to": target})
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW
    assert idea.events.count() == 3


def test_the_referral_email_says_why_the_partner_was_chosen(
    coordinator, django_capture_on_commit_callbacks
):
    from ideas.models import Theme

    broadband = Theme.objects.get(slug="broadband")
    idea = IdeaFactory(in_review=True, themes=[broadband])
    partner = PartnerFactory()
    partner.themes.set([broadband])
    with django_capture_on_commit_callbacks(execute=True):
        idea_refer(
            idea=idea, partners=[partner], note_to_partners="Kan ni hjälpa?", actor=coordinator
        )
    body = next(m for m in mail.outbox if m.to == [partner.contacts.get().email]).body
    assert "Varför vi frågar er:" in body
    assert "fiber och bredband" in body.lower()
