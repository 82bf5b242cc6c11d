"""The private tracking link: a token derived from a random salt, of which only a hash is kept.

Why derived: the database holds only the token's hash (a leaked database opens no tracking
page), yet every later mail (a status change, a question, an accepted referral) must carry the
same link as the receipt. So the token is an HMAC of the idea's random salt with SECRET_KEY:
the portal can compute it again when it writes a mail, while the database alone cannot.

- Lookup stays by the stored SHA-256 hash of the token (`Idea.tracking_token_hash`).
- Rotating SECRET_KEY keeps every link working: put the old key in SECRET_KEY_FALLBACKS; the
  token is derived with whichever key matches the stored hash.
- Ideas stored before tokens were derived (their random token was never kept) were given a salt
  and a derived token by migration 0007; their old hash moved to `legacy_tracking_token_hash`,
  so the link in their receipt keeps working, and later mails carry the new link.
"""

import base64
import hashlib
import hmac

from django.conf import settings

TRACKING_SALT_PURPOSE = b"ideas.tracking-link"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def derive_tracking_token(salt: str, key: str | None = None) -> str:
    """The tracking token of an idea with this salt, under `key` (default SECRET_KEY)."""
    key = settings.SECRET_KEY if key is None else key
    digest = hmac.new(
        hashlib.sha256(TRACKING_SALT_PURPOSE + key.encode()).digest(), salt.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")  # 192 bits


def tracking_token_for(*, salt: str, token_hash: str) -> str:
    """Derive the token whose hash is stored, trying SECRET_KEY then its fallbacks; "" if none."""
    if not salt:
        return ""
    for key in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        token = derive_tracking_token(salt, key)
        if hmac.compare_digest(hash_token(token), token_hash):
            return token
    return ""
