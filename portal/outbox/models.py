from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt to the resident")
    STATUS_CHANGE = "status_change", _("Status change to the resident")
    QUESTION = "question", _("Question to the resident")
    REFERRAL = "referral", _("Referral to a partner")
    REMINDER = "reminder", _("Reminder")
    DIGEST = "digest", _("Digest")
    NOTICE = "notice", _("Notice to staff")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One email, stored in the transaction that caused it and sent by a task after commit."""

    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    recipient = models.EmailField(_("recipient"))
    # Where a reply goes, when not to the portal: the partner who asked, in the coordinator's
    # notice of a partner's question.
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="sv")
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # When a queued message is due: now for a new one, later while it waits for a retry.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["state", "claimed_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}: {self.subject}"
