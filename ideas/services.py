"""Every write to an idea: atomic, recorded, with its mail stored in the same transaction."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas import authorship, erasure, held_files, hooks, questions, workflow
from ideas.models import (
    PRIVACY_TEXT_VERSION,
    CallForIdeas,
    Channel,
    FormQuestionVersion,
    Idea,
    IdeaAttachment,
    IdeaDraft,
    IdeaEvent,
    IdeaQuestion,
    IdeaVersion,
    Municipality,
    OrganisationKind,
    OutreachEvent,
    ReferenceCounter,
    Stage,
    SupportKind,
    Theme,
)
from ideas.tokens import short_code_shown
from portal.domain import DomainError
from portal.outbox.models import Message, MessageKind
from portal.outbox.selectors import (
    messages_about,
    messages_about_any,
    messages_holding,
    messages_mentioning,
    messages_to,
)
from portal.outbox.services import message_enqueue, messages_redact
from portal.redaction import redact
from portal.roles import RESIDENT, Actor, actor_label, actor_user
from portal.staff import coordinator_recipients, staff_language
from portal.text import single_line

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class SubmittedIdea:
    idea: Idea
    tracking_token: str
    original: IdeaVersion  # the idea as sent, with the fingerprint the receipt carries


@dataclass(frozen=True)
class Attachment:
    """A file whose content the form has checked: what `idea_submit` stores."""

    upload: File
    name: str
    content_type: str
    # A file kept from the form's earlier try (ideas/held_files.py): the idea takes it over.
    held_id: UUID | None = None


class IdeaError(DomainError):
    """A change the resident asked for that cannot be made, with a message for them."""


def tracking_url(token: str) -> str:
    return settings.SITE_URL + reverse("ideas:track", kwargs={"token": token})


def short_tracking_url(reference: str, code: str) -> str:
    """The short link a paper receipt prints, to type into the address bar (ideas/tokens.py)."""
    if not code:
        return ""
    path = reverse(
        "ideas:short_link", kwargs={"reference": reference, "code": short_code_shown(code)}
    )
    return settings.SITE_URL + path


def idea_tracking_url(idea: Idea) -> str:
    """The idea's private tracking link, for a mail to its owner (the token is derived again,
    see ideas/tokens.py); "" for an idea whose token cannot be derived."""
    token = idea.tracking_token
    return tracking_url(token) if token else ""


def draft_url(token: str) -> str:
    return settings.SITE_URL + reverse("ideas:draft", kwargs={"token": token})


def owner_mail(
    *, idea: Idea, kind: MessageKind, template: str, context: dict, idempotency_key: str
) -> Message | None:
    """Queue a mail to the idea's owner, rendered in the idea's language with the private
    tracking link and the owner's name; None when there is nobody to write to.

    Contexts hold lazy labels or the owner's own words, never text already translated in the
    language of whoever acts: the outbox renders everything under the idea's language.
    """
    if not idea.submitter_email or idea.anonymised_at is not None:
        return None
    return message_enqueue(
        kind=kind,
        recipient=idea.submitter_email,
        template=template,
        context={
            "idea": idea,
            "owner_name": idea.submitter_name,
            "tracking_url": idea_tracking_url(idea),
            **context,
        },
        language=idea.language,
        idempotency_key=idempotency_key,
        about=idea,
    )


def idea_channel(outreach_event: OutreachEvent | None, *, on_paper: bool = False) -> Channel:
    """How an idea came in: on paper, at the event it was registered at, else the web form."""
    if on_paper:
        return Channel.PAPER
    return Channel.WEB if outreach_event is None else Channel(outreach_event.kind)


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
    themes: Sequence[Theme],
    need: str = "",
    beneficiaries: str = "",
    place: str = "",
    is_rural: bool = False,
    stage: str = Stage.IDEA,
    support_wanted: Sequence[SupportKind] = (),
    submitter_name: str = "",
    submitter_email: str = "",
    submitter_phone: str = "",
    organisation_name: str = "",
    organisation_kind: str = OrganisationKind.PRIVATE_PERSON,
    language: str = "sv",
    share_contact_with_partners: bool = False,
    public_listing: bool = False,
    attachments: Sequence[Attachment] = (),
    outreach_event: OutreachEvent | None = None,
    registered_by: "User | None" = None,
    on_paper: bool = False,
    device_id: UUID | None = None,
    consent_given_at: datetime | None = None,
    answers: Sequence[tuple[FormQuestionVersion, str]] = (),
    call: CallForIdeas | None = None,
) -> SubmittedIdea:
    """Store a new idea with its consent, record its first status and queue the receipt.

    The idea's fields are those of the idea form (`ideas.forms.IDEA_FIELDS`). An idea from an
    outreach event carries the event's channel and the staff member who wrote it down and
    confirmed the resident's consent on the spot; one typed in later from a paper form
    (`on_paper`) has the channel "paper", its consent being the resident's signature. The
    idea as sent is kept as its version 1, whose fingerprint (ideas/authorship.py) the receipt
    carries. An idea taken offline (ideas/offline_intake.py) brings the id its tablet made and
    the time the resident gave consent there. The answers to the coordinator's questions are
    stored with the wording they were given to (ideas/questions.py); an idea sent while a call
    for ideas is open belongs to it.
    """
    now = timezone.now()
    idea = Idea(
        call=call,
        # Names and titles go into mail subjects: never more than one line.
        title=single_line(title),
        need=need,
        description=description,
        beneficiaries=beneficiaries,
        municipality=municipality,
        place=place,
        is_rural=is_rural,
        stage=stage,
        submitter_email=submitter_email.strip(),
        submitter_phone=single_line(submitter_phone),
        submitter_name=single_line(submitter_name),
        organisation_name=organisation_name,
        organisation_kind=organisation_kind,
        language=language,
        channel=idea_channel(outreach_event, on_paper=on_paper),
        outreach_event=outreach_event,
        registered_by=registered_by,
        share_contact_with_partners=share_contact_with_partners,
        public_listing=public_listing,
        consent_version=PRIVACY_TEXT_VERSION,
        consent_given_at=consent_given_at or now,
        created_at=now,
        device_id=device_id,
    )
    idea.reference = next_reference(timezone.localdate(now).year)
    token = idea.new_tracking_token()
    # The same device_id arriving twice at once (a double tap, two tabs syncing) is left to the
    # database's unique index, whose IntegrityError the callers answer with the stored idea.
    idea.full_clean(exclude=["device_id"])
    idea.save()
    idea.themes.set(themes)
    idea.support_wanted.set(support_wanted)
    questions.answers_save(idea=idea, answers=answers)
    hashes = []
    for attachment in held_files.held_still_there(attachments):
        stored = IdeaAttachment(
            idea=idea,
            original_name=single_line(attachment.name)[:200] or "file",
            content_type=attachment.content_type,
            size=attachment.upload.size or 0,
            sha256=authorship.file_sha256(attachment.upload.chunks()),
        )
        stored.file.save("upload", attachment.upload, save=False)
        stored.save()
        hashes.append(stored.sha256)
    held_files.files_release(
        attachment.held_id for attachment in attachments if attachment.held_id is not None
    )
    label = "resident" if registered_by is None else "outreach"
    IdeaEvent.objects.create(
        idea=idea, to_status=idea.status, actor=registered_by, actor_label=label
    )
    content = authorship.idea_content(
        idea,
        version=1,
        recorded_at=now,
        themes=[theme.slug for theme in themes],
        support_wanted=[kind.slug for kind in support_wanted],
        attachments=hashes,
    )
    original = _version_create(idea=idea, content=content, actor=registered_by, actor_label=label)
    owner_mail(
        idea=idea,
        kind=MessageKind.RECEIPT,
        template="receipt",
        context={"tracking_url": tracking_url(token), "original": original},
        idempotency_key=f"receipt:{idea.reference}",
    )
    return SubmittedIdea(idea=idea, tracking_token=token, original=original)


def form_sent_before(
    form_id: UUID | None, *, title: str, description: str
) -> tuple[Idea | None, UUID | None]:
    """What to do with a form that is sent: (the idea it already sent, the id to store a new
    idea under).

    A form sent twice with the same idea (a double tap, or a browser that sends it again when
    the answer was lost on a poor line) gives the idea it sent the first time, to show its
    receipt again: one idea, one receipt. The same form changed since it was sent (the back
    button, then another idea) is a new idea, stored without the id. A form handed out
    before forms had ids has none.
    """
    if form_id is None:
        return None, None
    earlier = Idea.objects.filter(device_id=form_id).first()
    if earlier is None:
        return None, form_id
    if (earlier.title, earlier.description) == (single_line(title), description):
        return earlier, None
    return None, None


def idea_submit_once(*, form_id: UUID | None, **fields: Any) -> SubmittedIdea | Idea:
    """Store the idea of a resident's form handed out with `form_id` (`idea_submit`'s fields),
    once: the idea is stored under the form's id, and the same form sent again with the same
    idea gives the idea it stored the first time (`form_sent_before`) instead of a second one.

    Two requests at once (a double tap): the second waits for the first on the reference
    counter, then meets the unique index on the id; its transaction is rolled back and it gets
    the first one's idea too."""
    same_idea = {"title": fields["title"], "description": fields["description"]}
    earlier, device_id = form_sent_before(form_id, **same_idea)
    if earlier is not None:
        return earlier
    try:
        return idea_submit(**fields, device_id=device_id)
    except IntegrityError:
        earlier, _device_id = form_sent_before(form_id, **same_idea)
        if earlier is None:
            raise
        return earlier


