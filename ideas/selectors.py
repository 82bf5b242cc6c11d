"""Reads of ideas that carry rules."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Field, Q, QuerySet
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.text import capfirst

from ideas import authorship, hooks, questions, workflow
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
from ideas.tokens import short_code_matches
from portal.outbox.models import Message, MessageKind

if TYPE_CHECKING:
    from django.contrib.auth.models import User
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


REFERENCE_TYPED = re.compile(r"IL-?(\d{4})-?(\d{1,6})")


def reference_typed(text: str) -> str:
    """A reference number as typed (any case, spaces or dashes or none) in its stored form."""
    squeezed = re.sub(r"[\s\u2010-\u2015]+", "-", text.strip().upper()).strip("-")
    match = REFERENCE_TYPED.fullmatch(squeezed.replace("--", "-"))
    if match is None:
        return squeezed
    return f"IL-{match.group(1)}-{int(match.group(2)):04d}"


def idea_for_short_code(*, reference: str, code: str) -> Idea | None:
    """The idea a paper receipt's reference number and short code name, or None: a wrong
    code finds nothing, exactly as an unknown reference does."""
    idea = (
        Idea.objects.select_related("municipality")
        .filter(reference=reference_typed(reference))
        .first()
    )
    if idea is None or not short_code_matches(token=idea.tracking_token, typed=code):
        return None
    return idea


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


@dataclass(frozen=True)
class PublicIdea:
    """An idea as it may be shown publicly: nothing that says who sent it."""

    title: str
    municipality: Municipality
    themes: tuple[Theme, ...]
    status: str  # the workflow's code; `status_label` gives the staff's words

    @property
    def status_label(self) -> str:
        return workflow.staff_label(self.status)


def ideas_listed_publicly(
    *, since: datetime | None = None, before: datetime | None = None, limit: int | None = None
) -> list[PublicIdea]:
    """The ideas whose owners said they may be shown publicly, anonymised, newest first: what a
    public list or map may show of each (title, municipality, themes, status), nothing more.
    Those sent from `since` and before `before` only, when given; the newest `limit`, if given.

    Withdrawn ideas and ideas whose owner erased their personal data are left out.
    """
    ideas = (
        Idea.objects.filter(public_listing=True, anonymised_at__isnull=True)
        .exclude(status=workflow.Status.WITHDRAWN)
        .select_related("municipality")
        .prefetch_related("themes")
        .order_by("-created_at", "pk")
    )
    if since is not None:
        ideas = ideas.filter(created_at__gte=since)
    if before is not None:
        ideas = ideas.filter(created_at__lt=before)
    if limit is not None:
        ideas = ideas[:limit]
    return [
        PublicIdea(
            title=idea.title,
            municipality=idea.municipality,
            themes=tuple(idea.themes.all()),
            status=idea.status,
        )
        for idea in ideas
    ]


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
    # False once erasure took the owner's details out of the text: the fingerprint is kept.
    gives_fingerprint: bool = True


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
        gives_fingerprint=authorship.fingerprint(content) == version.fingerprint,
    )


@dataclass(frozen=True)
class Ledger:
    """Who got the idea and what came of it, with the owner's own withdrawal and erasure."""

    partners: list[hooks.OwnerPartnerLine]
    withdrawn_at: datetime | None
    erased_at: datetime | None


