import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Municipality, SupportKind, Theme
from partners.matching import Weights

LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}$")


def parse_language_codes(value: Any) -> list[str]:
    """Turn "sv, en" or ["sv", "en"] into ["sv", "en"]: lower case, no blanks, no repeats."""
    if value is None:
        return []
    parts = value.split(",") if isinstance(value, str) else list(value)
    codes: list[str] = []
    for part in parts:
        code = str(part).strip().lower()
        if code and code not in codes:
            codes.append(code)
    return codes


def validate_language_codes(value: Any) -> None:
    bad = [code for code in parse_language_codes(value) if not LANGUAGE_CODE_RE.match(code)]
    if bad:
        raise ValidationError(
            _("Not a language code: %(codes)s. Use two or three letters, e.g. sv, en, ar."),
            code="invalid_language",
            params={"codes": ", ".join(bad)},
        )


def default_languages() -> list[str]:
    return ["sv"]


class LanguageListFormField(forms.CharField):
    """A text box for language codes separated by commas, cleaned into a list."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    # A text box whose clean value is a list: unlike CharField's, whose value is text.
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return parse_language_codes(super().to_python(value))

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class LanguageListField(models.JSONField):
    """A list of language codes (ISO 639-1 or -3) stored as JSON, so it works on any database.

    Accepts a comma-separated string too ("sv,en,ar") and stores it as a list.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", default_languages)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is default_languages:
            del kwargs["default"]
        return name, path, args, kwargs

    def to_python(self, value: Any) -> list[str]:
        return parse_language_codes(value)

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(parse_language_codes(value))

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(parse_language_codes(value), model_instance)
        validate_language_codes(value)

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        defaults: dict[str, Any] = {"form_class": LanguageListFormField, "max_length": 100}
        defaults.update(kwargs)
        defaults.pop("encoder", None)
        defaults.pop("decoder", None)
        return models.Field.formfield(self, **defaults)


def check_referral_contacts(*, is_active: bool, receiving_contacts: int) -> None:
    """An active partner needs at least one contact who receives referrals."""
    if is_active and receiving_contacts < 1:
        raise ValidationError(
            _(
                "An active partner needs at least one contact who receives referrals. "
                "Add one, or mark the partner as not active."
            ),
            code="no_referral_contact",
        )


def current_term(today: date | None = None) -> str:
    """The term a date falls in: "2026-1" (spring, January to June) or "2026-2" (autumn)."""
    today = today or timezone.localdate()
    return f"{today.year}-{1 if today.month <= 6 else 2}"


def term_label(term: str) -> str:
    """A term's name: "spring 2026", "autumn 2026" (empty for no term)."""
    year, _sep, half = term.partition("-")
    if not year:
        return ""
    label = _("spring %(year)s") if half == "1" else _("autumn %(year)s")
    return str(label % {"year": year})


