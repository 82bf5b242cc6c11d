"""The triage app's models, where Django looks for them; each lives in its sub-package (Django
gives them the app label `triage` all the same)."""

from triage.referrals.follow_up import FollowUpSurvey
from triage.referrals.models import (
    AnswerKind,
    ContactConsent,
    Referral,
    ReferralAnswer,
    ReferralEvent,
    ReferralState,
    RelayedMessage,
    SupportProgress,
    SupportReport,
)
from triage.review.merges import IdeaMerge
from triage.review.message_templates import MessageTemplate
from triage.review.models import (
    AgendaItem,
    ConflictDeclaration,
    ConflictDeclarationQuerySet,
    Criterion,
    DecisionKind,
    IdeaLink,
    Meeting,
    MeetingState,
    Membership,
    Note,
    Recommendation,
    Review,
    ReviewAssignment,
    Score,
)

__all__ = [
    "AgendaItem",
    "AnswerKind",
    "ConflictDeclaration",
    "ContactConsent",
    "ConflictDeclarationQuerySet",
    "Criterion",
    "DecisionKind",
    "FollowUpSurvey",
    "IdeaLink",
    "IdeaMerge",
    "Meeting",
    "MeetingState",
    "Membership",
    "MessageTemplate",
    "Note",
    "Recommendation",
    "Referral",
    "ReferralAnswer",
    "ReferralEvent",
    "ReferralState",
    "RelayedMessage",
    "Review",
    "ReviewAssignment",
    "Score",
    "SupportProgress",
    "SupportReport",
]
