from celery import shared_task

from triage import digest, reminders


@shared_task
def send_weekly_digest() -> int:
    """Queue the weekly digest to the committee (Celery beat, Monday mornings)."""
    return len(digest.digest_send_weekly())


@shared_task(ignore_result=True)
def send_referral_reminders() -> dict:
    """Remind partners of unanswered referrals, escalate old ones and expire those nobody
    answered (Celery beat, hourly)."""
    run = reminders.referrals_remind_and_escalate()
    return {"reminded": run.reminded, "escalated": run.escalated, "expired": run.expired}
