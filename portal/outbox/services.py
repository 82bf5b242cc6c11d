"""Writing mail to the outbox and sending it. Every email of the portal goes through here."""

import contextlib
import functools
import logging
import random
import re
import smtplib
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from email import policy as email_policy
from email.parser import BytesParser
from email.utils import make_msgid
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin

import css_inline
from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import redaction
from portal.branding import branding
from portal.domain import DomainError
from portal.outbox.models import Message, MessageKind, MessageState
from portal.text import single_line

logger = logging.getLogger(__name__)


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a template whose output is plain text (a subject, a text body): no HTML escaping.

    With the engine's autoescaping a title such as `Bybuss "Norra" & <Ramsberg>` would arrive
    as `&quot;Norra&quot; &amp; &lt;Ramsberg&gt;`. HTML bodies keep autoescaping.
    """
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


class RenderedMail(NamedTuple):
    """A mail's three parts, as the outbox stores them."""

    subject: str
    text: str
    html: str


def mail_render(template: str, context: dict) -> RenderedMail:
    """Render `emails/<template>` (its `_subject.txt`, `.txt` and `.html`) in the current
    language: the subject on one line, the plain text, and the HTML with its CSS inlined.

    Every mail extends emails/includes/_base.html and _base.txt, which add the partnership's
    name and logo at the top and its contact details at the foot; the layout's <style> becomes
    style attributes (css-inline), since many mail clients drop a <style> or the <head>.
    """
    brand = branding()
    context = {
        **context,
        "SITE_URL": settings.SITE_URL,
        "brand": brand,
        "brand_logo_url": urljoin(f"{settings.SITE_URL}/", brand.logo_url) if brand.logo else "",
    }
    subject = single_line(render_plain_text(f"emails/{template}_subject.txt", context))
    text = render_plain_text(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", {**context, "mail_subject": subject})
    return RenderedMail(subject=subject, text=text, html=_inliner().inline(html))


@functools.cache
def _inliner() -> css_inline.CSSInliner:
    # Nothing is fetched: the layout's CSS is all in the page, and a mail never loads a file.
    return css_inline.CSSInliner(load_remote_stylesheets=False, minify_css=True)


def message_enqueue(
    *,
    kind: MessageKind,
    recipient: str,
    template: str,
    context: dict,
    language: str,
    idempotency_key: str,
    about: models.Model | None = None,
    reply_to: str = "",
) -> Message:
    """Render `emails/<template>` in the recipient's language and store it to be sent.

    Everything is rendered under `language`: pass lazy labels (gettext_lazy) or codes in
    `context`, never text already translated in the language of whoever acts.
    Call inside the transaction of the change that causes the mail: the row commits with it,
    and the send is queued only after the commit. The same key never makes a second row.
    """
    existing = Message.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    with translation.override(language):
        subject, body_text, body_html = mail_render(template, context)
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "idelotsen.local"
    message = Message.objects.create(
        kind=kind,
        recipient=recipient,
        reply_to=reply_to,
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


# The task that sends one message (`portal.outbox.tasks.send_message`), found by its name: the
# tasks call these services, so the services do not import the tasks. The outbox app imports
# its tasks when it is ready, so the name is known in every process.
SEND_TASK = "portal.outbox.tasks.send_message"
# A task may arrive a little before the row's due time (clocks of different hosts).
CLAIM_SLACK = timedelta(seconds=30)
# States the committee may send again: failed ones, and sent ones the recipient says they lost.
RESENDABLE_STATES = (MessageState.FAILED, MessageState.SENT)
# Erasure empties the recipient of every row to the erased address; such a row is never sent.
ERASED_RECIPIENT = "Not sent: the recipient erased their personal data."


# What a redacted value is replaced with.
REDACTED = redaction.REDACTED
REDACTED_FIELDS = ("subject", "body_text", "body_html")


@transaction.atomic
def messages_redact(
    *, messages: QuerySet[Message], values: Iterable[str], names: Iterable[str] = ()
) -> int:
    """Replace every form of each of `values` (and of the parts of each of `names`) with
    REDACTED in the messages' subjects and text and HTML bodies: HTML-escaped (`O'Hara` is
    stored as `O&#x27;Hara` in an HTML body), in any case, URL-encoded, a phone number in any
    spacing (see portal/redaction.py).

    A message to (or with a reply address of) one of the values loses that address: if it was
    not sent yet, it never is (it fails with ERASED_RECIPIENT), and it cannot be sent again.
    Returns how many messages changed. Call it with the rows that can hold the values
    (`selectors.messages_about`, `selectors.messages_to`, ...).
    """
    wanted = [value.strip() for value in values if value and value.strip()]
    pattern = redaction.personal_pattern(wanted, names=[name for name in names if name])
    addresses = {value.lower() for value in wanted if "@" in value}
    changed_messages = 0
    for message in messages.select_for_update().order_by("pk"):
        changed: dict[str, object] = {}
        for field in REDACTED_FIELDS:
            original = getattr(message, field)
            text = redaction.redact(original, pattern)
            if text != original:
                changed[field] = text
        if message.reply_to.lower() in addresses:
            changed["reply_to"] = ""
        if message.recipient.lower() in addresses:
            changed["recipient"] = ""
            changed["last_error"] = ERASED_RECIPIENT
            if message.state in (MessageState.QUEUED, MessageState.SENDING):
                changed["state"] = MessageState.FAILED
        if message.last_error and redaction.redact(message.last_error, pattern) != (
            message.last_error
        ):
            changed["last_error"] = ERASED_RECIPIENT
        if changed:
            Message.objects.filter(pk=message.pk).update(**changed)
            changed_messages += 1
    if pattern is not None:
        transaction.on_commit(lambda: mail_folder_redact(pattern))
    return changed_messages


def _mail_file_text(raw: bytes) -> str:
    """A stored mail as text in every form it holds: the bytes as written, and each header and
    each part decoded (RFC 2047 subjects and names, quoted-printable or base64 bodies)."""
    texts = [raw.decode("utf-8", "replace")]
    try:
        parsed = BytesParser(policy=email_policy.default).parsebytes(raw)
        for name, value in parsed.items():
            texts.append(f"{name}: {value}")
        for part in parsed.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    except Exception:  # a file that is no mail is still searched as it stands
        logger.warning("A file in the mail folder could not be read as a mail", exc_info=True)
    return "\n".join(texts)


def mail_folder_redact(pattern: re.Pattern[str]) -> int:
    """Delete each mail in the local mail folder (the file backend's EMAIL_FILE_PATH, the
    embedded default) that holds a match of `pattern` in any encoding; return how many.

    The folder is the portal's own copy of what it sent; the outbox row stays as the record
    (redacted). With SMTP there is no folder and nothing to do.
    """
    if settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
        return 0
    folder = Path(getattr(settings, "EMAIL_FILE_PATH", "") or "")
    if not str(folder) or not folder.is_dir():
        return 0
    deleted = 0
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        if pattern.search(_mail_file_text(path.read_bytes())):
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


class ResendRefused(DomainError):
    """A message that may not be sent again, with the reason for the committee."""


@dataclass(frozen=True)
class Delivery:
    """What one attempt did: `sent`, `retry` (after `retry_in` seconds), `failed` or `skipped`."""

    outcome: str
    retry_in: int | None = None


def queue_send(message_id: int, *, countdown: int | None = None) -> bool:
    """Hand a stored message to Celery; if the broker is down the sweep will do it later.

    Never raises and never waits long (see CELERY_BROKER_TRANSPORT_OPTIONS): it runs in
    web requests, right after their commit.
    """
    try:
        current_app.tasks[SEND_TASK].apply_async((message_id,), countdown=countdown)
    except Exception:  # the row is safe in the database; the sweep requeues it
        logger.warning(
            "Could not queue message %s; the sweep will retry", message_id, exc_info=True
        )
        return False
    return True


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: doubling, capped, with jitter."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return max(1, round(min(base, settings.OUTBOX_RETRY_MAX_SECONDS) * random.uniform(0.8, 1.2)))


def message_claim(message_id: int) -> Message | None:
    """Take a due queued message for sending, with one conditional update.

    Returns None when another worker has it, it is done, or it waits for a later retry.
    """
    claimed = messages_claim(message_id, batch=1)
    return claimed[0] if claimed else None


def messages_claim(message_id: int, *, batch: int) -> list[Message]:
    """Take the due queued message `message_id` and up to `batch - 1` more due queued ones for
    sending, in one statement (UPDATE … RETURNING), and give them back, `message_id` first.

    Each row is taken by one worker only: the update changes only rows still queued, and on
    PostgreSQL the others are chosen FOR UPDATE SKIP LOCKED, so two workers claiming at once
    take different rows instead of waiting for each other (`message_id` itself is waited for,
    as a plain update would). SQLite writes one transaction at a time, so the statement alone
    is enough there. Every row claimed counts an attempt and gets `claimed_at`: the sweep
    sends it again if it stays in sending past the lease (the worker died).
    """
    now = timezone.now()
    ops = connection.ops
    table = ops.quote_name(Message._meta.db_table)
    skip_locked = connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    due = ops.adapt_datetimefield_value(now + CLAIM_SLACK)
    # Only the quoted table name and fixed column names go into the text; values are parameters.
    sql = (
        f"WITH others AS (SELECT id FROM {table} WHERE state = %s AND next_attempt_at <= %s"  # noqa: S608
        f" AND id <> %s ORDER BY next_attempt_at, id LIMIT %s{lock})"
        f" UPDATE {table} SET state = %s, claimed_at = %s, attempts = attempts + 1"
        f" WHERE state = %s AND next_attempt_at <= %s"
        f" AND (id = %s OR id IN (SELECT id FROM others)) RETURNING *"
    )
    params = [
        MessageState.QUEUED,
        due,
        message_id,
        max(batch - 1, 0),
        MessageState.SENDING,
        ops.adapt_datetimefield_value(now),
        MessageState.QUEUED,
        due,
        message_id,
    ]
    claimed = list(Message.objects.raw(sql, params))
    claimed.sort(key=lambda row: (row.pk != message_id, row.next_attempt_at, row.pk))
    return claimed


def is_temporary(error: Exception) -> bool:
    """Tell a failure worth retrying (SMTP 4xx, refused connection, timeout) from a final one."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    # Timeouts, refused connections, dropped sessions, a send that ran out of time.
    return isinstance(error, OSError | SoftTimeLimitExceeded)


# -- The SMTP connection of this worker process ---------------------------------------------
# Opening an SMTP session (connect, EHLO, STARTTLS, AUTH) costs several round trips, more than
# sending one mail over it: a worker keeps one session open and sends every message over it.
# The rules that keep this safe:
# - one session per thread (a worker's pool processes and threads never share one);
# - a session idle for SMTP_IDLE_CHECK_SECONDS is checked with NOOP before it carries a message,
#   and opened again if the server has dropped it;
# - any failure while sending closes the session: the next message opens a new one. The failed
#   message itself is never sent again within its attempt; it goes back to the queue or fails,
#   by the outbox's usual rules (claim, lease, backoff), so it is never sent twice by this;
# - a change of the mail settings (tests) opens a session to the new server;
# - the worker closes the session when its process stops (portal.outbox.tasks).
# Other backends (file, console, memory) get a new connection for each message, as before: the
# file backend writes one file per connection.
SMTP_IDLE_CHECK_SECONDS = 10.0
_SMTP_SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
)


class _HeldConnection(threading.local):
    backend: SmtpBackend | None = None
    settings: tuple = ()
    used_at: float = 0.0


_held = _HeldConnection()


def _is_alive(backend: SmtpBackend) -> bool:
    """Whether the server still answers on the session (one NOOP round trip)."""
    try:
        code, _text = backend.connection.noop()  # type: ignore[union-attr]
    except (smtplib.SMTPException, OSError):
        return False
    return code == 250


def mail_connection() -> BaseEmailBackend:
    """The connection to send one message over: this thread's open SMTP session, opened once
    and reused (see the rules above), or a new connection of any other backend.

    Raises what opening the session raises (refused, timed out, refused login)."""
    backend = get_connection(fail_silently=False)
    if not isinstance(backend, SmtpBackend):
        return backend
    wanted = tuple(getattr(settings, name, None) for name in _SMTP_SETTINGS)
    held = _held
    if held.backend is not None and held.settings != wanted:
        mail_connection_close()
    if (
        held.backend is not None
        and time.monotonic() - held.used_at > SMTP_IDLE_CHECK_SECONDS
        and not _is_alive(held.backend)
    ):
        mail_connection_close()
    if held.backend is None or held.backend.connection is None:
        backend.open()  # before send_messages, which then leaves it open
        held.backend, held.settings = backend, wanted
    held.used_at = time.monotonic()
    return held.backend


def mail_connection_close() -> None:
    """Close this thread's SMTP session, if any; never raises (the server may be gone)."""
    backend, _held.backend = _held.backend, None
    if backend is not None:
        with contextlib.suppress(Exception):
            backend.close()


def message_deliver(message: Message) -> Delivery:
    """Send a claimed message over the configured mail backend and record the outcome.

    Over SMTP the message goes on this worker's open session (`mail_connection`).

    Sent: the row is marked sent. A temporary failure puts it back in the queue, due after an
    exponential backoff, until OUTBOX_MAX_ATTEMPTS; a permanent one marks it failed at once.
    """
    if not message.recipient:  # erased after it was queued: there is nobody to send it to
        Message.objects.filter(pk=message.pk).update(
            state=MessageState.FAILED, last_error=ERASED_RECIPIENT
        )
        return Delivery("failed")
    email = EmailMultiAlternatives(
        subject=single_line(message.subject),
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message.message_id},
        reply_to=[message.reply_to] if message.reply_to else None,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    try:
        email.connection = mail_connection()
        email.send()
    except Exception as error:  # every failure is recorded on the row, none is left "sending"
        # The session may be half way through a command: the next message opens a new one.
        mail_connection_close()
        if not isinstance(error, OSError | SoftTimeLimitExceeded):
            logger.exception("Message %s could not be sent", message.pk)
        reason = _describe(error)
        if is_temporary(error) and message.attempts < settings.OUTBOX_MAX_ATTEMPTS:
            delay = retry_delay(message.attempts)
            Message.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
                state=MessageState.QUEUED,
                last_error=reason,
                next_attempt_at=timezone.now() + timedelta(seconds=delay),
            )
            logger.info(
                "Message %s: temporary failure (%s); retry in %ss", message.pk, reason, delay
            )
            return Delivery("retry", retry_in=delay)
        Message.objects.filter(pk=message.pk).update(state=MessageState.FAILED, last_error=reason)
        logger.warning(
            "Message %s failed after %s attempts: %s", message.pk, message.attempts, reason
        )
        return Delivery("failed")
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENT, sent_at=timezone.now(), last_error=""
    )
    return Delivery("sent")


