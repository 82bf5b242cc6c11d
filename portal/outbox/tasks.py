"""Celery tasks of the outbox: thin wrappers around portal.outbox.services."""

from typing import Any

from celery import Task, shared_task
from celery.signals import worker_process_shutdown, worker_shutdown
from django.conf import settings

from portal.outbox import services


@shared_task(
    name=services.SEND_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def send_message(self: Task, message_id: int) -> str:
    """Send one outbox message, and the due ones claimed with it (OUTBOX_CLAIM_BATCH, over
    the worker's one SMTP session); safe to run twice. A temporary failure schedules the next
    try.

    If the next try cannot be queued (broker down, task lost), the sweep finds the row once it
    is overdue. In-process (no broker) a failed try waits for a resend or the sweep instead of
    retrying inside the web request.
    """
    if self.request.is_eager:  # in a web request: its own message only, no waiting retries
        return services.message_send(message_id).outcome
    deliveries = services.messages_send(message_id, batch=settings.OUTBOX_CLAIM_BATCH)
    for other_id, delivery in deliveries.items():
        if delivery.outcome == "retry":
            services.queue_send(other_id, countdown=delivery.retry_in)
    return deliveries[message_id].outcome if message_id in deliveries else "skipped"


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Requeue messages that were never handed to a worker or whose worker died (Celery beat)."""
    return services.outbox_sweep()


@worker_process_shutdown.connect
@worker_shutdown.connect
def close_mail_connection(**_kwargs: Any) -> None:
    """Say QUIT to the SMTP server when a worker (or one of its pool processes) stops."""
    services.mail_connection_close()
