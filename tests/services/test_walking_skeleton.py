"""The walking skeleton on the real components: resident → committee → worker → partner's inbox.

PostgreSQL, Redis, a `celery worker` process and a local SMTP server; nothing runs in-process.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from ideas import workflow
from ideas.models import Idea
from portal.outbox.models import Message, MessageKind, MessageState
from tests.factories import PartnerFactory
from tests.ideas.conftest import valid_form
from tests.services.conftest import wait_until
from triage.models import Referral

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_resident_idea_reaches_the_partner_by_email_through_a_real_worker(
    client, coordinator, worker, smtp
):
    cache.clear()  # no submission limits left over from other tests
    partner = PartnerFactory(name="Byalaget Ramsberg")
    contact = partner.contacts.get()

    response = client.post(
        reverse("ideas:submit"),
        valid_form(title="Fiber till byn", submitter_email="anna@example.org"),
    )
    assert response.status_code == 302
    idea = Idea.objects.get()
    receipt = smtp.wait_for(1)[0]
    assert receipt.recipients == ["anna@example.org"]
    assert idea.reference in receipt.subject
    assert "/track/" in receipt.text

    client.force_login(coordinator)
    for status in (workflow.Status.SCREENING, workflow.Status.IN_REVIEW):
        client.post(reverse("triage:idea_move", args=[idea.reference]), {"to": status})
    idea.refresh_from_db()
    assert idea.status == workflow.Status.IN_REVIEW
    response = client.post(
        reverse("triage:idea_refer", args=[idea.reference]),
        {"partners": [partner.pk], "note_to_partners": "Kan ni ge råd om fiberförening?"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Referral.objects.filter(idea=idea, partner=partner).exists()

    referral_row = Message.objects.get(kind=MessageKind.REFERRAL)
    delivered = smtp.wait_for(Message.objects.count())
    referral_mail = next(mail for mail in delivered if mail.message_id == referral_row.message_id)
    assert referral_mail.recipients == [contact.email]
    assert "Fiber till byn" in referral_mail.subject
    assert "Kan ni ge råd om fiberförening?" in referral_mail.text
    assert "tillhör den person eller förening" in referral_mail.text
    assert "Fiber till byn" in referral_mail.html
    assert "anna@example.org" not in referral_mail.text  # valid_form gives no consent to share
    wait_until(
        lambda: set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT},
        timeout=10,
        message="the worker did not mark every message sent",
    )
    assert smtp.duplicates() == {}
