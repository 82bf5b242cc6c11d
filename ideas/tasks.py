from celery import shared_task

from ideas import retention


@shared_task
def apply_retention() -> int:
    """Anonymise the personal data of finished ideas past the retention time (Celery beat)."""
    return retention.retention_apply()
