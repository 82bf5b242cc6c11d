"""The tasks Celery finds (it autodiscovers `triage.tasks`): each lives beside its work."""
from celery import shared_task

from triage import reminders
from triage.insights.tasks import send_weekly_digest

__all__ = ["send_weekly_digest", "send_referral_reminders"]


@shared_task(ignore_result=True)
def send_referral_reminders() -> dict:
    """Remind partners of unanswered referrals, escalate old ones and expire those nobody
    answered (Celery beat, hourly)."""
    run = reminders.referrals_remind_and_escalate()
    return {"reminded": run.reminded, "escalated": run.escalated, "expired": run.expired}
