"""The committee's review of an idea: the criteria, assignments, reviews and scores, members'
organisations and conflicts of interest, internal notes and links between ideas."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from partners.models import Partner


class Criterion(models.Model):
    """One thing the committee judges an idea on; the coordinator manages the list."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=2,
        default=1,
        help_text=_("How much the criterion counts in the mean."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="criterion_weight_positive"
            ),
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
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("member"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
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
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("member"),
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=10, blank=True, choices=Recommendation.choices
    )
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
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
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

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
        verbose_name=_("member"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("partner organisation"),
    )

    class Meta:
        ordering = ["partner__name"]
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "partner"], name="one_membership_per_partner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ∈ {self.partner}"


class ConflictDeclarationQuerySet(models.QuerySet["ConflictDeclaration"]):
    def active(self) -> "ConflictDeclarationQuerySet":
        """Declarations not withdrawn: these leave the member out of what counts reviews."""
        return self.filter(withdrawn_at__isnull=True)


class ConflictDeclaration(models.Model):
    """A member's declaration of a conflict of interest on an idea.

    Withdrawing it keeps the row (who withdrew it and when), so the record shows both; a new
    declaration after a withdrawal is a new row.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("member"),
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = ConflictDeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["declared_at", "pk"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "member"],
                name="one_active_conflict_per_member",
                condition=models.Q(withdrawn_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.member_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Note(models.Model):
    """An internal note of the committee on an idea; a reply points to the note it answers."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="notes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("link between ideas")
        verbose_name_plural = _("links between ideas")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="link_lower_id_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ↔ {self.second_id}"


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held, decisions carried out")


class Meeting(models.Model):
    """A meeting of the committee on a date: an agenda of ideas and a decision for each."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    attendees = models.TextField(
        _("attendees"),
        max_length=2000,
        blank=True,
        help_text=_("Who took part, for the minutes."),
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("triage:meeting_detail", args=[self.public_id])


class DecisionKind(models.TextChoices):
    REFER = "refer", _("Refer to partners")
    ASK = "ask", _("Ask the owner")
    DECLINE = "decline", _("Decline")
    HOLD = "hold", _("Put on hold")


class AgendaItem(models.Model):
    """One idea on a meeting's agenda and the decision the meeting took on it.

    The decision is carried out afterwards through the workflow's services; `carried_out_at`
    says it was, so carrying out again does nothing twice.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("idea")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    decision = models.CharField(
        _("decision"), max_length=10, choices=DecisionKind.choices, blank=True
    )
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="+", verbose_name=_("partners")
    )
    note_to_partners = models.TextField(_("note to the partners"), max_length=5000, blank=True)
    message_to_owner = models.TextField(_("message to the owner"), max_length=5000, blank=True)
    hold_until = models.DateField(_("on hold until"), null=True, blank=True)
    internal_note = models.TextField(_("internal note"), max_length=5000, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_out_at = models.DateTimeField(_("carried out"), null=True, blank=True)
    carry_out_error = models.TextField(_("why it could not be carried out"), blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "idea"], name="one_agenda_item_per_idea"),
            models.CheckConstraint(
                condition=~models.Q(decision="hold") | models.Q(hold_until__isnull=False),
                name="agenda_hold_has_a_date",
            ),
            models.CheckConstraint(
                condition=models.Q(carried_out_at__isnull=True) | ~models.Q(decision=""),
                name="agenda_carried_out_has_a_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.idea_id}"
