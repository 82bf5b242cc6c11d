from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ideas.models import Municipality, SupportKind, Theme


class PartnerKind(models.TextChoices):
    ASSOCIATION = "association", _("Association or other idea-driven organisation")
    LOCAL_DEVELOPMENT_GROUP = "local_development_group", _("Local development group")
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    STATE_AGENCY = "state_agency", _("State agency")
    UNIVERSITY = "university", _("University or school")
    BUSINESS = "business", _("Business or social enterprise")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """An organisation of the partnership that can support ideas."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=PartnerKind.choices)
    is_civil_society = models.BooleanField(_("civil society"), default=False)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("public email"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="partners",
                                    verbose_name=_("themes"))
    support_kinds = models.ManyToManyField(SupportKind, blank=True, related_name="partners",
                                           verbose_name=_("kinds of support"))
    municipalities = models.ManyToManyField(Municipality, blank=True, related_name="partners",
                                            verbose_name=_("municipalities covered"))
    covers_whole_county = models.BooleanField(_("covers the whole county"), default=False)
    languages = models.CharField(
        _("languages"), max_length=100, default="sv",
        help_text=_("Language codes separated by commas, e.g. sv,en,ar."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=5, help_text=_("Open referrals it can take at once.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=120, blank=True)
    receives_referrals = models.BooleanField(_("receives referrals"), default=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                default="sv")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="partner_contact", verbose_name=_("login"),
    )

    class Meta:
        ordering = ["partner", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["partner", "email"], name="unique_contact_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"
