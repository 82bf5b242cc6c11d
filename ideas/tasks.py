from celery import shared_task

from ideas import held_files, retention, services


@shared_task
def apply_retention() -> int:
    """Anonymise the personal data of finished ideas past the retention time (Celery beat)."""
    return retention.retention_apply()


@shared_task
def purge_drafts() -> int:
    """Delete drafts left untouched for their lifetime (IdeaDraft.LIFETIME; Celery beat)."""
    return services.drafts_purge()


@shared_task
def purge_held_files() -> int:
    """Delete the files kept for forms nobody sent (ideas/held_files.py; Celery beat)."""
    return held_files.held_files_purge()