def _version_create(
    *, idea: Idea, content: dict[str, Any], actor: "User | None", actor_label: str
) -> IdeaVersion:
    return IdeaVersion.objects.create(
        idea=idea,
        number=content["version"],
        content=content,
        fingerprint=authorship.fingerprint(content),
        actor=actor,
        actor_label=actor_label,
        created_at=datetime.fromisoformat(content["recorded_at"]),
    )


@transaction.atomic
def idea_version_record(*, idea: Idea, actor: Actor) -> IdeaVersion | None:
    """Keep what the idea says now as its next version, after staff changed it.

    The versions before stay as they are, the first one (the idea as its owner sent it) above
    all. Nothing is written when the text the fingerprint covers is unchanged, nor for an idea
    sent before versions were kept: it has no original to keep beside the change.
    """
    Idea.objects.select_for_update().filter(pk=idea.pk).first()
    latest = idea.versions.order_by("-number").first()
    if latest is None:
        return None
    content = authorship.idea_content(
        idea,
        version=latest.number + 1,
        recorded_at=timezone.now(),
        themes=idea.themes.values_list("slug", flat=True),
        support_wanted=idea.support_wanted.values_list("slug", flat=True),
        attachments=idea.attachments.values_list("sha256", flat=True),
    )
    if authorship.same_text(content, latest.content):
        return None
    return _version_create(
        idea=idea, content=content, actor=actor_user(actor), actor_label=actor_label(actor)
    )


