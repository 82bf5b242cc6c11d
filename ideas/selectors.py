"""Reads of ideas that carry rules."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Field, Q, QuerySet
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.text import capfirst

from ideas import authorship, workflow
from ideas.models import (
    Idea,
    IdeaAttachment,
    IdeaDraft,
    IdeaQuestion,
    IdeaVersion,
    Municipality,
    OutreachEvent,
    Stage,
    SupportKind,
    Theme,
    hash_token,
)
from portal.outbox.selectors import messages_about, messages_mentioning, messages_to


@dataclass(frozen=True)
class PublicEvent:
    """One line of the history the resident sees."""

    at: datetime
    label: str
    message_to_owner: str


def idea_for_tracking_token(token: str) -> Idea | None:
    """Find the idea a tracking link points to; an unknown token finds nothing."""
    if not token or len(token) > 100:
        return None
    return (
        Idea.objects.select_related("municipality")
        .filter(
            Q(tracking_token_hash=hash_token(token))
            | Q(legacy_tracking_token_hash=hash_token(token))
        )
        .first()
    )


def idea_public_history(idea: Idea) -> list[PublicEvent]:
    """The status changes the resident is told about, in public words.

    Internal moves (a declined referral going back to the queue) stay out. Of the texts only
    the message written for the owner is shown, never the internal note.
    """
    history = []
    for event in idea.events.all():
        transition = (
            workflow.find(event.from_status, event.to_status) if event.from_status else None
        )
        if event.from_status and (transition is None or not transition.tell_resident):
            continue
        history.append(
            PublicEvent(
                at=event.created_at,
                label=workflow.public_label(event.to_status),
                message_to_owner=event.message_to_owner,
            )
        )
    return history


def idea_open_question(idea: Idea) -> IdeaQuestion | None:
    """The committee's latest unanswered question, while the idea waits for the answer."""
    if idea.status != workflow.Status.NEEDS_INFORMATION:
        return None
    question = idea.questions.filter(answered_at__isnull=True).order_by("-asked_at", "-pk").first()
    if question is None:
        # Moved to "needs information" without `idea_ask_question`: the reason is the question.
        event = idea.events.filter(to_status=workflow.Status.NEEDS_INFORMATION).last()
        question = IdeaQuestion(
            idea=idea,
            question=event.message_to_owner if event else "",
            asked_at=event.created_at if event else idea.updated_at,
        )
    return question


def idea_answered_questions(idea: Idea) -> list[IdeaQuestion]:
    """The committee's questions the owner has answered, oldest first, for the tracking page."""
    return list(idea.questions.filter(answered_at__isnull=False).order_by("asked_at", "pk"))


def idea_original(idea: Idea) -> IdeaVersion | None:
    """The idea as its owner sent it (version 1); None for an idea sent before versions were
    kept."""
    return IdeaVersion.objects.filter(idea=idea, number=1).first()


@dataclass(frozen=True)
class VersionShown:
    """A version of an idea as its owner reads it: each field with its label, in the form's
    order, and the exact text the fingerprint is the SHA-256 of."""

    version: IdeaVersion
    fields: list[tuple[str, str]]
    attachments: list[tuple[str, str]]
    canonical_text: str
    changed_since: bool


def idea_version_shown(version: IdeaVersion) -> VersionShown:
    """Spell a version out in the reader's language: names for the codes and keys it holds."""
    content = version.content
    municipality = Municipality.objects.filter(code=content["municipality"]).first()
    terms = {
        "themes": {
            term.slug: term.name for term in Theme.objects.filter(slug__in=content["themes"])
        },
        "support_wanted": {
            term.slug: term.name
            for term in SupportKind.objects.filter(slug__in=content["support_wanted"])
        },
    }
    fields = []
    for name in authorship.CONTENT_FIELDS:
        value = content[name]
        if name == "municipality":
            shown = str(municipality) if municipality is not None else value
        elif name in terms:
            shown = ", ".join(terms[name].get(slug, slug) for slug in value)
        elif name == "stage":
            shown = str(Stage(value).label) if value in Stage.values else value
        elif name == "is_rural":
            shown = yesno(value)
        else:
            shown = value
        field = Idea._meta.get_field(name)
        label = field.verbose_name if isinstance(field, Field) else name
        fields.append((capfirst(str(label)), shown))
    # Each file by its name, if it is still stored, and its SHA-256.
    stored = dict(
        IdeaAttachment.objects.filter(
            idea_id=version.idea_id, sha256__in=content["attachments"]
        ).values_list("sha256", "original_name")
    )
    attachments = [(stored.get(sha256, ""), sha256) for sha256 in content["attachments"]]
    return VersionShown(
        version=version,
        fields=fields,
        attachments=attachments,
        changed_since=IdeaVersion.objects.filter(
            idea_id=version.idea_id, number__gt=version.number
        ).exists(),
        canonical_text=authorship.canonical_bytes(content).decode("utf-8"),
    )


