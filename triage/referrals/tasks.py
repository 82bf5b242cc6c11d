from celery import shared_task

from triage.referrals import follow_up, reminders


# Named as when it lived in triage.tasks: queued tasks and the beat schedule use the name.
@shared_task(name="triage.tasks.send_referral_reminders", ignore_result=True)
def send_referral_reminders() -> dict:
    """Remind partners of unanswered referrals, escalate old ones and expire those nobody
    answered (Celery beat, hourly)."""
    run = reminders.referrals_remind_and_escalate()
    return {"reminded": run.reminded, "escalated": run.escalated, "expired": run.expired}


@shared_task(name="triage.tasks.send_follow_up_surveys", ignore_result=True)
def send_follow_up_surveys() -> int:
    """Ask owners how the support went, FOLLOW_UP_SURVEY_MONTHS after a partner reported it;
    once per referral (Celery beat, daily)."""
    return follow_up.follow_ups_send().sent
