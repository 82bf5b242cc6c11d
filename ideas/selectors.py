"""Reads of ideas that carry rules."""
from django.db.models import QuerySet

from ideas.models import Idea, hash_token


def idea_for_tracking_token(token: str) -> Idea | None:
    """Find the idea a tracking link points to; an unknown token finds nothing."""
    if not token or len(token) > 100:
        return None
    return (
        Idea.objects.select_related("municipality")
        .filter(tracking_token_hash=hash_token(token))
        .first()
    )


def ideas_for_committee() -> QuerySet[Idea]:
    """The ideas the committee reads, newest first, shaped for the list."""
    return Idea.objects.select_related("municipality").prefetch_related("themes")
