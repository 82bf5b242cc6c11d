"""Erasure reaches everywhere: afterwards no text column of any table holds the email, phone,
name or organisation."""

import re
from html import escape as html_escape

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse

from ideas import workflow
from ideas.models import Idea, Municipality, Theme
from ideas.services import idea_ask_question, idea_submit, idea_transition
from portal.outbox.models import Message, MessageKind, MessageState
from portal.roles import Role
from tests.factories import PartnerFactory, UserFactory
from tests.ideas.conftest import valid_form
from triage.referrals.services import idea_refer

pytestmark = pytest.mark.django_db

EMAIL = "karin.erasable@example.org"
PHONE = "070-555 12 34"
NAME = "Karin Raderbar"
ORGANISATION = "Raderbara byalaget"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def rows_holding(value: str) -> list[str]:
    """Every (table, column) whose text holds the value, searched the same way in every table."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            queryset = model._base_manager.annotate(_text=Cast(field.attname, models.TextField()))
            if queryset.filter(_text__icontains=value).exists():
                found.append(f"{model._meta.db_table}.{field.column}")
    for session in Session.objects.all():
        if value.lower() in str(session.get_decoded()).lower():
            found.append(f"django_session {session.session_key}")
    return found


def test_erasing_from_the_tracking_page_leaves_the_email_and_phone_nowhere(
    client, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    partner = PartnerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = idea_submit(
            title="Samlingslokal i byn",
            description="Vi behöver en lokal.",
            municipality=Municipality.objects.get(code="1885"),
            themes=list(Theme.objects.all()[:1]),
            submitter_email=EMAIL,
            submitter_phone=PHONE,
            submitter_name=NAME,
            organisation_name=ORGANISATION,
            share_contact_with_partners=True,
        )
        idea = submitted.idea
        for step in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
            idea_transition(idea=idea, to=step, actor=coordinator)
        idea_ask_question(idea=idea, question="Hur många bor i byn?", actor=coordinator)
        idea_transition(idea=idea, to=workflow.Status.IN_REVIEW, actor=coordinator)
        idea_refer(
            idea=Idea.objects.get(pk=idea.pk),
            partners=[partner],
            note_to_partners="Kan ni hjälpa?",
            actor=coordinator,
        )
    assert any(PHONE in message.body for message in mail.outbox)  # the partner got it, with consent
    assert rows_holding(EMAIL) and rows_holding(PHONE) and rows_holding(ORGANISATION)

    token = re.search(r"/track/([\w-]+)/", mail.outbox[0].body).group(1)
    client.get(reverse("ideas:track", args=[token]))
    response = client.post(reverse("ideas:erase", args=[token]), follow=True)

    assert response.status_code == 200
    assert rows_holding(EMAIL) == []
    assert rows_holding(PHONE) == []
    assert rows_holding(NAME) == []
    assert rows_holding(ORGANISATION) == []
    idea.refresh_from_db()
    assert idea.title == "Samlingslokal i byn" and idea.anonymised_at is not None


def test_after_erasure_a_resend_from_the_outbox_is_refused_and_nothing_is_sent(
    client, committee_client, django_capture_on_commit_callbacks
):
    resident = Client()
    with django_capture_on_commit_callbacks(execute=True):
        resident.post(reverse("ideas:submit"), valid_form(submitter_email=EMAIL))
    token = resident.session["ideas.submitted"]["token"]
    receipt = Message.objects.get(kind=MessageKind.RECEIPT)
    assert receipt.state == MessageState.SENT
    assert mail.outbox[0].to == [EMAIL]
    resident.post(reverse("ideas:erase", kwargs={"token": token}))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = committee_client.post(reverse("outbox:resend", args=[receipt.pk]), follow=True)

    page = response.content.decode()
    refusal = "Meddelandet kan inte skickas igen: mottagaren har raderat sina personuppgifter."
    assert refusal in page
    assert "ligger i kön igen" not in page
    assert mail.outbox == []
    receipt.refresh_from_db()
    assert receipt.recipient == ""
    assert receipt.state == MessageState.SENT  # sent once, before the erasure; never again
    assert receipt.last_error == "Not sent: the recipient erased their personal data."
    assert "Skicka igen" not in committee_client.get(reverse("outbox:list")).content.decode()
    detail = committee_client.get(reverse("outbox:detail", args=[receipt.pk])).content.decode()
    assert refusal in detail
    assert 'name="again"' not in detail


def test_a_message_whose_recipient_was_erased_is_failed_when_a_worker_picks_it_up():
    from portal.outbox import services

    message = Message.objects.create(
        kind=MessageKind.RECEIPT,
        recipient="",
        subject="Kvitto",
        body_text="Hej",
        message_id="<erased@idelotsen.local>",
        idempotency_key="receipt:erased",
    )

    assert services.message_send(message.pk).outcome == "failed"

    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    assert message.last_error == "Not sent: the recipient erased their personal data."
    assert mail.outbox == []


def test_erasing_an_owner_whose_name_html_escapes_leaves_no_form_of_it_in_any_message(
    client, django_capture_on_commit_callbacks
):
    from django.utils.html import escape

    name, organisation = "Märta O'Hara-Öberg", "Bröd & Rosor i O'Hara-byn"
    email, phone = "marta.o'hara@example.org", "070-555 98 76"
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    with django_capture_on_commit_callbacks(execute=True):
        submitted = idea_submit(
            title="Bybuss till Öby",
            description="Vi behöver en buss.",
            municipality=Municipality.objects.get(code="1885"),
            themes=list(Theme.objects.all()[:1]),
            submitter_email=email,
            submitter_phone=phone,
            submitter_name=name,
            organisation_name=organisation,
            share_contact_with_partners=True,
        )
        idea = submitted.idea
        for step in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
            idea_transition(idea=idea, to=step, actor=coordinator)
        idea_ask_question(idea=idea, question="Hur många åker?", actor=coordinator)
        idea_transition(idea=idea, to=workflow.Status.IN_REVIEW, actor=coordinator)
        idea_refer(
            idea=Idea.objects.get(pk=idea.pk),
            partners=[PartnerFactory()],
            note_to_partners="Kan ni hjälpa?",
            actor=coordinator,
        )
    forms = {
        value: {value, escape(value), html_escape(value, quote=False)}
        for value in (name, organisation, email, phone)
    }
    html = " ".join(Message.objects.values_list("body_html", flat=True))
    # The HTML holds them in some escaped form: the template escapes `'` and `&`, and the CSS
    # inliner writes the page out again with only `&` escaped (`Bröd &amp; Rosor i O'Hara`).
    for value in (name, organisation):
        assert any(form in html for form in forms[value]), value

    client.post(reverse("ideas:erase", args=[submitted.tracking_token]))

    for message in Message.objects.all():
        for value, written in forms.items():
            for text in (message.subject, message.body_text, message.body_html):
                assert not any(form in text for form in written), (message.kind, value)
    assert Message.objects.filter(recipient__iexact=email).count() == 0


def _referred_idea(coordinator, partners, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = idea_submit(
            title="Bybuss till Öby",
            description="Vi behöver en buss.",
            municipality=Municipality.objects.get(code="1885"),
            themes=list(Theme.objects.all()[:1]),
            submitter_email=EMAIL,
            submitter_name=NAME,
            share_contact_with_partners=True,
        )
        idea = submitted.idea
        for step in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
            idea_transition(idea=idea, to=step, actor=coordinator)
        idea_refer(
            idea=Idea.objects.get(pk=idea.pk),
            partners=partners,
            note_to_partners="Kan ni hjälpa?",
            actor=coordinator,
        )
    return submitted


def test_withdrawing_tells_each_partner_at_work_in_its_language_and_closes_its_referral(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import PartnerContactFactory
    from triage.referrals.answers import referral_answer
    from triage.referrals.models import Referral, ReferralState

    coordinator = UserFactory(roles=[Role.COORDINATOR])
    swedish, english, declined = PartnerFactory(), PartnerFactory(contacts=0), PartnerFactory()
    PartnerContactFactory(partner=english, name="Sam", language="en")
    submitted = _referred_idea(
        coordinator, [swedish, english, declined], django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral_answer(
            referral=Referral.objects.get(partner=declined),
            kind="decline",
            text="Vi har inte tid.",
            contact=declined.contacts.get(),
        )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ideas:withdraw", args=[submitted.tracking_token]), {"reason": "Ångrat"}
        )

    assert response.status_code == 302
    idea = Idea.objects.get(pk=submitted.idea.pk)
    assert idea.status == workflow.Status.WITHDRAWN
    states = dict(Referral.objects.filter(idea=idea).values_list("partner_id", "state"))
    assert states == {
        swedish.pk: ReferralState.CANCELLED,
        english.pk: ReferralState.CANCELLED,
        declined.pk: ReferralState.DECLINED,
    }
    cancelled = Referral.objects.get(partner=swedish).events.last()
    assert cancelled.reason == "Idébäraren drog tillbaka idén." and cancelled.actor is None
    to_partners = {message.to[0]: message for message in mail.outbox if "partner" in message.to[0]}
    assert set(to_partners) == {swedish.contacts.get().email, english.contacts.get().email}
    sv_mail = to_partners[swedish.contacts.get().email]
    en_mail = to_partners[english.contacts.get().email]
    assert "Idébäraren har dragit tillbaka idén ”Bybuss till Öby”" in sv_mail.body
    assert "has withdrawn it" in en_mail.body and "dragit tillbaka" not in en_mail.body
    assert "withdrawn by its owner" in en_mail.subject
    # The resident's reason is for the committee; no partner reads it.
    assert all("Ångrat" not in message.body for message in to_partners.values())


def test_the_notice_to_delete_the_owner_details_is_recorded_about_each_referral(
    client, django_capture_on_commit_callbacks
):
    from triage.referrals.selectors import owner_details_deletion_notices

    coordinator = UserFactory(roles=[Role.COORDINATOR])
    partners = [PartnerFactory(), PartnerFactory()]
    submitted = _referred_idea(coordinator, partners, django_capture_on_commit_callbacks)
    assert owner_details_deletion_notices(submitted.idea) == {}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ideas:erase", args=[submitted.tracking_token]))

    notices = owner_details_deletion_notices(submitted.idea)
    referrals = {referral.pk: referral for referral in submitted.idea.referrals.all()}
    assert set(notices) == set(referrals)
    notice = Message.objects.get(
        object_id=referrals[min(referrals)].pk, idempotency_key__contains=":erasure:"
    )
    assert notice.state == MessageState.SENT and notice.recipient.endswith("partner.example.org")
    assert notice.created_at == notices[min(referrals)]
    assert NAME not in notice.body_text and EMAIL not in notice.body_text


def test_drafts_expire_by_a_beat_task_and_their_mails_keep_no_address(
    client, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from ideas.models import IdeaDraft
    from ideas.tasks import purge_drafts
    from tests.ideas.conftest import valid_form

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert purge_drafts.name in schedule
    with django_capture_on_commit_callbacks(execute=True):
        for address in (EMAIL, "fresh@example.org"):
            form = valid_form(consent="", submitter_email=address, submitter_name=NAME)
            Client().post(reverse("ideas:submit"), {**form, "save_draft": "1"})
    IdeaDraft.objects.filter(email=EMAIL).update(updated_at=timezone.now() - timedelta(days=31))

    deleted = purge_drafts.apply().get()

    assert deleted == 1
    assert list(IdeaDraft.objects.values_list("email", flat=True)) == ["fresh@example.org"]
    assert rows_holding(EMAIL) == []
    assert Message.objects.filter(recipient="fresh@example.org").count() == 1


@pytest.mark.parametrize(
    ("language", "days", "erased"),
    [
        ("sv", "raderas 30 dagar efter", "dina sparade utkast och filerna"),
        ("en", "deleted 30 days after", "delete your saved drafts and the files"),
        ("sv-easy", "tar bort utkastet 30 dagar efter", "dina utkast och filerna"),
        ("ar", "بعد 30 يومًا", "مسوداتك المحفوظة"),
    ],
)
def test_the_privacy_notice_says_when_drafts_expire_and_what_erasure_reaches(
    client, language, days, erased
):
    from django.conf import settings as django_settings

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("privacy_notice")).content.decode()

    assert days in page
    assert erased in page


def test_the_committee_dashboard_kept_in_the_cache_forgets_the_name_at_the_erasure(
    client, committee_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = idea_submit(
            title=f"Samlingslokal hos {NAME}",
            description="Vi behöver en lokal.",
            municipality=Municipality.objects.get(code="1885"),
            themes=list(Theme.objects.all()[:1]),
            submitter_email=EMAIL,
            submitter_name=NAME,
        )
    assert NAME in committee_client.get(reverse("triage:dashboard")).content.decode()

    Client().post(reverse("ideas:erase", args=[submitted.tracking_token]))

    page = committee_client.get(reverse("triage:dashboard")).content.decode()
    assert "Samlingslokal hos [erased]" in page and NAME not in page
