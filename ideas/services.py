"""Every write to an idea: atomic, recorded, with its mail stored in the same transaction."""
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ideas import workflow
from ideas.models import Idea, IdeaEvent, Municipality, ReferenceCounter, SupportKind, Theme
from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue

PRIVACY_TEXT_VERSION = "2026-11"


@dataclass(frozen=True)
class SubmittedIdea:
    idea: Idea
    tracking_token: str


def tracking_url(token: str) -> str:
    return settings.SITE_URL + reverse("ideas:track", kwargs={"token": token})


def next_reference(year: int) -> str:
    """Hand out the next readable reference number of the year, e.g. IL-2026-0042."""
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"IL-{year}-{counter.last:04d}"


@transaction.atomic
def idea_submit(
    *,
    title: str,
    description: str,
    municipality: Municipality,
    themes: list[Theme],
    submitter_email: str = "",
    submitter_phone: str = "",
    submitter_name: str = "",
    language: str = "sv",
    support_wanted: list[SupportKind] | None = None,
    share_contact_with_partners: bool = False,
    **details,
) -> SubmittedIdea:
    """Store a new idea with its consent, record its first status and queue the receipt."""
    now = timezone.now()
    idea = Idea(
        title=title,
        description=description,
        municipality=municipality,
        submitter_email=submitter_email,
        submitter_phone=submitter_phone,
        submitter_name=submitter_name,
        language=language,
        share_contact_with_partners=share_contact_with_partners,
        consent_version=PRIVACY_TEXT_VERSION,
        consent_given_at=now,
        created_at=now,
        **details,
    )
    idea.reference = next_reference(timezone.localdate(now).year)
    token = idea.new_tracking_token()
    idea.full_clean()
    idea.save()
    idea.themes.set(themes)
    idea.support_wanted.set(support_wanted or [])
    IdeaEvent.objects.create(idea=idea, to_status=idea.status, actor_label="resident")
    if idea.submitter_email:
        message_enqueue(
            kind=MessageKind.RECEIPT,
            recipient=idea.submitter_email,
            template="receipt",
            context={"idea": idea, "tracking_url": tracking_url(token)},
            language=idea.language,
            idempotency_key=f"receipt:{idea.reference}",
            about=idea,
        )
    return SubmittedIdea(idea=idea, tracking_token=token)


@transaction.atomic
def idea_transition(
    *, idea: Idea, to: workflow.Status, actor, actor_roles: set[str], note: str = ""
) -> Idea:
    """Move an idea to another status and record who did it and why.

    `actor` is the staff user, or None when the resident acts from the tracking page
    (then `actor_roles` is {workflow.RESIDENT}).
    """
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    transition = workflow.check(locked.status, to, actor_roles, note)
    IdeaEvent.objects.create(
        idea=locked,
        from_status=locked.status,
        to_status=to,
        actor=actor,
        actor_label="resident" if actor is None else "",
        note=note,
    )
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    if transition.tell_resident and locked.submitter_email:
        message_enqueue(
            kind=MessageKind.STATUS_CHANGE,
            recipient=locked.submitter_email,
            template="status_change",
            context={"idea": locked, "public_label": workflow.public_label(to), "note": note},
            language=locked.language,
            idempotency_key=f"status:{locked.reference}:{locked.events.count()}",
            about=locked,
        )
    idea.status = locked.status
    return locked