def _move(
    *,
    idea: Idea,
    to: workflow.Status,
    actor: Actor,
    message_to_owner: str,
    internal_note: str,
    via_referral: bool = False,
) -> tuple[Idea, workflow.Transition]:
    """Check the move against the table, write its audit row and change the status."""
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    message_to_owner, internal_note = message_to_owner.strip(), internal_note.strip()
    hooks.move_starts(locked, actor)
    transition = workflow.check(
        locked.status, to, actor, message_to_owner, via_referral=via_referral
    )
    IdeaEvent.objects.create(
        idea=locked,
        from_status=locked.status,
        to_status=to,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        message_to_owner=message_to_owner,
        internal_note=internal_note,
    )
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    idea.status = locked.status
    return locked, transition


@transaction.atomic
def idea_transition(
    *,
    idea: Idea,
    to: workflow.Status,
    actor: Actor,
    message_to_owner: str = "",
    internal_note: str = "",
    notify: bool = True,
) -> Idea:
    """Move an idea to another status and record who did it and why.

    `actor` is a staff user, `RESIDENT` (the owner on the tracking page) or `SYSTEM` (the idea
    following its referrals); what the actor may do comes from the actor. Only
    `message_to_owner` ever reaches the owner (mail and tracking page); `internal_note` is for
    the committee. `notify=False` leaves the owner's mail to the caller, which sends a more
    specific one (a question, for example). Moves to "referred" are refused here: see
    `idea_mark_referred`.
    """
    locked, transition = _move(
        idea=idea,
        to=to,
        actor=actor,
        message_to_owner=message_to_owner,
        internal_note=internal_note,
    )
    if notify and transition.tell_resident:
        # Lazy label and next step: the outbox renders them in the idea's language.
        _mail_owner(
            locked,
            template="status_change",
            context={
                "public_label": workflow.public_label_lazy(to),
                "next_step": workflow.NEXT_STEPS.get(workflow.Status(to), ""),
                "message_to_owner": message_to_owner.strip(),
            },
        )
        # The owners of ideas handled together with this one are told too (triage).
        hooks.owner_told(locked, transition.source, to)
    return locked


def _mail_owner(idea: Idea, *, template: str, context: dict) -> None:
    owner_mail(
        idea=idea,
        kind=MessageKind.STATUS_CHANGE,
        template=template,
        context=context,
        idempotency_key=f"status:{idea.reference}:{idea.events.count()}",
    )


