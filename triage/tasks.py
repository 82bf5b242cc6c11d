"""The tasks Celery finds (it autodiscovers `triage.tasks`); each lives beside its work, under
the name it had here."""

from triage.insights.tasks import send_weekly_digest
from triage.referrals.tasks import send_follow_up_surveys, send_referral_reminders

__all__ = ["send_follow_up_surveys", "send_referral_reminders", "send_weekly_digest"]
