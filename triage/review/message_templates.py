"""Templates for the committee's messages to an idea's owner: the model the coordinator keeps in
the admin, the placeholder check, and the rule that fills one in for an idea
(`message_template_render`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.domain import DomainError

if TYPE_CHECKING:
    from ideas.models import Idea
    from partners.models import Partner

# Anything between braces is meant as a placeholder; only these names are known.
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
IDEA_PLACEHOLDERS = ("title", "municipality")
PARTNER_PLACEHOLDER = "partner"


class TemplateKind(models.TextChoices):
    """Where on the idea's page the message is typed."""

    DECLINE = "decline", _("Reason for declining")
    QUESTION = "question", _("Question to the owner")
    REFERRAL = "referral", _("Message with a referral")


def allowed_placeholders(kind: str) -> tuple[str, ...]:
    """Only a referral message has a partner to name."""
    if kind == TemplateKind.REFERRAL:
        return (*IDEA_PLACEHOLDERS, PARTNER_PLACEHOLDER)
    return IDEA_PLACEHOLDERS


def unknown_placeholders(text: str, kind: str) -> list[str]:
    """The placeholders in `text` that a message of this kind cannot fill, in order, once each."""
    allowed = allowed_placeholders(kind)
    found = [name for name in _PLACEHOLDER.findall(text) if name not in allowed]
    return list(dict.fromkeys(found))


class MessageTemplate(models.Model):
    """A reusable text for a message to an idea's owner, in each language the owner may read."""

    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices)
    title = models.CharField(
        _("title"), max_length=120, help_text=_("What the coordinator chooses it by.")
    )
    text_sv = models.TextField(_("text in Swedish"))
    text_sv_easy = models.TextField(
        _("text in easy-to-read Swedish"),
        blank=True,
        help_text=_("Optional: without it, owners who chose easy-to-read Swedish get the Swedish."),
    )
    text_en = models.TextField(_("text in English"))
    text_ar = models.TextField(_("text in Arabic"))
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("A retired template is no longer offered.")
    )

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        for field in TEXT_FIELDS.values():
            unknown = unknown_placeholders(getattr(self, field), self.kind)
            if unknown:
                errors[field] = ValidationError(
                    _(
                        "Unknown placeholder: %(unknown)s. Use only %(allowed)s, or remove the "
                        "braces."
                    ),
                    params={
                        "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                        "allowed": ", ".join(
                            f"{{{name}}}" for name in allowed_placeholders(self.kind)
                        ),
                    },
                    code="unknown_placeholder",
                )
        if errors:
            raise ValidationError(errors)

    def text_for(self, language: str) -> str:
        """The text in `language`, empty where the template has none."""
        field = TEXT_FIELDS.get(language)
        return getattr(self, field) if field else ""


# The owner's stored language (settings.LANGUAGES) to the template's text in it.
TEXT_FIELDS = {"sv": "text_sv", "sv-easy": "text_sv_easy", "en": "text_en", "ar": "text_ar"}
FALLBACK_LANGUAGE = "sv"


class PartnerNeeded(DomainError):
    """The template names the partner and none was given."""

    default_message = _("Choose the partner this message names.")


@dataclass(frozen=True)
class RenderedMessage:
    """A template filled in for one idea; `language` is the one the text is in, which is not
    the owner's where the template lacks it (`fell_back`)."""

    text: str
    language: str
    fell_back: bool


def template_text_in(template: MessageTemplate, language: str) -> tuple[str, str, bool]:
    """The template's text for an owner who reads `language`: (the language it is in, the text,
    whether it fell back to Swedish because the template has none in that language)."""
    text = template.text_for(language)
    if not text.strip():
        return FALLBACK_LANGUAGE, template.text_sv, True
    return language, text, False


def message_text_fill(text: str, idea: Idea, language: str, partner: Partner | None = None) -> str:
    """`text` (a template's, or the coordinator's edit of one) with the idea's title, its
    municipality's name in `language` and the partner's name in place of the placeholders."""
    values = {
        "title": idea.title,
        # The county as a whole has a name in each language; municipalities are proper names.
        "municipality": _in_language(language, idea.municipality),
        PARTNER_PLACEHOLDER: partner.name if partner is not None else None,
    }
    if values[PARTNER_PLACEHOLDER] is None and PARTNER_PLACEHOLDER in _PLACEHOLDER.findall(text):
        raise PartnerNeeded()

    def fill(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        # A name the check would refuse (a row saved around it) stays as it was written.
        return match.group(0) if value is None else value

    return _PLACEHOLDER.sub(fill, text)


def message_template_fill(
    template: MessageTemplate, idea: Idea, partner: Partner | None = None
) -> RenderedMessage:
    """The template's text in the owner's language (its Swedish where it has none), with the
    idea's title, its municipality's name and the partner's name in place of the placeholders."""
    language, text, fell_back = template_text_in(template, idea.language)
    return RenderedMessage(
        text=message_text_fill(text, idea, language, partner),
        language=language,
        fell_back=fell_back,
    )


def _in_language(language: str, value: object) -> str:
    with translation.override(language):
        return str(value)


def message_template_render(
    template: MessageTemplate, idea: Idea, partner: Partner | None = None
) -> str:
    """The message the owner would read: the template filled in for the idea (see
    `message_template_fill`)."""
    return message_template_fill(template, idea, partner).text


def active_templates(kinds: tuple[str, ...]) -> list[MessageTemplate]:
    """The templates the coordinator may choose from, of these kinds."""
    return list(MessageTemplate.objects.filter(kind__in=kinds, is_active=True))