@transaction.atomic
def idea_mark_referred(
    *,
    idea: Idea,
    actor: Actor,
    partner_names: list[str],
    message_to_owner: str = "",
    internal_note: str = "",
) -> Idea:
    """Move an idea to "referred" because it has just been referred to partners.

    Only `triage.referrals.services.idea_refer` calls this, after it has stored the referrals;
    an idea with no referral is refused, so "referred" always means a partner really got it. The
    owner's mail names the partners and carries the coordinator's message to the owner, never the
    note to the partners.
    """
    # Through the reverse relation (ideas does not import triage), fresh from the database: the
    # page may have prefetched the idea's referrals before they were made.
    referral_model = Idea._meta.get_field("referrals").related_model
    if not referral_model._default_manager.filter(idea_id=idea.pk).exists():
        raise workflow.TransitionNotAllowed(
            _("An idea is referred only when it is referred to at least one partner.")
        )
    locked, _transition = _move(
        idea=idea,
        to=workflow.Status.REFERRED,
        actor=actor,
        message_to_owner=message_to_owner,
        internal_note=internal_note,
        via_referral=True,
    )
    _mail_owner(
        locked,
        template="idea_referred",
        context={
            "public_label": workflow.PUBLIC_LABELS[workflow.Status.REFERRED],
            "partners": partner_names,
            "message_to_owner": message_to_owner.strip(),
        },
    )
    hooks.owner_told(locked, _transition.source, workflow.Status.REFERRED)
    return locked


@transaction.atomic
def idea_ask_question(
    *, idea: Idea, question: str, actor: Actor, internal_note: str = ""
) -> IdeaQuestion:
    """Ask the resident a question: the idea waits for the answer, and the resident is told."""
    question = question.strip()
    idea_transition(
        idea=idea,
        to=workflow.Status.NEEDS_INFORMATION,
        actor=actor,
        message_to_owner=question,
        internal_note=internal_note,
        notify=False,
    )
    asked = IdeaQuestion.objects.create(idea=idea, question=question, asked_by=actor_user(actor))
    owner_mail(
        idea=idea,
        kind=MessageKind.QUESTION,
        template="question",
        context={"question": question},
        idempotency_key=f"question:{asked.pk}",
    )
    return asked


@transaction.atomic
def idea_answer_question(*, idea: Idea, answer: str) -> IdeaQuestion:
    """Store the resident's answer to the open question and give the idea back to the committee."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.status != workflow.Status.NEEDS_INFORMATION:
        raise IdeaError(_("There is no open question to answer."))
    question = (
        IdeaQuestion.objects.select_for_update()
        .filter(idea=idea, answered_at__isnull=True)
        .order_by("-asked_at", "-pk")
        .first()
    )
    if question is None:  # the idea was moved without idea_ask_question; keep the answer anyway
        event = idea.events.filter(to_status=workflow.Status.NEEDS_INFORMATION).last()
        question = IdeaQuestion(
            idea=idea,
            question=event.message_to_owner if event else "",
            asked_by=event.actor if event else None,
            asked_at=event.created_at if event else idea.updated_at,
        )
    question.answer = answer.strip()
    question.answered_at = timezone.now()
    question.save()
    idea_transition(idea=idea, to=workflow.Status.IN_REVIEW, actor=RESIDENT)
    _tell_committee_of_answer(idea=idea, question=question)
    return question


def answer_recipients(idea: Idea) -> list[tuple[str, str]]:
    """Who is told of the resident's answer, each with the language of the notice: the
    coordinator(s) and the idea's assigned reviewers, less those with a declared conflict."""
    recipients = [(email, staff_language()) for email in coordinator_recipients()]
    # The assignments and conflicts belong to triage; read through the user model's reverse
    # relations so that ideas does not import triage (ideas <- partners <- triage).
    user_model = get_user_model()
    conflict_model = user_model._meta.get_field("conflicts").related_model
    active_conflict = conflict_model._default_manager.filter(
        member=OuterRef("pk"), idea=idea, withdrawn_at__isnull=True
    )
    reviewers = (
        user_model.objects.filter(is_active=True, review_assignments__idea=idea)
        .exclude(Exists(active_conflict))
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )
    known = {email.lower() for email, _language in recipients}
    for member in reviewers:
        if member.email.lower() not in known:
            known.add(member.email.lower())
            recipients.append((member.email, staff_language(member)))
    return recipients


