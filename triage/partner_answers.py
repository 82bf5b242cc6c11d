"""Partners answer referrals: signed single-use answer links, the answers, the support reports.

An answer link carries the referral, the contact and how many answers the referral had when the
link was made. Any answer (by any link or by a logged-in contact) raises that number, so every
earlier link stops working: a link is good for one answer. Links also expire after
REFERRAL_LINK_MAX_AGE_DAYS. Every write here is atomic and queues its mails in the outbox.
"""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ideas import workflow
from ideas.models import IdeaEvent, SupportKind
from ideas.services import idea_transition
from partners.models import PartnerContact
from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue
from portal.roles import Role, user_roles
from triage.models import (
    AnswerKind,
    Referral,
    ReferralAnswer,
    ReferralState,
    SupportProgress,
    SupportReport,
)

ANSWER_LINK_SALT = "triage.referral-answer"
# A referral in these states still waits for the partner's answer.
AWAITING_ANSWER = (ReferralState.SENT, ReferralState.QUESTION)
# A referral in these states still holds the idea at the partner (see the decline rule).
STILL_OPEN = (ReferralState.SENT, ReferralState.QUESTION, ReferralState.ACCEPTED)
NEW_STATE = {
    AnswerKind.ACCEPT: ReferralState.ACCEPTED,
    AnswerKind.DECLINE: ReferralState.DECLINED,
    AnswerKind.QUESTION: ReferralState.QUESTION,
}


class AnswerLinkError(Exception):
    """An answer link that cannot be used; `status` is the HTTP status to show it with."""

    status = 404


class AnswerLinkExpired(AnswerLinkError):
    status = 410


class AnswerLinkUsed(AnswerLinkError):
    status = 410


class AnswerError(Exception):
    """An answer or report that cannot be recorded, with a message for the partner."""


@dataclass(frozen=True)
class AnswerLink:
    referral: Referral
    contact: PartnerContact
    answers: int


def link_max_age() -> timedelta:
    return timedelta(days=settings.REFERRAL_LINK_MAX_AGE_DAYS)


def answer_token(*, referral: Referral, contact: PartnerContact, answers: int | None = None) -> str:
    """Sign a token for one answer by `contact` to `referral`."""
    if answers is None:
        answers = referral.answers.count()
    return signing.dumps({"r": referral.pk, "c": contact.pk, "n": answers},
                         salt=ANSWER_LINK_SALT, compress=True)


def answer_url(*, referral: Referral, contact: PartnerContact, answers: int | None = None) -> str:
    """The full address of a fresh answer link, for a mail."""
    token = answer_token(referral=referral, contact=contact, answers=answers)
    return settings.SITE_URL + reverse("partner_portal:answer", kwargs={"token": token})


def answer_link_resolve(token: str) -> AnswerLink:
    """Check a token and return what it points to, or raise a subclass of AnswerLinkError."""
    try:
        data = signing.loads(token, salt=ANSWER_LINK_SALT,
                             max_age=link_max_age().total_seconds())
    except signing.SignatureExpired as error:
        raise AnswerLinkExpired from error
    except signing.BadSignature as error:
        raise AnswerLinkError from error
    try:
        referral_id, contact_id, answers = int(data["r"]), int(data["c"]), int(data["n"])
    except (KeyError, TypeError, ValueError) as error:
        raise AnswerLinkError from error
    referral = (Referral.objects.select_related("idea", "idea__municipality", "partner")
                .filter(pk=referral_id).first())
    contact = PartnerContact.objects.filter(pk=contact_id).first()
    if referral is None or contact is None or contact.partner_id != referral.partner_id:
        raise AnswerLinkError
    if referral.answers.count() != answers or referral.state not in AWAITING_ANSWER:
        raise AnswerLinkUsed
    return AnswerLink(referral=referral, contact=contact, answers=answers)


def coordinator_recipients() -> list[str]:
    """The coordinator's address (COORDINATOR_EMAIL) and every active coordinator's own email."""
    emails = [settings.COORDINATOR_EMAIL] if settings.COORDINATOR_EMAIL else []
    users = (get_user_model().objects.filter(is_active=True, groups__name=Role.COORDINATOR.value)
             .exclude(email="").order_by("pk").values_list("email", flat=True))
    for email in users:
        if email.lower() not in {known.lower() for known in emails}:
            emails.append(email)
    return emails