def message_send(message_id: int) -> Delivery:
    """Claim and send one message; running it twice never sends twice."""
    message = message_claim(message_id)
    if message is None:
        return Delivery("skipped")
    return message_deliver(message)


def batch_seconds() -> float:
    """How long a batch may go on starting sends: a quarter of the lease (the sweep must never
    think a claimed row's worker died) and of the task's soft time limit, at most 10 s."""
    lease = settings.OUTBOX_SENDING_LEASE.total_seconds()
    soft_limit = getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", None) or lease
    return min(10.0, lease / 4, soft_limit / 4)


def messages_send(message_id: int, *, batch: int) -> dict[int, Delivery]:
    """Claim `message_id` and up to `batch - 1` more due messages (`messages_claim`) and send
    them one by one over this worker's SMTP session; the outcome of each, by id (`message_id`
    is missing when it was not claimed: another worker has it, it is done or not due).

    Each message is marked sent as soon as the server has accepted it, so a worker that dies
    in the middle leaves at most the one being sent to go again (after the lease, by the
    sweep); a failed one is retried or failed by its own attempts, as alone. The batch stops
    starting sends after `batch_seconds()`, and whatever it has not tried (that time is up, or
    an error outside a send stopped it) goes back to the queue as it was, with a task queued
    for it: its own task may have run, and skipped it, while it was claimed here.
    """
    claimed = messages_claim(message_id, batch=batch)
    deliveries: dict[int, Delivery] = {}
    deadline = time.monotonic() + batch_seconds()
    try:
        with _marks_without_waiting_for_disk(enabled=len(claimed) > 1):
            for message in claimed:
                if deliveries and time.monotonic() > deadline:
                    break
                deliveries[message.pk] = message_deliver(message)
    finally:
        untried = [message for message in claimed if message.pk not in deliveries]
        if untried:
            messages_release(untried)
    return deliveries


