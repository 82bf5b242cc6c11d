"""Writes of the committee: referring ideas to partners."""
from django.db import transaction

from ideas import workflow
from ideas.models import Idea
from ideas.services import idea_transition
from partners.models import Partner
from partners.selectors import referral_recipients
from portal.outbox.models import MessageKind
from portal.outbox.services import message_enqueue
from triage.models import Referral


class ReferralError(Exception):
    """A referral that cannot be made, with a message for the coordinator."""


@transaction.atomic
def idea_refer(
    *, idea: Idea, partners: list[Partner], note: str, actor, actor_roles: set[str]
) -> list[Referral]:
    """Refer an idea to partners: the referrals, the status change and the mails in one go."""
    if not partners:
        raise ReferralError("Choose at least one partner.")
    already = set(idea.referrals.filter(partner__in=partners).values_list("partner__name",
                                                                           flat=True))
    if already:
        raise ReferralError("Already referred to: " + ", ".join(sorted(already)))
    idea = idea_transition(idea=idea, to=workflow.Status.REFERRED, actor=actor,
                           actor_roles=actor_roles, note=note)
    referrals = []
    for partner in partners:
        referral = Referral.objects.create(
            idea=idea, partner=partner, note=note, created_by=actor,
            includes_contact_details=idea.share_contact_with_partners,
        )
        for contact in referral_recipients(partner):
            message_enqueue(
                kind=MessageKind.REFERRAL,
                recipient=contact.email,
                template="referral",
                context={"referral": referral, "idea": idea, "contact": contact},
                language=contact.language,
                idempotency_key=f"referral:{referral.pk}:contact:{contact.pk}",
                about=referral,
            )
        referrals.append(referral)
    return referrals