def idea_ledger(idea: Idea) -> Ledger:
    """The owner's ledger: every partner the idea went to (from triage's hook), the withdrawal
    and the erasure. A fixed number of queries however many partners."""
    withdrawn_at = None
    if idea.status == workflow.Status.WITHDRAWN:
        withdrawn_at = (
            idea.events.filter(to_status=workflow.Status.WITHDRAWN)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
    return Ledger(
        partners=hooks.partner_lines_for_owner(idea),
        withdrawn_at=withdrawn_at,
        erased_at=idea.anonymised_at,
    )


def idea_owner_drafts(idea: Idea) -> list[IdeaDraft]:
    """The drafts saved from the owner's address, and the draft the idea was sent from."""
    drafts = Q(submitted_idea=idea)
    if idea.submitter_email:
        drafts |= Q(email__iexact=idea.submitter_email)
    return list(IdeaDraft.objects.filter(drafts).order_by("created_at", "pk"))


# Mails of these kinds are always to the idea's owner (a redacted one has no address left).
_OWNER_KINDS = {MessageKind.RECEIPT, MessageKind.STATUS_CHANGE, MessageKind.QUESTION}


def idea_owner_mails(
    idea: Idea, *, drafts: list[IdeaDraft], ledger: Ledger
) -> list[hooks.OwnerMail]:
    """The mails to the owner about the idea and its drafts, the staff's notices about it and
    the mails about its referrals: when, to whom (a kind, never another person's address), the
    subject, oldest first."""
    owner = idea.submitter_email.casefold()
    messages = messages_about(idea) | messages_to(idea.submitter_email) & messages_mentioning(
        idea.reference
    )
    if drafts:
        messages |= Message.objects.filter(
            content_type__app_label="ideas",
            content_type__model="ideadraft",
            object_id__in=[draft.pk for draft in drafts],
        )
    mails = [
        hooks.OwnerMail(
            at=message.created_at,
            recipient=hooks.TO_YOU
            if message.kind in _OWNER_KINDS
            or not message.recipient
            or message.recipient.casefold() == owner
            else hooks.TO_COMMITTEE,
            subject=message.subject,
            state=message.state,
            language=message.language.split("-")[0],
        )
        for message in messages.order_by("created_at", "pk")
    ]
    mails += [mail for line in ledger.partners for mail in line.mails]
    return sorted(mails, key=lambda mail: mail.at)


def idea_personal_data(idea: Idea, *, ledger: Ledger | None = None) -> dict:
    """Everything stored about the idea and its submitter: the "my data" download (JSON) and
    its readable page read this one dict. Times are datetimes here (the download writes them
    in ISO 8601); every key is documented in docs/my-data.md, and a test pins the key set."""
    ledger = ledger or idea_ledger(idea)
    drafts = idea_owner_drafts(idea)
    return {
        "reference": idea.reference,
        "submitted_at": idea.created_at,
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
            "given_at": idea.consent_given_at,
            "share_contact_with_partners": idea.share_contact_with_partners,
            "recorded_by_staff_at_event": idea.outreach_event.name
            if idea.outreach_event is not None
            else None,
        },
        "personal_data_erased_at": idea.anonymised_at,
        "withdrawn_at": ledger.withdrawn_at,
        "channel": idea.get_channel_display(),
        "history": [
            {"at": event.at, "status": event.label, "message": event.message_to_owner}
            for event in idea_public_history(idea)
        ],
        "questions": [
            {
                "question": q.question,
                "asked_at": q.asked_at,
                "answer": q.answer,
                "answered_at": q.answered_at,
            }
            for q in idea.questions.order_by("asked_at", "pk")
        ],
        # The answers to the coordinator's questions on the form, as asked (ideas/questions.py).
        "form_answers": questions.my_data_rows(idea),
        "attachments": [
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "uploaded_at": a.created_at,
                "sha256": a.sha256,
            }
            for a in idea.attachments.all()
        ],
        # Version 1 is the idea as sent; its fingerprint is the receipt's (ideas/authorship.py).
        "versions": [
            {
                "version": v.number,
                "recorded_at": v.created_at,
                "fingerprint": v.fingerprint,
                "content": v.content,
            }
            for v in IdeaVersion.objects.filter(idea=idea).order_by("number")
        ],
        "drafts": [
            {
                "saved_at": draft.created_at,
                "last_changed_at": draft.updated_at,
                "link_works_until": draft.updated_at + IdeaDraft.LIFETIME,
                "sent_as_this_idea": draft.submitted_idea_id == idea.pk,
                "content": draft.data,
            }
            for draft in drafts
        ],
        "ledger": [
            {
                "partner": line.partner,
                "sent_at": line.sent_at,
                "received": line.received,
                "state": line.state,
                "answers": [
                    {
                        "answered_at": answer.at,
                        "answer": answer.kind,
                        "reason_for_owner": answer.reason_for_owner,
                    }
                    for answer in line.answers
                ],
                "support_reports": [
                    {"reported_at": report.at, "kind": report.kind, "progress": report.progress}
                    for report in line.support
                ],
                "events": [{"at": event.at, "what": event.what} for event in line.events],
            }
            for line in ledger.partners
        ],
        "emails": [
            {
                "created_at": mail.at,
                "recipient": mail.recipient,
                "subject": mail.subject,
                "state": mail.state,
                "language": mail.language,
            }
            for mail in idea_owner_mails(idea, drafts=drafts, ledger=ledger)
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


# The newest ideas a staff member registered that their own list shows.
REGISTERED_LIMIT = 100


def ideas_registered_by(user: "User") -> list[Idea]:
    """The ideas this staff member wrote down at events, newest first: what each is and where
    it stands, never who sent it (the list loads no contact details)."""
    return list(
        Idea.objects.filter(registered_by=user)
        .select_related("outreach_event")
        .only(
            "reference",
            "title",
            "language",
            "status",
            "channel",
            "created_at",
            "outreach_event__name",
            "outreach_event__place",
            "outreach_event__date",
        )
        .order_by("-created_at")[:REGISTERED_LIMIT]
    )


def outreach_events_recent() -> QuerySet[OutreachEvent]:
    """Events staff can choose: from a month back on."""
    since = timezone.localdate() - timedelta(days=31)
    return OutreachEvent.objects.select_related("municipality").filter(date__gte=since)
