from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea
from partners.models import Partner


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent, waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    QUESTION = "question", _("The partner has a question")
    SUPPORT_GIVEN = "support_given", _("Support given")


class Referral(models.Model):
    """The committee's request that a partner support an idea."""

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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["idea", "partner"], name="one_referral_per_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.idea.reference} → {self.partner}"
