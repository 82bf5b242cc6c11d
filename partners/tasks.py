from celery import shared_task

from partners import reminders


@shared_task(name="partners.tasks.send_entry_reminders", ignore_result=True)
def send_entry_reminders() -> dict:
    """Ask the contacts of entries not confirmed for a while to confirm or update them
    (Celery beat, daily)."""
    run = reminders.entry_reminders_send()
    return {"partners": run.partners, "mails": run.mails}