def notify_coordinators(*, template: str, context: dict, key: str, about) -> None:
    for email in coordinator_recipients():
        message_enqueue(
            kind=MessageKind.NOTICE, recipient=email, template=template, context=context,
            language=settings.LANGUAGE_CODE, idempotency_key=f"{key}:coordinator:{email}",
            about=about,
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


@transaction.atomic
def referral_answer(
    *,
    referral: Referral,
    kind: str,
    text: str = "",
    contact: PartnerContact | None = None,
    user=None,
    expected_answers: int | None = None,
) -> ReferralAnswer:
    """Record a partner's answer to a referral and do what follows from it.

    Accept: the coordinator and the resident are told. Decline (a reason is required): the
    coordinator is told and, when no other referral of the idea is still open, the idea goes
    back to "in review" with the reason. Question: the coordinator gets it, and the contact
    who asked gets a fresh link to answer with later. `expected_answers` is the count an
    answer link was signed with; if another answer came first, the link is used up.
    """
    text = _validate(kind, text)
    locked = Referral.objects.select_for_update().select_related("idea", "partner").get(
        pk=referral.pk)
    if expected_answers is not None and locked.answers.count() != expected_answers:
        raise AnswerLinkUsed
    if locked.state not in AWAITING_ANSWER:
        raise AnswerError(_("This referral has already been answered."))
    if locked.idea.status in workflow.FINAL_STATES:
        raise AnswerError(_("This idea is no longer open, so the referral cannot be answered."))
    answer = ReferralAnswer(referral=locked, kind=kind, text=text, contact=contact, user=user)
    answer.full_clean()
    answer.save()
    locked.state = NEW_STATE[AnswerKind(kind)]
    if kind != AnswerKind.QUESTION:
        locked.answered_at = answer.created_at
    locked.save(update_fields=["state", "answered_at"])

    idea = locked.idea
    who = _who(contact=contact, user=user)
    context = {"referral": locked, "idea": idea, "answer": answer, "who": who}
    if kind == AnswerKind.ACCEPT:
        _tell_resident_of_acceptance(locked)
    elif kind == AnswerKind.DECLINE:
        _return_to_review_if_last(locked, reason=text, user=user)
    elif contact is not None:
        fresh = answer_url(referral=locked, contact=contact, answers=locked.answers.count())
        message_enqueue(
            kind=MessageKind.REFERRAL, recipient=contact.email, template="referral_question",
            context={"referral": locked, "idea": idea, "contact": contact, "answer": answer,
                     "answer_url": fresh},
            language=contact.language, idempotency_key=f"referral-answer:{answer.pk}:contact",
            about=locked,
        )
    # After the decline's move, so that the mail can say the idea is back in the queue.
    notify_coordinators(template="referral_answered", context=context,
                        key=f"referral-answer:{answer.pk}", about=locked)
    referral.state, referral.answered_at = locked.state, locked.answered_at
    return answer


def _who(*, contact: PartnerContact | None, user) -> str:
    if contact is not None:
        return contact.name
    if user is not None:
        return user.get_full_name() or user.get_username()
    return ""


def _tell_resident_of_acceptance(referral: Referral) -> None:
    idea = referral.idea
    if not idea.submitter_email or idea.anonymised_at is not None:
        return
    # Only public facts: which partner said yes. Nothing the partner wrote goes to the resident.
    message_enqueue(
        kind=MessageKind.STATUS_CHANGE, recipient=idea.submitter_email,
        template="referral_accepted", context={"idea": idea, "referral": referral},
        language=idea.language, idempotency_key=f"referral-accepted:{referral.pk}:resident",
        about=idea,
    )


def _return_to_review_if_last(referral: Referral, *, reason: str, user) -> None:
    idea = referral.idea
    still_open = idea.referrals.filter(state__in=STILL_OPEN).exists()
    if still_open or idea.status != workflow.Status.REFERRED:
        return
    # The portal gives the idea back to the coordinator on the coordinator's behalf: the move
    # is the coordinator's in the workflow, whoever declined.
    idea_transition(idea=idea, to=workflow.Status.IN_REVIEW, actor=user,
                    actor_roles={Role.COORDINATOR.value}, note=reason)
    if user is None:
        label = _("partner: %(partner)s") % {"partner": referral.partner.name}
        IdeaEvent.objects.filter(pk=idea.events.order_by("-pk").values("pk")[:1]).update(
            actor_label=label[:60])


@transaction.atomic
def support_report(
    *, referral: Referral, user, kind: SupportKind, text: str, progress: str
) -> SupportReport:
    """Record the support a partner has given; "under way" and "finished" move the idea.

    Under way: a referred idea goes to "in support". Finished: the referral counts as support
    given and the idea is closed, unless another partner that accepted is still at work.
    """
    text = text.strip()
    if not text:
        raise AnswerError(_("Write in a few words what support you have given."))
    if progress not in SupportProgress.values:
        raise AnswerError(_("Choose whether the support is under way or finished."))
    locked = Referral.objects.select_for_update().select_related("idea", "partner").get(
        pk=referral.pk)
    if locked.state != ReferralState.ACCEPTED:
        raise AnswerError(_("You can report support on a referral you have accepted."))
    report = SupportReport(referral=locked, kind=kind, text=text, progress=progress,
                           reported_by=user)
    report.full_clean()
    report.save()
    idea = locked.idea
    roles = {str(role) for role in user_roles(user)}
    if progress == SupportProgress.UNDER_WAY:
        if idea.status == workflow.Status.REFERRED:
            idea_transition(idea=idea, to=workflow.Status.IN_SUPPORT, actor=user,
                            actor_roles=roles)
    else:
        locked.state = ReferralState.SUPPORT_GIVEN
        locked.save(update_fields=["state"])
        others_at_work = idea.referrals.filter(state=ReferralState.ACCEPTED).exists()
        if not others_at_work and idea.status in (workflow.Status.REFERRED,
                                                  workflow.Status.IN_SUPPORT):
            idea_transition(idea=idea, to=workflow.Status.CLOSED, actor=user,
                            actor_roles=roles)
    notify_coordinators(
        template="support_reported",
        context={"referral": locked, "idea": idea, "report": report},
        key=f"support-report:{report.pk}", about=locked,
    )
    referral.state = locked.state
    return report
