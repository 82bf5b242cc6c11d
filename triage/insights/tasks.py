from celery import shared_task

from triage.insights import digest


# Named as when it lived in triage.tasks: queued tasks and the beat schedule use the name.
@shared_task(name="triage.tasks.send_weekly_digest")
def send_weekly_digest() -> int:
    """Queue the weekly digest to the committee (Celery beat, Monday mornings)."""
    return len(digest.digest_send_weekly())
