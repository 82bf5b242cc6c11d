"""Writes of the referral table: referring an idea to partners, moving a referral by the table
(`referral_transition`, every path's one way), cancelling one, and telling partners to delete an
erased owner's details. Each is atomic and takes keyword arguments, never a request."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ideas import erasure, workflow
from ideas.models import Idea
from ideas.services import idea_mark_referred, idea_transition
from partners.models import Partner
from partners.selectors import referral_recipients
from portal.domain import DomainError
from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue
from portal.roles import SYSTEM, Actor, actor_label, actor_user
from triage.referrals import workflow as referral_workflow
from triage.referrals.answer_links import answer_url
from triage.referrals.consent import contact_consent_from_form, owner_told_of_acceptance
from triage.referrals.disclosure import CONTACT, what_partner_may_know
from triage.referrals.models import (
    Referral,
    ReferralAnswer,
    ReferralEvent,
    RelayedMessage,
    SupportReport,
)
from triage.referrals.suggestions import partner_suggestions
from triage.review.models import AgendaItem, ConflictDeclaration, Note, Review, Score


class ReferralError(DomainError):
    """A referral that cannot be made, with a message for the coordinator."""


@transaction.atomic
def idea_refer(
    *,
    idea: Idea,
    partners: list[Partner],
    note_to_partners: str,
    actor: Actor,
    message_to_owner: str = "",
) -> list[Referral]:
    """Refer an idea to partners: the referrals, the status change and the mails in one go.

    The note to the partners is required and only the partners read it. The owner's mail names
    the partners and carries `message_to_owner` when the coordinator wrote one. The owner's
    consent on the form or at the intake decides whether the referral carries contact details
    (recorded for each partner, `consent.contact_consent_from_form`); without it the referral
    is blind and the owner is asked, partner by partner, once a partner accepts.
    """
    if not partners:
        raise ReferralError(_("Choose at least one partner."))
    if not note_to_partners.strip():
        raise ReferralError(_("Write a note to the partners: what do you ask of them?"))
    if not workflow.may_refer(idea.status, actor):
        workflow.check(idea.status, workflow.Status.REFERRED, actor, via_referral=True)
    _refuse_already_referred(idea, partners)
    # Each partner's email says why it was chosen: the ranking the coordinator chose from (the
    # view's, computed once for this idea object; idea_mark_referred returns another object).
    reasons = {match.partner.id: match.reasons for match in partner_suggestions(idea)}
    try:
        with transaction.atomic():
            referrals = [
                referral_create(
                    idea=idea,
                    partner=partner,
                    note_to_partners=note_to_partners,
                    actor=actor,
                    includes_contact_details=False,
                )
                for partner in partners
            ]
            for referral in referrals:
                contact_consent_from_form(referral)
    except IntegrityError:
        # Another coordinator referred it to one of them since the check (one per partner).
        _refuse_already_referred(idea, partners)
        raise
    idea = idea_mark_referred(
        idea=idea,
        actor=actor,
        partner_names=[partner.name for partner in partners],
        message_to_owner=message_to_owner,
    )
    for referral in referrals:
        for contact in referral_recipients(referral.partner):
            message_enqueue(
                kind=MessageKind.REFERRAL,
                recipient=contact.email,
                template="referral",
                context={
                    "referral": referral,
                    "idea": idea,
                    "contact": contact,
                    "owner": what_partner_may_know(referral),
                    "reasons": reasons.get(referral.partner_id, ()),
                    "answer_url": answer_url(referral=referral, contact=contact, answers=0),
                },
                language=contact.language,
                idempotency_key=f"referral:{referral.pk}:contact:{contact.pk}",
                about=referral,
            )
    return referrals


def _refuse_already_referred(idea: Idea, partners: list[Partner]) -> None:
    already = set(
        idea.referrals.filter(partner__in=partners).values_list("partner__name", flat=True)
    )
    if already:
        raise ReferralError(
            _("Already referred to: %(partners)s") % {"partners": ", ".join(sorted(already))}
        )


def referral_create(
    *,
    idea: Idea,
    partner: Partner,
    note_to_partners: str,
    actor: Actor,
    includes_contact_details: bool,
) -> Referral:
    """Store one referral, sent, with its first event. Only `idea_refer` calls this."""
    referral = Referral.objects.create(
        idea=idea,
        partner=partner,
        note=note_to_partners.strip(),
        created_by=actor_user(actor),
        includes_contact_details=includes_contact_details,
    )
    ReferralEvent.objects.create(
        referral=referral,
        to_state=referral.state,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        created_at=referral.created_at,
    )
    return referral


@transaction.atomic
def referral_transition(
    *,
    referral: Referral,
    to: referral_workflow.ReferralState,
    actor: Actor,
    reason: str = "",
) -> Referral:
    """Move a referral to another state by the table, record who, when, from, to and why, and
    let the idea follow its referrals.

    Every path calls this: the partner's signed link and pages, the reminders run, the
    coordinator and the admin. An idea that is declined, closed or withdrawn takes no more
    answers or reports; its referrals can still be cancelled or expire.
    """
    locked = (
        Referral.objects.select_for_update().select_related("idea", "partner").get(pk=referral.pk)
    )
    move = referral_workflow.check(locked.state, to, actor, reason)
    closing = move.target in (
        referral_workflow.ReferralState.CANCELLED,
        referral_workflow.ReferralState.EXPIRED,
    )
    if locked.idea.status in workflow.FINAL_STATES and not closing:
        raise referral_workflow.ReferralMoveNotAllowed(
            _("This idea is no longer open, so the referral cannot be answered.")
        )
    event = ReferralEvent.objects.create(
        referral=locked,
        from_state=locked.state,
        to_state=move.target,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        reason=reason.strip(),
    )
    locked.state = move.target
    if (
        move.target
        in (referral_workflow.ReferralState.ACCEPTED, referral_workflow.ReferralState.DECLINED)
        and locked.answered_at is None
    ):
        locked.answered_at = event.created_at
    locked.save(update_fields=["state", "answered_at"])
    if move.tell_owner:
        _tell_owner_of_acceptance(locked)
    _idea_follows_referrals(locked, move=move, reason=reason.strip())
    referral.state, referral.answered_at = locked.state, locked.answered_at
    return locked


def _tell_owner_of_acceptance(referral: Referral) -> None:
    # Which partner said yes, and the question whether it may learn who the owner is.
    owner_told_of_acceptance(referral)


def _idea_follows_referrals(
    referral: Referral, *, move: referral_workflow.Move, reason: str
) -> None:
    idea = Idea.objects.select_for_update().get(pk=referral.idea_id)
    states = idea.referrals.values_list("state", flat=True)
    target = referral_workflow.idea_follows(idea.status, states)
    if target is None:
        return
    # The committee reads this note in the idea's history; it is written in the portal's
    # language, like everything the committee reads.
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Follows the referral to %(partner)s: %(state)s.") % {
            "partner": referral.partner.name,
            "state": referral_workflow.staff_label(move.target),
        }
        if reason:
            note = f"{note} {reason}"
    # The owner already has the acceptance mail; a second one about the same step is noise.
    idea_transition(
        idea=idea, to=target, actor=SYSTEM, internal_note=note, notify=not move.tell_owner
    )
    referral.idea.status = idea.status


@transaction.atomic
def referral_cancel(*, referral: Referral, actor: Actor, reason: str) -> Referral:
    """The coordinator withdraws a referral; the partner's contacts are told why by mail, and
    the idea follows (back to review when it was the last open referral)."""
    referral = referral_transition(
        referral=referral, to=referral_workflow.ReferralState.CANCELLED, actor=actor, reason=reason
    )
    for contact in referral_recipients(referral.partner):
        message_enqueue(
            kind=MessageKind.NOTICE,
            recipient=contact.email,
            template="referral_cancelled",
            context={
                "referral": referral,
                "idea": referral.idea,
                "contact": contact,
                "reason": reason.strip(),
            },
            language=contact.language,
            idempotency_key=f"referral-cancelled:{referral.pk}:contact:{contact.pk}",
            about=referral,
        )
    return referral


def partners_told_to_delete_owner_details(idea: Idea) -> int:
    """Tell every partner who got the owner's contact details to delete them; give how many
    mails. Called by the erasure (`ideas.hooks.before_erasure`) while the details are still
    there; the mail names the idea, never the details themselves. Each mail is an outbox row
    about the referral: the record that the partner was told (GDPR Art. 19), which the owner's
    ledger reads (`selectors.owner_details_deletion_notices`)."""
    told = 0
    referrals = idea.referrals.select_related("partner", "idea")
    for referral in referrals:
        if what_partner_may_know(referral).level != CONTACT:
            continue
        for contact in referral_recipients(referral.partner):
            message_enqueue(
                kind=MessageKind.NOTICE,
                recipient=contact.email,
                template="referral_erasure",
                context={"referral": referral, "idea": idea, "contact": contact},
                language=contact.language,
                idempotency_key=ERASURE_NOTICE_KEY.format(referral=referral.pk, contact=contact.pk),
                about=referral,
            )
            told += 1
    return told


# The key of the notice to delete an erased owner's details, per referral and contact: the
# outbox row about the referral is the record of it (`selectors.owner_details_deletion_notices`).
ERASURE_NOTICE_KEY = "referral:{referral}:erasure:contact:{contact}"


def owner_details_redact(idea: Idea) -> int:
    """Erase the owner's details from what triage keeps about the idea: the note to partners,
    the referrals' history, the partners' answers and reports, the messages relayed between
    partner and owner, the committee's reviews, scores, notes and conflict declarations, and the
    decisions of its meetings (a member may have named the owner). Called by the erasure
    (`ideas.hooks.before_erasure`) while the details are still there to find."""
    pattern = erasure.owner_pattern(idea)
    referrals = Referral.objects.filter(idea=idea)
    return sum(
        (
            erasure.rows_redact(referrals, ("note",), pattern),
            erasure.rows_redact(
                ReferralEvent.objects.filter(referral__idea=idea), ("reason",), pattern
            ),
            erasure.rows_redact(
                ReferralAnswer.objects.filter(referral__idea=idea),
                ("text", "reason_for_owner"),
                pattern,
            ),
            erasure.rows_redact(
                SupportReport.objects.filter(referral__idea=idea), ("text",), pattern
            ),
            # What the owner and a partner wrote each other through the portal.
            erasure.rows_redact(
                RelayedMessage.objects.filter(referral__idea=idea), ("text",), pattern
            ),
            erasure.rows_redact(Review.objects.filter(idea=idea), ("comment",), pattern),
            erasure.rows_redact(Score.objects.filter(review__idea=idea), ("comment",), pattern),
            erasure.rows_redact(Note.objects.filter(idea=idea), ("body",), pattern),
            erasure.rows_redact(
                ConflictDeclaration.objects.filter(idea=idea), ("reason",), pattern
            ),
            # What a meeting decided on the idea, and the minutes made of it.
            erasure.rows_redact(
                AgendaItem.objects.filter(idea=idea),
                ("note_to_partners", "message_to_owner", "internal_note", "carry_out_error"),
                pattern,
            ),
        )
    )


def referrals_close_on_withdrawal(idea: Idea) -> int:
    """The owner withdrew the idea: each partner with an open referral is told, in each
    contact's language, and the referral is cancelled by the table (who: the portal, why: the
    withdrawal); give how many referrals closed. Called by `ideas.hooks.after_withdrawal`."""
    with translation.override(settings.LANGUAGE_CODE):
        # The referral's history is read by the committee, in the portal's language.
        reason = _("The idea's owner withdrew the idea.")
    closed = 0
    open_referrals = idea.referrals.filter(state__in=referral_workflow.OPEN_STATES)
    for referral in open_referrals.select_related("partner").order_by("pk"):
        referral = referral_transition(
            referral=referral,
            to=referral_workflow.ReferralState.CANCELLED,
            actor=SYSTEM,
            reason=reason,
        )
        for contact in referral_recipients(referral.partner):
            message_enqueue(
                kind=MessageKind.NOTICE,
                recipient=contact.email,
                template="referral_withdrawn",
                context={"referral": referral, "idea": referral.idea, "contact": contact},
                language=contact.language,
                idempotency_key=f"referral-withdrawn:{referral.pk}:contact:{contact.pk}",
                about=referral,
            )
        closed += 1
    return closed