@contextlib.contextmanager
def _marks_without_waiting_for_disk(*, enabled: bool) -> Iterator[None]:
    """On PostgreSQL, while a batch is sent, let each mark (sent, retry, failed) return from its
    commit before the commit's record is on disk (`synchronous_commit = off` for this session,
    set back afterwards); elsewhere, or when not `enabled`, do nothing.

    Waiting for the disk cost 2.5 of the 3.5 ms of a mark in the bench, a third of a mail's
    time. The marks are still written in order and never half. Only if the database server
    itself crashes are the marks of at most its last fraction of a second lost (three times
    wal_writer_delay, 200 ms by default): those rows stay in sending, as after a worker that
    died between the server's acceptance and the mark, and the sweep sends them again after
    the lease. The claim, the release of untried rows and every other write wait for the disk
    as usual, so no mail is ever lost.
    """
    if not enabled or connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except Exception:  # noqa: BLE001 - never reuse a session whose setting is unknown
            connection.close()


def messages_release(messages: list[Message]) -> int:
    """Put claimed messages that were never tried back in the queue, due now and with the
    attempt taken back, and queue a task for each; returns how many went back.

    Only rows still in sending under this claim change: one the sweep has meanwhile queued
    again, or sent through another worker, is left as it is."""
    released = 0
    for message in messages:
        # This claim counted the attempt (attempts >= 1): take it back.
        if Message.objects.filter(
            pk=message.pk, state=MessageState.SENDING, claimed_at=message.claimed_at
        ).update(state=MessageState.QUEUED, claimed_at=None, attempts=models.F("attempts") - 1):
            released += 1
            transaction.on_commit(functools.partial(queue_send, message.pk))
    return released


