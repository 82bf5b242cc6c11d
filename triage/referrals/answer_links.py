"""Signed single-use answer links for partners.

An answer link carries the referral, the contact and how many answers the referral had when the
link was made. Any answer (by any link or by a logged-in contact) raises that number, so every
earlier link stops working: a link is good for one answer. Links also expire after
REFERRAL_LINK_MAX_AGE_DAYS, and work only while the referral waits for an answer.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import PartnerContact
from portal.domain import DomainError
from triage.referrals.models import Referral
from triage.referrals.workflow import AWAITING_ANSWER

ANSWER_LINK_SALT = "triage.referral-answer"


class AnswerLinkError(DomainError):
    """An answer link that cannot be used; `status` is the HTTP status to show it with."""

    status = 404
    default_message = _(
        "We cannot find a referral for this link. Check that you copied the "
        "whole address from the email."
    )


class AnswerLinkExpired(AnswerLinkError):
    status = 410
    default_message = _("This answer link has expired. Links work for a limited time.")


class AnswerLinkUsed(AnswerLinkError):
    status = 410
    default_message = _(
        "This answer link has already been used, or the referral has been "
        "answered. A link works for one answer."
    )


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
    return signing.dumps(
        {"r": referral.pk, "c": contact.pk, "n": answers}, salt=ANSWER_LINK_SALT, compress=True
    )


def answer_url(*, referral: Referral, contact: PartnerContact, answers: int | None = None) -> str:
    """The full address of a fresh answer link, for a mail."""
    token = answer_token(referral=referral, contact=contact, answers=answers)
    return settings.SITE_URL + reverse("partner_portal:answer", kwargs={"token": token})


def answer_link_resolve(token: str) -> AnswerLink:
    """Check a token and return what it points to, or raise a subclass of AnswerLinkError."""
    try:
        data = signing.loads(token, salt=ANSWER_LINK_SALT, max_age=link_max_age())
    except signing.SignatureExpired as error:
        raise AnswerLinkExpired from error
    except signing.BadSignature as error:
        raise AnswerLinkError from error
    try:
        referral_id, contact_id, answers = int(data["r"]), int(data["c"]), int(data["n"])
    except (KeyError, TypeError, ValueError) as error:
        raise AnswerLinkError from error
    referral = (
        Referral.objects.select_related("idea", "idea__municipality", "partner")
        .filter(pk=referral_id)
        .first()
    )
    contact = PartnerContact.objects.filter(pk=contact_id).first()
    if referral is None or contact is None or contact.partner_id != referral.partner_id:
        raise AnswerLinkError
    if referral.answers.count() != answers or referral.state not in AWAITING_ANSWER:
        raise AnswerLinkUsed
    return AnswerLink(referral=referral, contact=contact, answers=answers)
