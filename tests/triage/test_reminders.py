import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ideas import workflow
from portal.outbox.models import Message, MessageKind
from portal.roles import Role
from tests.factories import IdeaFactory, PartnerFactory, ReferralFactory, UserFactory
from triage.models import ReferralState
from triage.referrals.reminders import referrals_remind_and_escalate
from triage.tasks import send_referral_reminders

pytestmark = pytest.mark.django_db


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def reminders():
    return Message.objects.filter(kind=MessageKind.REMINDER)


def escalations():
    return Message.objects.filter(idempotency_key__startswith="referral-escalation:")


def test_no_reminder_before_the_seventh_day():
    ReferralFactory(created_at=days_ago(6.9))
    run = referrals_remind_and_escalate()
    assert (run.reminded, run.escalated) == (0, 0)
    assert not Message.objects.exists()


def test_a_reminder_goes_once_after_seven_days_with_a_fresh_link(client):
    partner = PartnerFactory(contacts=2, name="Byalaget Ramsberg")
    referral = ReferralFactory(
        partner=partner, created_at=days_ago(7.5), idea__title="Bybuss i Tiveden"
    )

    assert referrals_remind_and_escalate().reminded == 1
    assert referrals_remind_and_escalate().reminded == 0
    assert send_referral_reminders() == {"reminded": 0, "escalated": 0, "expired": 0}

    sent = list(reminders())
    assert sorted(m.recipient for m in sent) == sorted(
        partner.contacts.values_list("email", flat=True)
    )
    assert all("Bybuss i Tiveden" in m.body_text and m.object_id == referral.pk for m in sent)
    link = re.search(r"https?://[^/\s]+(/referral/answer/[^/\s]+/)", sent[0].body_text).group(1)
    assert client.get(link).status_code == 200
    assert not escalations().exists()


def test_an_answered_referral_gets_no_reminder():
    ReferralFactory(created_at=days_ago(20), state=ReferralState.DECLINED)
    ReferralFactory(created_at=days_ago(20), state=ReferralState.QUESTION)
    ReferralFactory(created_at=days_ago(20), idea__status=workflow.Status.WITHDRAWN)
    run = referrals_remind_and_escalate()
    assert (run.reminded, run.escalated) == (0, 0)


def test_escalation_goes_once_after_fourteen_days_to_the_coordinator():
    coordinator = UserFactory(username="ordf", email="ordf@example.org", roles=[Role.COORDINATOR])
    young = ReferralFactory(created_at=days_ago(13), partner__name="Ung partner")
    old = ReferralFactory(
        created_at=days_ago(15), partner__name="Tyst partner", idea__title="Fiber till byn"
    )

    for _ in range(3):
        send_referral_reminders()

    escalated = list(escalations())
    assert sorted(m.recipient for m in escalated) == sorted(
        [settings.COORDINATOR_EMAIL, coordinator.email]
    )
    assert all(m.object_id == old.pk for m in escalated)
    assert "Tyst partner" in escalated[0].body_text and "Fiber till byn" in escalated[0].body_text
    # Both referrals got exactly one reminder (one contact each); the young one is not escalated.
    assert sorted(m.object_id for m in reminders()) == sorted([young.pk, old.pk])


def test_the_days_are_settings(settings):
    settings.REFERRAL_REMINDER_DAYS = 2
    settings.REFERRAL_ESCALATION_DAYS = 3
    ReferralFactory(created_at=days_ago(3.5))
    run = referrals_remind_and_escalate()
    assert (run.reminded, run.escalated) == (1, 1)


def test_an_escalated_referral_is_flagged_on_the_dashboard_and_the_idea_page(coordinator_client):
    late = ReferralFactory(created_at=days_ago(15), idea__title="Tyst idé")
    ReferralFactory(created_at=days_ago(2), idea__title="Färsk idé")
    flag = "En partner har inte svarat"

    page = coordinator_client.get(reverse("triage:dashboard")).content.decode()
    rows = {
        title: row
        for row in page.split("<tr>")
        for title in ("Tyst idé", "Färsk idé")
        if title in row
    }
    assert flag in rows["Tyst idé"]
    assert flag not in rows["Färsk idé"]
    assert "A partner has not answered" not in page

    detail = coordinator_client.get(
        reverse("triage:idea_detail", args=[late.idea.reference])
    ).content.decode()
    assert "Inget svar: eskalerad" in detail
    assert "No answer: escalated" not in detail


def test_the_beat_schedule_runs_the_reminders():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "triage.tasks.send_referral_reminders" in tasks


def test_a_new_idea_is_not_flagged(coordinator_client):
    IdeaFactory(title="Ny idé")
    page = coordinator_client.get(reverse("triage:dashboard")).content.decode()
    assert "A partner has not answered" not in page and "En partner har inte svarat" not in page
