"""Partners answer referrals: the answers by signed link or partner page, the support reports.

Every change of a referral's state goes through `triage.referrals.services.referral_transition`,
which writes the referral's event and lets the idea follow its referrals by the table. Every
write here is atomic and queues its mails in the outbox. The signed links live in
`triage.referrals.answer_links`.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from ideas import workflow
from ideas.models import SupportKind
from partners.models import PartnerContact
from partners.selectors import referral_recipients
from portal.domain import DomainError
from portal.outbox.models import Message, MessageKind
from portal.outbox.services import message_enqueue
from portal.roles import Actor, PartnerLinkActor
from portal.staff import coordinator_recipients, staff_language
from triage.referrals.answer_links import (  # noqa: F401  (the links' names, importable from here too)
    ANSWER_LINK_SALT,
    AnswerLink,
    AnswerLinkError,
    AnswerLinkExpired,
    AnswerLinkUsed,
    answer_link_resolve,
    answer_token,
    answer_url,
    link_max_age,
)
from triage.referrals.disclosure import what_partner_may_know
from triage.referrals.models import (
    AnswerKind,
    Referral,
    ReferralAnswer,
    SupportProgress,
    SupportReport,
)
from triage.referrals.services import referral_transition
from triage.referrals.workflow import AWAITING_ANSWER, ReferralMoveNotAllowed, ReferralState

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Prefix of the outbox keys of the committee's replies to a partner's question.
REPLY_KEY = "referral-reply"
NEW_STATE = {
    AnswerKind.ACCEPT: ReferralState.ACCEPTED,
    AnswerKind.DECLINE: ReferralState.DECLINED,
    AnswerKind.QUESTION: ReferralState.QUESTION,
}
SUPPORT_STATE = {
    SupportProgress.UNDER_WAY: ReferralState.IN_SUPPORT,
    SupportProgress.FINISHED: ReferralState.SUPPORT_FINISHED,
}


class AnswerError(DomainError):
    """An answer or report that cannot be recorded, with a message for the partner."""


def notify_coordinators(
    *, template: str, context: dict[str, Any], key: str, about: Referral, reply_to: str = ""
) -> None:
    for email in coordinator_recipients():
        message_enqueue(
            kind=MessageKind.NOTICE,
            recipient=email,
            template=template,
            context=context,
            language=staff_language(),
            idempotency_key=f"{key}:coordinator:{email}",
            about=about,
            reply_to=reply_to,
        )


def _validate(kind: str, text: str) -> str:
    text = text.strip()
    if kind not in AnswerKind.values:
        raise AnswerError(_("Choose whether you accept, decline or ask a question."))
    if kind == AnswerKind.DECLINE and not text:
        raise AnswerError(_("Write why you decline, so that the committee can find another way."))
    if kind == AnswerKind.QUESTION and not text:
        raise AnswerError(_("Write your question."))
    return text


def _partner_actor(*, contact: PartnerContact | None, user: User | None) -> Actor:
    """The logged-in contact's user, or the contact behind a signed link."""
    if user is not None:
        return user
    if contact is None:
        raise AnswerError(_("Only the partner's contact can answer the referral."))
    return PartnerLinkActor(contact_id=contact.pk, name=contact.name)


@transaction.atomic
def referral_answer(
    *,
    referral: Referral,
    kind: str,
    text: str = "",
    contact: PartnerContact | None = None,
    user: User | None = None,
    expected_answers: int | None = None,
    reason_for_owner: str = "",
) -> ReferralAnswer:
    """Record a partner's answer to a referral and do what follows from it.

    Accept: the coordinator and the owner are told, and the idea goes to "in support". Decline
    (a reason is required): the coordinator is told and, when no other referral of the idea is
    still open, the idea goes back to "in review" (the owner is not told). Question: the
    coordinator gets it, and the contact who asked gets a fresh link to answer with later.
    `expected_answers` is the count an answer link was signed with; if another answer came
    first, the link is used up. `reason_for_owner` (declines only) is the one text the idea's
    owner reads of the answer.
    """
    text = _validate(kind, text)
    actor = _partner_actor(contact=contact, user=user)
    locked = (
        Referral.objects.select_for_update().select_related("idea", "partner").get(pk=referral.pk)
    )
    if expected_answers is not None and locked.answers.count() != expected_answers:
        raise AnswerLinkUsed
    if locked.state not in AWAITING_ANSWER:
        raise AnswerError(_("This referral has already been answered."))
    if locked.idea.status in workflow.FINAL_STATES:
        raise AnswerError(_("This idea is no longer open, so the referral cannot be answered."))
    answer = ReferralAnswer(
        referral=locked,
        kind=kind,
        text=text,
        reason_for_owner=reason_for_owner.strip() if kind == AnswerKind.DECLINE else "",
        contact=contact,
        user=user,
    )
    answer.full_clean()
    answer.save()
    try:
        locked = referral_transition(
            referral=locked, to=NEW_STATE[AnswerKind(kind)], actor=actor, reason=text
        )
    except ReferralMoveNotAllowed as error:
        raise AnswerError(str(error)) from error

    idea = locked.idea
    idea.refresh_from_db()
    context = {
        "referral": locked,
        "idea": idea,
        "answer": answer,
        "who": _who(contact=contact, user=user),
    }
    if kind == AnswerKind.QUESTION and contact is not None:
        fresh = answer_url(referral=locked, contact=contact, answers=locked.answers.count())
        message_enqueue(
            kind=MessageKind.REFERRAL,
            recipient=contact.email,
            template="referral_question",
            context={
                "referral": locked,
                "idea": idea,
                "contact": contact,
                "answer": answer,
                "answer_url": fresh,
            },
            language=contact.language,
            idempotency_key=f"referral-answer:{answer.pk}:contact",
            about=locked,
        )
    # After the decline's move, so that the mail can say the idea is back in the queue.
    # A partner's question is answered by replying to the notice: it goes to the partner.
    asker = (contact.email if contact is not None else getattr(user, "email", "")) or ""
    notify_coordinators(
        template="referral_answered",
        context=context,
        key=f"referral-answer:{answer.pk}",
        about=locked,
        reply_to=asker if kind == AnswerKind.QUESTION else "",
    )
    referral.state, referral.answered_at = locked.state, locked.answered_at
    return answer


