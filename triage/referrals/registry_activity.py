"""What a partner's referrals add to the partner registry and to matching.

The referrals and the groups of their states live here, in triage; `partners` keeps the
registry and the pure matching and never imports triage. So its pages get the numbers from
`RegistryActivity`, which `TriageConfig.ready` sets as `partners.hooks.referral_activity`, and
matching gets each partner's load and past answers as plain data passed in to
`partners.selectors.partner_profiles`.
"""
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from ideas.models import Idea
from partners.hooks import OpenReferral, PartnerStats, ReferralActivity
from partners.matching import IdeaProfile, Match, PartnerProfile, rank_partners
from partners.models import Partner
from partners.selectors import idea_profile, matching_weights, partner_profiles
from triage.referrals.models import Referral

OPEN = Q(state__in=Referral.OPEN_STATES)
ANSWERED = Q(state__in=Referral.ANSWERED_STATES)
ACCEPTED = Q(state__in=Referral.ACCEPTED_STATES)

# What the committee's pages show: a ranked match, marked if the idea is already referred to it.
Suggestion = Match


class RegistryActivity(ReferralActivity):
    """A partner's load, answers and open referrals, for its registry pages."""

    def with_open_referrals(self, partners: QuerySet[Partner]) -> QuerySet[Partner]:
        open_states = Q(referrals__state__in=Referral.OPEN_STATES)
        return partners.annotate(open_referrals=Count("referrals", filter=open_states))

    def stats(self, partner: Partner) -> PartnerStats:
        """Count a partner's open, answered and accepted referrals in one query."""
        counts = Referral.objects.filter(partner=partner).aggregate(
            open=Count("pk", filter=OPEN),
            answered=Count("pk", filter=ANSWERED),
            accepted=Count("pk", filter=ACCEPTED),
        )
        return PartnerStats(open_referrals=counts["open"], capacity=partner.capacity,
                            accepted=counts["accepted"], answered=counts["answered"])

    def open_referrals(self, partner: Partner) -> list[OpenReferral]:
        """The partner's referrals still open, oldest first, each linked to its idea's page."""
        referrals = (
            Referral.objects.filter(partner=partner, state__in=Referral.OPEN_STATES)
            .select_related("idea", "idea__municipality")
            .order_by("created_at", "pk")
        )
        return [
            OpenReferral(reference=referral.idea.reference, title=referral.idea.title,
                         municipality=str(referral.idea.municipality),
                         state=referral.get_state_display(), sent_at=referral.created_at,
                         url=reverse("triage:idea_detail", args=[referral.idea.reference]))
            for referral in referrals
        ]


def open_referrals_and_referred(idea_id: int | None) -> tuple[dict[int, int], set[int]]:
    """The referrals each partner still holds, and the partners the idea (idea_id) is
    already referred to, in one query grouped by partner."""
    here = Q(idea_id=idea_id)
    rows = (Referral.objects.filter(OPEN | here).values_list("partner_id")
            .annotate(open=Count("pk", filter=OPEN), here=Count("pk", filter=here)))
    open_counts: dict[int, int] = {}
    referred: set[int] = set()
    for partner_id, open_count, referred_here in rows:
        open_counts[partner_id] = open_count
        if referred_here:
            referred.add(partner_id)
    return open_counts, referred


def similar_answers(profile: IdeaProfile, *, idea_id: int | None = None
                    ) -> dict[int, tuple[int, int]]:
    """How each partner answered earlier ideas sharing a theme with this one, (accepted,
    answered), in one query grouped by partner. Its answers about the idea itself (idea_id) do
    not count."""
    if not profile.themes:
        return {}
    sharing = Idea.themes.through.objects.filter(theme__in=sorted(profile.themes))
    referrals = Referral.objects.filter(ANSWERED, idea__in=sharing.values("idea_id"))
    if idea_id is not None:
        referrals = referrals.exclude(idea_id=idea_id)
    rows = referrals.values_list("partner_id").annotate(
        accepted=Count("pk", filter=ACCEPTED), answered=Count("pk"))
    return {partner_id: (accepted, answered) for partner_id, accepted, answered in rows}


def partner_profiles_and_referred(profile: IdeaProfile, *, idea_id: int | None = None
                                  ) -> tuple[list[PartnerProfile], set[int]]:
    """Every active partner as matching sees it, its referrals counted, in four queries
    whatever their number; and the partners the idea (idea_id) is already referred to."""
    open_counts, referred = open_referrals_and_referred(idea_id)
    profiles = partner_profiles(profile, open_referrals=open_counts,
                                similar_answers=similar_answers(profile, idea_id=idea_id))
    return profiles, referred


def suggestions_for_idea(idea: Idea) -> list[Suggestion]:
    """Every active partner ranked for the idea, with reasons, each marked if the idea is
    already referred to it; a fixed number of queries."""
    profile = idea_profile(idea)
    profiles, referred = partner_profiles_and_referred(profile, idea_id=idea.pk)
    ranked = rank_partners(profile, profiles, matching_weights())
    for match in ranked:
        if match.partner.id in referred:
            match.already_referred = True
    return ranked
