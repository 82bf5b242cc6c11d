from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from portal.outbox.models import Message, MessageKind
from portal.roles import Role
from tests.factories import IdeaFactory, ReferralFactory, UserFactory
from triage.insights.digest import digest_send_weekly
from triage.models import ReviewAssignment
from triage.tasks import send_weekly_digest

pytestmark = pytest.mark.django_db


def test_the_weekly_digest_tells_each_member_what_waits_for_them(
    django_capture_on_commit_callbacks,
):
    member = UserFactory(username="ledamot", first_name="Lina", roles=[Role.COMMITTEE_MEMBER])
    other = UserFactory(username="ledamot2", roles=[Role.COMMITTEE_MEMBER])
    UserFactory(username="partner", roles=[Role.PARTNER_CONTACT])
    fresh = IdeaFactory(title="Bybuss i Tiveden")
    IdeaFactory(title="Gammal idé", created_at=timezone.now() - timedelta(days=30))
    ReviewAssignment.objects.create(idea=fresh, member=member)
    ReferralFactory(partner__name="Byalaget Ramsberg")

    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digest() == 2

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {member.email, other.email}
    body = by_recipient[member.email].body
    assert "Bybuss i Tiveden" in body and "Gammal idé" not in body
    assert "Byalaget Ramsberg" in body
    assert "/triage/ideas/" + fresh.reference in body
    assert f"{fresh.title}: " in body  # in the list of reviews waiting, with its link
    assert f"{fresh.title}: " not in by_recipient[other.email].body


def test_the_digest_goes_once_a_week_however_often_the_task_runs():
    UserFactory(roles=[Role.COORDINATOR])
    # A Wednesday morning: an hour later is the same week whenever the suite runs (from
    # timezone.now() on a Sunday after 23:00 the hour later was Monday, the next week).
    now = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    digest_send_weekly(now=now)
    digest_send_weekly(now=now + timedelta(hours=1))
    assert Message.objects.filter(kind=MessageKind.DIGEST).count() == 1
    digest_send_weekly(now=now + timedelta(days=7))
    assert Message.objects.filter(kind=MessageKind.DIGEST).count() == 2
