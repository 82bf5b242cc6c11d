"""Writing mail to the outbox and sending it. Every email of the portal goes through here."""
import logging
import smtplib
import uuid
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.outbox.models import Message, MessageKind, MessageState

logger = logging.getLogger(__name__)


class TemporaryDeliveryError(Exception):
    """The mail server could not take the message now; try again later."""


class PermanentDeliveryError(Exception):
    """The mail server refused the message for good."""


def single_line(value: str) -> str:
    """Fold a value to one line so that it can never split a mail header."""
    return " ".join(str(value).split())


def message_enqueue(
    *,
    kind: MessageKind,
    recipient: str,
    template: str,
    context: dict,
    language: str,
    idempotency_key: str,
    about: models.Model | None = None,
) -> Message:
    """Render `emails/<template>` in the recipient's language and store it to be sent.

    Call inside the transaction of the change that causes the mail: the row commits with it,
    and the send is queued only after the commit. The same key never makes a second row.
    """
    existing = Message.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    with translation.override(language):
        context = {**context, "SITE_URL": settings.SITE_URL}
        subject = single_line(render_to_string(f"emails/{template}_subject.txt", context))
        body_text = render_to_string(f"emails/{template}.txt", context)
        body_html = render_to_string(f"emails/{template}.html", context)
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "idelotsen.local"
    message = Message.objects.create(
        kind=kind,
        recipient=recipient,
        subject=subject[:250],
        body_text=body_text,
        body_html=body_html,
        language=language,
        message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain),
        idempotency_key=idempotency_key,
        about=about,
    )
    transaction.on_commit(lambda: queue_send(message.pk))
    return message


def queue_send(message_id: int) -> None:
    """Hand a stored message to Celery; if the broker is down the sweep will do it later."""
    from portal.outbox.tasks import send_message

    try:
        send_message.delay(message_id)
    except Exception:  # the row is safe in the database; the sweep requeues it
        logger.warning("Could not queue message %s; the sweep will retry", message_id,
                       exc_info=True)


def message_claim(message_id: int) -> Message | None:
    """Take a queued message for sending; return None if another worker has it or it is done."""
    now = timezone.now()
    lease_expired = models.Q(state=MessageState.SENDING,
                             claimed_at__lt=now - settings.OUTBOX_SENDING_LEASE)
    claimed = (
        Message.objects.filter(pk=message_id)
        .filter(models.Q(state=MessageState.QUEUED) | lease_expired)
        .update(state=MessageState.SENDING, claimed_at=now, attempts=models.F("attempts") + 1)
    )
    if not claimed:
        return None
    return Message.objects.get(pk=message_id)


def message_deliver(message: Message) -> None:
    """Send a claimed message over the configured mail backend and mark it sent.

    Raises `TemporaryDeliveryError` (the row goes back to queued) or
    `PermanentDeliveryError` (the row is marked failed).
    """
    email = EmailMultiAlternatives(
        subject=single_line(message.subject),
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message.message_id},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    try:
        email.send()
    except smtplib.SMTPResponseException as error:
        reason = f"{error.smtp_code} {error.smtp_error!r}"
        if 400 <= error.smtp_code < 500:
            _release(message, reason)
            raise TemporaryDeliveryError(reason) from error
        _fail(message, reason)
        raise PermanentDeliveryError(reason) from error
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _msg in error.recipients.values()]
        reason = repr(error.recipients)
        if codes and all(400 <= code < 500 for code in codes):
            _release(message, reason)
            raise TemporaryDeliveryError(reason) from error
        _fail(message, reason)
        raise PermanentDeliveryError(reason) from error
    except (TimeoutError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as error:
        _release(message, repr(error))
        raise TemporaryDeliveryError(repr(error)) from error
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENT, sent_at=timezone.now(), last_error=""
    )


def message_give_up(message_id: int, reason: str) -> None:
    """Mark a message failed after its last retry."""
    Message.objects.filter(pk=message_id).exclude(state=MessageState.SENT).update(
        state=MessageState.FAILED, last_error=reason
    )


def message_resend(*, message: Message) -> None:
    """Queue a failed or sent message again, keeping its Message-ID."""
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.QUEUED, last_error="", claimed_at=None
    )
    transaction.on_commit(lambda: queue_send(message.pk))


def outbox_sweep(*, older_than_seconds: int = 60) -> int:
    """Requeue messages left queued (the broker was down) or stuck sending past their lease."""
    now = timezone.now()
    stale = Message.objects.filter(
        models.Q(state=MessageState.QUEUED,
                 created_at__lt=now - timezone.timedelta(seconds=older_than_seconds))
        | models.Q(state=MessageState.SENDING,
                   claimed_at__lt=now - settings.OUTBOX_SENDING_LEASE)
    ).values_list("pk", flat=True)
    ids = list(stale[:1000])
    for message_id in ids:
        queue_send(message_id)
    return len(ids)


def _release(message: Message, reason: str) -> None:
    Message.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=MessageState.QUEUED, last_error=reason[:2000]
    )


def _fail(message: Message, reason: str) -> None:
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.FAILED, last_error=reason[:2000]
    )
