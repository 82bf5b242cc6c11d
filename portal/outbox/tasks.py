import random

from celery import shared_task

from portal.outbox import services

# Retries spread over more than a day: 1, 2, 4 ... minutes, capped at 4 hours, with jitter.
MAX_RETRIES = 16
MAX_DELAY_SECONDS = 4 * 60 * 60


def retry_delay(retries: int) -> int:
    """Seconds to wait before retry number `retries` + 1."""
    base = min(60 * 2**retries, MAX_DELAY_SECONDS)
    return int(base * random.uniform(0.8, 1.2))


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def send_message(self, message_id: int) -> None:
    """Send one outbox message; safe to run twice."""
    message = services.message_claim(message_id)
    if message is None:
        return
    try:
        services.message_deliver(message)
    except services.PermanentDeliveryError:
        return
    except services.TemporaryDeliveryError as error:
        if self.request.retries >= self.max_retries or self.request.is_eager:
            if not self.request.is_eager:
                services.message_give_up(message_id, str(error))
            return
        raise self.retry(countdown=retry_delay(self.request.retries)) from error


@shared_task
def sweep_outbox() -> int:
    """Requeue messages that were never handed to a worker or whose worker died."""
    return services.outbox_sweep()
