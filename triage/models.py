from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from partners.models import Partner
from portal.roles import actor_display
from triage import referral_workflow
from triage.referral_workflow import ReferralState

__all__ = ["ReferralState"]  # kept importable from here; the table is triage.referral_workflow


class Referral(models.Model):
    """The committee's request that a partner support an idea.

    Its state changes only through `triage.services.referral_transition`, which writes a
    `ReferralEvent` for each move.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    note = models.TextField(_("note to the partner"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=ReferralState.choices,
                             default=ReferralState.SENT)
    includes_contact_details = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    # The table's groups, for `partners`, which reaches this model without importing triage.
    OPEN_STATES = referral_workflow.OPEN_STATES
    ANSWERED_STATES = referral_workflow.ANSWERED_STATES
    ACCEPTED_STATES = referral_workflow.ACCEPTED_STATES

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
        return referral_workflow.partner_label(self.state)

    @property
    def owner_label(self) -> str:
        """The state as the idea's owner reads it."""
        return referral_workflow.owner_label(self.state)

    @property
    def awaits_answer(self) -> bool:
        return self.state in referral_workflow.AWAITING_ANSWER

    @property
    def is_overdue(self) -> bool:
        """Unanswered past REFERRAL_ESCALATION_DAYS: the dashboard flags it."""
        return self.state == ReferralState.SENT and self.created_at <= timezone.now() - timedelta(
            days=settings.REFERRAL_ESCALATION_DAYS)


class ReferralEvent(models.Model):
    """One change of a referral's state: who, when, from, to and why. Written once, never
    changed."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=ReferralState.choices,
                                  blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=ReferralState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
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


class Criterion(models.Model):
    """One thing the committee judges an idea on; the coordinator manages the list."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=1,
                                 help_text=_("How much the criterion counts in the mean."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0),
                                   name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.TextChoices):
    REFER = "refer", _("Refer to partners")
    ASK = "ask", _("Ask for more information")
    DECLINE = "decline", _("Decline")


class ReviewAssignment(models.Model):
    """The coordinator's request that a member review an idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="review_assignments", verbose_name=_("member"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        ordering = ["assigned_at", "pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["idea", "member"], name="one_assignment_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} → {self.member_id}"


class Review(models.Model):
    """A member's assessment of an idea: a recommendation and a score per criterion."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reviews")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="reviews", verbose_name=_("member"))
    recommendation = models.CharField(_("recommendation"), max_length=10, blank=True,
                                      choices=Recommendation.choices)
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["idea", "member"], name="one_review_per_member"),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True) | ~models.Q(recommendation=""),
                name="submitted_review_has_recommendation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.member_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    """A member's score of one criterion: 1 to 5, or empty for "cannot judge"."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores",
                                  verbose_name=_("criterion"))
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        ordering = ["criterion__order", "pk"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="score_between_1_and_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class Membership(models.Model):
    """A committee member belongs to a partner organisation (for conflicts of interest)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="organisation_memberships", verbose_name=_("member"))
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="members",
                                verbose_name=_("partner organisation"))

    class Meta:
        ordering = ["partner__name"]
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(fields=["member", "partner"],
                                    name="one_membership_per_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ∈ {self.partner}"


class ConflictDeclarationQuerySet(models.QuerySet):
    def active(self):
        """Declarations not withdrawn: these leave the member out of what counts reviews."""
        return self.filter(withdrawn_at__isnull=True)


class ConflictDeclaration(models.Model):
    """A member's declaration of a conflict of interest on an idea.

    Withdrawing it keeps the row (who withdrew it and when), so the record shows both; a new
    declaration after a withdrawal is a new row.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="conflicts", verbose_name=_("member"))
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("withdrawn by"))

    objects = ConflictDeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["declared_at", "pk"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["idea", "member"],
                                    name="one_active_conflict_per_member",
                                    condition=models.Q(withdrawn_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.member_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Note(models.Model):
    """An internal note of the committee on an idea; a reply points to the note it answers."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="notes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.body[:40]}"


class IdeaLink(models.Model):
    """Two ideas the committee has marked as related; stored once, lower id first."""

    first = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("link between ideas")
        verbose_name_plural = _("links between ideas")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_link_per_pair"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")),
                                   name="link_lower_id_first"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ↔ {self.second_id}"


class AnswerKind(models.TextChoices):
    ACCEPT = "accept", _("Accepts")
    DECLINE = "decline", _("Declines")
    QUESTION = "question", _("Asks a question")


class ReferralAnswer(models.Model):
    """A partner's answer to a referral: it accepts, declines with a reason, or asks a question.

    The text is for the committee only; the resident never sees it.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="answers")
    kind = models.CharField(_("answer"), max_length=10, choices=AnswerKind.choices)
    text = models.TextField(_("text"), max_length=5000, blank=True)
    contact = models.ForeignKey("partners.PartnerContact", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("contact"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
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

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE,
                                 related_name="support_reports")
    kind = models.ForeignKey("ideas.SupportKind", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("kind of support"))
    text = models.TextField(_("what was done"), max_length=2000)
    progress = models.CharField(_("progress"), max_length=10, choices=SupportProgress.choices)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("support report")
        verbose_name_plural = _("support reports")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.get_progress_display()}"