def message_resend(*, message: Message, again_if_sent: bool = False) -> None:
    """Queue a failed message again, keeping its Message-ID.

    A message already sent reached its recipient once: it goes again only when the caller has
    asked the person first (`again_if_sent`). Raises ResendRefused when it cannot be: it is
    being sent or waits in the queue, or its recipient erased their personal data (the row is
    marked so, and nothing is sent).
    """
    states = RESENDABLE_STATES if again_if_sent else (MessageState.FAILED,)
    resent = (
        Message.objects.filter(pk=message.pk, state__in=states)
        .exclude(recipient="")
        .update(
            state=MessageState.QUEUED,
            attempts=0,
            last_error="",
            claimed_at=None,
            next_attempt_at=timezone.now(),
        )
    )
    if not resent:
        if Message.objects.filter(pk=message.pk, recipient="").update(last_error=ERASED_RECIPIENT):
            raise ResendRefused(
                _(
                    "This message cannot be sent again: its recipient has "
                    "erased their personal data."
                )
            )
        raise ResendRefused(_("Only failed or sent messages can be sent again."))
    transaction.on_commit(lambda: queue_send(message.pk))


def outbox_sweep(*, limit: int = 1000) -> int:
    """Requeue messages stuck in sending past the lease (worker died) or overdue in the queue
    (the broker was down or lost the task). Returns how many were queued again.

    A row can be queued twice this way; the claim makes sure it is sent once.
    """
    now = timezone.now()
    # A message whose every attempt stopped its worker (or ran out of time) is given up.
    Message.objects.filter(
        state=MessageState.SENDING,
        claimed_at__lt=now - settings.OUTBOX_SENDING_LEASE,
        attempts__gte=settings.OUTBOX_MAX_ATTEMPTS,
    ).update(
        state=MessageState.FAILED,
        last_error="Given up: the sending worker stopped on every attempt.",
    )
    stuck = list(
        Message.objects.filter(
            state=MessageState.SENDING, claimed_at__lt=now - settings.OUTBOX_SENDING_LEASE
        )
        .order_by("claimed_at")
        .values_list("pk", flat=True)[:limit]
    )
    if stuck:
        Message.objects.filter(
            pk__in=stuck,
            state=MessageState.SENDING,
            claimed_at__lt=now - settings.OUTBOX_SENDING_LEASE,
        ).update(
            state=MessageState.QUEUED,
            next_attempt_at=now - settings.OUTBOX_SWEEP_AFTER,
            last_error="The sending worker stopped; sent again.",
        )
    overdue = list(
        Message.objects.filter(
            state=MessageState.QUEUED, next_attempt_at__lte=now - settings.OUTBOX_SWEEP_AFTER
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    # Mark them due now, so that the next sweep waits OUTBOX_SWEEP_AFTER again.
    Message.objects.filter(pk__in=overdue, state=MessageState.QUEUED).update(next_attempt_at=now)
    for message_id in overdue:
        queue_send(message_id)
    if overdue:
        logger.info(
            "Outbox sweep queued %s messages again (%s were stuck sending)",
            len(overdue),
            len(stuck),
        )
    return len(overdue)


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{error.smtp_code} {text}"[:2000]
    return f"{type(error).__name__}: {error}"[:2000]