def idea_personal_data(idea: Idea) -> dict:
    """Everything stored about the idea and its submitter, for the "my data" download."""
    # The mails about the idea, and those to its owner that name it (a new tracking link).
    messages = (
        messages_about(idea)
        | messages_to(idea.submitter_email) & messages_mentioning(idea.reference)
    ).order_by("created_at", "pk")
    return {
        "reference": idea.reference,
        "submitted_at": idea.created_at.isoformat(),
        "status": workflow.public_label(idea.status),
        "idea": {
            "title": idea.title,
            "need": idea.need,
            "description": idea.description,
            "beneficiaries": idea.beneficiaries,
            "municipality": str(idea.municipality),
            "place": idea.place,
            "is_rural": idea.is_rural,
            "themes": [theme.name for theme in idea.themes.all()],
            "stage": idea.get_stage_display(),
            "support_wanted": [kind.name for kind in idea.support_wanted.all()],
        },
        "submitter": {
            "name": idea.submitter_name,
            "email": idea.submitter_email,
            "phone": idea.submitter_phone,
            "organisation_name": idea.organisation_name,
            "organisation_kind": idea.get_organisation_kind_display(),
            "preferred_language": idea.language,
        },
        "consent": {
            "privacy_text_version": idea.consent_version,
            "given_at": idea.consent_given_at.isoformat(),
            "share_contact_with_partners": idea.share_contact_with_partners,
            "recorded_by_staff_at_event": idea.outreach_event.name
            if idea.outreach_event is not None
            else None,
        },
        "personal_data_erased_at": idea.anonymised_at.isoformat() if idea.anonymised_at else None,
        "channel": idea.get_channel_display(),
        "history": [
            {"at": event.at.isoformat(), "status": event.label, "message": event.message_to_owner}
            for event in idea_public_history(idea)
        ],
        "questions": [
            {
                "question": q.question,
                "asked_at": q.asked_at.isoformat(),
                "answer": q.answer,
                "answered_at": q.answered_at.isoformat() if q.answered_at else None,
            }
            for q in idea.questions.all()
        ],
        "attachments": [
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "uploaded_at": a.created_at.isoformat(),
                "sha256": a.sha256,
            }
            for a in idea.attachments.all()
        ],
        # Version 1 is the idea as sent; its fingerprint is the receipt's (ideas/authorship.py).
        "versions": [
            {
                "version": v.number,
                "recorded_at": v.created_at.isoformat(),
                "fingerprint": v.fingerprint,
                "content": v.content,
            }
            for v in IdeaVersion.objects.filter(idea=idea).order_by("number")
        ],
        "emails": [
            {
                "to": m.recipient,
                "subject": m.subject,
                "created_at": m.created_at.isoformat(),
                "state": m.state,
                "text": m.body_text,
            }
            for m in messages
        ],
    }


def draft_for_token(token: str) -> IdeaDraft | None:
    """Find the draft a link points to, if it has not expired."""
    if not token or len(token) > 100:
        return None
    return IdeaDraft.objects.filter(
        token_hash=hash_token(token),
        updated_at__gte=timezone.now() - IdeaDraft.LIFETIME,
    ).first()


def open_draft_for_token(token: str) -> IdeaDraft | None:
    """The draft a link points to if it can still be filled in: not expired, not sent yet."""
    draft = draft_for_token(token)
    return draft if draft is not None and draft.submitted_idea_id is None else None


def outreach_events_recent() -> QuerySet[OutreachEvent]:
    """Events staff can choose: from a month back on."""
    since = timezone.localdate() - timedelta(days=31)
    return OutreachEvent.objects.select_related("municipality").filter(date__gte=since)