def _tell_committee_of_answer(*, idea: Idea, question: IdeaQuestion) -> None:
    idea_url = settings.SITE_URL + reverse("triage:idea_detail", args=[idea.reference])
    for email, language in answer_recipients(idea):
        message_enqueue(
            kind=MessageKind.NOTICE,
            recipient=email,
            template="question_answered",
            context={"idea": idea, "question": question, "idea_url": idea_url},
            language=language,
            idempotency_key=f"question-answered:{question.pk}:{email}",
            about=idea,
        )


@transaction.atomic
def idea_withdraw(*, idea: Idea, reason: str = "") -> Idea:
    """The resident takes the idea back; it stays on record with its history.

    The reason is the resident's own words for the committee (an internal note); the
    withdrawal mail does not repeat it back to them. Each partner with an open referral is
    told in its contacts' languages and the referral is cancelled (`hooks.after_withdrawal`).
    """
    try:
        withdrawn = idea_transition(
            idea=idea, to=workflow.Status.WITHDRAWN, actor=RESIDENT, internal_note=reason
        )
    except workflow.TransitionNotAllowed as error:
        raise IdeaError(_("This idea can no longer be withdrawn.")) from error
    # Every partner at work on the idea is told, and its open referrals close (triage).
    hooks.withdrawal_done(withdrawn)
    return withdrawn


def idea_public_listing_set(*, idea: Idea, public: bool) -> Idea:
    """Record the owner's choice whether the idea may be listed publicly, anonymised.

    The listing shows only what `ideas.selectors.ideas_listed_publicly` gives: the title, the
    municipality, the themes and the status, never who sent the idea.
    """
    Idea.objects.filter(pk=idea.pk).update(public_listing=public, updated_at=timezone.now())
    idea.public_listing = public
    return idea


@transaction.atomic
def idea_erase_personal_data(*, idea: Idea) -> Idea:
    """Erase what identifies the submitter, wherever the portal keeps a copy; the idea itself
    stays, anonymised (ideas/erasure.py lists every copy and what becomes of it).

    The submitter's name, email, phone and organisation leave the idea's fields and free texts,
    its versions (the fingerprints stay: see ideas/authorship.py), status changes, questions
    and answers, and every stored mail in any encoding (receipts, status mails, referrals, the
    drafts' mails, any mail to the address, but not those of another idea sent from it); mail
    not yet sent to the address is stopped and none of it can be sent again. The owner's
    drafts and attached files are deleted, and sessions forget the idea. Every partner who got
    the details is told by mail to delete them, and the apps above `ideas` redact what they
    keep (`hooks.before_erasure`).
    """
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    if locked.anonymised_at is not None:
        return locked
    # Every partner who got the owner's details is told to delete them (triage fills the hook),
    # while the details are still there to find.
    hooks.erasure_starts(locked)
    values = erasure.owner_values(locked)
    names = [locked.submitter_name] if locked.submitter_name else []
    pattern = erasure.owner_pattern(locked)
    drafts = erasure.owner_drafts(locked)
    draft_ids = set(drafts.values_list("pk", flat=True))
    # The organisation's name goes too: for a small association it says who the submitter is.
    # Mail to the address is stopped with it (the outbox forgets a recipient it redacts).
    messages = (
        messages_about(locked)
        | messages_mentioning(locked.reference)
        | messages_to(locked.submitter_email)
        | messages_holding(values)
        | messages_about_any(IdeaDraft, draft_ids)
    )
    # Another idea sent from the same address, whose owner has not erased it, keeps its mails.
    for other in erasure.other_ideas_of_owner(locked):
        messages = messages.exclude(pk__in=messages_about(other).values("pk")).exclude(
            pk__in=messages_mentioning(other.reference).values("pk")
        )
    messages_redact(messages=messages, values=values, names=names)
    for field in erasure.FREE_TEXT_FIELDS:
        setattr(locked, field, redact(getattr(locked, field), pattern))
    locked.title = locked.title[: Idea._meta.get_field("title").max_length]
    # The versions keep their fingerprints: they are hashes of the text as it was recorded.
    erasure.rows_redact(locked.versions.all(), ("content",), pattern)
    erasure.rows_redact(locked.events.all(), ("message_to_owner", "internal_note"), pattern)
    erasure.rows_redact(locked.questions.all(), ("question", "answer"), pattern)
    questions.answers_erase(idea=locked)
    erasure.attachments_erase(locked)
    erasure.sessions_forget(idea=locked, draft_ids=draft_ids, pattern=pattern)
    erasure.admin_log_redact(locked, pattern)
    IdeaDraft.objects.filter(pk__in=draft_ids).delete()
    locked.submitter_name = ""
    locked.submitter_email = ""
    locked.submitter_phone = ""
    locked.organisation_name = ""
    locked.share_contact_with_partners = False
    locked.anonymised_at = timezone.now()
    locked.save(
        update_fields=[
            *erasure.FREE_TEXT_FIELDS,
            "submitter_name",
            "submitter_email",
            "submitter_phone",
            "organisation_name",
            "share_contact_with_partners",
            "anonymised_at",
            "updated_at",
        ]
    )
    return locked


