"""The partnership's identity: name, logo, colour and contact details, as the operator set them.

Everything comes from settings (PARTNERSHIP_* in portal/settings.py), so another partnership
runs the portal with its own face without touching code. The colours the stylesheet uses are
derived here from the one primary colour, and `contrast_ratio` is WCAG 2.1's formula, so a
test and the system check can prove that text on them stays readable.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register
from django.templatetags.static import static

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
WHITE = "#ffffff"
# Used when PARTNERSHIP_PRIMARY_COLOUR is not a colour (the system check says so).
DEFAULT_PRIMARY = "#1b4f8a"
# WCAG 2.1 AA for normal text (1.4.3).
MIN_TEXT_CONTRAST = 4.5


def channels(colour: str) -> tuple[int, int, int]:
    """The red, green and blue of a colour written #rrggbb."""
    if not HEX_COLOUR.fullmatch(colour):
        raise ValueError(f"{colour!r} is not a colour written #rrggbb")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour."""

    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(value) for value in channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """`colour` with `share` (0 to 1) of `other` mixed in."""
    mixed = (
        round(a + (b - a) * share) for a, b in zip(channels(colour), channels(other), strict=True)
    )
    return "#" + "".join(f"{value:02x}" for value in mixed)


@dataclass(frozen=True)
class Branding:
    name: str
    host: str
    logo: str
    primary: str
    phone: str
    email: str
    address: tuple[str, ...]

    @property
    def logo_url(self) -> str:
        """The logo's address: an absolute URL as given, else a file under static/."""
        parts = urlsplit(self.logo)
        if parts.scheme or self.logo.startswith("/"):
            return self.logo
        return static(self.logo)

    @property
    def phone_link(self) -> str:
        """The phone number as a tel: address, digits only (the area code's 0 kept)."""
        return "tel:" + re.sub(r"[^\d+]", "", self.phone)

    @property
    def primary_dark(self) -> str:
        """Hover and pressed buttons, and the footer's background."""
        return mix(self.primary, "#000000", 0.3)

    @property
    def primary_tint(self) -> str:
        """A light background of the primary colour, behind a secondary button on hover."""
        return mix(self.primary, WHITE, 0.9)

    def css(self) -> str:
        """The stylesheet's custom properties for this partnership (served as brand.css)."""
        return (
            ":root{"
            f"--idl-primary:{self.primary};"
            f"--idl-primary-dark:{self.primary_dark};"
            f"--idl-primary-tint:{self.primary_tint};"
            f"--bs-link-color:{self.primary};"
            f"--bs-link-color-rgb:{','.join(str(value) for value in channels(self.primary))};"
            f"--bs-link-hover-color:{self.primary_dark};"
            "}\n"
        )


def branding() -> Branding:
    """The partnership's identity from settings (read on each call: tests change settings)."""
    primary = settings.PARTNERSHIP_PRIMARY_COLOUR
    return Branding(
        name=settings.PARTNERSHIP_NAME,
        host=settings.PARTNERSHIP_HOST,
        logo=settings.PARTNERSHIP_LOGO,
        primary=primary.lower() if HEX_COLOUR.fullmatch(primary) else DEFAULT_PRIMARY,
        phone=settings.PARTNERSHIP_PHONE,
        email=settings.PARTNERSHIP_EMAIL,
        address=tuple(line.strip() for line in settings.PARTNERSHIP_ADDRESS if line.strip()),
    )


@register()
def check_primary_colour(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """Warn at start-up when white text on the primary colour would be hard to read."""
    colour = settings.PARTNERSHIP_PRIMARY_COLOUR
    if not HEX_COLOUR.fullmatch(colour):
        return [
            Warning(
                f"PARTNERSHIP_PRIMARY_COLOUR={colour!r} is not a colour written #rrggbb.",
                hint="Set it to six hexadecimal digits after #, e.g. #1b4f8a.",
                id="portal.W001",
            )
        ]
    ratio = contrast_ratio(colour, WHITE)
    if ratio < MIN_TEXT_CONTRAST:
        return [
            Warning(
                f"White text on PARTNERSHIP_PRIMARY_COLOUR={colour} has a contrast of "
                f"{ratio:.2f}:1; WCAG AA asks for {MIN_TEXT_CONTRAST}:1.",
                hint="Choose a darker colour: buttons and links use it on white.",
                id="portal.W002",
            )
        ]
    return []
