"""Reads of the outbox."""
from django.db.models import QuerySet

from portal.outbox.models import Message, MessageState


def messages_for_committee(*, state: str | None = None) -> QuerySet[Message]:
    """Every message, newest first, optionally only those in one state."""
    messages = Message.objects.all()
    if state in MessageState.values:
        messages = messages.filter(state=state)
    return messages