@transaction.atomic
def referral_reply(*, referral: Referral, text: str, actor: User) -> list[Message]:
    """Answer a partner's question by mail (outbox): to the contact who asked, or to the
    partner's referral contacts when the question came from a login without a contact.

    The mail carries the committee's words, what the partner may know of the owner and a link
    to answer the referral with. The same reply sent twice (a double click) goes once.
    """
    text = text.strip()
    if not text:
        raise AnswerError(_("Write your answer to the partner."))
    question = (
        referral.answers.filter(kind=AnswerKind.QUESTION).order_by("-created_at", "-pk").first()
    )
    if question is None:
        raise AnswerError(_("The partner has not asked a question on this referral."))
    contacts = (
        [question.contact]
        if question.contact is not None and question.contact.email
        else list(referral_recipients(referral.partner))
    )
    answers = referral.answers.count()
    fingerprint = hashlib.sha256(text.encode()).hexdigest()[:16]
    messages = []
    for contact in contacts:
        messages.append(
            message_enqueue(
                kind=MessageKind.REFERRAL,
                recipient=contact.email,
                template="referral_reply",
                context={
                    "referral": referral,
                    "idea": referral.idea,
                    "contact": contact,
                    "question": question,
                    "text": text,
                    "owner": what_partner_may_know(referral),
                    "who": actor.get_full_name() or actor.get_username(),
                    "answer_url": answer_url(referral=referral, contact=contact, answers=answers)
                    if referral.state in AWAITING_ANSWER
                    else "",
                },
                language=contact.language,
                idempotency_key=f"{REPLY_KEY}:{referral.pk}:{question.pk}:{fingerprint}:{contact.pk}",
                about=referral,
            )
        )
    return messages


def _who(*, contact: PartnerContact | None, user: User | None) -> str:
    if contact is not None:
        return contact.name
    if user is not None:
        return user.get_full_name() or user.get_username()
    return ""


@transaction.atomic
def support_report(
    *, referral: Referral, user: User, kind: SupportKind, text: str, progress: str
) -> SupportReport:
    """Record the support a partner has given; "under way" and "finished" move the referral.

    Under way: the referral is "in support" (and a referred idea with it). Finished: the
    referral's support is finished; the idea closes once no other partner is still at work or
    still to answer (the table's `idea_follows`).
    """
    text = text.strip()
    if not text:
        raise AnswerError(_("Write in a few words what support you have given."))
    if progress not in SupportProgress.values:
        raise AnswerError(_("Choose whether the support is under way or finished."))
    locked = (
        Referral.objects.select_for_update().select_related("idea", "partner").get(pk=referral.pk)
    )
    if locked.state not in (ReferralState.ACCEPTED, ReferralState.IN_SUPPORT):
        raise AnswerError(_("You can report support on a referral you have accepted."))
    report = SupportReport(
        referral=locked, kind=kind, text=text, progress=progress, reported_by=user
    )
    report.full_clean()
    report.save()
    target = SUPPORT_STATE[SupportProgress(progress)]
    if target != locked.state:  # a second "under way" report changes nothing
        try:
            locked = referral_transition(referral=locked, to=target, actor=user)
        except ReferralMoveNotAllowed as error:
            raise AnswerError(str(error)) from error
    notify_coordinators(
        template="support_reported",
        context={"referral": locked, "idea": locked.idea, "report": report},
        key=f"support-report:{report.pk}",
        about=locked,
    )
    referral.state = locked.state
    return report
