"""Writes that belong to the portal as a whole rather than to one app."""

import uuid

from django.conf import settings
from django.db import transaction

from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue


@transaction.atomic
def accessibility_report_send(*, page: str, description: str, email: str) -> None:
    """Pass a visitor's accessibility problem to the coordinator through the outbox."""
    message_enqueue(
        kind=MessageKind.NOTICE,
        recipient=settings.COORDINATOR_EMAIL,
        template="accessibility_report",
        context={"page": page, "description": description, "email": email},
        language="sv",
        idempotency_key=f"accessibility-report:{uuid.uuid4().hex}",
    )