def stale_cutoff(now: datetime | None = None) -> datetime:
    """Entries last confirmed before this are stale (PARTNER_STALE_MONTHS ago)."""
    return (now or timezone.now()) - relativedelta(months=settings.PARTNER_STALE_MONTHS)


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
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="partners", verbose_name=_("themes")
    )
    support_kinds = models.ManyToManyField(
        SupportKind, blank=True, related_name="partners", verbose_name=_("kinds of support")
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="partners", verbose_name=_("municipalities covered")
    )
    covers_whole_county = models.BooleanField(_("covers the whole county"), default=False)
    languages = LanguageListField(
        _("languages"),
        blank=True,
        help_text=_("Language codes separated by commas, e.g. sv, en, ar."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=5,
        validators=[MaxValueValidator(500)],
        help_text=_("Open referrals it can take at once."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    listed_publicly = models.BooleanField(
        _("listed publicly"),
        default=False,
        help_text=_(
            "The organisation agrees to be shown in the public directory and the open data "
            "(Open Referral): its name, description, themes, support, area, website and public "
            "email and phone. Contact persons are never shown."
        ),
    )
    # The partner's own stated availability: how many new ideas it can take in one term
    # (`availability_term`, e.g. "2026-2"); it stands in for `capacity` during that term only.
    available_places = models.PositiveSmallIntegerField(
        _("new ideas it can take this term"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(500)],
        help_text=_("Leave empty if you cannot say; the committee then counts its own number."),
    )
    availability_term = models.CharField(_("term of the availability"), max_length=7, blank=True)
    # When the entry was last confirmed as correct, and by which contact (none: the coordinator
    # registered it). A new entry counts as confirmed when it is made.
    confirmed_at = models.DateTimeField(_("last confirmed"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        "PartnerContact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    # The public id (Open Referral data): stable, and not a row number one could count through.
    uuid = models.UUIDField(_("public id"), default=uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.slug])

    def clean(self) -> None:
        self.languages = parse_language_codes(self.languages)

    @property
    def availability_stated(self) -> bool:
        """Whether the partner stated its availability for the current term."""
        return self.available_places is not None and self.availability_term == current_term()

    @property
    def places(self) -> int:
        """The referrals the partner can take, as matching and its pages count them: its own
        stated availability for the current term, else the number the administrator typed
        (`capacity`). `partners.selectors.places_sql` gives matching the same number in SQL."""
        if self.availability_stated:
            return self.available_places or 0
        return self.capacity

    def confirmation_due(self) -> datetime:
        """When the entry becomes stale unless it is confirmed again."""
        return self.confirmed_at + relativedelta(months=settings.PARTNER_STALE_MONTHS)

    def is_stale(self, now: datetime | None = None) -> bool:
        """Not confirmed for PARTNER_STALE_MONTHS: marked, and left out of suggestions."""
        return self.confirmed_at < stale_cutoff(now)


class PartnerContact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=120, blank=True)
    receives_referrals = models.BooleanField(_("receives referrals"), default=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="sv"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_contact",
        verbose_name=_("login"),
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


# The matching factors, in the order they are shown; each is a weight field below.
WEIGHT_FIELDS = (
    "themes",
    "support",
    "geography",
    "civil_society",
    "language",
    "capacity",
    "acceptance",
)


class MatchingWeights(models.Model):
    """How much each matching factor counts, 0 to 10; one row the coordinator edits."""

    SINGLETON_ID = 1

    themes = models.PositiveSmallIntegerField(
        _("shared themes"), default=5, validators=[MaxValueValidator(10)]
    )
    support = models.PositiveSmallIntegerField(
        _("kinds of support the idea needs"), default=4, validators=[MaxValueValidator(10)]
    )
    geography = models.PositiveSmallIntegerField(
        _("covers the idea's municipality"), default=4, validators=[MaxValueValidator(10)]
    )
    civil_society = models.PositiveSmallIntegerField(
        _("civil-society partner for a civil-society idea"),
        default=2,
        validators=[MaxValueValidator(10)],
    )
    language = models.PositiveSmallIntegerField(
        _("speaks the idea's language"), default=2, validators=[MaxValueValidator(10)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("spare capacity"), default=2, validators=[MaxValueValidator(10)]
    )
    acceptance = models.PositiveSmallIntegerField(
        _("accepted similar ideas before"), default=1, validators=[MaxValueValidator(10)]
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="matching_weights_single_row"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__lte": 10}),
                    name=f"matching_weight_{name}_at_most_10",
                )
                for name in WEIGHT_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return str(_("Matching weights"))

    def clean(self) -> None:
        if not any(getattr(self, name) for name in WEIGHT_FIELDS):
            raise ValidationError(
                _("At least one factor must count: give one a weight above 0."),
                code="all_zero",
            )

    def as_weights(self) -> Weights:
        return Weights(**{name: getattr(self, name) for name in WEIGHT_FIELDS})

    @classmethod
    def load(cls) -> "MatchingWeights":
        """The stored weights, created with the defaults the first time."""
        weights, _created = cls.objects.get_or_create(id=cls.SINGLETON_ID)
        return weights


class InvitationState(models.TextChoices):
    PENDING = "pending", _("invited")
    ACCEPTED = "accepted", _("accepted")
    REVOKED = "revoked", _("revoked")
    REPLACED = "replaced", _("replaced by a new invitation")


class PartnerInvitation(models.Model):
    """A mail's signed link for a contact person to set up a login: a week, one use.

    The link carries the row's id and a random key; only the key's hash is stored, so the
    database alone opens no account. See partners/invitations.py for the rules.
    """

    contact = models.ForeignKey(
        PartnerContact,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("contact"),
    )
    # The address it was sent to: a contact whose address changes is no longer the one invited.
    email = models.EmailField(_("email"))
    key_hash = models.CharField(max_length=64, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )
    expires_at = models.DateTimeField(_("expires"))
    closed_at = models.DateTimeField(_("accepted or revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=models.Q(state="pending"),
                name="one_pending_invitation_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_state_display()})"


class ChangeSource(models.TextChoices):
    PARTNER = "partner", _("the partner")
    COORDINATOR = "coordinator", _("the coordinator")
    ADMIN = "admin", _("the administrator")
    IMPORT = "import", _("an import")


class PartnerEntryChange(models.Model):
    """One field of a partner's entry changed: who, when, how, from what to what."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="entry_changes")
    field = models.CharField(_("field"), max_length=40)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    source = models.CharField(_("made by"), max_length=20, choices=ChangeSource.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    # The name as it was (a login may be removed; an import has none).
    actor_name = models.CharField(_("who"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change of a partner's entry")
        verbose_name_plural = _("changes of partners' entries")

    def __str__(self) -> str:
        return f"{self.partner}: {self.field}"

    @property
    def field_label(self) -> str:
        """The changed field's name as the interface shows it."""
        if self.field == "contacts":
            return str(_("contact persons"))
        try:
            model_field = Partner._meta.get_field(self.field)
        except FieldDoesNotExist:
            return self.field
        return str(getattr(model_field, "verbose_name", self.field))
