"""The referral table: a referral to a partner, its history of states, the partner's answers
and the support it reports. The states and their moves are the table in `workflow.py`."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from partners.models import Partner
from portal.roles import actor_display
from triage.referrals import workflow
from triage.referrals.workflow import ReferralState

__all__ = ["ReferralState"]  # kept importable from here; the table is triage.referrals.workflow


class Referral(models.Model):
    """The committee's request that a partner support an idea.

    Its state changes only through `triage.referrals.services.referral_transition`, which writes a
    `ReferralEvent` for each move.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    note = models.TextField(_("note to the partner"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ReferralState.choices, default=ReferralState.SENT
    )
    # Whether the partner may have the owner's name and contact details now: the owner's latest
    # decision for this partner (`ContactConsent`, written by triage.referrals.consent only).
    includes_contact_details = models.BooleanField(default=False)
    # The referral's name in the owner's tracking-page forms: not guessable, unlike the pk.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    # The table's groups, read from the model wherever referrals are counted.
    OPEN_STATES = workflow.OPEN_STATES
    ANSWERED_STATES = workflow.ANSWERED_STATES
    ACCEPTED_STATES = workflow.ACCEPTED_STATES

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["idea", "partner"], name="one_referral_per_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.idea.reference} → {self.partner}"

    @property
    def partner_label(self) -> str:
        """The state as the partner's contact reads it."""
        return workflow.partner_label(self.state)

    @property
    def owner_label(self) -> str:
        """The state as the idea's owner reads it."""
        return workflow.owner_label(self.state)

    @property
    def awaits_answer(self) -> bool:
        return self.state in workflow.AWAITING_ANSWER

    @property
    def is_overdue(self) -> bool:
        """Unanswered past REFERRAL_ESCALATION_DAYS: the dashboard flags it."""
        return self.state == ReferralState.SENT and self.created_at <= timezone.now() - timedelta(
            days=settings.REFERRAL_ESCALATION_DAYS
        )


class ReferralEvent(models.Model):
    """One change of a referral's state: who, when, from, to and why. Written once, never
    changed."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(
        _("from"), max_length=20, choices=ReferralState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=ReferralState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=60, blank=True)
    reason = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("referral state change")
        verbose_name_plural = _("referral state changes")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_state} → {self.to_state}"

    @property
    def actor_display(self) -> str:
        """Who made the change, as the staff pages say it."""
        return actor_display(self.actor, self.actor_label)


class AnswerKind(models.TextChoices):
    ACCEPT = "accept", _("Accepts")
    DECLINE = "decline", _("Declines")
    QUESTION = "question", _("Asks a question")


class ReferralAnswer(models.Model):
    """A partner's answer to a referral: it accepts, declines with a reason, or asks a question.

    The text is for the committee only; the resident never sees it. A decline may also carry
    `reason_for_owner`, written for the idea's owner: the one text of the answer the owner reads.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="answers")
    kind = models.CharField(_("answer"), max_length=10, choices=AnswerKind.choices)
    text = models.TextField(_("text"), max_length=5000, blank=True)
    reason_for_owner = models.TextField(
        _("what we may tell the idea's owner"), max_length=2000, blank=True
    )
    contact = models.ForeignKey(
        "partners.PartnerContact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("answer from a partner")
        verbose_name_plural = _("answers from partners")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="accept") | ~models.Q(text=""),
                name="referral_answer_decline_or_question_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.kind}"


class SupportProgress(models.TextChoices):
    UNDER_WAY = "under_way", _("Support is under way")
    FINISHED = "finished", _("Support is finished")


class SupportReport(models.Model):
    """What support a partner has given for a referred idea, as the partner reports it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="support_reports")
    kind = models.ForeignKey(
        "ideas.SupportKind",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kind of support"),
    )
    text = models.TextField(_("what was done"), max_length=2000)
    progress = models.CharField(_("progress"), max_length=10, choices=SupportProgress.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("support report")
        verbose_name_plural = _("support reports")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.get_progress_display()}"


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("Agreed to share name and contact details")
    REFUSED = "refused", _("Chose not to share name and contact details")
    WITHDRAWN = "withdrawn", _("Took back the consent to share name and contact details")


class ConsentChannel(models.TextChoices):
    FORM = "form", _("The idea form")
    INTAKE = "intake", _("Outreach intake")
    TRACKING_PAGE = "tracking_page", _("The tracking page")


class ContactConsent(models.Model):
    """One decision of an idea's owner on whether one partner may learn who they are.

    Append-only: a change of mind is a new row, never an edit (triage.referrals.consent writes
    them, the admin only shows them). The latest row of a referral is the decision in force and
    is mirrored in `Referral.includes_contact_details`.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="consents")
    decision = models.CharField(_("decision"), max_length=10, choices=ConsentDecision.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=ConsentChannel.choices)
    text_version = models.CharField(_("consent text version"), max_length=20)
    # When the owner decided: for the form and the intake, when the idea was sent.
    decided_at = models.DateTimeField(_("decided"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("contact consent")
        verbose_name_plural = _("contact consents")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.decision} ({self.channel})"


class RelayDirection(models.TextChoices):
    TO_OWNER = "to_owner", _("From the partner to the idea's owner")
    TO_PARTNER = "to_partner", _("From the idea's owner to the partner")


class RelayedMessage(models.Model):
    """A message between a partner and the idea's owner, passed on by the portal so that
    neither side sees the other's address (triage.referrals.relay)."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="relayed_messages"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=RelayDirection.choices)
    text = models.TextField(_("message"), max_length=5000)
    # The partner's contact who wrote (to the owner) or whom the owner's answer goes to.
    contact = models.ForeignKey(
        "partners.PartnerContact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("relayed message")
        verbose_name_plural = _("relayed messages")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.direction}"