@transaction.atomic
def draft_save(
    *, data: dict, email: str, language: str, draft: IdeaDraft | None = None
) -> tuple[IdeaDraft, str]:
    """Keep a half-filled form and mail its link to the resident; give the draft and its token.

    Saving again gives a new link (the old one stops working), so only the latest mail counts.
    """
    draft = draft or IdeaDraft()
    draft.email = email
    draft.data = data
    draft.language = language
    token = draft.new_token()
    draft.full_clean()
    draft.save()
    title = (data.get("title") or [""])[0]
    message_enqueue(
        kind=MessageKind.NOTICE,
        recipient=email,
        template="draft",
        context={"draft_url": draft_url(token), "title": single_line(title)},
        language=language,
        idempotency_key=f"draft:{draft.pk}:{draft.token_hash[:16]}",
        about=draft,
    )
    return draft, token


def draft_mark_sent(*, draft: IdeaDraft, idea: Idea) -> None:
    """Forget what a draft held once its idea is sent; keep only that it was sent as the idea,
    so its link can say so (until the draft's lifetime ends and the purge deletes it)."""
    IdeaDraft.objects.filter(pk=draft.pk).update(submitted_idea=idea, data={}, email="")


@transaction.atomic
def idea_tracking_links_resend(*, email: str) -> int:
    """Mail a fresh tracking link for each idea sent from the address; return how many.

    Only the hash of a tracking token is stored, so the old link cannot be mailed again: each
    idea gets a new token and the old link stops working. The mail goes to the address the
    idea was sent from, never elsewhere, so only its owner learns the new link. Erased ideas
    have no address any more and get nothing.
    """
    email = email.strip()
    if not email:
        return 0
    ideas = list(
        Idea.objects.select_for_update()
        .filter(submitter_email__iexact=email, anonymised_at__isnull=True)
        .order_by("created_at")
    )
    for idea in ideas:
        token = idea.new_tracking_token()
        # The salt too (later mails derive the new link from it); a link from before tokens
        # were derived stops working like any old one.
        idea.legacy_tracking_token_hash = None
        idea.save(
            update_fields=[
                "tracking_token_hash",
                "tracking_salt",
                "legacy_tracking_token_hash",
                "updated_at",
            ]
        )
        message_enqueue(
            kind=MessageKind.NOTICE,
            recipient=idea.submitter_email,
            template="tracking_link",
            context={"idea": idea, "tracking_url": tracking_url(token)},
            language=idea.language,
            idempotency_key=f"tracking-link:{idea.pk}:{idea.tracking_token_hash[:16]}",
            about=idea,
        )
    return len(ideas)


@transaction.atomic
def drafts_purge(*, older_than: timedelta = IdeaDraft.LIFETIME) -> int:
    """Delete drafts nobody has touched for `older_than`: their links no longer work anyway.

    Their mails lose the address they went to, so that nothing of an expired draft stays
    (Celery beat runs this daily; the privacy notice says after how long).
    """
    expired = IdeaDraft.objects.filter(updated_at__lt=timezone.now() - older_than)
    by_address: dict[str, list[int]] = {}
    for draft_id, email in expired.values_list("pk", "email"):
        by_address.setdefault(email, []).append(draft_id)
    for email, draft_ids in by_address.items():
        if email:
            messages_redact(messages=messages_about_any(IdeaDraft, draft_ids), values=[email])
    deleted, _by_model = expired.delete()
    return deleted


def outreach_event_create(
    *,
    name: str,
    kind: str,
    municipality: Municipality,
    place: str = "",
    date: Date | None = None,
) -> OutreachEvent:
    """Add a county meeting or caravan stop that staff register ideas at."""
    event = OutreachEvent(
        name=single_line(name),
        kind=kind,
        municipality=municipality,
        place=single_line(place),
        date=date or timezone.localdate(),
    )
    event.full_clean()
    event.save()
    return event
