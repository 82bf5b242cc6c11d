"""Whether the portal is run by a public body, so that what residents send may become public
documents (allmänna handlingar) under the principle of public access (offentlighetsprincipen).

The idea form and the privacy notice read it (through the context processor) and then say so,
with what the host keeps secret after its secrecy review under offentlighets- och
sekretesslagen. Set by PORTAL_HOSTED_BY_PUBLIC_BODY, PORTAL_HOST_NAME and
PORTAL_HOST_SECRECY_TEXT.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PublicAccess:
    hosted_by_public_body: bool
    host_name: str
    # The host's own words (in Swedish) beside the portal's; "" when it has none.
    host_secrecy_text: str


def public_access() -> PublicAccess:
    """The host as the settings describe it now (never read at import time)."""
    return PublicAccess(
        hosted_by_public_body=bool(getattr(settings, "PORTAL_HOSTED_BY_PUBLIC_BODY", False)),
        host_name=getattr(settings, "PORTAL_HOST_NAME", ""),
        host_secrecy_text=getattr(settings, "PORTAL_HOST_SECRECY_TEXT", ""),
    )
